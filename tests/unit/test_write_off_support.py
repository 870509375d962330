"""Helpers and fixtures shared by the batch write-off tests (SPEC §7); this module holds no tests of its own.

Test modules load its fixtures with ``pytest_plugins = ["test_write_off_support"]``, as the loans
tests do with ``loans_support``.

Time is pinned: "now" is 2026-06-01 12:00 UTC unless a test moves it, so the daily run for
2026-06-01 is allowed everywhere from UTC-11 to UTC+11 and a run date after it is "the future".
"""

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import pytest
from conftest import new_api
from support import Api, assert_books_balance

from ledgerline import clock
from ledgerline.store.runtime import dynamodb_client

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)
RUN_DATE = date(2026, 6, 1)
SCHEDULED_TIME = "2026-06-01T06:00:00Z"
AUTOMATIC_MEMO = "Automatic write-off (policy)"
MISSING_ID = "00000000-0000-4000-8000-000000000000"


def pin_clock(monkeypatch: pytest.MonkeyPatch, when: datetime = NOW) -> None:
    monkeypatch.setattr(clock, "now", lambda: when)


def stable(name: str) -> dict[str, str]:
    return {"type": "StableName", "stable_name": name}


def policy_body(*, days_past_due: int = 90, days_past_maturity: int | None = 30,
                days_without_payment: int | None = 180, **overrides: Any) -> dict[str, Any]:
    """The issue's example policy, with the day counts given."""
    loans = {"enabled": True, "days_past_maturity": days_past_maturity, "days_without_payment": days_without_payment}
    body = {"enabled": True,
            "invoices": {"enabled": True, "days_past_due": days_past_due, "destination_ledger_account": stable("BAD_DEBT")},
            "loans": {k: v for k, v in loans.items() if v is not None}}
    return {**body, **overrides}


def put_policy(api: Api, body: Any = None, **kwargs: Any):
    return api.request("PUT", f"{api.base}/write-off-policy", json_body=body, **kwargs)


def set_policy(api: Api, **fields: Any) -> dict[str, Any]:
    response = put_policy(api, policy_body(**fields))
    assert response.status == 200, response.json()
    return response.json()


def invoice(api: Api, due_at: str, amount: int = 10_000, **fields: Any) -> dict[str, Any]:
    """An open invoice sent at the start of 2025, due ``due_at``."""
    body = {"sent_at": "2025-01-02T10:00:00Z", "due_at": due_at, "line_items": [{"unit_price": amount}], **fields}
    response = api.post(f"{api.base}/invoices", body)
    assert response.status == 201, response.json()
    return response.json()


def get_invoice(api: Api, invoice_id: str) -> dict[str, Any]:
    response = api.get(f"{api.base}/invoices/{invoice_id}")
    assert response.status == 200, response.json()
    return response.json()


def pay_invoice(api: Api, invoice_id: str, amount: int, paid_at: str = "2026-05-20T12:00:00Z"):
    response = api.post(f"{api.base}/invoices/{invoice_id}/payment",
                        {"amount": amount, "paid_at": paid_at, "method": "ACH"})
    assert response.status == 201, response.json()
    return response.json()


def loans_path(api: Api) -> str:
    return f"/api/v1/businesses/{api.business_id}/cfo-portal/debt-schedule/instruments"


def instrument(api: Api, direction: str = "lend", *, start_date: str = "2024-01-15",
               maturity_date: str = "2025-01-15", principal: int = 500_000, **fields: Any) -> dict[str, Any]:
    """A loan (lend: we lent it; borrow: we owe it) at 0 %, so write-off amounts are its principal."""
    body = {"name": f"{direction} note", "lender": "Counterparty Inc", "direction": direction,
            "original_principal_cents": principal, "interest_rate_bps": 0, "start_date": start_date,
            "maturity_date": maturity_date, **fields}
    response = api.post(loans_path(api), body, headers={"x-business-id": api.business_id})
    assert response.status == 201, response.json()
    return response.json()["data"]


def get_instrument(api: Api, instrument_id: str) -> dict[str, Any]:
    response = api.get(f"{loans_path(api)}/{instrument_id}", headers={"x-business-id": api.business_id})
    assert response.status == 200, response.json()
    return response.json()["data"]


def pay_loan(api: Api, instrument_id: str, amount: int, day: str) -> dict[str, Any]:
    response = api.post(f"{loans_path(api)}/{instrument_id}/payments",
                        {"payment_amount_cents": amount, "cash_ledger_id": api.accounts["CASH"], "payment_date": day},
                        headers={"x-business-id": api.business_id})
    assert response.status == 201, response.json()
    return response.json()["data"]


def start_run(api: Api, body: Any = None, **kwargs: Any):
    return api.post(f"{api.base}/write-off-runs", body, **kwargs)


def run(api: Api, run_date: str | None = None, *, dry_run: bool = False) -> dict[str, Any]:
    """POST /write-off-runs; the summary (201)."""
    body: dict[str, Any] = {"dry_run": dry_run}
    if run_date:
        body["run_date"] = run_date
    response = start_run(api, body)
    assert response.status == 201, response.json()
    return response.json()


def ids(items: list[dict[str, Any]], kind: str | None = None) -> set[str]:
    return {item["id"] for item in items if kind is None or item["type"] == kind}


def entry(api: Api, entry_id: str) -> dict[str, Any]:
    response = api.get(f"{api.base}/ledger/entries/{entry_id}")
    assert response.status == 200, response.json()
    return response.json()


def lines(api: Api, entry_id: str) -> dict[tuple[str, str], int]:
    """An entry's lines netted per (stable name, direction)."""
    totals: Counter[tuple[str, str]] = Counter()
    for line in entry(api, entry_id)["line_items"]:
        totals[(line["account"]["stable_name"], line["direction"])] += line["amount"]
    return dict(totals)


def balances(api: Api) -> dict[str, int]:
    listed = api.get(f"{api.base}/ledger/accounts").json()["data"]
    return {account["stable_name"]: account["balance"] for account in listed}


def assert_automatic_write_off(api: Api, written: dict[str, Any], credited: str) -> None:
    """One written-off item of a summary: its own entry, memo of the policy, Dr BAD_DEBT / Cr ``credited``."""
    posted = entry(api, written["journal_entry_id"])
    assert posted["memo"] == AUTOMATIC_MEMO
    assert lines(api, written["journal_entry_id"]) == {("BAD_DEBT", "DEBIT"): written["amount"],
                                                      (credited, "CREDIT"): written["amount"]}


# ---- fixtures (import them into a test module to use them) ------------------------------------------

@pytest.fixture
def business(write_off_table: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., Api]]:
    """Makes businesses ("now" pinned to :data:`NOW`); after the scenario every one's books balance.

    ``write_off_table`` is the table fixture the using module picks: conftest's per-test ``moto_table``
    (a table shared by a module would be slower, not faster: moto deep-copies the whole table before
    every TransactWriteItems) or ``local_table``."""
    pin_clock(monkeypatch)
    made: list[Api] = []

    def make(name: str = "Write-off Co", timezone: str = "UTC") -> Api:
        made.append(new_api(name, timezone=timezone))
        return made[-1]

    yield make
    for api in made:
        assert_books_balance(api.business_id)


# ---- what a run costs ------------------------------------------------------------------------------

@dataclass
class ItemCounter:
    """DynamoDB calls by operation, the items every read returned and the items every write wrote,
    counted with botocore hooks on the shared client while it is open (``with ItemCounter() as c``)."""

    calls: Counter[str] = field(default_factory=Counter)
    items_read: Counter[str] = field(default_factory=Counter)
    items_written: int = 0

    def __enter__(self) -> "ItemCounter":
        events = dynamodb_client().meta.events
        events.register("after-call.dynamodb.*", self._after)
        events.register("before-parameter-build.dynamodb.*", self._before)
        return self

    def __exit__(self, *_: Any) -> None:
        events = dynamodb_client().meta.events
        events.unregister("after-call.dynamodb.*", self._after)
        events.unregister("before-parameter-build.dynamodb.*", self._before)

    def _before(self, model: Any, params: dict[str, Any], **_: Any) -> None:
        if model.name == "TransactWriteItems":
            self.items_written += len(params["TransactItems"])
        elif model.name in ("PutItem", "UpdateItem", "DeleteItem"):
            self.items_written += 1
        elif model.name == "BatchWriteItem":
            self.items_written += sum(len(requests) for requests in params["RequestItems"].values())

    def _after(self, model: Any, parsed: dict[str, Any], **_: Any) -> None:
        operation = model.name
        self.calls[operation] += 1
        if operation in ("Query", "Scan"):
            self.items_read[operation] += max(parsed.get("Count", 0), parsed.get("ScannedCount", 0))
        elif operation == "GetItem":
            self.items_read[operation] += 1 if parsed.get("Item") else 0
        elif operation == "BatchGetItem":
            self.items_read[operation] += sum(len(found) for found in parsed.get("Responses", {}).values())
        elif operation == "TransactGetItems":
            self.items_read[operation] += sum(1 for response in parsed.get("Responses", []) if response.get("Item"))

    @property
    def total_read(self) -> int:
        return sum(self.items_read.values())

    @property
    def reads(self) -> int:
        return sum(self.calls[op] for op in ("GetItem", "Query", "BatchGetItem", "TransactGetItems", "Scan"))
