"""Seed 001, exactly: DELETE /v1/businesses/{businessId}/invoices/{invoiceId}/write-offs/{writeOffId}.

200 with the deleted ``ApiInvoiceWriteOff``; a reversing entry dated the write-off's own date;
outstanding balance and status restored; 404 ``ApiError`` for an unknown business, invoice or
write-off, a write-off of another invoice, or one already deleted. Runs on moto and DynamoDB Local.
"""

import pytest
from support import MISSING_ID, Api, assert_error, balanced_after, balances, books, get_entry, lines_of, new_api, stable
from support.invoices import (
    assert_balanced_with_receivable,
    create_invoice,
    delete_write_off,
    get_invoice,
    invoice_path,
    item,
    moved,
    pay,
    write_off,
)

from ledgerline.domain.ids import new_id
from ledgerline.services import businesses
from ledgerline.store import transactions

SEED_KEYS = {
    "id",
    "invoice_id",
    "external_id",
    "amount",
    "memo",
    "destination_ledger_account",
    "write_off_at",
    "transaction_tags",
}


@pytest.fixture
def api(table: str) -> Api:
    """A business in Los Angeles, so a late-evening write-off is already tomorrow in UTC."""
    return new_api("Pacific Co", timezone="America/Los_Angeles")


@pytest.fixture
def other_api(api: Api) -> Api:
    return new_api("Other Co", timezone="America/Los_Angeles")


books_stay_balanced = balanced_after("api", "other_api", check=assert_balanced_with_receivable)


@pytest.fixture
def invoice(api: Api) -> dict:
    return create_invoice(api, item(10_000), sent_at="2024-01-10T17:00:00Z")


@pytest.fixture
def written(api: Api, invoice: dict) -> dict:
    """A 40.00 write-off dated the last evening of January in Los Angeles (Feb 1 in UTC)."""
    response = write_off(
        api,
        invoice["id"],
        {
            "amount": 4_000,
            "memo": "Customer bankrupt",
            "external_id": "wo-jan",
            "destination_ledger_account": stable("BAD_DEBT"),
            "write_off_at": "2024-01-31T23:30:00-08:00",
            "tags": [{"key": "reason", "value": "bankruptcy", "dimension_display_name": "Reason"}],
        },
    )
    assert response.status == 201, response.json()
    return response.json()


def write_off_entry_id(api: Api, invoice: dict) -> str:
    return next(e for e in books(api.business_id)["entries"] if e != invoice["journal_entry_id"])


def test_delete_returns_200_and_the_deleted_write_off_in_the_seed_shape(api, invoice, written):
    response = delete_write_off(api, invoice["id"], written["id"])

    assert response.status == 200, response.json()
    body = response.json()
    assert set(body) == SEED_KEYS
    assert body == written
    assert (body["id"], body["invoice_id"], body["external_id"], body["amount"], body["memo"]) == (
        written["id"],
        invoice["id"],
        "wo-jan",
        4_000,
        "Customer bankrupt",
    )
    assert body["destination_ledger_account"] == stable("BAD_DEBT")
    assert body["write_off_at"] == "2024-01-31T23:30:00-08:00"
    assert [(t["key"], t["value"], t["dimension_display_name"]) for t in body["transaction_tags"]] == [
        ("reason", "bankruptcy", "Reason")
    ]


def test_delete_posts_the_reversing_entry_dated_the_write_offs_own_date(api, invoice, written):
    original_id = write_off_entry_id(api, invoice)
    before = balances(api)

    delete_write_off(api, invoice["id"], written["id"])

    original = get_entry(api, original_id)
    assert original["entry_date"] == "2024-01-31"
    reversal = get_entry(api, original["reversed_by"])
    assert reversal["reverses"] == original["id"]
    assert reversal["entry_date"] == "2024-01-31"  # not the day of the delete, not Feb 1 (UTC)
    assert lines_of(original) == [("ACCOUNTS_RECEIVABLE", "CREDIT", 4_000), ("BAD_DEBT", "DEBIT", 4_000)]
    assert lines_of(reversal) == [("ACCOUNTS_RECEIVABLE", "DEBIT", 4_000), ("BAD_DEBT", "CREDIT", 4_000)]
    assert moved(before, balances(api)) == {"ACCOUNTS_RECEIVABLE": 4_000, "BAD_DEBT": -4_000}
    assert set(books(api.business_id)["entries"]) == {invoice["journal_entry_id"], original["id"], reversal["id"]}


def test_delete_restores_the_outstanding_balance_and_status(api, invoice, written):
    assert (get_invoice(api, invoice["id"])["status"], get_invoice(api, invoice["id"])["outstanding_balance"]) == (
        "PARTIALLY_WRITTEN_OFF",
        6_000,
    )

    delete_write_off(api, invoice["id"], written["id"])

    restored = get_invoice(api, invoice["id"])
    assert (restored["status"], restored["outstanding_balance"], restored["write_offs"]) == ("SENT", 10_000, [])
    assert api.get(invoice_path(api, invoice["id"], "/write-offs")).json()["data"] == []


def test_delete_of_a_write_off_of_a_partly_paid_invoice_restores_partially_paid(api, invoice, written):
    pay(api, invoice["id"], 6_000, paid_at="2024-02-05T12:00:00-08:00")
    assert get_invoice(api, invoice["id"])["status"] == "WRITTEN_OFF"

    delete_write_off(api, invoice["id"], written["id"])

    restored = get_invoice(api, invoice["id"])
    assert (restored["status"], restored["outstanding_balance"]) == ("PARTIALLY_PAID", 4_000)


def test_a_second_delete_is_not_found_and_changes_nothing(api, invoice, written):
    assert delete_write_off(api, invoice["id"], written["id"]).status == 200
    before = books(api.business_id)

    response = delete_write_off(api, invoice["id"], written["id"])

    assert_error(response, 404, "ResourceNotFound", "SpecifiedIdNotFound")
    assert books(api.business_id) == before
    assert get_invoice(api, invoice["id"])["outstanding_balance"] == 10_000


def test_a_keyed_delete_sent_twice_answers_the_same_and_reverses_once(api, invoice, written):
    headers = {"Idempotency-Key": "delete-wo-jan"}

    first = api.delete(invoice_path(api, invoice["id"], f"/write-offs/{written['id']}"), headers=headers)
    again = api.delete(invoice_path(api, invoice["id"], f"/write-offs/{written['id']}"), headers=headers)

    assert (first.status, again.status) == (200, 200)
    assert again.json() == first.json()
    assert len(books(api.business_id)["entries"]) == 3


@pytest.mark.parametrize("write_off_id", [MISSING_ID, "not-a-uuid"])
def test_an_unknown_write_off_is_not_found(api, invoice, written, write_off_id):
    before = books(api.business_id)

    response = delete_write_off(api, invoice["id"], write_off_id)

    assert_error(response, 404, "ResourceNotFound", "SpecifiedIdNotFound")
    assert books(api.business_id) == before


def test_an_unknown_invoice_is_not_found(api, invoice, written):
    before = books(api.business_id)

    response = delete_write_off(api, MISSING_ID, written["id"])

    assert_error(response, 404, "ResourceNotFound", "InvoiceNotFound")
    assert books(api.business_id) == before


def test_a_write_off_of_another_invoice_is_not_found_through_this_one(api, invoice, written):
    other = create_invoice(api, item(5_000), invoice_number="INV-2")
    before = books(api.business_id)

    response = delete_write_off(api, other["id"], written["id"])

    assert_error(response, 404, "ResourceNotFound", "SpecifiedIdNotFound")
    assert books(api.business_id) == before
    assert get_invoice(api, invoice["id"])["write_offs"] == [written]


def test_another_business_write_off_is_not_found_and_changes_neither_business(api, other_api, invoice, written):
    theirs = create_invoice(other_api, item(10_000))
    their_write_off = write_off(other_api, theirs["id"], {"amount": 1_000}).json()
    mine_before, theirs_before = books(api.business_id), books(other_api.business_id)

    # this business's path and token, the other business's invoice and write-off
    assert_error(delete_write_off(api, theirs["id"], their_write_off["id"]), 404, "ResourceNotFound", "InvoiceNotFound")
    # the other business's path and token, this business's invoice and write-off
    assert_error(delete_write_off(other_api, invoice["id"], written["id"]), 404, "ResourceNotFound", "InvoiceNotFound")
    # this business's token on the other business's path
    assert_error(
        api.delete(invoice_path(other_api, theirs["id"], f"/write-offs/{their_write_off['id']}")),
        403,
        "AuthFailure",
        None,
    )

    assert books(api.business_id) == mine_before
    assert books(other_api.business_id) == theirs_before


def test_a_business_that_does_not_exist_is_not_found(api, invoice, written):
    """A token that still names a business that is gone (e.g. archived): 404, not a leak or a 500."""
    ghost = new_id()
    token, action = businesses._new_token([api.business_id, ghost], 1)
    transactions.commit([action], token=new_id())

    response = api.delete(
        f"/v1/businesses/{ghost}/invoices/{invoice['id']}/write-offs/{written['id']}", token=f"Bearer {token}"
    )

    assert_error(response, 404, "ResourceNotFound", "SpecifiedIdNotFound")
    assert get_invoice(api, invoice["id"])["write_offs"] == [written]


def test_an_unauthenticated_delete_is_401_and_changes_nothing(api, invoice, written):
    before = books(api.business_id)

    response = api.delete(invoice_path(api, invoice["id"], f"/write-offs/{written['id']}"), token=None)

    assert response.status == 401
    assert response.json() == {"message": "Unauthorized"}
    assert books(api.business_id) == before


def test_a_deleted_write_off_can_be_followed_by_a_new_one(api, invoice, written):
    delete_write_off(api, invoice["id"], written["id"])

    again = write_off(api, invoice["id"], {"amount": 10_000, "write_off_at": "2024-02-29T12:00:00-08:00"})

    assert again.status == 201, again.json()
    assert get_invoice(api, invoice["id"])["status"] == "WRITTEN_OFF"
