"""Projected payment schedules: a level payment from ``pmt`` or a bullet at maturity (SPEC §5)."""

import calendar
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, localcontext
from enum import StrEnum

from ledgerline.domain.interest import DayCount, interest_cents
from ledgerline.domain.money import round_half_even


class PaymentFrequency(StrEnum):
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    SEMI_ANNUAL = "semi_annual"
    ANNUAL = "annual"
    BULLET = "bullet"


MONTHS_PER_PERIOD = {
    PaymentFrequency.MONTHLY: 1,
    PaymentFrequency.QUARTERLY: 3,
    PaymentFrequency.SEMI_ANNUAL: 6,
    PaymentFrequency.ANNUAL: 12,
}


@dataclass(frozen=True)
class ScheduledPayment:
    """One projected payment, its principal and interest parts, and the balance after it (cents)."""

    due_date: date
    payment_cents: int
    principal_cents: int
    interest_cents: int
    balance_after_cents: int


@dataclass(frozen=True)
class Stub:
    """A first period partly paid already: only ``since`` → its due date is charged, under ``day_count``."""

    since: date
    day_count: DayCount


def add_months(day: date, months: int) -> date:
    """Same day of month ``months`` later, clamped to the month's end (Jan 31 + 1 → Feb 28/29).

    Past the calendar's last year it is ``date.max``: later than any maturity, so a schedule simply ends."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    if year > date.max.year:
        return date.max
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def due_dates(start: date, maturity: date, frequency: PaymentFrequency, after: date) -> list[date]:
    """Due dates strictly after ``after`` up to maturity; the last one is always the maturity date."""
    if frequency is PaymentFrequency.BULLET:
        return [maturity] if maturity > after else []
    step = MONTHS_PER_PERIOD[frequency]
    dates, n = [], 1
    while (due := add_months(start, step * n)) < maturity:
        if due > after:
            dates.append(due)
        n += 1
    if maturity > after:
        dates.append(maturity)
    return dates


def period_start(start: date, maturity: date, frequency: PaymentFrequency, on: date) -> date:
    """The date that opened the period running on ``on``: the last due date on or before it, else the start."""
    if maturity <= on:
        return maturity
    if frequency is PaymentFrequency.BULLET:
        return start
    step, opened, n = MONTHS_PER_PERIOD[frequency], start, 1
    while (due := add_months(start, step * n)) <= on:
        opened, n = due, n + 1
    return opened


def first_period(
    start: date, maturity: date, frequency: PaymentFrequency, on: date, interest_through: date, day_count: DayCount
) -> tuple[date, Stub | None]:
    """Where the projection's interest starts, and whether its first period is a stub (SPEC §5 item 4).

    Unpaid interest is carried up to the returned date. Normally that is the due date that opened the
    running period, which the first row then charges in full; when interest is already computed past it
    (a payment, accrual or draw inside the period), it is ``interest_through``, and the first row charges
    only the stub from there, so no day already paid is charged twice."""
    opened = period_start(start, maturity, frequency, on)
    if interest_through > opened:
        return interest_through, Stub(interest_through, day_count)
    return opened, None


def pay_off(on: date, balance_cents: int, unpaid_interest_cents: int) -> list[ScheduledPayment]:
    """One row paying everything owed on ``on`` (a bullet at maturity, or a loan already past it)."""
    if balance_cents <= 0 and unpaid_interest_cents <= 0:
        return []
    return [ScheduledPayment(on, balance_cents + unpaid_interest_cents, balance_cents, unpaid_interest_cents, 0)]


def level_payment(balance_cents: int, rate_bps: int, periods_per_year: int, periods: int) -> int:
    """``pmt(rate/periods_per_year, periods, balance)`` rounded to the cent."""
    if periods <= 0:
        return balance_cents
    with localcontext() as ctx:
        ctx.prec = 50
        rate = Decimal(rate_bps) / Decimal(10_000) / Decimal(periods_per_year)
        if rate == 0:
            return round_half_even(Decimal(balance_cents) / periods)
        factor = (1 + rate) ** -periods
        return round_half_even(Decimal(balance_cents) * rate / (1 - factor))


def project(
    balance_cents: int,
    rate_bps: int,
    frequency: PaymentFrequency,
    dates: list[date],
    payment_cents: int | None = None,
    accrued_interest_cents: int = 0,
    stub: Stub | None = None,
) -> list[ScheduledPayment]:
    """Rows from today's state; interest per period is balance × rate / periods_per_year (half-even).

    Interest already accrued and unpaid is due with the first payment. With a ``stub``, the first
    period's own interest is the stub's days under its day count instead of a full period. The final
    payment absorbs whatever rounding left over, so the balance ends at exactly zero.
    """
    if not dates or balance_cents <= 0 and accrued_interest_cents <= 0:
        return []
    if frequency is PaymentFrequency.BULLET:
        periods_per_year = None
    else:
        periods_per_year = 12 // MONTHS_PER_PERIOD[frequency]
    rows: list[ScheduledPayment] = []
    balance = balance_cents
    carried_interest = accrued_interest_cents
    if periods_per_year is None:
        return pay_off(dates[-1], balance, carried_interest)
    payment = payment_cents or level_payment(balance, rate_bps, periods_per_year, len(dates))
    for index, due in enumerate(dates):
        if index == 0 and stub is not None:
            interest = interest_cents(balance, rate_bps, stub.day_count, stub.since, due)
        else:
            interest = round_half_even(Decimal(balance) * Decimal(rate_bps) / Decimal(10_000) / periods_per_year)
        interest += carried_interest
        carried_interest = 0
        last = index == len(dates) - 1
        principal = balance if last else min(balance, max(payment - interest, 0))
        amount = principal + interest
        balance -= principal
        rows.append(ScheduledPayment(due, amount, principal, interest, balance))
        if balance == 0:
            break
    return rows
