"""SPEC §9.1, by machine: every operation of the OpenAPI document, fed what schemathesis generates from it
(valid requests and deliberately invalid ones), must never answer 5xx.

Requests go through the local API Gateway in-process (``tests/support/api.py``: the route table, the
authorizer, the real functions) on moto. They carry a real token and, where the document names a business
(path or ``x-business-id``), the token's business, so they get past 401/403 into validation and the
ledger; path ids are sometimes swapped for objects that exist, so reads and writes reach real state.

Bounded and repeatable: ``MAX_EXAMPLES`` cases per operation, derandomized, no example database, no
shrinking (the failure report carries a curl command instead). About a minute on two cores.
"""

import hashlib
import json
from collections.abc import Iterable
from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from support import Api, entry_body, gateway

from ledgerline_tools import openapi

MAX_EXAMPLES = 25

schema = schemathesis.openapi.from_dict(openapi.generate())
schema.config.generation.update(max_examples=MAX_EXAMPLES, deterministic=True, database="none", no_shrink=True)
schema.config.phases.coverage.enabled = False  # its exhaustive boundary cases alone take minutes
schema.config.phases.stateful.enabled = False

BUSINESS_PARAMETERS = ("businessId", "business_id")


def wsgi_gateway(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
    """The local API Gateway as a WSGI application, so schemathesis can call it in-process."""
    raw_path = quote(environ.get("PATH_INFO", "").encode("latin-1"), safe="/:@!$&'()*+,;=-._~")
    headers = {name[5:].replace("_", "-").lower(): value for name, value in environ.items() if name.startswith("HTTP_")}
    if environ.get("CONTENT_TYPE"):
        headers["content-type"] = environ["CONTENT_TYPE"]
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if length else b""
    answer = gateway().handle(environ["REQUEST_METHOD"], raw_path, environ.get("QUERY_STRING", ""), headers, body)
    start_response(f"{answer.status} {HTTPStatus(answer.status).phrase}", list(answer.headers.items()))
    return [answer.body]


@pytest.fixture
def existing(unit_api: Api) -> dict[str, str]:
    """One object of each kind, so that a path id can name something real."""
    base, loans = unit_api.base, {"x-business-id": unit_api.business_id}
    cash = unit_api.accounts["CASH"]
    entry = unit_api.post(f"{base}/custom-journal-entries", entry_body()).json()
    invoice = unit_api.post(
        f"{base}/invoices", {"sent_at": "2024-01-15T10:00:00Z", "line_items": [{"unit_price": 100_000}]}
    ).json()
    write_off = unit_api.post(
        f"{base}/invoices/{invoice['id']}/write-off", {"amount": 100, "write_off_at": "2024-02-01T00:00:00Z"}
    ).json()
    instrument = unit_api.post(
        f"/api/v1/businesses/{unit_api.business_id}/cfo-portal/debt-schedule/instruments",
        {
            "name": "Loan",
            "lender": "Bank",
            "direction": "lend",
            "original_principal_cents": 10**6,
            "interest_rate_bps": 500,
            "start_date": "2024-01-15",
            "maturity_date": "2029-01-15",
            "cash_ledger_id": cash,
        },
        headers=loans,
    ).json()["data"]
    txn = unit_api.post(
        "/api/v1/transactions", {"amount_cents": 5_000, "direction": "inflow", "date": "2024-02-01"}, headers=loans
    ).json()["data"]
    run = unit_api.post(f"{base}/write-off-runs", {"dry_run": True}).json()
    return {
        "accountId": cash,
        "entryId": entry["id"],
        "invoiceId": invoice["id"],
        "writeOffId": write_off["id"],
        "instrument_id": instrument["id"],
        "transaction_id": txn["id"],
        "runId": run["id"],
    }


def _coin(value: Any) -> bool:
    """A deterministic coin flip from the generated value, so runs repeat exactly."""
    return hashlib.sha256(repr(value).encode()).digest()[0] % 2 == 0


def aim_at_real_objects(case: Any, api: Api, existing: dict[str, str]) -> None:
    """The token's business wherever one is named; about half the other path ids become real objects."""
    parameters = case.path_parameters or {}
    for name, value in parameters.items():
        if name in BUSINESS_PARAMETERS:
            parameters[name] = api.business_id
        elif name in existing and _coin(value):
            parameters[name] = existing[name]
    if case.headers is not None and "x-business-id" in case.headers:
        case.headers["x-business-id"] = api.business_id


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES, derandomize=True, database=None, deadline=None, suppress_health_check=list(HealthCheck)
)
def test_no_operation_answers_5xx_to_anything_its_schema_generates(case, unit_api, existing):
    aim_at_real_objects(case, unit_api, existing)
    headers = {"authorization": f"Bearer {unit_api.token}"}
    if case.path.startswith("/api/v1/"):
        headers["x-business-id"] = unit_api.business_id

    response = case.call(app=wsgi_gateway, headers=headers)

    assert response.status_code < 500, (
        f"{case.method} {case.formatted_path} answered {response.status_code}: {response.text[:500]}\n"
        f"Reproduce with:\n    {case.as_curl_command(headers=headers)}\n"
        f"Body sent: {json.dumps(case.body, default=str)[:1000] if case.body is not None else None}"
    )
