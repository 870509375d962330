"""SPEC §10.4: ``GET /exports/journal`` — the journal as beancount (which bean-check accepts, its balances
Ledgerline's) or CSV (one row per line), a page of text at a time; and ``ledgerline export``.

Through the local gateway and the authorizer on moto; the same on DynamoDB Local, with every kind of
posting, in ``tests/integration/test_exports_books.py``.
"""

import json
import uuid

import pytest
from beancount.core import data
from support import (
    Api,
    assert_error,
    assert_invalid,
    balanced_after,
    entry_body,
    line,
    new_api,
    post_entry,
    unchanged,
)
from support.exports import (
    NEXT_CURSOR,
    beancount_balances,
    csv_balances,
    csv_rows,
    export,
    export_pages,
    exported,
    load_beancount,
    stable_name_of,
    trial_balances,
)
from support.invoices import create_invoice, item, pay, write_off

from ledgerline.domain.ids import new_id
from ledgerline.services import businesses
from ledgerline.services import exports as export_service
from ledgerline.store import transactions
from ledgerline_tools import cli

books_stay_balanced = balanced_after("unit_api")

MEMO = 'Owner said "go" \\ then\nleft'
LINE_MEMO = "first\tline"


def transactions_of(text: str) -> list[data.Transaction]:
    entries, errors, _options = load_beancount(text)
    assert not errors, [str(error.message) for error in errors[:5]]
    return [entry for entry in entries if isinstance(entry, data.Transaction)]


@pytest.fixture
def busy(unit_api: Api) -> Api:
    """A business with a few months of entries: a custom entry (a hostile memo, a line memo), an invoice
    paid in part and written off, and a custom entry deleted (reversed)."""
    api = unit_api
    assert (
        post_entry(
            api,
            {
                "memo": MEMO,
                "entry_at": "2024-01-10T09:00:00Z",
                "line_items": [
                    line("CASH", 100_000, "DEBIT", memo=LINE_MEMO),
                    line("OPENING_BALANCE_EQUITY", 100_000, "CREDIT"),
                ],
            },
        ).status
        == 201
    )
    invoice = create_invoice(api, item(10_000), sent_at="2024-01-15T10:00:00Z")
    assert pay(api, invoice["id"], 4_000, paid_at="2024-02-01T12:00:00Z").status == 201
    assert write_off(api, invoice["id"], {"write_off_at": "2024-03-01T12:00:00Z"}).status == 201
    mistake = post_entry(api, entry_body(2_500, memo="Typo", entry_at="2024-02-10T09:00:00Z")).json()
    assert api.delete(f"{api.base}/custom-journal-entries/{mistake['id']}").status == 200
    return api


def all_entries(api: Api) -> list[dict]:
    listed = api.get(f"{api.base}/ledger/entries", query="limit=100").json()
    assert not listed["meta"]["pagination"]["has_more"]
    return listed["data"]


# ---- beancount ----------------------------------------------------------------------------------------


def test_a_whole_history_beancount_export_passes_beancounts_checks_with_ledgerlines_balances(busy):
    response = export(busy)

    assert response.status == 200
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert NEXT_CURSOR not in response.headers
    text = response.body.decode()
    assert beancount_balances(text) == trial_balances(busy)  # beancount's loader runs bean-check's checks
    assert 'option "operating_currency" "USD"' in text


def test_every_account_is_opened_on_the_first_entrys_date_and_asserted_the_day_after_the_last(busy):
    entries, _errors, _options = load_beancount(exported(busy))

    opens = [e for e in entries if isinstance(e, data.Open)]
    balances = [e for e in entries if isinstance(e, data.Balance)]
    assert {str(e.date) for e in opens} == {"2024-01-10"}
    assert len(opens) == len(balances) == len(trial_balances(busy))
    assert {str(e.date) for e in balances} == {"2024-03-02"}
    assert all(e.currencies == ["USD"] for e in opens)


def test_each_entry_is_one_transaction_with_its_date_memo_and_ids(busy):
    posted = {entry["id"]: entry for entry in all_entries(busy)}

    found = {t.meta["entry-id"]: t for t in transactions_of(exported(busy))}

    assert found.keys() == posted.keys()
    for entry_id, entry in posted.items():
        transaction = found[entry_id]
        assert str(transaction.date) == entry["entry_date"]
        assert transaction.narration == (entry["memo"] or "")
        assert (transaction.meta["source-type"], transaction.meta["source-id"]) == (
            entry["source"]["type"],
            entry["source"]["id"],
        )
        assert transaction.meta.get("reverses") == entry["reverses"]
        assert transaction.meta.get("reversed-by") == entry["reversed_by"]
        assert len(transaction.postings) == len(entry["line_items"])


def test_memos_with_quotes_backslashes_tabs_and_newlines_read_back_exactly(busy):
    transaction = next(t for t in transactions_of(exported(busy)) if t.narration == MEMO)

    assert transaction.postings[0].meta["memo"] == LINE_MEMO
    assert str(transaction.postings[0].units) == "1000.00 USD"
    assert str(transaction.postings[1].units) == "-1000.00 USD"


def test_a_reversed_entry_and_its_reversal_point_at_each_other(busy):
    by_id = {t.meta["entry-id"]: t for t in transactions_of(exported(busy))}

    reversal = next(t for t in by_id.values() if "reverses" in t.meta)

    assert by_id[reversal.meta["reverses"]].meta["reversed-by"] == reversal.meta["entry-id"]


def test_an_entry_dated_before_its_account_was_created_is_still_after_its_open(unit_api):
    created = unit_api.post(f"{unit_api.base}/ledger/accounts", {"name": "Vintage car", "account_type": "ASSET"})
    assert created.status == 201
    assert (
        post_entry(
            unit_api,
            {
                "entry_at": "1990-06-01T00:00:00Z",
                "line_items": [line("VINTAGE_CAR", 5_000, "DEBIT"), line("OPENING_BALANCE_EQUITY", 5_000, "CREDIT")],
            },
        ).status
        == 201
    )

    assert beancount_balances(exported(unit_api))["VINTAGE_CAR"] == 5_000


def test_two_stable_names_that_camelcase_alike_stay_two_accounts(unit_api):
    for stable_name in ("NOTE_2024", "NOTE2024"):
        created = unit_api.post(
            f"{unit_api.base}/ledger/accounts",
            {"name": stable_name, "stable_name": stable_name, "account_type": "ASSET"},
        )
        assert created.status == 201
    assert (
        post_entry(
            unit_api,
            {
                "line_items": [
                    line("NOTE_2024", 300, "DEBIT"),
                    line("NOTE2024", 200, "DEBIT"),
                    line("CASH", 500, "CREDIT"),
                ]
            },
        ).status
        == 201
    )

    text = exported(unit_api)

    assert "Assets:Note-2024" in text and "Assets:Note2024" in text
    assert beancount_balances(text) == trial_balances(unit_api)


def test_amounts_take_the_currencys_minor_units(moto_table):
    created = businesses.create_business("Tokyo KK", currency="JPY")
    api = Api(created.business.id, created.token, {a.stable_name: a.id for a in created.accounts})
    assert post_entry(api, entry_body(120_000)).status == 201

    text = exported(api)

    assert "120000 JPY" in text and "1200.00" not in text
    assert beancount_balances(text, places=0) == trial_balances(api)


def test_an_export_of_books_without_entries_is_valid(unit_api):
    text = exported(unit_api)

    assert transactions_of(text) == []
    assert set(beancount_balances(text).values()) == {0}


# ---- date ranges ----------------------------------------------------------------------------------------


def test_a_range_holds_only_its_entries(busy):
    in_range = {e["id"] for e in all_entries(busy) if "2024-01-15" <= e["entry_date"] <= "2024-02-10"}

    text = exported(busy, "format=beancount&start_date=2024-01-15&end_date=2024-02-10")
    rows = csv_rows(exported(busy, "format=csv&start_date=2024-01-15&end_date=2024-02-10"))

    assert {t.meta["entry-id"] for t in transactions_of(text) if "entry-id" in t.meta} == in_range
    assert {row["entry_id"] for row in rows} == in_range


def test_a_range_opens_with_the_balances_before_it_the_day_before_it_starts(busy):
    before = {
        name: cents
        for name, cents in beancount_balances(exported(busy, "format=beancount&end_date=2024-01-31")).items()
        if cents
    }

    text = exported(busy, "format=beancount&start_date=2024-02-01")

    opening = next(t for t in transactions_of(text) if "entry-id" not in t.meta)
    assert str(opening.date) == "2024-01-31"
    assert {stable_name_of(p.account): int(p.units.number * 100) for p in opening.postings} == before
    # and from there the range's entries reach Ledgerline's balances, which the file asserts
    assert beancount_balances(text) == trial_balances(busy)


def test_a_range_ending_before_later_entries_asserts_no_balances_and_says_why(busy):
    text = exported(busy, "format=beancount&end_date=2024-02-01")

    entries, errors, _options = load_beancount(text)
    assert not errors
    assert not [e for e in entries if isinstance(e, data.Balance)]
    assert "No balance assertions: entries are dated after 2024-02-01" in text


def test_a_range_ending_after_the_last_entry_asserts_ledgerlines_balances_the_day_after_it(busy):
    entries, errors, _options = load_beancount(exported(busy, "format=beancount&end_date=2024-06-30"))

    balances = [e for e in entries if isinstance(e, data.Balance)]
    assert not errors and balances
    assert {str(e.date) for e in balances} == {"2024-07-01"}


# ---- CSV ------------------------------------------------------------------------------------------------


def test_a_csv_export_has_one_row_per_line_in_cents_summing_to_the_balances(busy):
    response = export(busy, "format=csv")

    assert response.status == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    text = response.body.decode()
    assert text.splitlines()[0] == "entry_id,entry_date,account_stable_name,account_name,debit,credit,memo"
    assert text.endswith("\r\n")
    assert len(csv_rows(text)) == sum(len(e["line_items"]) for e in all_entries(busy))
    nonzero = lambda balances: {name: cents for name, cents in balances.items() if cents}  # noqa: E731
    assert nonzero(csv_balances(text)) == nonzero(trial_balances(busy))


def test_a_csv_row_carries_its_line_memo_or_else_its_entrys_and_quotes_it(busy):
    rows = [row for row in csv_rows(exported(busy, "format=csv")) if row["memo"] in (MEMO, LINE_MEMO)]

    assert [(row["account_stable_name"], row["debit"], row["credit"], row["memo"]) for row in rows] == [
        ("CASH", "100000", "0", LINE_MEMO),
        ("OPENING_BALANCE_EQUITY", "0", "100000", MEMO),
    ]
    assert rows[0]["account_name"] == "Cash"


# ---- pages ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "budget"),
    [  # each larger than any one piece of these books
        ("format=beancount", 1_800),
        ("format=csv", 400),
        ("format=beancount&start_date=2024-02-01", 1_800),
    ],
)
def test_pages_of_a_small_byte_budget_put_together_are_the_one_page_export(busy, monkeypatch, query, budget):
    whole = exported(busy, query)
    monkeypatch.setattr(export_service, "RESPONSE_BUDGET_BYTES", budget)

    pages = export_pages(busy, query)

    assert len(pages) >= 3
    assert "".join(pages) == whole
    assert all(len(json.dumps(page)) - 2 <= budget for page in pages)


def test_a_page_that_runs_out_of_time_ends_after_its_first_piece(busy, monkeypatch):
    whole = exported(busy)
    monkeypatch.setattr(export_service, "RESPONSE_BUDGET_SECONDS", 0.0)

    pages = export_pages(busy)

    assert len(pages) == 2 + len(all_entries(busy))  # the header, each entry, the assertions
    assert "".join(pages) == whole


def test_a_cursor_is_bound_to_its_business_format_and_dates(busy, monkeypatch):
    monkeypatch.setattr(export_service, "RESPONSE_BUDGET_BYTES", 1_800)
    cursor = export(busy, "format=beancount").headers[NEXT_CURSOR]
    other = new_api("Other Co")

    with unchanged(busy, other):
        assert_error(export(other, "format=beancount", cursor), 400, "PaginationCursor", "InvalidPaginationCursor")
        for query in ("format=csv", "format=beancount&start_date=2024-01-01", "format=beancount&end_date=2024-12-31"):
            assert_error(export(busy, query, cursor), 400, "PaginationCursor", "InvalidPaginationCursor")
        tampered = cursor[:-2] + ("AA" if not cursor.endswith("AA") else "BB")
        assert_error(export(busy, "format=beancount", tampered), 400, "PaginationCursor", "InvalidPaginationCursor")
        assert_error(
            export(busy, "format=beancount", "not-a-cursor"), 400, "PaginationCursor", "InvalidPaginationCursor"
        )


# ---- refusals -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("", "format"),
        ("format=xml", "format"),
        ("format=BEANCOUNT", "format"),
        ("format=csv&start_date=2024-13-01", "start_date"),
        ("format=csv&end_date=2024-02-30", "end_date"),
        ("format=csv&start_date=1899-12-31", "start_date"),
        ("format=csv&end_date=3000-01-01", "end_date"),
        ("format=csv&start_date=20240101", "start_date"),
        ("format=beancount&start_date=2024-03-01&end_date=2024-02-01", "end_date"),
    ],
    ids=repr,
)
def test_a_bad_format_or_date_is_a_400_naming_it_and_changes_nothing(unit_api, query, field):
    assert post_entry(unit_api).status == 201

    with unchanged(unit_api):
        assert_invalid(unit_api.get(f"{unit_api.base}/exports/journal", query=query), field)


def test_another_business_journal_is_403(unit_api):
    other = new_api("Other Co")
    assert post_entry(other).status == 201

    response = unit_api.get(f"{other.base}/exports/journal", query="format=csv")

    assert_error(response, 403, "AuthFailure", None)
    assert other.accounts["CASH"] not in response.body.decode()


def test_a_business_that_does_not_exist_is_404(unit_api):
    ghost = new_id()
    token, action = businesses._new_token([unit_api.business_id, ghost], 1)
    transactions.commit([action], token=new_id())

    response = unit_api.get(
        f"/v1/businesses/{ghost}/exports/journal", query="format=beancount", token=f"Bearer {token}"
    )

    assert_error(response, 404, "ResourceNotFound", "SpecifiedIdNotFound")


# ---- ledgerline export ----------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["beancount", "csv"])
def test_the_cli_writes_the_same_bytes_as_the_api(busy, capsysbinary, monkeypatch, fmt):
    whole = exported(busy, f"format={fmt}&start_date=2024-01-15")
    monkeypatch.setattr(export_service, "RESPONSE_BUDGET_BYTES", 400)  # pages: it follows the cursor itself

    cli.main(["export", "--business-id", busy.business_id, "--format", fmt, "--start-date", "2024-01-15", "--aws"])

    assert capsysbinary.readouterr().out == whole.encode()


@pytest.mark.parametrize(
    "argv",
    [
        ["--format", "beancount"],
        ["--business-id", "BID", "--format", "csv", "--start-date", "2024-13-01"],
        ["--business-id", "BID", "--format", "csv", "--end-date", "1899-12-31"],
    ],
    ids=repr,
)
def test_the_cli_refuses_bad_options_with_a_usage_error(busy, capsys, argv):
    with pytest.raises(SystemExit) as refused:
        cli.main(["export", *(busy.business_id if arg == "BID" else arg for arg in argv), "--aws"])

    assert refused.value.code == 2
    assert "usage: ledgerline export" in capsys.readouterr().err


def test_the_cli_refuses_an_unknown_format(busy, capsysbinary):
    with pytest.raises(SystemExit, match="--format must be one of beancount, csv, not 'xml'"):
        cli.main(["export", "--business-id", busy.business_id, "--format", "xml", "--aws"])

    assert capsysbinary.readouterr().out == b""


def test_the_cli_names_an_unknown_business(busy):
    with pytest.raises(SystemExit, match="ledgerline: .*not found|ledgerline: .*[Bb]usiness"):
        cli.main(["export", "--business-id", str(uuid.uuid4()), "--format", "csv", "--aws"])


def test_the_cli_export_subcommand_documents_every_option_and_an_example() -> None:
    journal = cli.parser()._subparsers._group_actions[0].choices["export"]  # noqa: SLF001

    assert journal.description and "Example:\n  ledgerline export" in journal.format_help()
    assert all(action.help for action in journal._actions)  # noqa: SLF001
