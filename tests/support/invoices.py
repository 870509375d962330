"""Invoices as a caller sees them (SPEC §6.1–6.4): request bodies, the routes, and the receivable check.

Its fixtures (``other_api``, ``la_api``) load with ``pytest_plugins = ["support.invoices"]``.
"""

from typing import Any

import pytest

from support.api import Api, new_api
from support.books import assert_balanced
from support.ledger import balances


def item(unit_price: int = 10_000, quantity: Any = "1", **extra: Any) -> dict[str, Any]:
    return {"description": "Consulting", "unit_price": unit_price, "quantity": quantity, **extra}


def invoice_body(*items: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {
        "invoice_number": "INV-1",
        "customer_external_id": "cust-1",
        "sent_at": "2024-01-15T10:00:00Z",
        "due_at": "2024-02-15T10:00:00Z",
        "line_items": list(items) or [item()],
        **fields,
    }


def create_invoice(client: Api, *items: dict[str, Any], **fields: Any) -> dict[str, Any]:
    response = client.post(f"{client.base}/invoices", invoice_body(*items, **fields))
    assert response.status == 201, response.json()
    return response.json()


def invoice_path(client: Api, invoice_id: str, suffix: str = "") -> str:
    return f"{client.base}/invoices/{invoice_id}{suffix}"


def get_invoice(client: Api, invoice_id: str) -> dict[str, Any]:
    response = client.get(invoice_path(client, invoice_id))
    assert response.status == 200, response.json()
    return response.json()


def pay(client: Api, invoice_id: str, amount: int, **fields: Any):
    return client.post(
        invoice_path(client, invoice_id, "/payment"),
        {"amount": amount, "paid_at": "2024-02-01T12:00:00Z", "method": "ACH", **fields},
    )


def write_off(client: Api, invoice_id: str, body: dict[str, Any] | None = None, *, path: str = "/write-off"):
    return client.post(invoice_path(client, invoice_id, path), body)


def delete_write_off(client: Api, invoice_id: str, write_off_id: str):
    return client.delete(invoice_path(client, invoice_id, f"/write-offs/{write_off_id}"))


def all_invoices(client: Api, query: str = "") -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    cursor = None
    while True:
        params = "&".join(p for p in (query, "limit=100", f"cursor={cursor}" if cursor else "") if p)
        response = client.get(f"{client.base}/invoices", query=params)
        assert response.status == 200, response.json()
        page = response.json()
        found += page["data"]
        cursor = page["meta"]["pagination"]["cursor"]
        if not page["meta"]["pagination"]["has_more"]:
            return found


def moved(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    """Only the balances that changed, by how much."""
    return {name: after[name] - before.get(name, 0) for name in after if after[name] != before.get(name, 0)}


def assert_receivable_matches_invoices(client: Api) -> None:
    """ACCOUNTS_RECEIVABLE = Σ outstanding_balance of the business's non-voided invoices."""
    outstanding = sum(i["outstanding_balance"] for i in all_invoices(client) if i["status"] != "VOIDED")
    assert balances(client)["ACCOUNTS_RECEIVABLE"] == outstanding


def assert_balanced_with_receivable(client: Api) -> None:
    """SPEC §4 and §6: the books and the trial balance balance, and AR matches the invoices."""
    assert_balanced(client)
    assert_receivable_matches_invoices(client)


# ---- fixtures (load them with pytest_plugins = ["support.invoices"]) ---------------------------------


@pytest.fixture
def other_api(api: Api) -> Api:
    """A second business on the same table."""
    return new_api("Other Co")


@pytest.fixture
def la_api(api: Api) -> Api:
    """A business whose days begin in Los Angeles (UTC−8 in winter)."""
    return new_api("Pacific Co", timezone="America/Los_Angeles")
