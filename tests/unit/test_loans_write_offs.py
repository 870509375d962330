"""Loan write-offs through the handler — seed 000 (SPEC §5 item 9): partial and full, Bad Debt for loans
we made and Debt Forgiveness Income for debt we owe; a full write-off clears all unpaid interest but
posts only the part already in the ledger.

Every refusal leaves the books exactly as they were; every scenario ends with the books balanced.
Today is pinned to 2024-12-31 (UTC) unless a test pins another day.
"""

from datetime import UTC, datetime

import pytest
from support import MISSING_ID, pin_clock, unchanged
from support.loans import WRITE_OFF_FIELDS, error, ok, validation_error

pytest_plugins = ["support.loans"]  # its fixtures: loans, unit_loans, pinned

WRITE_OFF_ACCOUNT = {"lend": "BAD_DEBT", "borrow": "DEBT_FORGIVENESS_INCOME"}
PRINCIPAL = {"lend": "NOTES_RECEIVABLE", "borrow": "LONG_TERM_DEBT"}
ACCRUED = {"lend": "INTEREST_RECEIVABLE", "borrow": "INTEREST_PAYABLE"}
INTEREST = {"lend": "INTEREST_INCOME", "borrow": "INTEREST_EXPENSE"}


def write_off_lines(direction: str, principal: int, accrued: int = 0) -> dict:
    """SPEC §5: lend Dr BAD_DEBT / Cr NOTES_RECEIVABLE (+ INTEREST_RECEIVABLE); borrow the mirror."""
    if direction == "lend":
        lines = {("BAD_DEBT", "DEBIT"): principal + accrued, ("NOTES_RECEIVABLE", "CREDIT"): principal}
        if accrued:
            lines[("INTEREST_RECEIVABLE", "CREDIT")] = accrued
        return lines
    lines = {("LONG_TERM_DEBT", "DEBIT"): principal, ("DEBT_FORGIVENESS_INCOME", "CREDIT"): principal + accrued}
    if accrued:
        lines[("INTEREST_PAYABLE", "DEBIT")] = accrued
    return lines


# ---- partial, then full -----------------------------------------------------------------------------


@pytest.mark.parametrize("direction", ["lend", "borrow"])
def test_a_partial_then_a_full_write_off(loans, direction):
    loan = loans.instrument(direction)
    ok(loans.accrue(loan["id"], {"through_date": "2024-03-31"}))  # 10,411 now in the ledger

    partial = ok(
        loans.write_off(
            loan["id"], {"principal_cents": 400_000, "write_off_date": "2024-03-31", "memo": "Partial settlement"}
        )
    )

    assert set(partial) == WRITE_OFF_FIELDS
    assert {k: v for k, v in partial.items() if k not in ("journal_entry_id", "account")} == {
        "instrument_id": loan["id"],
        "write_off_date": "2024-03-31",
        "principal_written_off_cents": 400_000,
        "accrued_interest_cleared_cents": 0,
        "remaining_balance_cents": 600_000,
        "status": "active",
        "memo": "Partial settlement",
    }
    account = loans.api.accounts[WRITE_OFF_ACCOUNT[direction]]
    assert partial["account"]["id"] == account
    assert partial["account"]["stable_name"] == WRITE_OFF_ACCOUNT[direction]
    assert loans.lines(partial["journal_entry_id"]) == write_off_lines(direction, 400_000)
    entry = loans.entry(partial["journal_entry_id"])
    assert (entry["entry_date"], entry["memo"], entry["source"]["type"]) == (
        "2024-03-31",
        "Partial settlement",
        "LOAN_WRITE_OFF",
    )
    state = loans.get(loan["id"])
    assert (
        state["status"],
        state["current_balance_cents"],
        state["written_off_principal_cents"],
        state["accrued_interest_cents"],
    ) == ("active", 600_000, 400_000, 10_411)

    full = ok(loans.write_off(loan["id"], {"write_off_date": "2024-04-30"}))

    # 30 more days on 600,000 at 5 % = 2,465.75 → 2,466 computed, never posted; 10,411 in the ledger
    assert (
        full["principal_written_off_cents"],
        full["accrued_interest_cleared_cents"],
        full["remaining_balance_cents"],
        full["status"],
    ) == (600_000, 10_411 + 2_466, 0, "written_off")
    assert loans.lines(full["journal_entry_id"]) == write_off_lines(direction, 600_000, accrued=10_411)
    state = loans.get(loan["id"])
    assert (
        state["status"],
        state["current_balance_cents"],
        state["written_off_principal_cents"],
        state["accrued_interest_cents"],
    ) == ("written_off", 0, 1_000_000, 0)
    cash = -1_000_000 if direction == "lend" else 1_000_000
    assert loans.balances() == {"CASH": cash, INTEREST[direction]: 10_411, WRITE_OFF_ACCOUNT[direction]: 1_010_411}


@pytest.mark.parametrize("direction", ["lend", "borrow"])
def test_a_full_write_off_without_an_accrual_posts_principal_only_and_reports_the_computed_interest(loans, direction):
    loan = loans.instrument(direction)

    full = ok(loans.write_off(loan["id"], {"write_off_date": "2024-03-31"}))

    assert (full["principal_written_off_cents"], full["accrued_interest_cleared_cents"], full["status"]) == (
        1_000_000,
        10_411,
        "written_off",
    )
    assert loans.lines(full["journal_entry_id"]) == write_off_lines(direction, 1_000_000)
    assert ACCRUED[direction] not in loans.balances() and INTEREST[direction] not in loans.balances()


def test_writing_off_exactly_the_outstanding_principal_is_a_full_write_off(loans):
    loan = loans.instrument("lend")
    ok(loans.accrue(loan["id"], {"through_date": "2024-03-31"}))

    full = ok(loans.write_off(loan["id"], {"principal_cents": 1_000_000, "write_off_date": "2024-03-31"}))

    assert (full["status"], full["accrued_interest_cleared_cents"]) == ("written_off", 10_411)
    assert loans.lines(full["journal_entry_id"]) == write_off_lines("lend", 1_000_000, accrued=10_411)


def test_a_partial_write_off_after_a_payment_keeps_the_interest_owed(loans):
    loan = loans.instrument("borrow")
    loans.payment(loan["id"], 110_411, "2024-03-31")  # 10,411 interest, 100,000 principal

    partial = ok(loans.write_off(loan["id"], {"principal_cents": 100_000, "write_off_date": "2024-04-30"}))

    # 30 days on 900,000 at 5 % = 3,698.63 → 3,699 stays owed (not in the ledger, not cleared)
    assert (partial["remaining_balance_cents"], partial["accrued_interest_cleared_cents"]) == (800_000, 0)
    assert loans.get(loan["id"])["accrued_interest_cents"] == 3_699


# ---- defaults: an empty body is a full write-off today ----------------------------------------------


@pytest.mark.parametrize("raw", ["", "{}"])
def test_an_empty_body_writes_off_everything_today(loans, raw):
    loan = loans.instrument("lend")

    full = ok(loans.write_off(loan["id"], raw=raw))

    # 2024-01-15 → 2024-12-31 is 351 days: 1,000,000 × 5 % × 351/365 = 48,082.19
    assert (
        full["write_off_date"],
        full["principal_written_off_cents"],
        full["accrued_interest_cleared_cents"],
        full["status"],
        full["memo"],
    ) == ("2024-12-31", 1_000_000, 48_082, "written_off", None)


# ---- refusals ---------------------------------------------------------------------------------------


def test_writing_off_more_than_the_outstanding_principal_is_400(loans):
    loan = loans.instrument("lend")

    with unchanged(loans.api):
        body = error(loans.write_off(loan["id"], {"principal_cents": 1_000_001}), 400)

    assert "principal_cents" in body["detail"]
    assert loans.get(loan["id"])["status"] == "active"


def test_writing_off_a_written_off_loan_again_is_409(loans):
    loan = loans.instrument("lend")
    ok(loans.write_off(loan["id"], {"write_off_date": "2024-03-31"}))

    with unchanged(loans.api):
        error(loans.write_off(loan["id"]), 409, "INSTRUMENT_CLOSED")
        error(loans.write_off(loan["id"], {"principal_cents": 1}), 409, "INSTRUMENT_CLOSED")


def test_writing_off_a_paid_off_loan_is_409(loans):
    loan = loans.instrument("borrow", interest_rate_bps=0)
    loans.payment(loan["id"], 1_000_000, "2024-03-31")

    with unchanged(loans.api):
        error(loans.write_off(loan["id"]), 409, "INSTRUMENT_CLOSED")


def test_writing_off_an_unknown_loan_is_404(loans):
    with unchanged(loans.api):
        error(loans.write_off(MISSING_ID), 404)
        error(loans.write_off("not-a-uuid"), 404)


# ---- seed 000: the documented sample, as written ----------------------------------------------------

SEED_000_SAMPLE = {"write_off_date": "2026-01-01", "principal_cents": 0, "memo": "string"}


def test_seed_000_the_sample_body_is_422_naming_principal_cents(unit_loans):
    loan = unit_loans.instrument("lend")

    with unchanged(unit_loans.api):
        detail = validation_error(unit_loans.write_off(loan["id"], SEED_000_SAMPLE))

    assert [d["loc"] for d in detail] == [["body", "principal_cents"]]
    assert detail[0]["input"] == 0


def test_seed_000_the_sample_shape_with_a_positive_amount_returns_the_documented_envelope(loans, monkeypatch):
    pin_clock(monkeypatch, datetime(2026, 1, 1, 9, tzinfo=UTC))
    loan = loans.instrument("lend")

    response = loans.write_off(loan["id"], {**SEED_000_SAMPLE, "principal_cents": 100})

    data = ok(response)
    assert set(data) == WRITE_OFF_FIELDS
    assert set(data["account"]) == {"id", "name", "stable_name"}
    assert (data["write_off_date"], data["principal_written_off_cents"], data["memo"], data["status"]) == (
        "2026-01-01",
        100,
        "string",
        "active",
    )


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"principal_cents": -5}, ["body", "principal_cents"]),
        ({"principal_cents": 1.5}, ["body", "principal_cents"]),
        ({"principal_cents": "100"}, ["body", "principal_cents"]),
        ({"write_off_date": "2024-02-30"}, ["body", "write_off_date"]),
        ({"memo": "x" * 1_001}, ["body", "memo"]),
        ({"reason": "fraud"}, ["body", "reason"]),
    ],
)
def test_an_invalid_write_off_body_is_422_naming_the_field(unit_loans, body, loc):
    loan = unit_loans.instrument("lend")

    with unchanged(unit_loans.api):
        detail = validation_error(unit_loans.write_off(loan["id"], body))

    assert detail[0]["loc"] == loc
