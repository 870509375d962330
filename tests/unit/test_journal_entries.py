"""Custom journal entries through the handlers (SPEC §4, §6.6): posting, reading, reversing, external_id.

Every scenario ends with the books balanced (each balance = the sum of its lines, Σ debit-normal =
Σ credit-normal) and a trial balance whose totals agree; every refusal leaves the books as they were.
"""

import uuid
from datetime import UTC, datetime

import pytest
from support import (
    MISSING_ID,
    Api,
    assert_balanced,
    assert_error,
    balanced_after,
    balances,
    books,
    by_id,
    line,
    new_api,
    post_entry,
    sale,
)
from support.books import period_items

from ledgerline.domain.accounts import Account, AccountType, Direction
from ledgerline.domain.ids import new_id
from ledgerline.store import chart as chart_store
from ledgerline.store import transactions


def contribution(amount: int = 10_000, **fields) -> dict:
    """The owner puts cash in: Dr CASH / Cr OPENING_BALANCE_EQUITY."""
    return {"line_items": [line("CASH", amount, "DEBIT"), line("OPENING_BALANCE_EQUITY", amount, "CREDIT")], **fields}


def delete_entry(client: Api, entry_id: str):
    return client.delete(f"{client.base}/custom-journal-entries/{entry_id}")


def read_entry(client: Api, entry_id: str):
    return client.get(f"{client.base}/ledger/entries/{entry_id}")


# SPEC §4: after every scenario the books balance and the trial balance agrees.
books_stay_balanced = balanced_after("api")


# ---- posting ----------------------------------------------------------------------------------------


def test_posting_a_balanced_entry_returns_201_and_the_entry(api):
    response = post_entry(api, contribution(memo="Owner contribution", tags=[{"key": "dept", "value": "ops"}]))

    assert response.status == 201
    entry = response.json()
    assert uuid.UUID(entry["id"])
    assert entry["type"] == "JournalEntry"
    assert entry["business_id"] == api.business_id
    assert entry["memo"] == "Owner contribution"
    assert entry["source"] == {"type": "CUSTOM_JOURNAL_ENTRY", "id": entry["id"]}
    assert entry["total_amount"] == 10_000
    assert (entry["reverses"], entry["reversed_by"], entry["external_id"]) == (None, None, None)
    assert [(t["key"], t["value"]) for t in entry["transaction_tags"]] == [("dept", "ops")]
    assert [
        (i["account"]["stable_name"], i["account"]["name"], i["direction"], i["amount"]) for i in entry["line_items"]
    ] == [("CASH", "Cash", "DEBIT", 10_000), ("OPENING_BALANCE_EQUITY", "Opening Balance Equity", "CREDIT", 10_000)]
    assert entry["line_items"][0]["account"]["id"] == api.accounts["CASH"]


def test_a_posted_entry_moves_each_balance_in_its_normal_direction(api):
    post_entry(
        api,
        {
            "line_items": [
                line("CASH", 7_000, "DEBIT"),
                line("BANK_FEES", 500, "CREDIT"),
                line("SALES", 6_500, "CREDIT"),
            ]
        },
    )

    moved = {name: cents for name, cents in balances(api).items() if cents}
    assert moved == {"CASH": 7_000, "SALES": 6_500, "BANK_FEES": -500}


def test_accounts_may_be_named_by_account_id(api):
    response = post_entry(
        api,
        {
            "line_items": [
                line(by_id(api.accounts["BANK_FEES"]), 250, "DEBIT"),
                line(by_id(api.accounts["CASH"]), 250, "CREDIT"),
            ]
        },
    )

    assert response.status == 201
    assert balances(api)["BANK_FEES"] == 250 and balances(api)["CASH"] == -250


def test_several_lines_on_one_account_move_it_once_by_their_sum(api):
    response = post_entry(
        api, {"line_items": [line("CASH", 300, "DEBIT"), line("CASH", 200, "DEBIT"), line("SALES", 500, "CREDIT")]}
    )

    assert response.status == 201
    assert len(response.json()["line_items"]) == 3
    assert balances(api)["CASH"] == 500


def test_the_entry_date_is_entry_at_in_the_business_timezone(table):
    """A Los Angeles business: 03:00 UTC on 1 March is still 29 February (leap day) at home."""
    client = new_api("Pacific Co", timezone="America/Los_Angeles")

    response = post_entry(client, contribution(entry_at="2024-03-01T03:00:00Z"))

    assert response.status == 201
    assert response.json()["entry_date"] == "2024-02-29"
    assert response.json()["entry_at"] == "2024-03-01T03:00:00Z"
    assert_balanced(client)


def test_an_offset_on_entry_at_is_honoured_in_a_utc_business(api):
    response = post_entry(api, contribution(entry_at="2024-03-01T23:30:00-05:00"))

    assert response.json()["entry_date"] == "2024-03-02"


def test_entry_at_defaults_to_now(api):
    before = datetime.now(UTC).date()
    response = post_entry(api, contribution())
    after = datetime.now(UTC).date()

    assert response.status == 201
    assert before.isoformat() <= response.json()["entry_date"] <= after.isoformat()


def test_strings_are_stored_exactly_as_sent(api):
    memo = '  Café — naïve 🚀 "quoted"\n second line  '
    body = {"memo": memo, "line_items": [line("CASH", 10, "DEBIT", memo="  l1  "), line("SALES", 10, "CREDIT")]}

    created = post_entry(api, body).json()

    fetched = read_entry(api, created["id"]).json()
    assert fetched["memo"] == memo
    assert fetched["line_items"][0]["memo"] == "  l1  "


def test_get_entry_returns_the_posted_entry(api):
    created = post_entry(api, contribution(memo="Seed money")).json()

    response = read_entry(api, created["id"])

    assert response.status == 200
    assert response.json() == created


# ---- reading what is not there ------------------------------------------------------------------------


@pytest.mark.parametrize("entry_id", [MISSING_ID, "not-a-uuid"])
def test_an_unknown_entry_is_not_found(api, entry_id):
    before = books(api.business_id)

    response = read_entry(api, entry_id)

    assert_error(response, 404, "ResourceNotFound", "SpecifiedIdNotFound")
    assert books(api.business_id) == before


def test_an_entry_of_another_business_is_not_found(api):
    other = new_api("Other Co")
    theirs = post_entry(other, contribution()).json()
    before = books(api.business_id)

    response = read_entry(api, theirs["id"])

    assert_error(response, 404, "ResourceNotFound", "SpecifiedIdNotFound")
    assert books(api.business_id) == before
    assert_balanced(other)


# ---- invariants: refused before anything is written --------------------------------------------------


def test_an_entry_with_one_line_is_refused(api):
    before = books(api.business_id)

    response = post_entry(api, {"line_items": [line("CASH", 100, "DEBIT")]})

    assert_error(response, 400, "LedgerOperationFailed", "InvalidLedgerOperation")
    assert books(api.business_id) == before


def test_an_unbalanced_entry_is_refused(api):
    before = books(api.business_id)

    response = post_entry(api, {"line_items": [line("CASH", 100, "DEBIT"), line("SALES", 99, "CREDIT")]})

    body = assert_error(response, 400, "LedgerOperationFailed", "InvalidLedgerOperation")
    assert "100" in body["description"] and "99" in body["description"]
    assert books(api.business_id) == before


def test_an_account_of_another_business_is_refused_naming_the_field(api):
    other = new_api("Other Co")
    before = books(api.business_id)

    response = post_entry(
        api, {"line_items": [line("CASH", 100, "DEBIT"), line(by_id(other.accounts["SALES"]), 100, "CREDIT")]}
    )

    body = assert_error(response, 400, "InvalidParameters", "InvalidPayload")
    assert [e["field"] for e in body["meta"]["errors"]] == ["line_items.1.account_identifier"]
    assert books(api.business_id) == before
    assert books(other.business_id)["entries"] == []


def test_an_unknown_stable_name_is_refused_naming_the_field(api):
    before = books(api.business_id)

    response = post_entry(api, {"line_items": [line("PETTY_CASH", 100, "DEBIT"), line("SALES", 100, "CREDIT")]})

    body = assert_error(response, 400, "InvalidParameters", "InvalidPayload")
    assert [e["field"] for e in body["meta"]["errors"]] == ["line_items.0.account_identifier"]
    assert books(api.business_id) == before


def _custom_accounts(client: Api, count: int) -> list[str]:
    """Given ``count`` more asset accounts — written straight to the store in one transaction, because
    creating them one request at a time is slow on moto and not the behaviour under test."""
    created = [
        Account(new_id(), f"Clearing {n}", f"CLEARING_{n}", AccountType.ASSET, Direction.DEBIT) for n in range(count)
    ]
    actions = []
    for account in created:
        actions.append(transactions.put(chart_store.account_item(client.business_id, account, "2024-01-01T00:00:00Z")))
        actions.append(transactions.put(chart_store.stable_name_item(client.business_id, account)))
    transactions.commit(actions, token=new_id())
    return [account.id for account in created]


def _spread_over(account_ids: list[str]) -> dict:
    """One debit of 1 cent on each account but the last, which takes the balancing credit."""
    *debited, credited = account_ids
    return {
        "line_items": [*(line(by_id(a), 1, "DEBIT") for a in debited), line(by_id(credited), len(debited), "CREDIT")]
    }


def test_an_entry_may_touch_fifty_distinct_accounts(api):
    account_ids = list(api.accounts.values()) + _custom_accounts(api, 50 - len(api.accounts))

    response = post_entry(api, _spread_over(account_ids))

    assert response.status == 201
    assert len(books(api.business_id)["entries"]) == 1
    # 50 period rows would pass the transaction's 100 items: the entry keeps its moves in one item
    # (which the books check after the test adds up against the lines like any row).
    assert [item["kind"] for item in period_items(api.business_id)] == ["PERIOD_ENTRY"]


def test_an_ordinary_entry_adds_to_one_period_row_per_account(api):
    post_entry(api, sale(1_000, entry_at="2024-03-05T10:00:00Z"))
    post_entry(api, sale(500, entry_at="2024-03-20T10:00:00Z"))

    rows = [item for item in period_items(api.business_id) if item["month"] == "2024-03"]
    assert {item["kind"] for item in rows} == {"PERIOD_MOVES"}
    days = {}
    for row in rows:
        for name in ("d05", "d20"):
            days[name] = days.get(name, 0) + row.get(name, 0)
    assert days == {"d05": 2_000, "d20": 1_000}  # CASH and SALES each moved on both days, both normal-side


def test_an_entry_touching_more_than_fifty_distinct_accounts_is_refused(api):
    account_ids = list(api.accounts.values()) + _custom_accounts(api, 51 - len(api.accounts))
    before = books(api.business_id)

    response = post_entry(api, _spread_over(account_ids))

    body = assert_error(response, 400, "LedgerOperationFailed", "InvalidLedgerOperation")
    assert "50" in body["description"]
    assert books(api.business_id) == before


# ---- reversal (DELETE) ----------------------------------------------------------------------------------


def test_delete_posts_the_reversing_entry_dated_like_the_original(api):
    original = post_entry(api, contribution(entry_at="2024-01-15T10:00:00Z", memo="Oops")).json()

    response = delete_entry(api, original["id"])

    assert response.status == 200
    reversal = response.json()
    assert reversal["id"] != original["id"]
    assert reversal["reverses"] == original["id"]
    assert reversal["source"] == {"type": "CUSTOM_JOURNAL_ENTRY_REVERSAL", "id": original["id"]}
    assert reversal["entry_date"] == original["entry_date"] == "2024-01-15"
    assert [(i["account"]["id"], i["direction"], i["amount"]) for i in reversal["line_items"]] == [
        (i["account"]["id"], {"DEBIT": "CREDIT", "CREDIT": "DEBIT"}[i["direction"]], i["amount"])
        for i in original["line_items"]
    ]


def test_the_reversed_entry_links_to_its_reversal(api):
    original = post_entry(api, contribution()).json()

    reversal = delete_entry(api, original["id"]).json()

    assert read_entry(api, original["id"]).json()["reversed_by"] == reversal["id"]
    assert read_entry(api, reversal["id"]).json() == reversal


def test_a_reversal_brings_every_balance_back(api):
    original = post_entry(api, contribution(12_345)).json()

    delete_entry(api, original["id"])

    assert set(balances(api).values()) == {0}
    assert len(books(api.business_id)["entries"]) == 2


def test_an_entry_can_be_reversed_only_once(api):
    original = post_entry(api, contribution()).json()
    delete_entry(api, original["id"])
    before = books(api.business_id)

    response = delete_entry(api, original["id"])

    assert_error(response, 409, "Conflict", "InvalidLedgerOperation")
    assert books(api.business_id) == before


def test_a_reversing_entry_cannot_be_deleted(api):
    original = post_entry(api, contribution()).json()
    reversal = delete_entry(api, original["id"]).json()
    before = books(api.business_id)

    response = delete_entry(api, reversal["id"])

    assert_error(response, 409, "Conflict", "InvalidLedgerOperation")
    assert books(api.business_id) == before


@pytest.mark.parametrize("entry_id", [MISSING_ID, "not-a-uuid"])
def test_deleting_an_unknown_entry_is_not_found(api, entry_id):
    post_entry(api, contribution())
    before = books(api.business_id)

    response = delete_entry(api, entry_id)

    assert_error(response, 404, "ResourceNotFound", "SpecifiedIdNotFound")
    assert books(api.business_id) == before


def test_deleting_an_entry_of_another_business_is_not_found_and_changes_neither(api):
    other = new_api("Other Co")
    theirs = post_entry(other, contribution()).json()
    before, before_theirs = books(api.business_id), books(other.business_id)

    response = delete_entry(api, theirs["id"])

    assert_error(response, 404, "ResourceNotFound", "SpecifiedIdNotFound")
    assert books(api.business_id) == before
    assert books(other.business_id) == before_theirs
    assert read_entry(other, theirs["id"]).json()["reversed_by"] is None


# ---- external_id: a resource-level idempotency key ------------------------------------------------------


def test_the_same_external_id_with_the_same_content_returns_the_existing_entry(api):
    first = post_entry(api, contribution(external_id="je-1", memo="Seed"))
    before = books(api.business_id)

    again = post_entry(api, contribution(external_id="je-1", memo="Seed"))

    assert (first.status, again.status) == (201, 200)
    assert again.json() == first.json()
    assert first.json()["external_id"] == "je-1"
    assert books(api.business_id) == before
    assert len(before["entries"]) == 1


def test_content_is_compared_by_meaning_not_by_key_order(api):
    first = post_entry(api, contribution(external_id="je-1", memo="Seed"))
    reordered = {
        "memo": "Seed",
        "line_items": [
            {
                "direction": "DEBIT",
                "amount": 10_000,
                "account_identifier": {"stable_name": "CASH", "type": "StableName"},
            },
            {
                "direction": "CREDIT",
                "amount": 10_000,
                "account_identifier": {"stable_name": "OPENING_BALANCE_EQUITY", "type": "StableName"},
            },
        ],
        "external_id": "je-1",
    }

    again = post_entry(api, reordered)

    assert again.status == 200
    assert again.json()["id"] == first.json()["id"]


def test_the_same_external_id_with_different_content_is_a_conflict(api):
    post_entry(api, contribution(10_000, external_id="je-1"))
    before = books(api.business_id)

    response = post_entry(api, contribution(20_000, external_id="je-1"))

    assert_error(response, 409, "Conflict", "ExternalIdConflict")
    assert books(api.business_id) == before


def test_external_ids_of_different_businesses_do_not_collide(api):
    other = new_api("Other Co")
    post_entry(other, contribution(10_000, external_id="je-1"))

    response = post_entry(api, contribution(20_000, external_id="je-1"))

    assert response.status == 201
    assert_balanced(other)


def test_an_external_id_stays_taken_after_its_entry_is_reversed(api):
    first = post_entry(api, contribution(external_id="je-1")).json()
    delete_entry(api, first["id"])
    before = books(api.business_id)

    again = post_entry(api, contribution(external_id="je-1"))

    assert again.status == 200
    assert again.json()["id"] == first["id"]
    assert again.json()["reversed_by"] is not None
    assert books(api.business_id) == before
