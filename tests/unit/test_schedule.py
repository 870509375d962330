"""Projected payment schedules (SPEC §5 item 4): level payment from pmt, half-even interest, the
final row absorbing the residual, bullets, the stub after a payment inside a period, paying off. Pure."""

from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction

import pytest

from ledgerline.domain.interest import DayCount
from ledgerline.domain.schedule import (
    PaymentFrequency,
    ScheduledPayment,
    Stub,
    add_months,
    due_dates,
    first_period,
    level_payment,
    pay_off,
    period_start,
    project,
)

D = date.fromisoformat
MONTHLY, QUARTERLY, BULLET = PaymentFrequency.MONTHLY, PaymentFrequency.QUARTERLY, PaymentFrequency.BULLET


def exact_pmt(balance: int, rate_bps: int, per_year: int, periods: int) -> int:
    """pmt = B·r / (1 − (1 + r)^−n), in exact fractions, rounded half-even to the cent."""
    rate = Fraction(rate_bps, 10_000 * per_year)
    return round(balance * rate / (1 - (1 + rate) ** -periods))  # Fraction rounds ties to even


def thirty_year_mortgage() -> list:
    dates = due_dates(D("2024-01-15"), D("2054-01-15"), MONTHLY, after=D("2024-01-15"))
    return project(10_000_000, 600, MONTHLY, dates)


# ---- the level payment ------------------------------------------------------------------------


def test_the_spec_example_10_million_cents_at_600_bps_over_360_months_pays_59_955():
    assert level_payment(10_000_000, 600, 12, 360) == 59_955
    assert exact_pmt(10_000_000, 600, 12, 360) == 59_955  # 59,955.05… by exact arithmetic


@pytest.mark.parametrize(
    ("balance", "rate_bps", "per_year", "periods"),
    [
        (10_000_000, 600, 12, 360),
        (5_000_000, 725, 12, 60),
        (123_457, 1_999, 4, 7),
        (1_000_000, 100_000, 1, 3),
        (99, 1, 12, 12),
    ],
)
def test_the_level_payment_is_pmt_rounded_to_the_cent(balance, rate_bps, per_year, periods):
    assert level_payment(balance, rate_bps, per_year, periods) == exact_pmt(balance, rate_bps, per_year, periods)


def test_at_zero_rate_the_level_payment_is_the_balance_over_the_periods():
    assert level_payment(1_200_000, 0, 12, 12) == 100_000


def test_the_first_row_of_the_spec_example_is_50_000_interest_and_9_955_principal():
    first = thirty_year_mortgage()[0]
    assert (
        first.due_date,
        first.payment_cents,
        first.interest_cents,
        first.principal_cents,
        first.balance_after_cents,
    ) == (D("2024-02-15"), 59_955, 50_000, 9_955, 9_990_045)


def test_every_row_charges_half_even_interest_on_the_balance_before_it():
    rows = thirty_year_mortgage()
    balance = 10_000_000
    for row in rows:
        interest = (Decimal(balance) * Decimal("0.005")).quantize(Decimal(1), rounding=ROUND_HALF_EVEN)
        assert row.interest_cents == int(interest)
        assert row.payment_cents == row.principal_cents + row.interest_cents
        balance -= row.principal_cents
        assert row.balance_after_cents == balance


def test_every_row_but_the_last_pays_the_level_payment():
    rows = thirty_year_mortgage()
    assert len(rows) == 360
    assert {row.payment_cents for row in rows[:-1]} == {59_955}


def test_the_final_row_absorbs_the_residual_and_ends_at_zero():
    rows = thirty_year_mortgage()
    last, before = rows[-1], rows[-2]
    assert last.principal_cents == before.balance_after_cents
    assert last.balance_after_cents == 0
    assert sum(row.principal_cents for row in rows) == 10_000_000
    assert (last.due_date, last.payment_cents, last.principal_cents, last.interest_cents) == (
        D("2054-01-15"),
        60_000,
        59_701,
        299,
    )


def test_a_half_cent_of_interest_rounds_to_the_even_cent():
    # 1,000,100 × 6 % / 12 = 5,000.5 → 5,000 ; 1,000,300 × 6 % / 12 = 5,001.5 → 5,002
    assert project(1_000_100, 600, MONTHLY, [D("2024-02-15"), D("2024-03-15")])[0].interest_cents == 5_000
    assert project(1_000_300, 600, MONTHLY, [D("2024-02-15"), D("2024-03-15")])[0].interest_cents == 5_002


def test_a_set_payment_amount_replaces_the_level_payment_and_may_finish_early():
    dates = due_dates(D("2024-01-15"), D("2025-01-15"), MONTHLY, after=D("2024-01-15"))
    rows = project(1_000_000, 0, MONTHLY, dates, payment_cents=300_000)
    assert [row.payment_cents for row in rows] == [300_000, 300_000, 300_000, 100_000]
    assert rows[-1].balance_after_cents == 0


def test_interest_already_accrued_is_due_with_the_first_payment():
    rows = project(1_200_000, 0, MONTHLY, [D("2024-02-15"), D("2024-03-15")], accrued_interest_cents=777)
    assert (rows[0].interest_cents, rows[0].principal_cents) == (777, 600_000 - 777)
    assert rows[-1].balance_after_cents == 0
    assert sum(row.payment_cents for row in rows) == 1_200_000 + 777


def test_quarterly_interest_is_a_quarter_of_the_annual_rate():
    rows = project(1_000_000, 800, QUARTERLY, [D("2024-04-15"), D("2024-07-15"), D("2024-10-15"), D("2025-01-15")])
    assert rows[0].interest_cents == 20_000
    assert rows[0].payment_cents == exact_pmt(1_000_000, 800, 4, 4)
    assert rows[-1].balance_after_cents == 0


# ---- bullets ----------------------------------------------------------------------------------


def test_a_bullet_is_one_payment_at_maturity_of_everything_owed():
    rows = project(1_000_000, 500, BULLET, [D("2024-03-31")], accrued_interest_cents=10_411)
    assert len(rows) == 1
    assert (
        rows[0].due_date,
        rows[0].payment_cents,
        rows[0].principal_cents,
        rows[0].interest_cents,
        rows[0].balance_after_cents,
    ) == (D("2024-03-31"), 1_010_411, 1_000_000, 10_411, 0)


def test_a_bullet_has_one_due_date_the_maturity_and_none_once_it_has_passed():
    assert due_dates(D("2024-01-15"), D("2026-01-15"), BULLET, after=D("2024-06-01")) == [D("2026-01-15")]
    assert due_dates(D("2024-01-15"), D("2026-01-15"), BULLET, after=D("2026-01-15")) == []


# ---- due dates --------------------------------------------------------------------------------


def test_monthly_due_dates_keep_the_start_day_clamped_to_short_months_without_drifting():
    assert due_dates(D("2024-01-31"), D("2024-06-30"), MONTHLY, after=D("2024-01-31")) == [
        D("2024-02-29"),
        D("2024-03-31"),
        D("2024-04-30"),
        D("2024-05-31"),
        D("2024-06-30"),
    ]


def test_due_dates_are_those_after_today_and_always_end_at_maturity():
    assert due_dates(D("2024-01-15"), D("2025-01-01"), QUARTERLY, after=D("2024-05-01")) == [
        D("2024-07-15"),
        D("2024-10-15"),
        D("2025-01-01"),
    ]


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        ("2024-01-31", 1, "2024-02-29"),
        ("2023-01-31", 1, "2023-02-28"),
        ("2024-11-30", 3, "2025-02-28"),
        ("2024-02-29", 12, "2025-02-28"),
        ("2024-12-15", 1, "2025-01-15"),
    ],
)
def test_adding_months_clamps_to_the_end_of_the_month(day, months, expected):
    assert add_months(D(day), months) == D(expected)


def test_nothing_is_projected_when_nothing_is_owed_or_nothing_is_due():
    assert project(0, 600, MONTHLY, [D("2024-02-15")]) == []
    assert project(1_000, 600, MONTHLY, []) == []


# ---- the first period: full, or the stub left after a payment inside it ---------------------------

A365F, A360, THIRTY_360 = DayCount.ACTUAL_365_FIXED, DayCount.ACTUAL_360, DayCount.THIRTY_360_US


def exact_interest(balance: int, rate_bps: int, days: int, days_per_year: int) -> int:
    """balance × rate × days / year in exact fractions, rounded half-even to the cent."""
    return round(Fraction(balance * rate_bps * days, 10_000 * days_per_year))


def issue_13_loan(interest_through: date, accrued_interest_cents: int = 0) -> list:
    """16,838,400 cents at 600 bps, actual/365F, due on the 15th; today is 2026-11-25."""
    start, maturity, today = D("2026-10-15"), D("2031-10-15"), D("2026-11-25")
    since, stub = first_period(start, maturity, MONTHLY, today, interest_through, A365F)
    dates = due_dates(start, maturity, MONTHLY, after=today)
    return project(16_838_400, 600, MONTHLY, dates, accrued_interest_cents=accrued_interest_cents, stub=stub)


def test_the_period_running_on_a_day_opened_on_the_last_due_date_on_or_before_it():
    start, maturity = D("2026-10-15"), D("2031-10-15")
    assert period_start(start, maturity, MONTHLY, D("2026-11-25")) == D("2026-11-15")
    assert period_start(start, maturity, MONTHLY, D("2026-11-15")) == D("2026-11-15")
    assert period_start(start, maturity, MONTHLY, D("2026-11-14")) == D("2026-10-15")
    assert period_start(start, maturity, QUARTERLY, D("2027-03-01")) == D("2027-01-15")
    assert period_start(D("2024-01-31"), D("2025-01-31"), MONTHLY, D("2024-03-30")) == D("2024-02-29")


def test_a_payment_inside_a_period_leaves_only_the_stub_to_the_next_due_date():
    # issue 13: paid on 2026-11-20, due on the 15th — only 11-20 → 12-15 (25 days) is still unpaid
    assert first_period(D("2026-10-15"), D("2031-10-15"), MONTHLY, D("2026-11-25"), D("2026-11-20"), A365F) == (
        D("2026-11-20"),
        Stub(D("2026-11-20"), A365F),
    )
    first = issue_13_loan(interest_through=D("2026-11-20"))[0]

    stub, full_month = exact_interest(16_838_400, 600, 25, 365), round(Fraction(16_838_400 * 600, 10_000 * 12))
    assert (stub, full_month) == (69_199, 84_192)  # 69,198.90… and 84,192 exactly
    assert (first.due_date, first.interest_cents) == (D("2026-12-15"), 69_199)
    assert first.principal_cents == first.payment_cents - 69_199


def test_after_the_stub_every_period_is_full_again():
    rows = issue_13_loan(interest_through=D("2026-11-20"))
    second = rows[1]
    assert second.interest_cents == round(Fraction(rows[0].balance_after_cents * 600, 10_000 * 12))
    assert rows[-1].balance_after_cents == 0
    assert sum(row.principal_cents for row in rows) == 16_838_400


def test_interest_computed_and_unpaid_is_due_with_the_stub():
    # a payment that did not cover all the interest leaves 1,234 unpaid through 2026-11-20
    first = issue_13_loan(interest_through=D("2026-11-20"), accrued_interest_cents=1_234)[0]
    assert first.interest_cents == 1_234 + 69_199


def test_interest_computed_through_the_due_date_itself_leaves_a_full_period():
    assert first_period(D("2026-10-15"), D("2031-10-15"), MONTHLY, D("2026-11-25"), D("2026-11-15"), A365F) == (
        D("2026-11-15"),
        None,
    )
    assert issue_13_loan(interest_through=D("2026-11-15"))[0].interest_cents == 84_192


def test_interest_computed_before_the_last_due_date_is_carried_to_it_then_a_full_period():
    assert first_period(D("2026-10-15"), D("2031-10-15"), MONTHLY, D("2026-11-25"), D("2026-10-15"), A365F) == (
        D("2026-11-15"),
        None,
    )


def test_an_accrual_inside_the_first_period_makes_it_a_stub_from_the_accrual():
    since, stub = first_period(D("2026-10-15"), D("2031-10-15"), MONTHLY, D("2026-10-31"), D("2026-10-31"), A365F)
    assert (since, stub) == (D("2026-10-31"), Stub(D("2026-10-31"), A365F))
    rows = project(16_838_400, 600, MONTHLY, [D("2026-11-15"), D("2026-12-15")], stub=stub)
    assert rows[0].interest_cents == exact_interest(16_838_400, 600, 15, 365)


@pytest.mark.parametrize(("day_count", "days", "per_year"), [(A365F, 23, 365), (A360, 23, 360), (THIRTY_360, 25, 360)])
def test_the_stub_is_counted_under_the_instruments_day_count(day_count, days, per_year):
    # 2027-02-20 → 2027-03-15: 23 actual days; 30/360 counts 30 + 15 − 20 = 25
    stub = Stub(D("2027-02-20"), day_count)
    first = project(16_838_400, 600, MONTHLY, [D("2027-03-15"), D("2027-04-15")], stub=stub)[0]
    assert first.interest_cents == exact_interest(16_838_400, 600, days, per_year)


# ---- paying off at once -------------------------------------------------------------------------


def test_paying_off_is_one_row_of_all_principal_and_interest():
    assert pay_off(D("2026-11-30"), 908_219, 36_204) == [ScheduledPayment(D("2026-11-30"), 944_423, 908_219, 36_204, 0)]


def test_paying_off_nothing_owed_is_no_row():
    assert pay_off(D("2026-11-30"), 0, 0) == []
