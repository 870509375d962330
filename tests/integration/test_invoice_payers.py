"""Many payers on one invoice at once, under real DynamoDB's transaction conflicts (issue 12 §3).

The double in ``bench/contention.py`` cancels a transaction that touches an item another one holds, as a
region does. An invoice's balance moves by ``ADD`` under a condition on the amount, so payers with room
for all of them only meet such conflicts (retried) and all commit; payers that together would overpay
are refused with the usual answers once the balance no longer covers them; and whatever the
interleaving, the stored status (and so the status listing) is the one the payments and write-offs
lead to. Each payment is posted exactly once, and the books balance.
"""

from collections import Counter
from typing import Any

import pytest
from support import Api, all_at_once, books, new_api
from support.invoices import (
    all_invoices,
    assert_balanced_with_receivable,
    create_invoice,
    get_invoice,
    item,
    pay,
    write_off,
)

from bench.contention import ConflictingTransactions

pytestmark = pytest.mark.integration


@pytest.fixture
def api(local_table: str) -> Api:
    return new_api()


def posted(responses: list[Any]) -> list[dict[str, Any]]:
    return [r.json() for r in responses if r.status == 201]


def assert_posted_once(client: Api, invoice: dict[str, Any], created: list[dict[str, Any]]) -> dict[str, Any]:
    """Every 201 is one payment or write-off of the invoice, one entry each, and nothing else was posted."""
    after = get_invoice(client, invoice["id"])
    assert sorted(p["id"] for p in after["payments"] + after["write_offs"]) == sorted(c["id"] for c in created)
    assert len(books(client.business_id)["entries"]) == 1 + len(created)
    assert after["outstanding_balance"] == invoice["total_amount"] - sum(c["amount"] for c in created)
    assert_balanced_with_receivable(client)
    return after


def test_twenty_four_payers_with_room_for_all_each_pay_once_and_none_gives_up(api):
    invoice = create_invoice(api, item(2_500))

    with ConflictingTransactions() as conflicts:
        responses = all_at_once(24, lambda _: pay(api, invoice["id"], 100))

    assert Counter(r.status for r in responses) == {201: 24}
    assert conflicts.conflicts > 0, "the payers never overlapped: the test proves nothing"
    after = assert_posted_once(api, invoice, posted(responses))
    assert (after["outstanding_balance"], after["status"]) == (100, "PARTIALLY_PAID")


def test_payers_who_together_would_overpay_are_refused_past_the_balance(api):
    invoice = create_invoice(api, item(10_000))

    with ConflictingTransactions():
        responses = all_at_once(24, lambda _: pay(api, invoice["id"], 1_000))

    statuses = Counter(r.status for r in responses)
    assert statuses[201] == 10 and set(statuses) <= {201, 400, 409}, statuses
    for refused in (r.json() for r in responses if r.status != 201):  # more than is left, or nothing left
        assert refused["error_enum"] in ("InvalidPayload", "InvoiceStateError"), refused
    after = assert_posted_once(api, invoice, posted(responses))
    assert (after["outstanding_balance"], after["status"]) == (0, "PAID")


@pytest.mark.parametrize(
    ("each", "status", "others"),
    [
        (1_000, "WRITTEN_OFF", ("PAID", "PARTIALLY_WRITTEN_OFF", "PARTIALLY_PAID", "SENT")),
        (600, "PARTIALLY_WRITTEN_OFF", ("PARTIALLY_PAID", "WRITTEN_OFF", "PAID", "SENT")),
    ],
    ids=["settled", "partial"],
)
def test_concurrent_payments_and_write_offs_store_the_status_they_lead_to(api, each, status, others):
    invoice = create_invoice(api, item(10_000))

    # Five payments and five write-offs of ``each``: 10,000 settles the invoice, 6,000 leaves 4,000.
    with ConflictingTransactions():
        responses = all_at_once(
            10, lambda i: pay(api, invoice["id"], each) if i % 2 else write_off(api, invoice["id"], {"amount": each})
        )

    assert Counter(r.status for r in responses) == {201: 10}
    after = assert_posted_once(api, invoice, posted(responses))
    assert after["status"] == status
    assert [i["id"] for i in all_invoices(api, f"status={status}")] == [invoice["id"]]
    for other in others:
        assert all_invoices(api, f"status={other}") == []
