"""Reading loans: the debt schedule with totals, one instrument with its activity, projections."""

from dataclasses import dataclass
from datetime import date

from ledgerline import cursors
from ledgerline.domain import loans, schedule
from ledgerline.domain.loans import Instrument, InstrumentStatus, LoanDirection, LoanEvent
from ledgerline.errors import InvalidCursor
from ledgerline.services import loan_support as support
from ledgerline.services.ledger import load_books, require_business
from ledgerline.services.posting import Scope
from ledgerline.store import instruments as instrument_store


@dataclass(frozen=True)
class DebtSchedule:
    """A page of instruments, totals per direction over the whole filter, and the next page's cursor."""

    instruments: list[Instrument]
    totals: dict[str, dict[str, int]]
    cursor: str | None


def debt_schedule(
    scope: Scope, *, status: InstrumentStatus | None, direction: LoanDirection | None, limit: int, cursor: str | None
) -> DebtSchedule:
    """Filtered, paginated instruments; totals per direction over every instrument of the filter."""
    listing = f"debt-schedule|{scope.business_id}|{status}|{direction}"
    position = cursors.decode(listing, cursor)
    after = (position or {}).get("after")
    if position is not None and (set(position) != {"after"} or not isinstance(after, str) or len(after) > 64):
        raise InvalidCursor()
    require_business(scope.business_id)
    everything = sorted(instrument_store.all_instruments(scope.business_id), key=lambda i: i.id)
    selected = [
        i
        for i in everything
        if (status is None or i.status is status) and (direction is None or i.direction is direction)
    ]
    remaining = [i for i in selected if after is None or i.id > after]
    page = remaining[:limit]
    more = len(remaining) > limit
    totals = {
        d.value: {
            "instruments": sum(1 for i in selected if i.direction is d),
            "outstanding_principal_cents": sum(i.current_balance_cents for i in selected if i.direction is d),
            "accrued_interest_cents": sum(i.accrued_interest_cents for i in selected if i.direction is d),
        }
        for d in LoanDirection
    }
    return DebtSchedule(page, totals, cursors.encode(listing, {"after": page[-1].id}) if more else None)


@dataclass(frozen=True)
class InstrumentDetail:
    """An instrument and its activity, oldest first."""

    instrument: Instrument
    activity: list[LoanEvent]


def get_instrument(scope: Scope, instrument_id: str) -> InstrumentDetail:
    """The instrument with its activity, ordered by date; unknown → 404."""
    instrument = support.instrument(scope.business_id, instrument_id)
    activity = sorted(instrument_store.events(scope.business_id, instrument_id), key=lambda e: (e.date, e.id))
    return InstrumentDetail(instrument, activity)


@dataclass(frozen=True)
class ProjectedSchedule:
    """The payments projected as of ``as_of``; ``payment_cents``: the level payment (None: a bullet, a loan
    past its maturity, or nothing due)."""

    instrument_id: str
    as_of: date
    payment_cents: int | None
    rows: list[schedule.ScheduledPayment]


def payment_schedule(scope: Scope, instrument_id: str) -> ProjectedSchedule:
    """From today's state (SPEC §5 item 4). Interest of the running period belongs to its due date: the
    first row carries the unpaid interest up to the due date that opened the period plus a full period,
    or, when interest is computed past that date, the unpaid interest plus the stub to the next due date
    (``schedule.first_period``). A bullet loan pays principal and all interest to maturity under its day
    count; an active loan at or past its maturity owes everything now, in one row due ``as_of``."""
    books = load_books(scope.business_id)
    instrument = support.instrument(scope.business_id, instrument_id)
    as_of = max(support.today(books), instrument.interest_through_date)
    if instrument.status is not InstrumentStatus.ACTIVE:
        return ProjectedSchedule(instrument.id, as_of, None, [])
    frequency = instrument.payment_frequency
    dates = schedule.due_dates(instrument.start_date, instrument.maturity_date, frequency, as_of)
    if not dates or frequency is schedule.PaymentFrequency.BULLET:  # all at once: at maturity, or now if past it
        due = dates[-1] if dates else as_of
        settled = loans.roll_forward(instrument, due)
        rows = schedule.pay_off(due, settled.current_balance_cents, settled.accrued_interest_cents)
        return ProjectedSchedule(instrument.id, as_of, None, rows)
    since, stub = schedule.first_period(
        instrument.start_date,
        instrument.maturity_date,
        frequency,
        as_of,
        instrument.interest_through_date,
        instrument.day_count,
    )
    carried = loans.roll_forward(instrument, since)
    per_year = 12 // schedule.MONTHS_PER_PERIOD[frequency]
    level = instrument.payment_amount_cents or schedule.level_payment(
        carried.current_balance_cents, instrument.interest_rate_bps, per_year, len(dates)
    )
    rows = schedule.project(
        carried.current_balance_cents,
        instrument.interest_rate_bps,
        frequency,
        dates,
        level,
        carried.accrued_interest_cents,
        stub,
    )
    return ProjectedSchedule(instrument.id, as_of, level, rows)
