"""Simple interest between events (SPEC §5): day counts, the worked example, half-even cents. Pure."""

from datetime import date
from decimal import Decimal

import pytest

from ledgerline.domain.interest import DayCount, interest_cents, thirty_360_us_days, year_fraction

A365, A360, US30 = DayCount.ACTUAL_365_FIXED, DayCount.ACTUAL_360, DayCount.THIRTY_360_US
D = date.fromisoformat


# ---- the spec's worked example -------------------------------------------------------------------


@pytest.mark.parametrize(("day_count", "cents"), [(A365, 10_411), (A360, 10_556), (US30, 10_556)])
def test_the_spec_example_one_million_cents_at_500_bps_from_jan_15_to_mar_31_2024(day_count, cents):
    assert interest_cents(1_000_000, 500, day_count, D("2024-01-15"), D("2024-03-31")) == cents


def test_the_spec_example_counts_76_actual_days_and_76_thirty_360_days():
    assert (D("2024-03-31") - D("2024-01-15")).days == 76
    assert thirty_360_us_days(D("2024-01-15"), D("2024-03-31")) == 76


# ---- 30/360 US, the rules in SPEC §5's order (FACTS.md: QuantLib's Thirty360.USA) ---------------


@pytest.mark.parametrize(
    ("start", "end", "days"),
    [
        ("2023-02-28", "2023-03-31", 30),  # D1 last of Feb → 30; then D2 = 31 with D1 ≥ 30 → 30
        ("2024-02-29", "2025-02-28", 360),  # both last of February → D2 = 30, D1 = 30
        ("2024-01-31", "2024-02-29", 29),  # D1 = 31 → 30; D2 is Feb 29 but D1 is not in February
        ("2023-02-28", "2024-02-29", 360),  # both last of February, non-leap to leap
        ("2024-02-29", "2024-03-31", 30),  # D1 last of Feb (leap) → 30, so D2 = 31 → 30
        ("2024-02-28", "2024-03-31", 33),  # Feb 28 of a leap year is not the last day: no rule applies
        ("2024-01-31", "2024-03-31", 60),  # D1 = 31 and D2 = 31 → both 30
        ("2024-01-30", "2024-03-31", 60),  # D1 = 30 and D2 = 31 → D2 = 30
        ("2024-01-29", "2024-03-31", 62),  # D2 = 31 with D1 < 30 stays 31
        ("2024-01-15", "2024-03-31", 76),
        ("2024-03-31", "2024-04-30", 30),
        ("2024-01-01", "2025-01-01", 360),
        ("2024-01-15", "2024-01-15", 0),
    ],
)
def test_thirty_360_us_day_counts(start, end, days):
    assert thirty_360_us_days(D(start), D(end)) == days


def test_thirty_360_us_ignores_how_long_february_really_is():
    assert thirty_360_us_days(D("2023-02-15"), D("2023-03-15")) == 30
    assert thirty_360_us_days(D("2024-02-15"), D("2024-03-15")) == 30


def test_thirty_360_us_year_fraction_is_days_over_360():
    assert year_fraction(US30, D("2023-02-28"), D("2023-03-31")) == Decimal(30) / Decimal(360)


# ---- actual day counts across February ----------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "days"),
    [
        ("2024-02-01", "2024-03-01", 29),  # leap year
        ("2023-02-01", "2023-03-01", 28),
        ("2024-01-31", "2024-03-01", 30),
        ("2023-01-31", "2023-03-01", 29),
        ("2024-01-01", "2025-01-01", 366),
        ("2023-01-01", "2024-01-01", 365),
    ],
)
def test_actual_day_counts_follow_the_calendar(start, end, days):
    assert year_fraction(A365, D(start), D(end)) == Decimal(days) / Decimal(365)
    assert year_fraction(A360, D(start), D(end)) == Decimal(days) / Decimal(360)


def test_a_february_of_a_leap_year_earns_one_more_day_of_interest():
    # 1,000,000 × 5 % × 29/365 = 3,972.60…; × 28/365 = 3,835.61…
    assert interest_cents(1_000_000, 500, A365, D("2024-02-01"), D("2024-03-01")) == 3_973
    assert interest_cents(1_000_000, 500, A365, D("2023-02-01"), D("2023-03-01")) == 3_836
    # 30/360 makes both Februaries a month of 30 days: 1,000,000 × 5 % × 30/360 = 4,166.67
    assert interest_cents(1_000_000, 500, US30, D("2024-02-01"), D("2024-03-01")) == 4_167
    assert interest_cents(1_000_000, 500, US30, D("2023-02-01"), D("2023-03-01")) == 4_167


def test_a_leap_year_under_actual_365_fixed_is_more_than_a_year():
    # 366/365 of a year's 50,000 = 50,136.99…
    assert interest_cents(1_000_000, 500, A365, D("2024-01-01"), D("2025-01-01")) == 50_137
    assert interest_cents(1_000_000, 500, A360, D("2023-01-01"), D("2024-01-01")) == 50_694  # 365/360


# ---- rounding to the cent, half-even ------------------------------------------------------------


@pytest.mark.parametrize(
    ("day_count", "start", "end", "principal", "exact", "cents"),
    [
        # actual_365_fixed, 73 days at 500 bps: exactly principal / 100
        (A365, "2024-01-01", "2024-03-14", 1_000_050, "10000.5", 10_000),  # even neighbour below
        (A365, "2024-01-01", "2024-03-14", 1_000_150, "10001.5", 10_002),  # even neighbour above
        # actual_360, 36 days at 500 bps: exactly principal / 200
        (A360, "2024-01-01", "2024-02-06", 2_500_100, "12500.5", 12_500),
        (A360, "2024-01-01", "2024-02-06", 2_500_300, "12501.5", 12_502),
        # thirty_360_us, 36 days (Jan 1 → Feb 7) at 500 bps: exactly principal / 200
        (US30, "2024-01-01", "2024-02-07", 100, "0.5", 0),
        (US30, "2024-01-01", "2024-02-07", 300, "1.5", 2),
    ],
)
def test_exact_half_cents_round_to_the_even_cent(day_count, start, end, principal, exact, cents):
    assert Decimal(principal) * 500 / 10_000 * year_fraction(day_count, D(start), D(end)) == Decimal(exact)
    assert interest_cents(principal, 500, day_count, D(start), D(end)) == cents


@pytest.mark.parametrize(
    ("day_count", "days", "principal", "exact", "cents"),
    [
        # Ties whose year fraction has no finite decimal form (37/365, 1/360): a 28-digit day fraction
        # would land a hair above or below the half and round by noise instead of half-even.
        (A365, 37, 18_250, "92.5", 92),  # 18,250 × 5 % × 37/365
        (A365, 39, 18_250, "97.5", 98),
        (A365, 1, 3_650, "0.5", 0),
        (A365, 1, 10_950, "1.5", 2),
        (A360, 1, 3_600, "0.5", 0),
        (A360, 7, 1_800 * 3, "5.25", 5),
    ],
)
def test_ties_are_decided_on_the_exact_value_not_on_a_rounded_day_fraction(day_count, days, principal, exact, cents):
    start = D("2023-01-02")
    end = date.fromordinal(start.toordinal() + days)
    per_year = 365 if day_count is A365 else 360
    assert Decimal(principal * 500 * days) / Decimal(10_000 * per_year) == Decimal(exact)
    assert interest_cents(principal, 500, day_count, start, end) == cents


def test_just_above_and_below_a_half_round_to_the_nearest_cent():
    # 1,000,049 / 100 = 10,000.49 → 10,000 ; 1,000,051 / 100 = 10,000.51 → 10,001
    assert interest_cents(1_000_049, 500, A365, D("2024-01-01"), D("2024-03-14")) == 10_000
    assert interest_cents(1_000_051, 500, A365, D("2024-01-01"), D("2024-03-14")) == 10_001


def test_interest_is_exact_for_amounts_where_floats_would_drift():
    # 10^13 cents at 100000 bps (1000 %) for 365 days is exactly 10^14 cents.
    assert interest_cents(10**13, 100_000, A365, D("2023-01-01"), D("2024-01-01")) == 10**14


# ---- no interest --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("principal", "rate", "start", "end"),
    [
        (1_000_000, 0, "2024-01-01", "2024-12-31"),
        (0, 500, "2024-01-01", "2024-12-31"),
        (1_000_000, 500, "2024-03-31", "2024-03-31"),
        (1_000_000, 500, "2024-03-31", "2024-03-01"),
    ],
)
def test_no_rate_no_principal_or_no_time_earns_nothing(principal, rate, start, end):
    for day_count in DayCount:
        assert interest_cents(principal, rate, day_count, D(start), D(end)) == 0
