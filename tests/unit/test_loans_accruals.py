"""Interest accruals (one instrument and every instrument) and disbursements through the handlers
(SPEC §5 items 6–8): what each posts, what it leaves on the instrument, and month-end safety.

Every refusal leaves the books exactly as they were; every scenario ends with the books balanced.
Today is pinned to 2024-12-31 (UTC).
"""

from typing import Any

import pytest
from support import MISSING_ID, unchanged
from support.loans import error, ok, validation_error

from ledgerline.store.runtime import dynamodb_client

pytest_plugins = ["support.loans"]  # its fixtures: loans, unit_loans, pinned

ACCRUAL_FIELDS = {
    "instrument_id",
    "journal_entry_id",
    "accrued_interest_cents",
    "total_accrued_interest_cents",
    "through_date",
}
ACCRUAL_LINES = {
    "lend": lambda amount: {("INTEREST_RECEIVABLE", "DEBIT"): amount, ("INTEREST_INCOME", "CREDIT"): amount},
    "borrow": lambda amount: {("INTEREST_EXPENSE", "DEBIT"): amount, ("INTEREST_PAYABLE", "CREDIT"): amount},
}


# ---- one instrument ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("direction", "day_count", "cents"),
    [
        ("lend", "actual_365_fixed", 10_411),
        ("borrow", "actual_365_fixed", 10_411),
        ("lend", "actual_360", 10_556),
        ("borrow", "thirty_360_us", 10_556),
    ],
)
def test_an_accrual_posts_the_interest_computed_through_its_date(loans, direction, day_count, cents):
    loan = loans.instrument(direction, day_count=day_count)

    accrual = ok(loans.accrue(loan["id"], {"through_date": "2024-03-31", "memo": "Q1 interest"}))

    assert set(accrual) == ACCRUAL_FIELDS
    assert (
        accrual["instrument_id"],
        accrual["accrued_interest_cents"],
        accrual["total_accrued_interest_cents"],
        accrual["through_date"],
    ) == (loan["id"], cents, cents, "2024-03-31")
    assert loans.lines(accrual["journal_entry_id"]) == ACCRUAL_LINES[direction](cents)
    entry = loans.entry(accrual["journal_entry_id"])
    assert (entry["entry_date"], entry["memo"], entry["source"]["type"]) == (
        "2024-03-31",
        "Q1 interest",
        "LOAN_INTEREST_ACCRUAL",
    )
    state = loans.get(loan["id"])
    assert (state["accrued_interest_cents"], state["interest_through_date"]) == (cents, "2024-03-31")


def test_accruing_again_through_the_same_date_posts_nothing(loans):
    loan = loans.instrument("lend")
    ok(loans.accrue(loan["id"], {"through_date": "2024-03-31"}))

    with unchanged(loans.api):
        again = ok(loans.accrue(loan["id"], {"through_date": "2024-03-31"}))

    assert (again["journal_entry_id"], again["accrued_interest_cents"], again["total_accrued_interest_cents"]) == (
        None,
        0,
        10_411,
    )


def test_consecutive_accruals_each_post_their_own_period(loans):
    loan = loans.instrument("borrow")
    ok(loans.accrue(loan["id"], {"through_date": "2024-03-31"}))

    april = ok(loans.accrue(loan["id"], {"through_date": "2024-04-30"}))

    assert (april["accrued_interest_cents"], april["total_accrued_interest_cents"]) == (4_110, 14_521)
    assert loans.balances()["INTEREST_PAYABLE"] == 14_521


def test_a_zero_rate_instrument_accrues_nothing_and_posts_no_entry(loans):
    loan = loans.instrument("lend", interest_rate_bps=0)

    with unchanged(loans.api):
        accrual = ok(loans.accrue(loan["id"], {"through_date": "2024-03-31"}))

    assert (accrual["journal_entry_id"], accrual["accrued_interest_cents"]) == (None, 0)


def test_accruing_a_closed_instrument_is_409(loans):
    written_off, paid_off = loans.instrument("lend"), loans.instrument("lend", interest_rate_bps=0)
    ok(loans.write_off(written_off["id"], {"write_off_date": "2024-02-01"}))
    loans.payment(paid_off["id"], 1_000_000, "2024-02-01")

    with unchanged(loans.api):
        error(loans.accrue(written_off["id"], {"through_date": "2024-03-31"}), 409, "INSTRUMENT_CLOSED")
        error(loans.accrue(paid_off["id"], {"through_date": "2024-03-31"}), 409, "INSTRUMENT_CLOSED")
        error(loans.accrue(MISSING_ID, {"through_date": "2024-03-31"}), 404)


@pytest.mark.parametrize("body", [{}, {"through_date": None}, {"through_date": "2024-03"}, None])
def test_an_accrual_needs_a_through_date(unit_loans, body):
    loan = unit_loans.instrument("lend")

    with unchanged(unit_loans.api):
        detail = validation_error(unit_loans.accrue(loan["id"], body))

    assert detail[0]["loc"][0] == "body"


# ---- every instrument of the business ---------------------------------------------------------------


def test_accruing_every_instrument_posts_each_and_skips_those_with_nothing_to_accrue(loans):
    lend = loans.instrument("lend")  # 10,411 through 2024-03-31
    zero = loans.instrument("borrow", interest_rate_bps=0)
    borrow = loans.instrument(
        "borrow",
        original_principal_cents=500_000,
        interest_rate_bps=600,
        day_count="actual_360",
        start_date="2024-02-01",
    )  # 59 days: 4,916.67 → 4,917
    written_off = loans.instrument("lend")
    ok(loans.write_off(written_off["id"], {"write_off_date": "2024-02-01"}))
    ahead = loans.instrument("lend")
    loans.payment(ahead["id"], 100, "2024-04-30")  # interest already rolled past the run's date

    run = ok(loans.accrue_all({"through_date": "2024-03-31"}))

    assert run["through_date"] == "2024-03-31"
    accrued = {a["instrument_id"]: a for a in run["accrued"]}
    assert set(accrued) == {lend["id"], borrow["id"]}
    assert (accrued[lend["id"]]["accrued_interest_cents"], accrued[borrow["id"]]["accrued_interest_cents"]) == (
        10_411,
        4_917,
    )
    assert {s["instrument_id"]: s["reason"] for s in run["skipped"]} == {
        zero["id"]: "nothing to accrue through 2024-03-31",
        ahead["id"]: "already accrued through 2024-04-30",
    }
    assert run["status"] == "completed" and run["failed"] == [] and run["progress"] is None
    assert run["totals"] == {
        "instruments": 4,
        "accrued": 2,
        "accrued_interest_cents": 15_328,
        "skipped": 2,
        "failed": 0,
    }
    assert loans.lines(accrued[lend["id"]]["journal_entry_id"]) == ACCRUAL_LINES["lend"](10_411)
    assert loans.lines(accrued[borrow["id"]]["journal_entry_id"]) == ACCRUAL_LINES["borrow"](4_917)
    assert loans.get(written_off["id"])["accrued_interest_cents"] == 0
    assert loans.get(ahead["id"])["interest_through_date"] == "2024-04-30"


def test_a_run_lists_its_instruments_by_key_alone(loans):
    """The run reads each instrument whole once, in its own transaction; the listing that plans the run
    brings back keys only (10,000 instruments: 10,000 ids, not 12 MB to decode — docs/performance.md)."""
    for direction in ("lend", "borrow", "lend"):
        loans.instrument(direction)
    listing, shapes = False, []

    def sent(params: dict[str, Any], **_: Any) -> None:
        nonlocal listing
        listing = params.get("KeyConditionExpression", "").endswith("begins_with(SK, :prefix)")

    def answered(parsed: dict[str, Any], **_: Any) -> None:
        if listing:
            shapes.append({name for item in parsed.get("Items", []) for name in item})

    events = dynamodb_client().meta.events
    events.register("before-parameter-build.dynamodb.Query", sent)
    events.register("after-call.dynamodb.Query", answered)
    try:
        run = ok(loans.accrue_all({"through_date": "2024-03-31"}))
    finally:
        events.unregister("before-parameter-build.dynamodb.Query", sent)
        events.unregister("after-call.dynamodb.Query", answered)

    assert run["totals"]["accrued"] == 3
    assert {"SK"} in shapes, shapes


def test_accruing_every_instrument_twice_through_one_date_posts_nothing_the_second_time(loans):
    lend, borrow = loans.instrument("lend"), loans.instrument("borrow")
    ok(loans.accrue_all({"through_date": "2024-03-31"}))

    with unchanged(loans.api):
        again = ok(loans.accrue_all({"through_date": "2024-03-31"}))

    assert (again["accrued"], again["totals"]["accrued_interest_cents"]) == ([], 0)
    assert {(s["instrument_id"], s["reason"]) for s in again["skipped"]} == {
        (lend["id"], "already accrued through 2024-03-31"),
        (borrow["id"], "already accrued through 2024-03-31"),
    }
    assert loans.balances()["INTEREST_RECEIVABLE"] == 10_411


def test_month_end_runs_post_one_month_each(loans):
    loan = loans.instrument("lend", start_date="2024-01-31", day_count="thirty_360_us")

    months = [
        ok(loans.accrue_all({"through_date": day}))["totals"]["accrued_interest_cents"]
        for day in ("2024-02-29", "2024-03-31", "2024-04-30")
    ]

    # 30/360: each month is 30 days (Jan 31 → Feb 29 is 29) on 1,000,000 at 5 %: 4,166.67 → 4,167
    assert months == [4_028, 4_167, 4_167]
    assert loans.get(loan["id"])["accrued_interest_cents"] == sum(months)


def test_accruing_every_instrument_through_a_future_date_is_400(loans):
    loans.instrument("lend")

    with unchanged(loans.api):
        assert "2025-01-01" in error(loans.accrue_all({"through_date": "2025-01-01"}), 400)["detail"]


def test_accruing_every_instrument_of_a_business_without_any_posts_nothing(loans):
    with unchanged(loans.api):
        run = ok(loans.accrue_all({"through_date": "2024-03-31"}))

    assert (run["accrued"], run["skipped"], run["totals"]["accrued_interest_cents"]) == ([], [], 0)
    assert run["status"] == "completed" and run["totals"]["instruments"] == 0


# ---- disbursements ----------------------------------------------------------------------------------

DISBURSEMENT_LINES = {
    "lend": lambda amount: {("NOTES_RECEIVABLE", "DEBIT"): amount, ("CASH", "CREDIT"): amount},
    "borrow": lambda amount: {("CASH", "DEBIT"): amount, ("LONG_TERM_DEBT", "CREDIT"): amount},
}


@pytest.mark.parametrize("direction", ["lend", "borrow"])
def test_a_disbursement_adds_principal_after_rolling_interest_forward(loans, direction):
    loan = loans.instrument(direction)

    drawn = ok(
        loans.disburse(
            loan["id"],
            {
                "amount_cents": 500_000,
                "cash_ledger_id": loans.cash,
                "disbursement_date": "2024-03-31",
                "memo": "Second draw",
            },
        )
    )

    assert {
        k: drawn[k]
        for k in (
            "instrument_id",
            "amount_cents",
            "disbursement_date",
            "current_balance_cents",
            "accrued_interest_cents",
            "status",
        )
    } == {
        "instrument_id": loan["id"],
        "amount_cents": 500_000,
        "disbursement_date": "2024-03-31",
        "current_balance_cents": 1_500_000,
        "accrued_interest_cents": 10_411,
        "status": "active",
    }
    assert loans.lines(drawn["journal_entry_id"]) == DISBURSEMENT_LINES[direction](500_000)
    assert loans.entry(drawn["journal_entry_id"])["source"]["type"] == "LOAN_DISBURSEMENT"

    april = ok(loans.accrue(loan["id"], {"through_date": "2024-04-30"}))

    # the 10,411 computed at the draw, then 30 days on 1,500,000 at 5 % = 6,164.38 → 6,164
    assert april["accrued_interest_cents"] == 10_411 + 6_164


def test_a_disbursement_reopens_a_paid_off_instrument(loans):
    loan = loans.instrument("lend", interest_rate_bps=0)
    assert loans.payment(loan["id"], 1_000_000, "2024-03-31")["status"] == "paid_off"

    drawn = ok(
        loans.disburse(
            loan["id"], {"amount_cents": 50_000, "cash_ledger_id": loans.cash, "disbursement_date": "2024-04-01"}
        )
    )

    assert (drawn["status"], drawn["current_balance_cents"]) == ("active", 50_000)
    assert loans.get(loan["id"])["status"] == "active"
    assert loans.balances()["NOTES_RECEIVABLE"] == 50_000


def test_a_disbursement_on_a_written_off_instrument_is_409(loans):
    loan = loans.instrument("lend")
    ok(loans.write_off(loan["id"], {"write_off_date": "2024-03-31"}))

    with unchanged(loans.api):
        error(
            loans.disburse(loan["id"], {"amount_cents": 50_000, "cash_ledger_id": loans.cash}), 409, "INSTRUMENT_CLOSED"
        )


def test_a_disbursement_defaults_to_today(loans):
    loan = loans.instrument("borrow", interest_rate_bps=0)

    drawn = ok(loans.disburse(loan["id"], {"amount_cents": 1, "cash_ledger_id": loans.cash}))

    assert drawn["disbursement_date"] == "2024-12-31"


@pytest.mark.parametrize(
    "body", [{"amount_cents": 100}, {"cash_ledger_id": "x"}, {"amount_cents": 0, "cash_ledger_id": "x"}]
)
def test_a_disbursement_needs_a_positive_amount_and_a_cash_account(unit_loans, body):
    loan = unit_loans.instrument("lend")

    with unchanged(unit_loans.api):
        assert validation_error(unit_loans.disburse(loan["id"], body))[0]["loc"][0] == "body"


def test_a_disbursement_from_an_unknown_cash_account_is_400(unit_loans):
    loan = unit_loans.instrument("lend")

    with unchanged(unit_loans.api):
        body = error(unit_loans.disburse(loan["id"], {"amount_cents": 100, "cash_ledger_id": MISSING_ID}), 400)

    assert "cash_ledger_id" in body["detail"]
