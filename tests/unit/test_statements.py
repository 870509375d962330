"""Financial statements through the handlers (SPEC §10.3): a small business's first quarter, every figure
worked out by hand, on moto and on DynamoDB Local.

The books of ``acme`` (UTC), in the order they were posted — the last one dated back in January:

| date       | entry                                         | moves                                   |
|------------|-----------------------------------------------|-----------------------------------------|
| 2025-01-10 | owner contribution                            | CASH +100,000 · OPENING_BALANCE_EQUITY +100,000 |
| 2025-02-01 | invoice INV-1 (cust-A, due 2025-03-03)        | ACCOUNTS_RECEIVABLE +30,000 · SALES +30,000 |
| 2025-02-15 | loan received                                 | CASH +50,000 · LONG_TERM_DEBT +50,000   |
| 2025-02-20 | payment of INV-1                              | CASH +10,000 · ACCOUNTS_RECEIVABLE −10,000 |
| 2025-03-05 | bank fees                                     | BANK_FEES +1,500 · CASH −1,500          |
| 2025-03-10 | invoice INV-2 (cust-B, due 2025-04-09)        | ACCOUNTS_RECEIVABLE +8,000 · SALES +8,000 |
| 2025-03-15 | a discount granted by hand (not an invoice's) | DISCOUNTS +500 · ACCOUNTS_RECEIVABLE −500 |
| 2025-03-20 | loan interest                                 | INTEREST_EXPENSE +400 · CASH −400       |
| 2025-01-20 | supplies, posted late                         | UNCATEGORIZED_EXPENSES +2,000 · CASH −2,000 |

Every scenario ends with the books balanced (and the period rows equal to the lines, day by day).
"""

from datetime import UTC, datetime
from typing import Any

import pytest
from support import (
    Api,
    CallCounter,
    ItemCounter,
    assert_error,
    assert_invalid,
    balanced_after,
    line,
    new_api,
    pin_clock,
    unchanged,
)
from support.invoices import create_invoice, delete_write_off, invoice_path, pay, write_off

books_stay_balanced = balanced_after("api", "unit_api")


def post(client: Api, day: str, *lines: dict[str, Any], memo: str | None = None) -> dict[str, Any]:
    response = client.post(
        f"{client.base}/custom-journal-entries",
        {"entry_at": f"{day}T12:00:00Z", "memo": memo, "line_items": list(lines)},
    )
    assert response.status == 201, response.json()
    return response.json()


def report(client: Api, name: str, query: str = "") -> dict[str, Any]:
    response = client.get(f"{client.base}/reports/{name}", query=query)
    assert response.status == 200, response.json()
    return response.json()


def account_lines(client: Api, stable_name: str, query: str = "") -> dict[str, Any]:
    response = client.get(f"{client.base}/ledger/accounts/{client.accounts[stable_name]}/lines", query=query)
    assert response.status == 200, response.json()
    return response.json()


def first_quarter(client: Api) -> dict[str, str]:
    """The books of the table above; the ids of the two invoices."""
    post(
        client,
        "2025-01-10",
        line("CASH", 100_000, "DEBIT"),
        line("OPENING_BALANCE_EQUITY", 100_000, "CREDIT"),
        memo="Owner contribution",
    )
    inv1 = create_invoice(
        client,
        {"unit_price": 30_000},
        invoice_number="INV-1",
        customer_external_id="cust-A",
        sent_at="2025-02-01T09:00:00Z",
        due_at="2025-03-03T09:00:00Z",
    )
    post(
        client,
        "2025-02-15",
        line("CASH", 50_000, "DEBIT"),
        line("LONG_TERM_DEBT", 50_000, "CREDIT"),
        memo="Loan received",
    )
    assert pay(client, inv1["id"], 10_000, paid_at="2025-02-20T12:00:00Z").status == 201
    post(client, "2025-03-05", line("BANK_FEES", 1_500, "DEBIT"), line("CASH", 1_500, "CREDIT"), memo="Bank fees")
    inv2 = create_invoice(
        client,
        {"unit_price": 8_000},
        invoice_number="INV-2",
        customer_external_id="cust-B",
        sent_at="2025-03-10T09:00:00Z",
        due_at="2025-04-09T09:00:00Z",
    )
    post(
        client,
        "2025-03-15",
        line("DISCOUNTS", 500, "DEBIT"),
        line("ACCOUNTS_RECEIVABLE", 500, "CREDIT"),
        memo="Discount",
    )
    post(client, "2025-03-20", line("INTEREST_EXPENSE", 400, "DEBIT"), line("CASH", 400, "CREDIT"), memo="Interest")
    post(
        client,
        "2025-01-20",
        line("UNCATEGORIZED_EXPENSES", 2_000, "DEBIT"),
        line("CASH", 2_000, "CREDIT"),
        memo="Supplies",
    )
    return {"INV-1": inv1["id"], "INV-2": inv2["id"]}


@pytest.fixture
def acme(api: Api) -> Api:
    first_quarter(api)
    return api


def lines_of(section: dict[str, Any]) -> dict[str, int]:
    """A balance-sheet section's non-zero lines: stable name → amount."""
    return {row["stable_name"]: row["amount"] for row in section["lines"] if row["amount"]}


def items_of(section: dict[str, Any]) -> dict[str, int]:
    """A profit-and-loss section's non-zero accounts: stable name → value."""
    return {item["name"]: item["value"] for item in section["line_items"] if item["value"]}


def sides(report_: dict[str, Any]) -> dict[str, tuple[int, int]]:
    """A trial balance's non-zero rows: stable name → (debit, credit)."""
    return {
        r["stable_name"]: (r["debit_balance"], r["credit_balance"])
        for r in report_["accounts"]
        if r["debit_balance"] or r["credit_balance"]
    }


# ---- balance sheet ---------------------------------------------------------------------------------------


def test_the_balance_sheet_at_the_end_of_the_quarter(acme):
    sheet = report(acme, "balance-sheet", "effective_date=2025-03-31")

    assert sheet["effective_date"] == "2025-03-31"
    assert lines_of(sheet["assets"]) == {"CASH": 156_100, "ACCOUNTS_RECEIVABLE": 27_500}
    assert lines_of(sheet["liabilities"]) == {"LONG_TERM_DEBT": 50_000}
    assert lines_of(sheet["equity"]) == {"OPENING_BALANCE_EQUITY": 100_000}
    # 38,000 of sales − 500 of discounts − (1,500 + 400 + 2,000) of expenses
    assert sheet["equity"]["net_income"] == 33_600
    assert (sheet["assets"]["total"], sheet["liabilities"]["total"], sheet["equity"]["total"]) == (
        183_600,
        50_000,
        133_600,
    )
    assert (sheet["total_assets"], sheet["total_liabilities_and_equity"], sheet["balanced"]) == (183_600, 183_600, True)


# (day, CASH, ACCOUNTS_RECEIVABLE, LONG_TERM_DEBT, net income) as of the end of each day
EARLIER_DAYS = [
    ("2024-12-31", 0, 0, 0, 0),
    ("2025-01-10", 100_000, 0, 0, 0),
    ("2025-01-31", 98_000, 0, 0, -2_000),  # the late supplies entry belongs to January
    ("2025-02-28", 158_000, 20_000, 50_000, 28_000),
]


def test_the_balance_sheet_on_any_earlier_day(acme):
    for day, cash, receivable, debt, net_income in EARLIER_DAYS:
        sheet = report(acme, "balance-sheet", f"effective_date={day}")

        assets = {"CASH": cash, "ACCOUNTS_RECEIVABLE": receivable}
        assert lines_of(sheet["assets"]) == {k: v for k, v in assets.items() if v}, day
        assert sheet["liabilities"]["total"] == debt, day
        assert sheet["equity"]["net_income"] == net_income, day
        assert sheet["total_assets"] == sheet["total_liabilities_and_equity"] == cash + receivable, day
        assert sheet["balanced"] is True


def test_every_account_of_the_chart_has_its_line_and_a_contra_account_takes_away_from_its_section(unit_api):
    # Given a credit-normal asset (an allowance for doubtful accounts) with a balance of 700
    created = unit_api.post(
        f"{unit_api.base}/ledger/accounts", {"name": "Allowance", "account_type": "ASSET", "normality": "CREDIT"}
    )
    assert created.status == 201
    post(unit_api, "2025-01-05", line("CASH", 1_000, "DEBIT"), line("OPENING_BALANCE_EQUITY", 1_000, "CREDIT"))
    post(unit_api, "2025-01-06", line("BAD_DEBT", 700, "DEBIT"), line("ALLOWANCE", 700, "CREDIT"))

    sheet = report(unit_api, "balance-sheet", "effective_date=2025-01-31")

    allowance = next(row for row in sheet["assets"]["lines"] if row["stable_name"] == "ALLOWANCE")
    assert (allowance["normality"], allowance["balance"], allowance["amount"]) == ("CREDIT", 700, -700)
    assert {row["stable_name"] for row in sheet["assets"]["lines"]} == {
        "CASH",
        "ACCOUNTS_RECEIVABLE",
        "NOTES_RECEIVABLE",
        "INTEREST_RECEIVABLE",
        "ALLOWANCE",
    }
    assert sheet["assets"]["total"] == 300
    assert sheet["equity"]["net_income"] == -700
    assert sheet["balanced"] is True


def test_the_balance_sheet_is_as_of_today_in_the_business_timezone_by_default(moto_table, monkeypatch):
    client = new_api(timezone="America/Los_Angeles")
    # 03:00 UTC on February 1 is still January 31 in Los Angeles
    post_at = client.post(
        f"{client.base}/custom-journal-entries",
        {
            "entry_at": "2025-02-01T03:00:00Z",
            "line_items": [line("CASH", 900, "DEBIT"), line("OPENING_BALANCE_EQUITY", 900, "CREDIT")],
        },
    )
    assert post_at.status == 201
    pin_clock(monkeypatch, datetime(2025, 2, 1, 7, 0, tzinfo=UTC))  # 23:00 on January 31 there

    sheet = report(client, "balance-sheet")
    january = report(client, "balance-sheet", "effective_date=2025-01-31")
    before = report(client, "balance-sheet", "effective_date=2025-01-30")

    assert sheet["effective_date"] == "2025-01-31"
    assert sheet["total_assets"] == january["total_assets"] == 900
    assert before["total_assets"] == 0


# ---- profit and loss ---------------------------------------------------------------------------------------


def test_the_profit_and_loss_of_the_quarter_month_by_month(acme):
    pnl = report(acme, "profit-and-loss", "start_date=2025-01-01&end_date=2025-03-31&group_by=month")

    assert (pnl["start_date"], pnl["end_date"], pnl["group_by"]) == ("2025-01-01", "2025-03-31", "month")
    assert (pnl["income"]["name"], pnl["income"]["display_name"], pnl["income"]["value"]) == (
        "INCOME",
        "Income",
        37_500,
    )
    assert items_of(pnl["income"]) == {"SALES": 38_000, "DISCOUNTS": -500}
    assert items_of(pnl["expenses"]) == {"BANK_FEES": 1_500, "INTEREST_EXPENSE": 400, "UNCATEGORIZED_EXPENSES": 2_000}
    assert (pnl["expenses"]["value"], pnl["net_profit"]) == (3_900, 33_600)
    sales = next(item for item in pnl["income"]["line_items"] if item["name"] == "SALES")
    assert sales == {"name": "SALES", "display_name": "Sales", "value": 38_000, "line_items": []}
    months = [
        (m["start_date"], m["end_date"], m["income"]["value"], m["expenses"]["value"], m["net_profit"])
        for m in pnl["months"]
    ]
    assert months == [
        ("2025-01-01", "2025-01-31", 0, 2_000, -2_000),
        ("2025-02-01", "2025-02-28", 30_000, 0, 30_000),
        ("2025-03-01", "2025-03-31", 7_500, 1_900, 5_600),
    ]


def test_a_range_inside_months_counts_only_its_days(acme):
    pnl = report(acme, "profit-and-loss", "start_date=2025-02-15&end_date=2025-03-09&group_by=month")

    assert (pnl["income"]["value"], pnl["expenses"]["value"], pnl["net_profit"]) == (0, 1_500, -1_500)
    assert [(m["start_date"], m["end_date"], m["net_profit"]) for m in pnl["months"]] == [
        ("2025-02-15", "2025-02-28", 0),
        ("2025-03-01", "2025-03-09", -1_500),
    ]


def test_without_group_by_there_are_no_columns_and_every_revenue_and_expense_account_is_listed(acme):
    pnl = report(acme, "profit-and-loss", "start_date=2025-03-01&end_date=2025-03-31")

    assert (pnl["group_by"], pnl["months"]) == (None, None)
    assert [item["name"] for item in pnl["income"]["line_items"]] == [
        "DEBT_FORGIVENESS_INCOME",
        "DISCOUNTS",
        "INTEREST_INCOME",
        "SALES",
        "UNCATEGORIZED_REVENUE",
    ]
    assert [item["name"] for item in pnl["expenses"]["line_items"]] == [
        "BAD_DEBT",
        "BANK_FEES",
        "INTEREST_EXPENSE",
        "UNCATEGORIZED_EXPENSES",
    ]
    assert pnl["net_profit"] == 5_600


def test_the_profit_and_loss_defaults_to_the_year_to_date(acme, monkeypatch):
    pin_clock(monkeypatch, datetime(2025, 2, 28, 12, 0, tzinfo=UTC))

    pnl = report(acme, "profit-and-loss")

    assert (pnl["start_date"], pnl["end_date"], pnl["net_profit"]) == ("2025-01-01", "2025-02-28", 28_000)


# ---- trial balance as of a date ------------------------------------------------------------------------------


def test_the_trial_balance_as_of_a_day(acme):
    tb = report(acme, "trial-balance", "effective_date=2025-02-28")

    assert tb["effective_date"] == "2025-02-28"
    assert sides(tb) == {
        "CASH": (158_000, 0),
        "ACCOUNTS_RECEIVABLE": (20_000, 0),
        "UNCATEGORIZED_EXPENSES": (2_000, 0),
        "LONG_TERM_DEBT": (0, 50_000),
        "OPENING_BALANCE_EQUITY": (0, 100_000),
        "SALES": (0, 30_000),
    }
    assert (tb["total_debits"], tb["total_credits"], tb["balanced"]) == (180_000, 180_000, True)
    assert len(tb["accounts"]) == 18


def test_without_a_date_the_trial_balance_is_todays_as_before_and_a_late_date_agrees(acme):
    now = report(acme, "trial-balance")
    later = report(acme, "trial-balance", "effective_date=2999-12-31")

    assert now["effective_date"] is None
    assert now["accounts"] == later["accounts"]
    assert sides(now)["CASH"] == (156_100, 0)


# ---- an account's general ledger -------------------------------------------------------------------------------


def test_the_general_ledger_of_cash_for_february_and_march(acme):
    page = account_lines(acme, "CASH", "start_date=2025-02-01&end_date=2025-03-31")

    assert page["account"]["stable_name"] == "CASH"
    assert (page["start_date"], page["end_date"]) == ("2025-02-01", "2025-03-31")
    assert (page["opening_balance"], page["closing_balance"]) == (98_000, 156_100)
    assert [(r["entry_date"], r["memo"], r["direction"], r["amount"], r["balance"]) for r in page["data"]] == [
        ("2025-02-15", "Loan received", "DEBIT", 50_000, 148_000),
        ("2025-02-20", page["data"][1]["memo"], "DEBIT", 10_000, 158_000),
        ("2025-03-05", "Bank fees", "CREDIT", 1_500, 156_500),
        ("2025-03-20", "Interest", "CREDIT", 400, 156_100),
    ]
    assert page["meta"] == {"pagination": {"cursor": None, "has_more": False}}


def test_the_general_ledger_pages_carry_the_running_balance(acme):
    first = account_lines(acme, "CASH", "limit=2")
    cursor = first["meta"]["pagination"]["cursor"]
    second = account_lines(acme, "CASH", f"limit=2&cursor={cursor}")
    third = account_lines(acme, "CASH", f"limit=2&cursor={second['meta']['pagination']['cursor']}")

    rows = [(r["entry_date"], r["balance"]) for page in (first, second, third) for r in page["data"]]
    assert rows == [
        ("2025-01-10", 100_000),
        ("2025-01-20", 98_000),
        ("2025-02-15", 148_000),
        ("2025-02-20", 158_000),
        ("2025-03-05", 156_500),
        ("2025-03-20", 156_100),
    ]
    assert first["meta"]["pagination"]["has_more"] and second["meta"]["pagination"]["has_more"]
    assert third["meta"]["pagination"] == {"cursor": None, "has_more": False}
    assert {page["opening_balance"] for page in (first, second, third)} == {0}
    assert {page["closing_balance"] for page in (first, second, third)} == {156_100}


def test_an_entry_with_several_lines_of_the_account_can_be_split_across_pages(unit_api):
    post(
        unit_api,
        "2025-01-05",
        line("CASH", 100, "DEBIT"),
        line("CASH", 200, "DEBIT"),
        line("CASH", 50, "CREDIT"),
        line("SALES", 250, "CREDIT"),
    )
    post(unit_api, "2025-01-06", line("CASH", 5, "DEBIT"), line("SALES", 5, "CREDIT"))

    seen, cursor = [], None
    while True:
        page = account_lines(unit_api, "CASH", "limit=1" + (f"&cursor={cursor}" if cursor else ""))
        seen += [(r["direction"], r["amount"], r["balance"]) for r in page["data"]]
        cursor = page["meta"]["pagination"]["cursor"]
        if cursor is None:
            break

    assert seen == [("DEBIT", 100, 100), ("DEBIT", 200, 300), ("CREDIT", 50, 250), ("DEBIT", 5, 255)]


def test_a_reversed_entry_and_its_reversal_both_show_in_the_general_ledger(unit_api):
    entry = post(unit_api, "2025-01-05", line("BANK_FEES", 300, "DEBIT"), line("CASH", 300, "CREDIT"))
    assert unit_api.delete(f"{unit_api.base}/custom-journal-entries/{entry['id']}").status == 200

    page = account_lines(unit_api, "BANK_FEES", "start_date=2025-01-01&end_date=2025-01-31")

    assert [(r["direction"], r["amount"], r["balance"]) for r in page["data"]] == [
        ("DEBIT", 300, 300),
        ("CREDIT", 300, 0),
    ]
    assert (page["opening_balance"], page["closing_balance"]) == (0, 0)


# ---- receivables aging ------------------------------------------------------------------------------------------


def aging(client: Api, day: str) -> dict[str, Any]:
    return report(client, "ar-aging", f"effective_date={day}")


def buckets(row: dict[str, Any]) -> dict[str, int]:
    return {name: cents for name, cents in row.items() if cents}


def test_the_aging_at_the_end_of_the_quarter(acme):
    found = aging(acme, "2025-03-31")

    assert [c["customer_external_id"] for c in found["customers"]] == ["cust-A", "cust-B"]
    cust_a, cust_b = found["customers"]
    assert buckets(cust_a["buckets"]) == {"days_1_30": 20_000, "total": 20_000}  # 28 days past 2025-03-03
    assert [
        (i["invoice_number"], i["due_date"], i["days_past_due"], i["bucket"], i["outstanding"])
        for i in cust_a["invoices"]
    ] == [("INV-1", "2025-03-03", 28, "days_1_30", 20_000)]
    assert buckets(cust_b["buckets"]) == {"current": 8_000, "total": 8_000}
    assert buckets(found["totals"]) == {"current": 8_000, "days_1_30": 20_000, "total": 28_000}
    # the discount entry took 500 off ACCOUNTS_RECEIVABLE without touching an invoice
    assert (found["accounts_receivable_balance"], found["unallocated"]) == (27_500, -500)


# (day, the aging's buckets, ACCOUNTS_RECEIVABLE) as of the end of each day
AGES = [
    ("2025-01-31", {}, 0),
    ("2025-02-10", {"current": 30_000, "total": 30_000}, 30_000),
    ("2025-03-04", {"days_1_30": 20_000, "total": 20_000}, 20_000),  # INV-2 is sent on 2025-03-10
    ("2025-04-15", {"days_1_30": 8_000, "days_31_60": 20_000, "total": 28_000}, 27_500),
    ("2025-06-10", {"days_61_90": 8_000, "days_over_90": 20_000, "total": 28_000}, 27_500),
]


def test_invoices_age_bucket_by_bucket(acme):
    for day, expected, receivable in AGES:
        found = aging(acme, day)

        assert buckets(found["totals"]) == expected, day
        assert found["accounts_receivable_balance"] == receivable, day
        assert found["accounts_receivable_balance"] - found["totals"]["total"] == found["unallocated"]


def test_writeoffs_deleted_writeoffs_and_voids_count_on_their_own_dates(unit_api):
    kept = create_invoice(
        unit_api,
        {"unit_price": 10_000},
        customer_external_id="cust-C",
        sent_at="2025-01-05T09:00:00Z",
        due_at="2025-02-04T09:00:00Z",
    )
    voided = create_invoice(
        unit_api,
        {"unit_price": 4_000},
        customer_external_id="cust-C",
        sent_at="2025-01-06T09:00:00Z",
        due_at="2025-02-05T09:00:00Z",
    )
    first = write_off(unit_api, kept["id"], {"amount": 3_000, "write_off_at": "2025-03-01T12:00:00Z"})
    second = write_off(unit_api, kept["id"], {"amount": 2_000, "write_off_at": "2025-03-10T12:00:00Z"})
    assert first.status == second.status == 201
    assert delete_write_off(unit_api, kept["id"], first.json()["id"]).status == 200
    assert unit_api.post(invoice_path(unit_api, voided["id"], "/void")).status == 200

    # the deleted write-off's reversal is dated its own date: it never counts; the live one from 2025-03-10
    assert aging(unit_api, "2025-03-05")["totals"]["total"] == 10_000
    assert aging(unit_api, "2025-03-10")["totals"]["total"] == 8_000
    for day in ("2025-01-06", "2025-03-05", "2025-03-10"):
        found = aging(unit_api, day)
        assert found["unallocated"] == 0, day  # only invoices moved ACCOUNTS_RECEIVABLE
        assert [i["invoice_id"] for c in found["customers"] for i in c["invoices"]] == [kept["id"]]


def test_a_fully_paid_invoice_is_not_open(unit_api):
    invoice = create_invoice(
        unit_api, {"unit_price": 5_000}, sent_at="2025-01-05T09:00:00Z", due_at="2025-02-04T09:00:00Z"
    )
    assert pay(unit_api, invoice["id"], 5_000, paid_at="2025-01-20T12:00:00Z").status == 201

    assert aging(unit_api, "2025-01-19")["totals"]["total"] == 5_000
    assert aging(unit_api, "2025-01-20")["customers"] == []


# ---- cost: the balance sheet and P&L read the chart and the period rows, whatever the entries --------------------


def test_the_balance_sheet_and_pnl_read_two_queries_whose_items_do_not_grow_with_entries(unit_api):
    def cost(path: str, query: str) -> tuple[dict[str, int], int]:
        counter = CallCounter()
        counter.reset()
        with ItemCounter() as items:
            report(unit_api, path, query)
        return dict(counter.calls), items.total_read

    post(unit_api, "2025-01-05", line("BANK_FEES", 10, "DEBIT"), line("OPENING_BALANCE_EQUITY", 10, "CREDIT"))
    before = {
        path: cost(path, query)
        for path, query in (
            ("balance-sheet", "effective_date=2025-03-31"),
            ("profit-and-loss", "start_date=2025-01-01&end_date=2025-03-31"),
        )
    }
    for day in range(6, 26):
        post(
            unit_api,
            f"2025-01-{day:02d}",
            line("BANK_FEES", day, "DEBIT"),
            line("OPENING_BALANCE_EQUITY", day, "CREDIT"),
        )

    for path, query in (
        ("balance-sheet", "effective_date=2025-03-31"),
        ("profit-and-loss", "start_date=2025-01-01&end_date=2025-03-31"),
    ):
        calls, read = cost(path, query)
        assert calls == {"GetItem": 1, "Query": 2}, path  # the authorizer's token; the chart; the period rows
        assert (calls, read) == before[path], path


# ---- refusals: the family's error shape, nothing changed ----------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "query", "field"),
    [
        ("/reports/balance-sheet", "effective_date=2025-02-30", "effective_date"),
        ("/reports/balance-sheet", "effective_date=3000-01-01", "effective_date"),
        ("/reports/trial-balance", "effective_date=yesterday", "effective_date"),
        ("/reports/ar-aging", "effective_date=1899-12-31", "effective_date"),
        ("/reports/profit-and-loss", "start_date=2025-03-01&end_date=2025-02-28", "end_date"),
        ("/reports/profit-and-loss", "start_date=2015-01-01&end_date=2025-01-01", "end_date"),
        ("/reports/profit-and-loss", "start_date=2025-01-01&end_date=2025-03-31&group_by=week", "group_by"),
        ("/reports/profit-and-loss", "start_date=20250101", "start_date"),
    ],
)
def test_bad_dates_and_ranges_are_a_400_naming_the_field(acme, path, query, field):
    with unchanged(acme):
        response = acme.get(acme.base + path, query=query)

    assert_invalid(response, field)


def test_a_ten_year_range_is_accepted_and_the_refusal_names_the_limit(unit_api):
    assert report(unit_api, "profit-and-loss", "start_date=2015-01-01&end_date=2024-12-31")["net_profit"] == 0

    body = assert_invalid(
        unit_api.get(f"{unit_api.base}/reports/profit-and-loss", query="start_date=2015-01-01&end_date=2025-01-01"),
        "end_date",
    )
    assert "120 calendar months" in body["meta"]["errors"][0]["message"]


def test_general_ledger_refusals(acme):
    other = new_api()
    other_cash = other.accounts["CASH"]
    with unchanged(acme, other):
        unknown = acme.get(f"{acme.base}/ledger/accounts/00000000-0000-4000-8000-000000000000/lines")
        not_an_id = acme.get(f"{acme.base}/ledger/accounts/CASH/lines")
        foreign_account = acme.get(f"{acme.base}/ledger/accounts/{other_cash}/lines")
        backwards = acme.get(
            f"{acme.base}/ledger/accounts/{acme.accounts['CASH']}/lines",
            query="start_date=2025-03-01&end_date=2025-02-01",
        )
        foreign_business = acme.get(f"{other.base}/ledger/accounts/{other_cash}/lines")

    for response in (unknown, not_an_id, foreign_account):
        assert (
            assert_error(response, 404, "ResourceNotFound", "SpecifiedIdNotFound")["meta"]["resource"]
            == "Ledger account"
        )
    assert_invalid(backwards, "end_date")
    assert_error(foreign_business, 403, "AuthFailure", None)


def test_a_tampered_or_foreign_cursor_is_a_400(acme):
    cursor = account_lines(acme, "CASH", "limit=1")["meta"]["pagination"]["cursor"]
    path = f"{acme.base}/ledger/accounts/{acme.accounts['CASH']}/lines"

    tampered = acme.get(path, query=f"limit=1&cursor={cursor[:-2]}xx")
    other_listing = acme.get(path, query=f"limit=1&start_date=2025-01-01&cursor={cursor}")
    other_account = acme.get(f"{acme.base}/ledger/accounts/{acme.accounts['SALES']}/lines", query=f"cursor={cursor}")

    for response in (tampered, other_listing, other_account):
        assert_error(response, 400, "PaginationCursor", "InvalidPaginationCursor")


@pytest.mark.parametrize(
    "path",
    [
        "/reports/balance-sheet",
        "/reports/profit-and-loss",
        "/reports/ar-aging",
        "/reports/trial-balance?effective_date=2025-01-01",
    ],
)
def test_another_business_statements_are_403(unit_api, path):
    other = new_api()
    route, _, query = path.partition("?")

    response = unit_api.get(other.base + route, query=query)

    assert_error(response, 403, "AuthFailure", None)
