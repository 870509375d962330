"""Helpers and fixtures shared by the batch write-off tests (SPEC §7).

Test modules load its fixture (``business``) with ``pytest_plugins = ["support.write_offs"]``, as the
loans tests do with ``support.loans``.

Time is pinned: "now" is 2026-06-01 12:00 UTC unless a test moves it, so the daily run for
2026-06-01 is allowed everywhere from UTC-11 to UTC+11 and a run date after it is "the future".
"""

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest

from support.api import Api, new_api
from support.books import assert_books_balance
from support.clock import pin_clock
from support.invoices import pay
from support.ledger import get_entry, lines, stable

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)
RUN_DATE = date(2026, 6, 1)
SCHEDULED_TIME = "2026-06-01T06:00:00Z"
AUTOMATIC_MEMO = "Automatic write-off (policy)"


def policy_body(
    *,
    days_past_due: int = 90,
    days_past_maturity: int | None = 30,
    days_without_payment: int | None = 180,
    **overrides: Any,
) -> dict[str, Any]:
    """The issue's example policy, with the day counts given."""
    loans = {"enabled": True, "days_past_maturity": days_past_maturity, "days_without_payment": days_without_payment}
    body = {
        "enabled": True,
        "invoices": {"enabled": True, "days_past_due": days_past_due, "destination_ledger_account": stable("BAD_DEBT")},
        "loans": {k: v for k, v in loans.items() if v is not None},
    }
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


def pay_invoice(api: Api, invoice_id: str, amount: int, paid_at: str = "2026-05-20T12:00:00Z"):
    response = pay(api, invoice_id, amount, paid_at=paid_at)
    assert response.status == 201, response.json()
    return response.json()


def loans_path(api: Api) -> str:
    return f"/api/v1/businesses/{api.business_id}/cfo-portal/debt-schedule/instruments"


def instrument(
    api: Api,
    direction: str = "lend",
    *,
    start_date: str = "2024-01-15",
    maturity_date: str = "2025-01-15",
    principal: int = 500_000,
    **fields: Any,
) -> dict[str, Any]:
    """A loan (lend: we lent it; borrow: we owe it) at 0 %, so write-off amounts are its principal."""
    body = {
        "name": f"{direction} note",
        "lender": "Counterparty Inc",
        "direction": direction,
        "original_principal_cents": principal,
        "interest_rate_bps": 0,
        "start_date": start_date,
        "maturity_date": maturity_date,
        **fields,
    }
    response = api.post(loans_path(api), body, headers={"x-business-id": api.business_id})
    assert response.status == 201, response.json()
    return response.json()["data"]


def get_instrument(api: Api, instrument_id: str) -> dict[str, Any]:
    response = api.get(f"{loans_path(api)}/{instrument_id}", headers={"x-business-id": api.business_id})
    assert response.status == 200, response.json()
    return response.json()["data"]


def pay_loan(api: Api, instrument_id: str, amount: int, day: str) -> dict[str, Any]:
    response = api.post(
        f"{loans_path(api)}/{instrument_id}/payments",
        {"payment_amount_cents": amount, "cash_ledger_id": api.accounts["CASH"], "payment_date": day},
        headers={"x-business-id": api.business_id},
    )
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


def assert_automatic_write_off(api: Api, written: dict[str, Any], credited: str) -> None:
    """One written-off item of a summary: its own entry, memo of the policy, Dr BAD_DEBT / Cr ``credited``."""
    posted = get_entry(api, written["journal_entry_id"])
    assert posted["memo"] == AUTOMATIC_MEMO
    assert lines(api, written["journal_entry_id"]) == {
        ("BAD_DEBT", "DEBIT"): written["amount"],
        (credited, "CREDIT"): written["amount"],
    }


# ---- fixtures (load them with pytest_plugins = ["support.write_offs"]) ---------------------------------


@pytest.fixture
def business(write_off_table: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., Api]]:
    """Makes businesses ("now" pinned to :data:`NOW`); after the scenario every one's books balance.

    ``write_off_table`` is the table fixture the using module picks: conftest's per-test ``moto_table``
    (a table shared by a module would be slower, not faster: moto deep-copies the whole table before
    every TransactWriteItems) or ``local_table``."""
    pin_clock(monkeypatch, NOW)
    made: list[Api] = []

    def make(name: str = "Write-off Co", timezone: str = "UTC") -> Api:
        made.append(new_api(name, timezone=timezone))
        return made[-1]

    yield make
    for api in made:
        assert_books_balance(api.business_id)
