"""Debt instruments through the handlers (SPEC §5 items 1–4): the opening entry by direction, external_id,
reading one instrument and the debt schedule, the projected payment schedule, the x-business-id header.

Each scenario runs on moto and on DynamoDB Local and ends with the books balanced.
"""

from datetime import UTC, date, datetime
from fractions import Fraction

import pytest
from support import MISSING_ID, new_api, pin_clock, unchanged
from support.loans import Loans, error, ok, validation_error

pytest_plugins = ["support.loans"]  # its fixtures: loans, unit_loans, pinned

# ---- the opening entry (SPEC §5 table) --------------------------------------------------------------

OPENING = {
    ("lend", True): {("NOTES_RECEIVABLE", "DEBIT"): 1_000_000, ("CASH", "CREDIT"): 1_000_000},
    ("borrow", True): {("CASH", "DEBIT"): 1_000_000, ("LONG_TERM_DEBT", "CREDIT"): 1_000_000},
    ("lend", False): {("NOTES_RECEIVABLE", "DEBIT"): 1_000_000, ("OPENING_BALANCE_EQUITY", "CREDIT"): 1_000_000},
    ("borrow", False): {("OPENING_BALANCE_EQUITY", "DEBIT"): 1_000_000, ("LONG_TERM_DEBT", "CREDIT"): 1_000_000},
}


BALANCES = {  # signed so that positive is the account's normal side (SPEC §4)
    ("lend", True): {"NOTES_RECEIVABLE": 1_000_000, "CASH": -1_000_000},
    ("borrow", True): {"CASH": 1_000_000, "LONG_TERM_DEBT": 1_000_000},
    ("lend", False): {"NOTES_RECEIVABLE": 1_000_000, "OPENING_BALANCE_EQUITY": 1_000_000},
    ("borrow", False): {"OPENING_BALANCE_EQUITY": -1_000_000, "LONG_TERM_DEBT": 1_000_000},
}


@pytest.mark.parametrize(("direction", "with_cash"), list(OPENING))
def test_creating_an_instrument_posts_its_opening_entry_by_direction(loans, direction, with_cash):
    created = loans.instrument(direction, cash_ledger_id=loans.cash if with_cash else None)

    assert (
        created["direction"],
        created["status"],
        created["current_balance_cents"],
        created["accrued_interest_cents"],
        created["interest_through_date"],
    ) == (direction, "active", 1_000_000, 0, "2024-01-15")
    opening = [e for e in loans.get(created["id"])["activity"] if e["type"] == "opening"]
    assert len(opening) == 1
    entry = loans.entry(opening[0]["journal_entry_id"])
    assert entry["entry_date"] == "2024-01-15"
    assert entry["source"]["type"] == "LOAN_OPENING"
    assert loans.lines(opening[0]["journal_entry_id"]) == OPENING[(direction, with_cash)]
    assert loans.balances() == BALANCES[(direction, with_cash)]


def test_an_existing_loan_opens_at_its_current_balance(loans):
    created = loans.instrument("borrow", cash_ledger_id=None, current_balance_cents=600_000)

    assert (created["original_principal_cents"], created["current_balance_cents"]) == (1_000_000, 600_000)
    assert loans.balances() == {"LONG_TERM_DEBT": 600_000, "OPENING_BALANCE_EQUITY": -600_000}


def test_an_instrument_reports_the_ledger_accounts_it_posts_to(loans):
    lend, borrow = loans.instrument("lend"), loans.instrument("borrow")

    accounts = loans.api.accounts
    assert (lend["principal_ledger_id"], lend["interest_ledger_id"]) == (
        accounts["NOTES_RECEIVABLE"],
        accounts["INTEREST_INCOME"],
    )
    assert (borrow["principal_ledger_id"], borrow["interest_ledger_id"]) == (
        accounts["LONG_TERM_DEBT"],
        accounts["INTEREST_EXPENSE"],
    )


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"current_balance_cents": 1_000_001}, "current_balance_cents"),
        ({"maturity_date": "2024-01-15"}, "maturity_date"),
        ({"cash_ledger_id": MISSING_ID}, "cash_ledger_id"),
    ],
)
def test_a_creation_that_breaks_a_rule_is_400_naming_the_field_and_posts_nothing(unit_loans, fields, field):
    body = {
        "name": "Loan",
        "lender": "Bank",
        "direction": "lend",
        "original_principal_cents": 1_000_000,
        "start_date": "2024-01-15",
        "maturity_date": "2025-01-15",
        **fields,
    }
    with unchanged(unit_loans.api):
        assert field in error(unit_loans.create(body), 400)["detail"]


def test_cash_ledger_id_must_be_an_asset_account(unit_loans):
    body = {
        "name": "Loan",
        "lender": "Bank",
        "direction": "lend",
        "original_principal_cents": 1_000_000,
        "start_date": "2024-01-15",
        "maturity_date": "2025-01-15",
        "cash_ledger_id": unit_loans.api.accounts["SALES"],
    }
    with unchanged(unit_loans.api):
        assert "cash_ledger_id" in error(unit_loans.create(body), 400)["detail"]


@pytest.mark.parametrize(
    "fields",
    [
        {"original_principal_cents": 10.5},
        {"original_principal_cents": "10"},
        {"original_principal_cents": True},
        {"original_principal_cents": 0},
        {"interest_rate_bps": 100_001},
        {"direction": "sideways"},
        {"day_count": "actual_actual"},
        {"start_date": "2024-01-15T00:00:00Z"},
        {"surprise": 1},
    ],
)
def test_an_invalid_creation_body_is_422_and_posts_nothing(unit_loans, fields):
    body = {
        "name": "Loan",
        "lender": "Bank",
        "direction": "lend",
        "original_principal_cents": 1_000_000,
        "start_date": "2024-01-15",
        "maturity_date": "2025-01-15",
        **fields,
    }
    with unchanged(unit_loans.api):
        detail = validation_error(unit_loans.create(body))
    assert detail[0]["loc"][0] == "body"


# ---- external_id ------------------------------------------------------------------------------------


def instrument_body(loans: Loans, **fields) -> dict:
    return {
        "name": "Loan",
        "lender": "Bank",
        "direction": "borrow",
        "original_principal_cents": 500_000,
        "interest_rate_bps": 700,
        "start_date": "2024-02-01",
        "maturity_date": "2026-02-01",
        "cash_ledger_id": loans.cash,
        "external_id": "loan-42",
        **fields,
    }


def test_the_same_external_id_and_content_returns_the_existing_instrument_with_200(loans):
    first = ok(loans.create(instrument_body(loans)))

    with unchanged(loans.api):
        again = ok(loans.create(instrument_body(loans)), 200)

    assert again == first
    assert again["external_id"] == "loan-42"


def test_the_same_external_id_with_other_content_is_409_and_posts_nothing(loans):
    ok(loans.create(instrument_body(loans)))

    with unchanged(loans.api):
        error(loans.create(instrument_body(loans, original_principal_cents=500_001)), 409, "EXTERNAL_ID_CONFLICT")


def test_external_ids_are_per_business(loans):
    ok(loans.create(instrument_body(loans)))
    other = Loans(new_api("Other Co"))
    assert ok(other.create(instrument_body(other)))["external_id"] == "loan-42"


# ---- reading ----------------------------------------------------------------------------------------


def test_an_instrument_shows_every_event_with_its_journal_entry(loans):
    created = loans.instrument("lend")
    accrual = ok(loans.accrue(created["id"], {"through_date": "2024-03-31"}))
    payment = loans.payment(created["id"], 20_000, "2024-04-30")

    activity = loans.get(created["id"])["activity"]

    assert [(e["type"], e["date"]) for e in activity] == [
        ("opening", "2024-01-15"),
        ("accrual", "2024-03-31"),
        ("payment", "2024-04-30"),
    ]
    assert activity[1]["journal_entry_id"] == accrual["journal_entry_id"]
    assert activity[2]["journal_entry_id"] == payment["journal_entry_id"]
    assert (activity[2]["amount_cents"], activity[2]["principal_cents"], activity[2]["interest_cents"]) == (
        20_000,
        5_479,
        14_521,
    )


def test_an_unknown_or_malformed_instrument_id_is_404(loans):
    assert error(loans.api.get(f"{loans.schedule_path}/instruments/{MISSING_ID}", headers=loans.headers), 404)
    assert error(loans.api.get(f"{loans.schedule_path}/instruments/not-a-uuid", headers=loans.headers), 404)


def test_another_business_instrument_is_404_never_a_leak(loans):
    theirs = Loans(new_api("Other Co"))
    their_loan = theirs.instrument("lend")

    with unchanged(loans.api):
        error(loans.api.get(f"{loans.schedule_path}/instruments/{their_loan['id']}", headers=loans.headers), 404)
        error(loans.pay(their_loan["id"], {"payment_amount_cents": 100, "cash_ledger_id": loans.cash}), 404)
        error(loans.write_off(their_loan["id"]), 404)


def test_the_debt_schedule_totals_outstanding_principal_and_accrued_interest_per_direction(loans):
    lend = loans.instrument("lend")
    loans.instrument("borrow", original_principal_cents=250_000)
    loans.instrument("borrow", original_principal_cents=50_000, interest_rate_bps=0)
    ok(loans.accrue(lend["id"], {"through_date": "2024-03-31"}))

    schedule = ok(loans.debt_schedule(), 200)

    assert len(schedule["instruments"]) == 3
    assert schedule["totals"]["lend"] == {
        "instruments": 1,
        "outstanding_principal_cents": 1_000_000,
        "accrued_interest_cents": 10_411,
    }
    assert schedule["totals"]["borrow"] == {
        "instruments": 2,
        "outstanding_principal_cents": 300_000,
        "accrued_interest_cents": 0,
    }
    borrow_only = ok(loans.debt_schedule("direction=borrow&limit=1"), 200)
    assert [i["direction"] for i in borrow_only["instruments"]] == ["borrow"]
    assert borrow_only["has_more"] is True


# ---- the projected payment schedule (SPEC §5 item 4) -----------------------------------------------


def test_the_payment_schedule_pins_the_spec_example_on_the_start_date(loans, monkeypatch):
    pin_clock(monkeypatch, datetime(2024, 1, 15, 12, tzinfo=UTC))
    created = loans.instrument(
        "borrow",
        original_principal_cents=10_000_000,
        interest_rate_bps=600,
        maturity_date="2054-01-15",
        payment_frequency="monthly",
    )

    projected = ok(loans.payment_schedule(created["id"]), 200)

    assert (projected["instrument_id"], projected["as_of"], projected["payment_cents"]) == (
        created["id"],
        "2024-01-15",
        59_955,
    )
    rows = projected["rows"]
    assert len(rows) == 360
    assert rows[0] == {
        "due_date": "2024-02-15",
        "payment_cents": 59_955,
        "principal_cents": 9_955,
        "interest_cents": 50_000,
        "balance_after_cents": 9_990_045,
    }
    assert rows[-1]["due_date"] == "2054-01-15"
    assert rows[-1]["balance_after_cents"] == 0
    assert sum(row["principal_cents"] for row in rows) == 10_000_000


def test_a_bullet_schedule_is_one_payment_at_maturity_with_the_interest_to_maturity(loans, monkeypatch):
    # SPEC §5 example: 1,000,000 at 500 bps from 2024-01-15 to 2024-03-31 earns 10,411 (actual/365).
    pin_clock(monkeypatch, datetime(2024, 1, 15, 12, tzinfo=UTC))
    created = loans.instrument("lend", maturity_date="2024-03-31", payment_frequency="bullet")

    rows = ok(loans.payment_schedule(created["id"]), 200)["rows"]

    assert rows == [
        {
            "due_date": "2024-03-31",
            "payment_cents": 1_010_411,
            "principal_cents": 1_000_000,
            "interest_cents": 10_411,
            "balance_after_cents": 0,
        }
    ]


def test_the_payment_schedule_starts_from_todays_balance_and_unpaid_interest(loans, monkeypatch):
    pin_clock(monkeypatch, datetime(2024, 3, 31, 12, tzinfo=UTC))
    created = loans.instrument(
        "lend",
        interest_rate_bps=0,
        original_principal_cents=1_200_000,
        maturity_date="2025-01-15",
        payment_amount_cents=100_000,
    )
    loans.payment(created["id"], 200_000, "2024-03-31")

    projected = ok(loans.payment_schedule(created["id"]), 200)

    assert (projected["as_of"], projected["payment_cents"]) == ("2024-03-31", 100_000)
    assert [row["due_date"][:7] for row in projected["rows"]] == [
        "2024-04",
        "2024-05",
        "2024-06",
        "2024-07",
        "2024-08",
        "2024-09",
        "2024-10",
        "2024-11",
        "2024-12",
        "2025-01",
    ]
    assert {row["payment_cents"] for row in projected["rows"]} == {100_000}
    assert projected["rows"][-1] == {
        "due_date": "2025-01-15",
        "payment_cents": 100_000,
        "principal_cents": 100_000,
        "interest_cents": 0,
        "balance_after_cents": 0,
    }


def test_interest_of_elapsed_periods_is_due_with_the_first_projected_payment(loans, monkeypatch):
    pin_clock(monkeypatch, datetime(2024, 3, 31, 12, tzinfo=UTC))
    created = loans.instrument("lend", maturity_date="2024-06-15", payment_frequency="monthly")

    first = ok(loans.payment_schedule(created["id"]), 200)["rows"][0]

    # unpaid 2024-01-15 → 2024-03-15 (the last due date passed): 60 days at 5 % on 1,000,000 = 8,219.18;
    # plus the running period's month at 5 %/12 = 4,166.67 (it covers 03-15 → 04-15, so no day twice)
    assert (first["due_date"], first["interest_cents"]) == ("2024-04-15", 8_219 + 4_167)


def exact_interest(balance: int, rate_bps: int, start: str, end: str, days_per_year: int = 365) -> int:
    """Simple interest over actual days in exact fractions, rounded half-even (Fraction's round)."""
    days = (date.fromisoformat(end) - date.fromisoformat(start)).days
    return round(Fraction(balance * rate_bps * days, 10_000 * days_per_year))


def exact_pmt(balance: int, rate_bps: int, per_year: int, periods: int) -> int:
    rate = Fraction(rate_bps, 10_000 * per_year)
    return round(balance * rate / (1 - (1 + rate) ** -periods))


def test_after_a_payment_inside_a_period_the_first_row_charges_only_the_unpaid_stub(loans, monkeypatch):
    # issue 13: a monthly loan due on the 15th, paid (late) on 2026-11-20 — 11-15 → 11-20 is paid already
    pin_clock(monkeypatch, datetime(2026, 11, 25, 12, tzinfo=UTC))
    created = loans.instrument(
        "lend",
        original_principal_cents=17_000_000,
        interest_rate_bps=600,
        day_count="actual_365_fixed",
        payment_frequency="monthly",
        start_date="2026-10-15",
        maturity_date="2031-10-15",
    )
    interest_paid = exact_interest(17_000_000, 600, "2026-10-15", "2026-11-20")  # 36 days: 100,602.74 → 100,603
    paid = loans.payment(created["id"], interest_paid + 161_600, "2026-11-20")
    assert (paid["interest_cents"], paid["remaining_balance_cents"]) == (100_603, 16_838_400)

    projected = ok(loans.payment_schedule(created["id"]), 200)

    balance = 16_838_400
    stub = exact_interest(balance, 600, "2026-11-20", "2026-12-15")  # 25 days: 69,198.90 → 69,199
    full_month = round(Fraction(balance * 600, 10_000 * 12))  # what the first row used to charge
    level = exact_pmt(balance, 600, 12, 59)  # 2026-12-15 … 2031-10-15
    assert (stub, full_month) == (69_199, 84_192)
    assert (projected["as_of"], projected["payment_cents"], len(projected["rows"])) == ("2026-11-25", level, 59)
    assert projected["rows"][0] == {
        "due_date": "2026-12-15",
        "payment_cents": level,
        "interest_cents": 69_199,
        "principal_cents": level - 69_199,
        "balance_after_cents": balance - (level - 69_199),
    }
    second = projected["rows"][1]
    assert (second["due_date"], second["interest_cents"]) == (
        "2027-01-15",
        round(Fraction((balance - level + 69_199) * 600, 10_000 * 12)),
    )


def test_a_payment_on_the_due_date_leaves_the_next_period_in_full(loans, monkeypatch):
    pin_clock(monkeypatch, datetime(2026, 11, 25, 12, tzinfo=UTC))
    created = loans.instrument(
        "lend",
        original_principal_cents=17_000_000,
        interest_rate_bps=600,
        start_date="2026-10-15",
        maturity_date="2031-10-15",
    )
    loans.payment(created["id"], exact_interest(17_000_000, 600, "2026-10-15", "2026-11-15") + 161_600, "2026-11-15")

    first = ok(loans.payment_schedule(created["id"]), 200)["rows"][0]

    assert (first["due_date"], first["interest_cents"]) == ("2026-12-15", 84_192)


@pytest.mark.parametrize("frequency", ["monthly", "bullet"])
def test_an_active_loan_past_its_maturity_owes_everything_in_one_row_due_today(loans, frequency):
    # today is 2024-12-31; matured 2024-06-15 with 908,219 principal unpaid since 2024-03-15
    created = loans.instrument("lend", maturity_date="2024-06-15", payment_frequency=frequency)
    interest_paid = exact_interest(1_000_000, 500, "2024-01-15", "2024-03-15")  # 60 days: 8,219.18 → 8,219
    assert ok(
        loans.pay(
            created["id"], {"payment_amount_cents": 100_000, "cash_ledger_id": loans.cash, "payment_date": "2024-03-15"}
        )
    )["remaining_balance_cents"] == (1_000_000 - (100_000 - interest_paid))

    projected = ok(loans.payment_schedule(created["id"]), 200)

    interest = exact_interest(908_219, 500, "2024-03-15", "2024-12-31")  # 291 days: 36,204.37 → 36,204
    assert (projected["as_of"], projected["payment_cents"]) == ("2024-12-31", None)
    assert projected["rows"] == [
        {
            "due_date": "2024-12-31",
            "payment_cents": 908_219 + interest,
            "principal_cents": 908_219,
            "interest_cents": interest,
            "balance_after_cents": 0,
        }
    ]
    assert interest == 36_204


def test_a_closed_instrument_has_nothing_left_to_schedule(loans):
    created = loans.instrument("lend")
    ok(loans.write_off(created["id"]))

    assert ok(loans.payment_schedule(created["id"]), 200)["rows"] == []


# ---- x-business-id ----------------------------------------------------------------------------------


def loans_routes(loans: Loans, instrument_id: str, transaction_id: str) -> list[tuple[str, str, dict | None]]:
    instruments = f"{loans.schedule_path}/instruments"
    return [
        (
            "POST",
            instruments,
            {
                "name": "Loan",
                "lender": "Bank",
                "direction": "lend",
                "original_principal_cents": 1_000,
                "start_date": "2024-01-15",
                "maturity_date": "2025-01-15",
            },
        ),
        ("GET", loans.schedule_path, None),
        ("GET", f"{instruments}/{instrument_id}", None),
        ("GET", f"{instruments}/{instrument_id}/payment-schedule", None),
        (
            "POST",
            f"{instruments}/{instrument_id}/payments",
            {"payment_amount_cents": 100, "cash_ledger_id": loans.cash},
        ),
        ("POST", f"/api/v1/loans/{instrument_id}/disbursements", {"amount_cents": 100, "cash_ledger_id": loans.cash}),
        ("POST", f"/api/v1/loans/{instrument_id}/accrue-interest", {"through_date": "2024-03-31"}),
        ("POST", "/api/v1/loans/accrue-interest", {"through_date": "2024-03-31"}),
        ("POST", f"/api/v1/loans/{instrument_id}/write-off", {}),
        ("POST", "/api/v1/transactions", {"amount_cents": 100, "direction": "inflow", "date": "2024-03-31"}),
        ("GET", f"/api/v1/transactions/{transaction_id}", None),
    ]


def test_every_loans_route_without_x_business_id_is_422_naming_the_header(loans):
    instrument_id = loans.instrument("lend")["id"]
    transaction_id = ok(loans.import_transaction({"amount_cents": 100, "direction": "inflow", "date": "2024-03-31"}))[
        "id"
    ]

    with unchanged(loans.api):
        for method, path, body in loans_routes(loans, instrument_id, transaction_id):
            response = loans.api.request(method, path, json_body=body)
            detail = validation_error(response)
            assert [d["loc"] for d in detail] == [["header", "x-business-id"]], (method, path)


def test_an_x_business_id_other_than_the_path_business_is_403(loans):
    other = new_api("Other Co")
    response = loans.api.get(loans.schedule_path, headers={"x-business-id": other.business_id})
    error(response, 403)
