"""Races on one invoice, on DynamoDB Local: payments and write-offs that together ask for more than
is outstanding, duplicate creates under one external_id, and double deletes.

Each thread goes through the local API Gateway (its own loaded copy of the function, like Lambda);
a barrier releases them together. Whatever the interleaving, the outstanding balance never goes
below zero, nothing is posted twice, ACCOUNTS_RECEIVABLE equals the invoices' outstanding balances
and the books balance.
"""

from collections import Counter
from typing import Any

import pytest
from support import Api, all_at_once, assert_books_balance, books, new_api
from support.invoices import write_off

pytestmark = pytest.mark.integration


@pytest.fixture
def api(local_table: str) -> Api:
    return new_api()


def create_invoice(client: Api, total: int = 10_000) -> dict[str, Any]:
    response = client.post(
        f"{client.base}/invoices",
        {"sent_at": "2024-01-15T10:00:00Z", "line_items": [{"unit_price": total, "quantity": "1"}]},
    )
    assert response.status == 201, response.json()
    return response.json()


def get_invoice(client: Api, invoice_id: str) -> dict[str, Any]:
    return client.get(f"{client.base}/invoices/{invoice_id}").json()


def pay(client: Api, invoice_id: str, amount: int, **fields: Any):
    return client.post(
        f"{client.base}/invoices/{invoice_id}/payment", {"amount": amount, "paid_at": "2024-02-01T12:00:00Z", **fields}
    )


def assert_receivable_matches_invoices(client: Api) -> None:
    """ACCOUNTS_RECEIVABLE = Σ outstanding_balance of the business's non-voided invoices."""
    invoices = client.get(f"{client.base}/invoices", query="limit=100").json()
    assert invoices["meta"]["pagination"]["has_more"] is False
    outstanding = sum(i["outstanding_balance"] for i in invoices["data"] if i["status"] != "VOIDED")
    accounts = client.get(f"{client.base}/ledger/accounts").json()["data"]
    assert next(a["balance"] for a in accounts if a["stable_name"] == "ACCOUNTS_RECEIVABLE") == outstanding


def assert_consistent(client: Api) -> None:
    assert_receivable_matches_invoices(client)
    assert_books_balance(client.business_id)


def report_busy(statuses: Counter) -> None:
    """503s are allowed (bounded retries under heavy contention) but worth seeing in the output."""
    if statuses[503]:
        print(f"\n503 Service busy after bounded retries: {statuses[503]} of {sum(statuses.values())}: {statuses}")


def test_concurrent_payments_and_write_offs_never_take_outstanding_below_zero(api):
    invoice = create_invoice(api, 10_000)

    # 8 × 3_000 = 24_000 asked for against 10_000 outstanding: at most 3 can succeed.
    responses = all_at_once(
        8,
        lambda i: pay(api, invoice["id"], 3_000)
        if i % 2
        else write_off(api, invoice["id"], {"amount": 3_000}, path="/write-off" if i % 4 else "/write-offs"),
    )

    statuses = Counter(r.status for r in responses)
    report_busy(statuses)
    assert set(statuses) <= {201, 400, 409, 503}, statuses
    assert statuses[201] >= 1
    succeeded = [r.json() for r in responses if r.status == 201]
    after = get_invoice(api, invoice["id"])
    assert after["outstanding_balance"] == 10_000 - sum(s["amount"] for s in succeeded) >= 0
    assert len(after["payments"]) + len(after["write_offs"]) == len(succeeded)
    assert len(books(api.business_id)["entries"]) == 1 + len(succeeded)
    for refused in (r for r in responses if r.status in (400, 409)):
        assert refused.json()["error_enum"] in ("InvalidPayload", "InvoiceStateError"), refused.json()
    assert_consistent(api)


def test_concurrent_whole_balance_write_offs_and_payments_settle_exactly_once(api):
    invoice = create_invoice(api, 10_000)

    # Write-offs without an amount take whatever is outstanding when they commit.
    responses = all_at_once(8, lambda i: write_off(api, invoice["id"]) if i % 2 else pay(api, invoice["id"], 4_000))

    statuses = Counter(r.status for r in responses)
    report_busy(statuses)
    assert set(statuses) <= {201, 400, 409, 503}, statuses
    succeeded = [r.json() for r in responses if r.status == 201]
    after = get_invoice(api, invoice["id"])
    assert after["outstanding_balance"] == 10_000 - sum(s["amount"] for s in succeeded) >= 0
    if statuses[503] == 0:
        assert after["outstanding_balance"] == 0  # someone wrote off the rest
        assert after["status"] in ("WRITTEN_OFF", "PAID")
    assert len(books(api.business_id)["entries"]) == 1 + len(succeeded)
    assert_consistent(api)


@pytest.mark.parametrize("body", [{"amount": 2_500}, {}], ids=["amount", "whole-balance"])
def test_ten_concurrent_duplicate_write_offs_under_one_external_id_write_off_once(api, body):
    invoice = create_invoice(api, 10_000)
    request = {**body, "external_id": "wo-dup", "memo": "Uncollectible"}

    responses = all_at_once(
        10, lambda i: write_off(api, invoice["id"], request, path="/write-off" if i % 2 else "/write-offs")
    )

    statuses = Counter(r.status for r in responses)
    report_busy(statuses)
    assert statuses[201] == 1, statuses
    assert set(statuses) <= {200, 201, 503}, statuses
    assert len({r.body for r in responses if r.status in (200, 201)}) == 1
    after = get_invoice(api, invoice["id"])
    assert len(after["write_offs"]) == 1
    assert after["outstanding_balance"] == 10_000 - after["write_offs"][0]["amount"]
    assert len(books(api.business_id)["entries"]) == 2
    assert_consistent(api)


def test_ten_concurrent_duplicate_payments_under_one_external_id_pay_once(api):
    invoice = create_invoice(api, 10_000)

    responses = all_at_once(10, lambda _: pay(api, invoice["id"], 10_000, external_id="pay-dup"))

    statuses = Counter(r.status for r in responses)
    report_busy(statuses)
    assert statuses[201] == 1, statuses
    assert set(statuses) <= {200, 201, 503}, statuses
    after = get_invoice(api, invoice["id"])
    assert (len(after["payments"]), after["status"]) == (1, "PAID")
    assert len(books(api.business_id)["entries"]) == 2
    assert_consistent(api)


def test_concurrent_deletes_of_one_write_off_reverse_it_once(api):
    invoice = create_invoice(api, 10_000)
    written = write_off(api, invoice["id"], {"amount": 4_000, "write_off_at": "2024-01-31T12:00:00Z"}).json()

    responses = all_at_once(6, lambda _: api.delete(f"{api.base}/invoices/{invoice['id']}/write-offs/{written['id']}"))

    statuses = Counter(r.status for r in responses)
    report_busy(statuses)
    assert statuses[200] == 1, statuses
    assert set(statuses) <= {200, 404, 503}, statuses
    after = get_invoice(api, invoice["id"])
    assert (after["status"], after["outstanding_balance"]) == ("SENT", 10_000)
    assert len(books(api.business_id)["entries"]) == 3
    assert_consistent(api)


def test_a_void_racing_a_payment_lets_only_one_win(api):
    invoice = create_invoice(api, 10_000)

    responses = all_at_once(
        2, lambda i: pay(api, invoice["id"], 1_000) if i else api.post(f"{api.base}/invoices/{invoice['id']}/void")
    )

    statuses = sorted(r.status for r in responses)
    after = get_invoice(api, invoice["id"])
    if after["status"] == "VOIDED":
        assert statuses == [200, 409] and after["payments"] == []
    else:
        assert statuses == [201, 409] and after["outstanding_balance"] == 9_000
    assert_consistent(api)
