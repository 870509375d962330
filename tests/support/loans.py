"""Helpers for the loans family's tests: a client for its routes, a pinned clock, and checks of the
envelope, the error shape, entry lines and balances as a caller sees them (SPEC §3, §5).

Its fixtures (``loans``, ``unit_loans``, ``pinned``) load with ``pytest_plugins = ["support.loans"]``."""

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from support.api import Api
from support.books import assert_books_balance
from support.clock import pin_clock
from support.ledger import balances, get_entry, netted

TODAY = datetime(2024, 12, 31, 12, tzinfo=UTC)
"""Every loans test runs on this "now" unless it pins another."""

START = "2024-01-15"
ENVELOPE = {"success", "message", "code", "data"}
PAYMENT_FIELDS = {
    "payment_id",
    "journal_entry_id",
    "principal_cents",
    "interest_cents",
    "remaining_balance_cents",
    "name",
    "direction",
    "payment_date",
    "payment_amount_cents",
    "accrued_interest_cents",
    "status",
    "transaction_id",
}
WRITE_OFF_FIELDS = {
    "instrument_id",
    "journal_entry_id",
    "write_off_date",
    "principal_written_off_cents",
    "accrued_interest_cleared_cents",
    "remaining_balance_cents",
    "status",
    "account",
    "memo",
}


def ok(response: Any, status: int = 201) -> dict[str, Any]:
    """The loans success envelope, exactly; returns its ``data``."""
    body = response.json()
    assert response.status == status, body
    assert set(body) == ENVELOPE
    assert body["success"] is True and body["message"] and body["code"]
    return body["data"]


def error(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    """The loans error shape ``{"detail", "code"}`` with a human message."""
    body = response.json()
    assert response.status == status, body
    assert set(body) == {"detail", "code"}, body
    assert isinstance(body["detail"], str) and body["detail"]
    if code is not None:
        assert body["code"] == code, body
    return body


def validation_error(response: Any) -> list[dict[str, Any]]:
    """422 ``HTTPValidationError``; returns the list of errors."""
    body = response.json()
    assert response.status == 422, body
    assert set(body) == {"detail"}
    for item in body["detail"]:
        assert {"loc", "msg", "type"} <= set(item) <= {"loc", "msg", "type", "input", "ctx"}
    return body["detail"]


class Loans:
    """The loans routes of one business, with ``x-business-id`` set."""

    def __init__(self, api: Api) -> None:
        self.api = api
        self.headers = {"x-business-id": api.business_id}
        self.schedule_path = f"/api/v1/businesses/{api.business_id}/cfo-portal/debt-schedule"

    @property
    def cash(self) -> str:
        return self.api.accounts["CASH"]

    def _post(self, path: str, body: Any = None, *, raw: str | None = None, headers: dict[str, str] | None = None):
        sent = {**self.headers, **(headers or {})}
        if raw is not None:
            return self.api.request("POST", path, body=raw, headers=sent)
        return self.api.post(path, body, headers=sent)

    # ---- instruments ----
    def create(self, body: dict[str, Any], **kwargs: Any):
        return self._post(f"{self.schedule_path}/instruments", body, **kwargs)

    def instrument(self, direction: str = "lend", **fields: Any) -> dict[str, Any]:
        """A new instrument (201): 1,000,000 cents at 500 bps, actual/365, from 2024-01-15, paid in cash."""
        body = {
            "name": "Term loan",
            "lender": "Acme Bank",
            "direction": direction,
            "original_principal_cents": 1_000_000,
            "interest_rate_bps": 500,
            "start_date": START,
            "maturity_date": "2027-01-15",
            "cash_ledger_id": self.cash,
            **fields,
        }
        return ok(self.create({k: v for k, v in body.items() if v is not None}))

    def get(self, instrument_id: str) -> dict[str, Any]:
        return ok(self.api.get(f"{self.schedule_path}/instruments/{instrument_id}", headers=self.headers), 200)

    def payment_schedule(self, instrument_id: str):
        return self.api.get(f"{self.schedule_path}/instruments/{instrument_id}/payment-schedule", headers=self.headers)

    def debt_schedule(self, query: str = ""):
        return self.api.get(self.schedule_path, headers=self.headers, query=query)

    # ---- events ----
    def pay(self, instrument_id: str, body: Any = None, **kwargs: Any):
        return self._post(f"{self.schedule_path}/instruments/{instrument_id}/payments", body, **kwargs)

    def payment(self, instrument_id: str, amount: int, day: str | None = None, **fields: Any) -> dict[str, Any]:
        body = {"payment_amount_cents": amount, "cash_ledger_id": self.cash, **fields}
        if day:
            body["payment_date"] = day
        return ok(self.pay(instrument_id, body))

    def disburse(self, instrument_id: str, body: Any = None, **kwargs: Any):
        return self._post(f"/api/v1/loans/{instrument_id}/disbursements", body, **kwargs)

    def accrue(self, instrument_id: str, body: Any = None, **kwargs: Any):
        return self._post(f"/api/v1/loans/{instrument_id}/accrue-interest", body, **kwargs)

    def accrue_all(self, body: Any = None, **kwargs: Any):
        return self._post("/api/v1/loans/accrue-interest", body, **kwargs)

    def write_off(self, instrument_id: str, body: Any = None, **kwargs: Any):
        return self._post(f"/api/v1/loans/{instrument_id}/write-off", body, **kwargs)

    # ---- bank transactions ----
    def import_transaction(self, body: Any, **kwargs: Any):
        return self._post("/api/v1/transactions", body, **kwargs)

    def transaction(self, transaction_id: str):
        return self.api.get(f"/api/v1/transactions/{transaction_id}", headers=self.headers)

    # ---- the ledger, as a caller reads it ----
    def entry(self, entry_id: str) -> dict[str, Any]:
        return get_entry(self.api, entry_id)

    def lines(self, entry_id: str) -> dict[tuple[str, str], int]:
        """An entry's lines, every one positive, netted per (stable name, direction): {("CASH", "DEBIT"): 20_000, ...}."""
        posted = self.entry(entry_id)
        assert all(line["amount"] > 0 for line in posted["line_items"])
        return netted(posted)

    def balances(self) -> dict[str, int]:
        """Every non-zero balance, by stable name."""
        return {name: balance for name, balance in balances(self.api).items() if balance}


@pytest.fixture
def pinned(monkeypatch: pytest.MonkeyPatch) -> None:
    pin_clock(monkeypatch, TODAY)


@pytest.fixture
def loans(api: Api, pinned: None) -> Iterator[Loans]:
    """The loans client on a fresh business, today pinned to 2024-12-31; books balanced afterwards."""
    yield Loans(api)
    assert_books_balance(api.business_id)


@pytest.fixture
def unit_loans(unit_api: Api, pinned: None) -> Iterator[Loans]:
    """The same on moto only: for validation matrices, whose answer does not depend on the store."""
    yield Loans(unit_api)
    assert_books_balance(unit_api.business_id)
