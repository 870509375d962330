"""Simple interest between events, under the three day counts of SPEC §5, rounded half-even."""

import calendar
from datetime import date
from decimal import Decimal
from enum import StrEnum

from ledgerline.domain.money import round_half_even


class DayCount(StrEnum):
    ACTUAL_365_FIXED = "actual_365_fixed"
    ACTUAL_360 = "actual_360"
    THIRTY_360_US = "thirty_360_us"


def _last_of_february(day: date) -> bool:
    return day.month == 2 and day.day == calendar.monthrange(day.year, 2)[1]


def thirty_360_us_days(start: date, end: date) -> int:
    """30/360 US day count, the rules applied in SPEC §5's order (QuantLib's Thirty360.USA)."""
    d1, d2 = start.day, end.day
    if _last_of_february(start) and _last_of_february(end):
        d2 = 30
    if _last_of_february(start):
        d1 = 30
    if d2 == 31 and d1 >= 30:
        d2 = 30
    if d1 == 31:
        d1 = 30
    return 360 * (end.year - start.year) + 30 * (end.month - start.month) + (d2 - d1)


def day_count_fraction(day_count: DayCount, start: date, end: date) -> tuple[int, int]:
    """The year fraction as (days, days per year), kept as integers so no digit is lost to rounding."""
    if day_count is DayCount.ACTUAL_365_FIXED:
        return (end - start).days, 365
    if day_count is DayCount.ACTUAL_360:
        return (end - start).days, 360
    return thirty_360_us_days(start, end), 360


def year_fraction(day_count: DayCount, start: date, end: date) -> Decimal:
    """The day count's fraction of a year from ``start`` to ``end``, exact in Decimal."""
    days, per_year = day_count_fraction(day_count, start, end)
    return Decimal(days) / Decimal(per_year)


def interest_cents(principal_cents: int, rate_bps: int, day_count: DayCount, start: date, end: date) -> int:
    """``principal × rate_bps/10000 × dcf(start, end)``, exact in Decimal, rounded to the cent half-even."""
    if end <= start or principal_cents == 0 or rate_bps == 0:
        return 0
    # One division of exact integers: days/365 as a 28-digit Decimal would turn an exact half cent
    # into …0.4999… or …0.5000…1 and decide the tie by noise instead of half-even.
    days, per_year = day_count_fraction(day_count, start, end)
    exact = Decimal(principal_cents * rate_bps * days) / Decimal(10_000 * per_year)
    return round_half_even(exact)
