"""Invoice write-offs (SPEC §6.3–6.4): amounts, destinations, dates, states, external_id and tags.

Both paths are exercised where they could differ: Layer's ``/write-off`` and its alias ``/write-offs``.
Every scenario ends with the books balanced and ACCOUNTS_RECEIVABLE equal to the outstanding
balances of the live invoices; every refusal leaves the books as they were.
"""

from datetime import UTC, datetime

import pytest
from support import (
    MISSING_ID,
    Api,
    assert_error,
    balanced_after,
    books,
    by_id,
    error_fields,
    get_entry,
    lines_of,
    pin_clock,
    stable,
)
from support import balances as ledger_balances
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

pytest_plugins = ["support.invoices"]  # its fixtures: other_api, la_api

PATHS = ["/write-off", "/write-offs"]
WRITE_OFF_KEYS = {
    "id",
    "invoice_id",
    "external_id",
    "amount",
    "memo",
    "destination_ledger_account",
    "write_off_at",
    "transaction_tags",
}
TAG_KEYS = {
    "id",
    "key",
    "dimension_display_name",
    "value",
    "value_display_name",
    "dimension_id",
    "definition_id",
    "archived_at",
}


@pytest.fixture
def api(unit_api: Api) -> Api:
    return unit_api


books_stay_balanced = balanced_after("api", "other_api", "la_api", check=assert_balanced_with_receivable)


@pytest.fixture
def invoice(api: Api) -> dict:
    """A 100.00 invoice, nothing paid or written off yet."""
    return create_invoice(api, item(10_000))


# ---- amounts ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("body", [None, {}], ids=["no-body", "empty-body"])
def test_a_write_off_without_an_amount_writes_off_the_whole_outstanding_balance(api, invoice, path, body):
    pay(api, invoice["id"], 2_500)
    before = ledger_balances(api)

    response = write_off(api, invoice["id"], body, path=path)

    assert response.status == 201, response.json()
    written = response.json()
    assert set(written) == WRITE_OFF_KEYS
    assert (written["invoice_id"], written["amount"], written["external_id"], written["memo"]) == (
        invoice["id"],
        7_500,
        None,
        None,
    )
    assert written["destination_ledger_account"] == stable("BAD_DEBT")
    assert written["transaction_tags"] == []
    assert moved(before, ledger_balances(api)) == {"BAD_DEBT": 7_500, "ACCOUNTS_RECEIVABLE": -7_500}
    after = get_invoice(api, invoice["id"])
    assert (after["status"], after["outstanding_balance"]) == ("WRITTEN_OFF", 0)
    assert after["write_offs"] == [written]


@pytest.mark.parametrize("path", PATHS)
def test_a_partial_write_off_posts_dr_bad_debt_cr_receivable(api, invoice, path):
    response = write_off(api, invoice["id"], {"amount": 3_000, "memo": "Customer disputes part"}, path=path)

    assert response.status == 201, response.json()
    written = response.json()
    assert (written["amount"], written["memo"]) == (3_000, "Customer disputes part")
    assert get_invoice(api, invoice["id"])["write_offs"] == [written]
    listed = api.get(invoice_path(api, invoice["id"], "/write-offs")).json()
    assert listed == {"data": [written], "meta": {"pagination": {"cursor": None, "has_more": False}}}
    assert api.get(invoice_path(api, invoice["id"], f"/write-offs/{written['id']}")).json() == written


def test_the_write_off_entry_is_dr_destination_cr_receivable(api, invoice):
    written = write_off(api, invoice["id"], {"amount": 3_000}).json()

    entries = [e for e in books(api.business_id)["entries"] if e != invoice["journal_entry_id"]]
    assert len(entries) == 1
    entry = get_entry(api, entries[0])
    assert lines_of(entry) == [("ACCOUNTS_RECEIVABLE", "CREDIT", 3_000), ("BAD_DEBT", "DEBIT", 3_000)]
    assert entry["source"] == {"type": "INVOICE_WRITE_OFF", "id": written["id"]}
    assert entry["reverses"] is None and entry["reversed_by"] is None


@pytest.mark.parametrize("path", PATHS)
def test_a_write_off_over_the_outstanding_balance_is_refused(api, invoice, path):
    pay(api, invoice["id"], 6_000)
    before = books(api.business_id)

    response = write_off(api, invoice["id"], {"amount": 4_001}, path=path)

    assert error_fields(response) == ["amount"]
    assert books(api.business_id) == before
    assert get_invoice(api, invoice["id"])["outstanding_balance"] == 4_000


@pytest.mark.parametrize(
    "body",
    [
        {"amount": 0},
        {"amount": -1},
        {"amount": 10.5},
        {"amount": "100"},
        {"amount": True},
        {"amount": 10**13 + 1},
        {"amount": 100, "reason": "x"},
        {"memo": "m" * 1001},
        {"write_off_at": "2024-01-31"},
        {"write_off_at": "2024-01-31T10:00:00"},
        {"tags": [{"key": f"k{i}", "value": "v"} for i in range(21)]},
        {"tags": [{"key": "k"}]},
        {"destination_ledger_account": {"type": "StableName"}},
    ],
    ids=[
        "zero",
        "negative",
        "fraction",
        "string",
        "bool",
        "too-large",
        "unknown-field",
        "long-memo",
        "date-only",
        "no-offset",
        "21-tags",
        "tag-without-value",
        "identifier-without-name",
    ],
)
def test_an_invalid_write_off_is_refused_and_posts_nothing(api, invoice, body):
    before = books(api.business_id)

    response = write_off(api, invoice["id"], body)

    assert error_fields(response)
    assert books(api.business_id) == before


def test_a_malformed_body_is_refused(api, invoice):
    before = books(api.business_id)

    response = api.request("POST", invoice_path(api, invoice["id"], "/write-off"), body="{amount: 5")

    assert_error(response, 400, "InvalidParameters", "InvalidPayload")
    assert books(api.business_id) == before


# ---- destination ------------------------------------------------------------------------------------


@pytest.mark.parametrize("destination", ["DISCOUNTS", "UNCATEGORIZED_EXPENSES", "BANK_FEES"])
def test_an_expense_or_contra_revenue_destination_is_allowed(api, invoice, destination):
    before = ledger_balances(api)

    written = write_off(api, invoice["id"], {"amount": 1_000, "destination_ledger_account": stable(destination)})

    assert written.status == 201, written.json()
    assert written.json()["destination_ledger_account"] == stable(destination)
    assert moved(before, ledger_balances(api)) == {destination: 1_000, "ACCOUNTS_RECEIVABLE": -1_000}


def test_a_destination_given_by_id_is_echoed_as_given(api, invoice):
    custom = api.post(f"{api.base}/ledger/accounts", {"name": "Collection Losses", "account_type": "EXPENSE"}).json()

    written = write_off(api, invoice["id"], {"amount": 1_000, "destination_ledger_account": by_id(custom["id"])})

    assert written.status == 201, written.json()
    assert written.json()["destination_ledger_account"] == by_id(custom["id"])
    assert ledger_balances(api)["COLLECTION_LOSSES"] == 1_000


@pytest.mark.parametrize(
    ("destination", "path"),
    [
        ("SALES", "/write-off"),
        ("SALES", "/write-offs"),
        ("INTEREST_INCOME", "/write-off"),
        ("CASH", "/write-off"),
        ("CASH", "/write-offs"),
        ("ACCOUNTS_PAYABLE", "/write-off"),
        ("OPENING_BALANCE_EQUITY", "/write-off"),
        ("ACCOUNTS_RECEIVABLE", "/write-off"),
    ],
)
def test_a_destination_that_is_not_expense_or_contra_revenue_is_refused(api, invoice, destination, path):
    before = books(api.business_id)

    response = write_off(api, invoice["id"], {"destination_ledger_account": stable(destination)}, path=path)

    assert error_fields(response) == ["destination_ledger_account"]
    assert books(api.business_id) == before


@pytest.mark.parametrize("identifier", [stable("NO_SUCH_ACCOUNT"), by_id(MISSING_ID)], ids=["stable-name", "id"])
def test_an_unknown_destination_is_refused_naming_the_field(api, invoice, identifier):
    before = books(api.business_id)

    response = write_off(api, invoice["id"], {"destination_ledger_account": identifier})

    assert error_fields(response) == ["destination_ledger_account"]
    assert books(api.business_id) == before


def test_a_destination_of_another_business_is_unknown(api, other_api, invoice):
    before = books(api.business_id)

    response = write_off(api, invoice["id"], {"destination_ledger_account": by_id(other_api.accounts["BAD_DEBT"])})

    assert error_fields(response) == ["destination_ledger_account"]
    assert books(api.business_id) == before


# ---- dates ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("write_off_at", "entry_date"),
    [
        ("2024-01-31T23:30:00-08:00", "2024-01-31"),  # already Feb 1 in UTC
        ("2024-02-01T05:30:00+09:00", "2024-01-31"),  # Jan 31, 12:30 in Los Angeles
        ("2024-02-01T08:00:00Z", "2024-02-01"),  # Feb 1, 00:00 in Los Angeles
    ],
)
def test_the_write_off_entry_is_dated_write_off_at_in_the_business_timezone(la_api, write_off_at, entry_date):
    invoice = create_invoice(la_api, item(10_000))

    written = write_off(la_api, invoice["id"], {"amount": 100, "write_off_at": write_off_at}).json()

    assert datetime.fromisoformat(written["write_off_at"]) == datetime.fromisoformat(write_off_at)
    entry = get_entry(la_api, next(e for e in books(la_api.business_id)["entries"] if e != invoice["journal_entry_id"]))
    assert entry["entry_date"] == entry_date
    assert entry["source"]["id"] == written["id"]


def test_write_off_at_defaults_to_now(la_api, monkeypatch):
    invoice = create_invoice(la_api, item(10_000))
    pin_clock(monkeypatch, datetime(2024, 3, 10, 7, 0, tzinfo=UTC))  # Mar 9, 23:00 in LA

    written = write_off(la_api, invoice["id"]).json()

    assert datetime.fromisoformat(written["write_off_at"]) == datetime(2024, 3, 10, 7, 0, tzinfo=UTC)
    entry = get_entry(la_api, next(e for e in books(la_api.business_id)["entries"] if e != invoice["journal_entry_id"]))
    assert entry["entry_date"] == "2024-03-09"


def test_a_write_off_dated_after_today_in_the_business_timezone_is_refused(la_api, monkeypatch):
    invoice = create_invoice(la_api, item(10_000))
    pin_clock(monkeypatch, datetime(2024, 3, 10, 7, 0, tzinfo=UTC))  # Mar 9, 23:00 in LA
    before = books(la_api.business_id)

    tomorrow = write_off(la_api, invoice["id"], {"write_off_at": "2024-03-10T08:00:00Z"})  # Mar 10, 00:00 in LA

    assert error_fields(tomorrow) == ["write_off_at"]
    assert books(la_api.business_id) == before
    later_today = write_off(la_api, invoice["id"], {"amount": 1, "write_off_at": "2024-03-10T07:30:00Z"})  # 23:30
    assert later_today.status == 201, later_today.json()


# ---- invoice states ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "path"),
    [
        ("voided", "/write-off"),
        ("voided", "/write-offs"),
        ("paid", "/write-off"),
        ("paid", "/write-offs"),
        ("written-off", "/write-off"),
    ],
)
def test_a_write_off_of_a_voided_or_settled_invoice_is_an_invoice_state_error(api, invoice, state, path):
    if state == "voided":
        assert api.post(invoice_path(api, invoice["id"], "/void")).status == 200
    elif state == "paid":
        assert pay(api, invoice["id"], 10_000).status == 201
    else:
        assert write_off(api, invoice["id"]).status == 201
    before = books(api.business_id)

    response = write_off(api, invoice["id"], {"amount": 1}, path=path)

    assert_error(response, 409, "InvalidState", "InvoiceStateError")
    assert books(api.business_id) == before


@pytest.mark.parametrize("path", PATHS)
def test_a_write_off_of_an_unknown_invoice_is_not_found(api, path):
    before = books(api.business_id)

    assert_error(write_off(api, MISSING_ID, path=path), 404, "ResourceNotFound", "InvoiceNotFound")
    assert books(api.business_id) == before


def test_a_write_off_of_another_business_invoice_is_not_found(api, other_api):
    theirs = create_invoice(other_api, item(10_000))
    before = books(other_api.business_id)

    assert_error(write_off(api, theirs["id"]), 404, "ResourceNotFound", "InvoiceNotFound")
    # this business's token on the other business's path
    assert_error(api.post(invoice_path(other_api, theirs["id"], "/write-off")), 403, "AuthFailure", None)
    assert books(other_api.business_id) == before


# ---- reading ----------------------------------------------------------------------------------------


def test_a_deleted_write_off_is_neither_listed_nor_found(api, invoice):
    kept = write_off(api, invoice["id"], {"amount": 1_000}).json()
    deleted = write_off(api, invoice["id"], {"amount": 2_000}).json()
    assert delete_write_off(api, invoice["id"], deleted["id"]).status == 200

    listed = api.get(invoice_path(api, invoice["id"], "/write-offs")).json()["data"]
    missing = api.get(invoice_path(api, invoice["id"], f"/write-offs/{deleted['id']}"))

    assert listed == [kept]
    assert_error(missing, 404, "ResourceNotFound", "SpecifiedIdNotFound")
    assert get_invoice(api, invoice["id"])["write_offs"] == [kept]


def test_a_write_off_is_only_found_under_its_own_invoice(api, invoice):
    other = create_invoice(api, item(5_000))
    theirs = write_off(api, other["id"], {"amount": 1_000}).json()

    response = api.get(invoice_path(api, invoice["id"], f"/write-offs/{theirs['id']}"))

    assert_error(response, 404, "ResourceNotFound", "SpecifiedIdNotFound")
    assert api.get(invoice_path(api, invoice["id"], "/write-offs")).json()["data"] == []


def test_the_write_offs_of_an_unknown_invoice_are_not_found(api):
    assert_error(api.get(invoice_path(api, MISSING_ID, "/write-offs")), 404, "ResourceNotFound", "InvoiceNotFound")


# ---- external_id ------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", PATHS)
def test_the_same_external_id_and_content_returns_the_first_write_off(api, invoice, path):
    body = {"amount": 3_000, "external_id": "wo-1", "memo": "Disputed"}
    first = write_off(api, invoice["id"], body)

    again = write_off(api, invoice["id"], body, path=path)

    assert (first.status, again.status) == (201, 200)
    assert again.json() == first.json()
    assert get_invoice(api, invoice["id"])["outstanding_balance"] == 7_000
    assert len(books(api.business_id)["entries"]) == 2


def test_a_write_off_replayed_after_it_settled_the_invoice_returns_the_first_write_off(api, invoice):
    """A retry must not be judged against the state its own first copy created."""
    first = write_off(api, invoice["id"], {"external_id": "wo-all"})
    before = books(api.business_id)

    again = write_off(api, invoice["id"], {"external_id": "wo-all"})

    assert (first.status, again.status) == (201, 200)
    assert again.json() == first.json()
    assert books(api.business_id) == before


def test_a_partial_write_off_replayed_once_less_is_outstanding_returns_the_first(api, invoice):
    body = {"amount": 6_000, "external_id": "wo-6000"}
    first = write_off(api, invoice["id"], body)
    pay(api, invoice["id"], 3_000)  # 1_000 left: a fresh 6_000 would be too much

    again = write_off(api, invoice["id"], body)

    assert (first.status, again.status) == (201, 200)
    assert again.json() == first.json()


def test_the_same_external_id_with_different_content_is_a_conflict(api, invoice):
    write_off(api, invoice["id"], {"amount": 3_000, "external_id": "wo-1"})
    before = books(api.business_id)

    response = write_off(api, invoice["id"], {"amount": 3_001, "external_id": "wo-1"})

    assert_error(response, 409, "Conflict", "ExternalIdConflict")
    assert books(api.business_id) == before


def test_the_same_external_id_on_another_invoice_is_a_conflict(api, invoice):
    other = create_invoice(api, item(10_000))
    write_off(api, invoice["id"], {"amount": 3_000, "external_id": "wo-1"})
    before = books(api.business_id)

    response = write_off(api, other["id"], {"amount": 3_000, "external_id": "wo-1"})

    assert_error(response, 409, "Conflict", "ExternalIdConflict")
    assert books(api.business_id) == before


def test_an_external_id_stays_taken_after_its_write_off_is_deleted(api, invoice):
    first = write_off(api, invoice["id"], {"amount": 3_000, "external_id": "wo-1"}).json()
    delete_write_off(api, invoice["id"], first["id"])
    before = books(api.business_id)

    again = write_off(api, invoice["id"], {"amount": 3_000, "external_id": "wo-1"})

    assert again.status in (404, 409), again.json()  # never a second write-off under the same external_id
    assert books(api.business_id) == before


def test_external_ids_of_different_businesses_do_not_collide(api, other_api, invoice):
    theirs = create_invoice(other_api, item(10_000))

    mine = write_off(api, invoice["id"], {"amount": 100, "external_id": "wo-1"})
    other = write_off(other_api, theirs["id"], {"amount": 100, "external_id": "wo-1"})

    assert (mine.status, other.status) == (201, 201)


# ---- tags -------------------------------------------------------------------------------------------


def tagged(client: Api, invoice_id: str, *tags: dict, amount: int = 100) -> dict:
    response = write_off(client, invoice_id, {"amount": amount, "tags": list(tags)})
    assert response.status == 201, response.json()
    return response.json()


def test_tags_come_back_as_api_tags_and_are_copied_onto_the_entry(api, invoice):
    written = tagged(
        api,
        invoice["id"],
        {"key": "region", "value": "west", "dimension_display_name": "Region", "value_display_name": "West coast"},
        {"key": "reason", "value": "bankrupt"},
    )

    tags = written["transaction_tags"]
    assert [set(t) for t in tags] == [TAG_KEYS, TAG_KEYS]
    assert [
        (t["key"], t["value"], t["dimension_display_name"], t["value_display_name"], t["archived_at"]) for t in tags
    ] == [("region", "west", "Region", "West coast", None), ("reason", "bankrupt", None, None, None)]
    assert len({t["id"] for t in tags} | {t["dimension_id"] for t in tags} | {t["definition_id"] for t in tags}) == 6
    entry = get_entry(api, next(e for e in books(api.business_id)["entries"] if e != invoice["journal_entry_id"]))
    assert [(t["key"], t["value"], t["dimension_id"], t["definition_id"]) for t in entry["transaction_tags"]] == [
        (t["key"], t["value"], t["dimension_id"], t["definition_id"]) for t in tags
    ]


def test_tag_ids_are_stable_per_key_and_value_within_a_business(api, other_api, invoice):
    second_invoice = create_invoice(api, item(10_000))
    theirs = create_invoice(other_api, item(10_000))
    west = {"key": "region", "value": "west"}

    first = tagged(api, invoice["id"], west)["transaction_tags"][0]
    again = tagged(api, invoice["id"], west)["transaction_tags"][0]
    elsewhere = tagged(api, second_invoice["id"], west)["transaction_tags"][0]
    east = tagged(api, invoice["id"], {"key": "region", "value": "east"})["transaction_tags"][0]
    other_business = tagged(other_api, theirs["id"], west)["transaction_tags"][0]

    assert (
        (first["dimension_id"], first["definition_id"])
        == (again["dimension_id"], again["definition_id"])
        == (elsewhere["dimension_id"], elsewhere["definition_id"])
    )
    assert first["id"] != again["id"]  # each tag on each write-off is its own tag
    assert east["dimension_id"] == first["dimension_id"]
    assert east["definition_id"] != first["definition_id"]
    assert other_business["dimension_id"] != first["dimension_id"]
    assert other_business["definition_id"] != first["definition_id"]


def test_tags_are_read_back_unchanged(api, invoice):
    written = tagged(api, invoice["id"], {"key": "region", "value": "west"})

    assert api.get(invoice_path(api, invoice["id"], f"/write-offs/{written['id']}")).json() == written
    assert get_invoice(api, invoice["id"])["write_offs"] == [written]
