"""SPEC §2: ``events/`` holds one sample event per function, valid for ``sam local invoke`` and ``ledgerline invoke``.

Every sample runs through its own function on moto, with the placeholders (business, token, ids of
objects it needs) replaced by real ones, and must succeed.
"""

import json
import re
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
import pytest
from support import Api, gateway
from support.iam import missing_permissions, recorded_calls

from ledgerline_tools import events, template
from ledgerline_tools.functions import LambdaContext, invoke

EVENTS, SAMPLE_BUSINESS, SAMPLE_TOKEN, CASH = events.EVENTS, events.SAMPLE_BUSINESS, events.SAMPLE_TOKEN, events.CASH
# Placeholder ids are UUIDs of one repeated digit (events/README.md).
PLACEHOLDER = re.compile(r"\b(\d)\1{7}-\1{4}-4\1{3}-8\1{3}-\1{12}\b")
ENTRY, INSTRUMENT, TRANSACTION, INVOICE, WRITE_OFF, RUN, ACCRUAL_RUN = (
    events.PLACEHOLDERS[name]
    for name in ("entryId", "instrument_id", "transaction_id", "invoiceId", "writeOffId", "runId", "run_id")
)
Resolved = dict[str, str]
FUNCTIONS = template.functions()
ROUTED = {route.function.logical_id for route in template.routes()}


def sample(logical_id: str) -> Path:
    return EVENTS / f"{FUNCTIONS[logical_id].code_uri.name}.json"


def _created(response: Any, *, envelope: bool = False) -> str:
    assert response.status == 201, response.json()
    return response.json()["data"]["id"] if envelope else response.json()["id"]


def _custom_entry(api: Api, _resolved: Resolved) -> str:
    return _created(
        api.post(
            f"{api.base}/custom-journal-entries",
            {
                "memo": "Sample entry for the events test",
                "line_items": [
                    {
                        "account_identifier": {"type": "StableName", "stable_name": "CASH"},
                        "amount": 12_500,
                        "direction": "DEBIT",
                    },
                    {
                        "account_identifier": {"type": "StableName", "stable_name": "SALES"},
                        "amount": 12_500,
                        "direction": "CREDIT",
                    },
                ],
            },
        )
    )


def _instrument(api: Api, _resolved: Resolved) -> str:
    # Started before every date the samples use, so each of their events can follow it.
    return _created(
        api.post(
            f"/api/v1/businesses/{api.business_id}/cfo-portal/debt-schedule/instruments",
            {
                "name": "Sample note",
                "lender": "Sample Borrower LLC",
                "direction": "lend",
                "original_principal_cents": 10_000_000,
                "interest_rate_bps": 650,
                "start_date": "2025-01-01",
                "maturity_date": "2029-12-31",
                "cash_ledger_id": api.accounts["CASH"],
            },
            headers={"x-business-id": api.business_id},
        ),
        envelope=True,
    )


def _bank_transaction(api: Api, _resolved: Resolved) -> str:
    return _created(
        api.post(
            "/api/v1/transactions",
            {
                "amount_cents": 195_000,
                "direction": "inflow",
                "date": "2025-02-01",
                "description": "ACH credit",
            },
            headers={"x-business-id": api.business_id},
        ),
        envelope=True,
    )


def _invoice(api: Api, _resolved: Resolved) -> str:
    # Sent before every date the samples use, and large enough for their payment and write-off.
    return _created(
        api.post(
            f"{api.base}/invoices",
            {
                "sent_at": "2025-01-02T09:00:00Z",
                "due_at": "2025-02-01T09:00:00Z",
                "line_items": [{"description": "Consulting", "unit_price": 1_000_000, "quantity": 1}],
            },
        )
    )


def _write_off(api: Api, resolved: Resolved) -> str:
    invoice_id = resolved.get(INVOICE) or _invoice(api, resolved)  # of the sample's invoice, when it names one
    return _created(
        api.post(
            f"{api.base}/invoices/{invoice_id}/write-off",
            {
                "amount": 10_000,
                "write_off_at": "2025-03-01T12:00:00Z",
            },
        )
    )


def _write_off_run(api: Api, _resolved: Resolved) -> str:
    return _created(api.post(f"{api.base}/write-off-runs", {"run_date": "2025-06-30", "dry_run": True}))


def _accrual_run(api: Api, resolved: Resolved) -> str:
    if INSTRUMENT not in resolved:  # something to accrue
        _instrument(api, resolved)
    response = api.post(
        "/api/v1/loans/accrue-interest", {"through_date": "2025-03-31"}, headers={"x-business-id": api.business_id}
    )
    assert response.status == 201, response.json()
    return response.json()["data"]["run_id"]


# What each placeholder id stands for, and how to make a real one (see events/README.md). Placeholders are
# replaced in this order, so a factory can use the objects made before it (a write-off of the sample's invoice).
FACTORIES: dict[str, Callable[[Api, Resolved], str]] = {
    ENTRY: _custom_entry,
    INSTRUMENT: _instrument,
    TRANSACTION: _bank_transaction,
    CASH: lambda api, _resolved: api.accounts["CASH"],
    INVOICE: _invoice,
    WRITE_OFF: _write_off,
    RUN: _write_off_run,
    ACCRUAL_RUN: _accrual_run,
}


def _enable_write_off_policy(api: Api) -> None:
    response = api.request(
        "PUT",
        f"{api.base}/write-off-policy",
        json_body={
            "enabled": True,
            "invoices": {"enabled": True, "days_past_due": 30},
            "loans": {"enabled": True, "days_past_maturity": 30},
        },
    )
    assert response.status == 200, response.json()


# What a sample needs to find before it runs, for it to do its real work (by function folder).
PRECONDITIONS: dict[str, Callable[[Api], None]] = {
    "write_off_scheduler": _enable_write_off_policy,
    "write_off_worker": _enable_write_off_policy,
}


def provision_environment(logical_id: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """What the template wires into the function's environment (its queues), made on moto."""
    resources = template.load()["Resources"]
    variables = (resources[logical_id]["Properties"].get("Environment") or {}).get("Variables") or {}
    for name, value in variables.items():
        ref = value.get("Ref") if isinstance(value, dict) else None
        if ref and resources.get(ref, {}).get("Type") == "AWS::SQS::Queue":
            queue = boto3.client("sqs").create_queue(QueueName=f"{ref}-{uuid.uuid4().hex[:8]}")
            monkeypatch.setenv(name, queue["QueueUrl"])


def real_event(logical_id: str, api: Api) -> dict[str, Any]:
    text = sample(logical_id).read_text().replace(SAMPLE_BUSINESS, api.business_id).replace(SAMPLE_TOKEN, api.token)
    resolved: Resolved = {}
    for placeholder in sorted({found.group(0) for found in PLACEHOLDER.finditer(text)}):
        assert placeholder in FACTORIES, (
            f"{sample(logical_id).name} uses placeholder {placeholder}: add a factory for it to FACTORIES "
            "in tests/unit/test_events.py and document it in events/README.md"
        )
        resolved[placeholder] = FACTORIES[placeholder](api, resolved)
        text = text.replace(placeholder, resolved[placeholder])
    return json.loads(text)


def test_the_api_samples_are_rendered_from_the_routes_declarations() -> None:
    assert not events.stale(), "events/ is out of date: run `ledgerline events --write`"


def test_a_sample_that_no_longer_matches_its_declaration_is_stale(tmp_path, monkeypatch) -> None:
    # Given the rendered files in a folder of their own, all fresh
    function = FUNCTIONS["WriteOffLoanFunction"]
    monkeypatch.setattr(events, "EVENTS", tmp_path)
    events.write()
    assert not events.stale()

    # When the file no longer says what the declaration says, the check names it
    events.path_of(function).write_text(events.text(function).replace('"version": "2.0"', '"version": "1.0"'))
    assert events.stale() == [events.path_of(function)]


@pytest.mark.parametrize("logical_id", sorted(FUNCTIONS))
def test_every_function_has_a_sample_event(logical_id: str) -> None:
    assert sample(logical_id).is_file(), f"{logical_id} has no sample event: add events/{sample(logical_id).name}"
    json.loads(sample(logical_id).read_text())


def test_every_sample_belongs_to_a_function() -> None:
    folders = {function.code_uri.name for function in FUNCTIONS.values()}
    orphans = [path.name for path in EVENTS.glob("*.json") if path.stem not in folders]
    assert not orphans, f"samples for no function of template.yaml: {orphans}"


@pytest.mark.parametrize("logical_id", sorted(ROUTED))
def test_api_sample_is_a_v2_event_of_its_own_route(logical_id: str) -> None:
    event = json.loads(sample(logical_id).read_text())
    method = event["requestContext"]["http"]["method"]
    matched = gateway().match(method, event["rawPath"])

    assert event["version"] == "2.0"
    assert matched is not None and matched[0].function.logical_id == logical_id
    assert event["routeKey"] == event["requestContext"]["routeKey"] == matched[0].route_key
    assert event.get("pathParameters", {}) == matched[1]
    assert event["requestContext"]["authorizer"]["lambda"]["business_ids"] == SAMPLE_BUSINESS
    if event["rawPath"].startswith("/api/v1/"):
        assert event["headers"]["x-business-id"] == SAMPLE_BUSINESS
    assert event["isBase64Encoded"] is False
    if "body" in event:
        assert event["headers"]["content-type"] == "application/json"
        assert int(event["headers"]["content-length"]) == len(event["body"].encode())
        json.loads(event["body"])


def test_authorizer_sample_is_a_v2_request_with_a_bearer_token() -> None:
    event = json.loads(sample(template.AUTHORIZER_RESOURCE).read_text())

    assert (event["version"], event["type"]) == ("2.0", "REQUEST")
    assert event["identitySource"] == [event["headers"]["authorization"]] == [f"Bearer {SAMPLE_TOKEN}"]
    assert gateway().match(event["requestContext"]["http"]["method"], event["rawPath"]) is not None


def _sqs_triggered() -> list[str]:
    resources = template.load()["Resources"]
    return sorted(
        k
        for k in FUNCTIONS
        if any(e["Type"] == "SQS" for e in (resources[k]["Properties"].get("Events") or {}).values())
    )


@pytest.mark.parametrize("logical_id", _sqs_triggered())
def test_sqs_sample_is_an_sqs_batch(logical_id: str) -> None:
    records = json.loads(sample(logical_id).read_text())["Records"]

    assert records and all(r["eventSource"] == "aws:sqs" and isinstance(r["body"], str) for r in records)
    assert len({r["messageId"] for r in records}) == len(records)


def _assert_succeeded(logical_id: str, result: Any) -> None:
    if logical_id == template.AUTHORIZER_RESOURCE:
        assert result["isAuthorized"] is True, result
    elif isinstance(result, dict) and "statusCode" in result:
        assert 200 <= result["statusCode"] < 300, result
    elif isinstance(result, dict) and "batchItemFailures" in result:  # an SQS worker
        assert result["batchItemFailures"] == [], result


@pytest.mark.parametrize("logical_id", sorted(FUNCTIONS))
def test_sample_event_runs_through_its_function(logical_id: str, unit_api: Api, monkeypatch) -> None:
    # Given the sample with a real business, token and ids in place of its placeholders
    provision_environment(logical_id, monkeypatch)
    PRECONDITIONS.get(FUNCTIONS[logical_id].code_uri.name, lambda api: None)(unit_api)
    event = real_event(logical_id, unit_api)

    # When the function handles it, as `ledgerline invoke` or `sam local invoke` would
    with recorded_calls() as calls:
        result = invoke(FUNCTIONS[logical_id], event, LambdaContext(logical_id, "test-events"))

    # Then it succeeds, and its template policy allows every AWS call it made (moto never checks IAM)
    _assert_succeeded(logical_id, result)
    assert calls, f"{logical_id} made no AWS call: the sample did not exercise it"
    resource = template.load()["Resources"][logical_id]
    assert not missing_permissions(resource, calls), f"{logical_id}'s policy lacks what its code calls"
    if logical_id == template.AUTHORIZER_RESOURCE:
        assert result["context"]["business_ids"] == unit_api.business_id
