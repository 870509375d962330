"""Debt instruments and what each event does to them and to the books (SPEC §5). Pure.

Interest is rolled forward from ``interest_through_date`` before every event. Of the unpaid
interest, ``ledger_accrued_interest_cents`` is the part already posted to the ledger by an accrual
(INTEREST_RECEIVABLE / INTEREST_PAYABLE); the rest exists only on the instrument until an event
posts it.
"""

from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from ledgerline.domain.accounts import Account, Direction
from ledgerline.domain.interest import DayCount, interest_cents
from ledgerline.domain.journal import Line
from ledgerline.domain.schedule import PaymentFrequency
from ledgerline.errors import Conflict, InvalidRequest


class LoanDirection(StrEnum):
    BORROW = "borrow"  # debt we owe
    LEND = "lend"  # a note receivable


class DebtType(StrEnum):
    TERM_LOAN = "term_loan"
    LINE_OF_CREDIT = "line_of_credit"
    MORTGAGE = "mortgage"
    EQUIPMENT_LOAN = "equipment_loan"
    SBA_LOAN = "sba_loan"
    CONVERTIBLE_NOTE = "convertible_note"
    OTHER = "other"


class InstrumentStatus(StrEnum):
    ACTIVE = "active"
    PAID_OFF = "paid_off"
    WRITTEN_OFF = "written_off"


class InstrumentClosed(Conflict):
    code = "INSTRUMENT_CLOSED"
    error_enum = "InvalidLedgerOperation"


class EventBeforeInterestDate(Conflict):
    code = "EVENT_BEFORE_INTEREST_THROUGH_DATE"
    error_enum = "InvalidEffectiveDate"

    def __init__(self, event_date: date, through: date) -> None:
        super().__init__(f"The event date {event_date} is before the instrument's interest_through_date {through}; "
                         "events must not be dated before it.")


class OverpaymentError(InvalidRequest):
    code = "OVERPAYMENT"

    def __init__(self, principal: int, outstanding: int) -> None:
        super().__init__("payment_amount_cents",
                         f"the principal part ({principal} cents) exceeds the outstanding balance ({outstanding} cents)")


@dataclass(frozen=True)
class LoanAccounts:
    """The ledger accounts an instrument posts to, resolved from the chart by direction."""

    principal: Account  # NOTES_RECEIVABLE (lend) / LONG_TERM_DEBT (borrow)
    accrued_interest: Account  # INTEREST_RECEIVABLE / INTEREST_PAYABLE
    interest: Account  # INTEREST_INCOME / INTEREST_EXPENSE
    write_off: Account  # BAD_DEBT / DEBT_FORGIVENESS_INCOME
    opening_equity: Account  # OPENING_BALANCE_EQUITY


STABLE_NAMES = {
    LoanDirection.LEND: ("NOTES_RECEIVABLE", "INTEREST_RECEIVABLE", "INTEREST_INCOME", "BAD_DEBT"),
    LoanDirection.BORROW: ("LONG_TERM_DEBT", "INTEREST_PAYABLE", "INTEREST_EXPENSE", "DEBT_FORGIVENESS_INCOME"),
}


@dataclass(frozen=True)
class Instrument:
    id: str
    business_id: str
    name: str
    lender: str
    direction: LoanDirection
    debt_type: DebtType
    status: InstrumentStatus
    original_principal_cents: int
    current_balance_cents: int
    accrued_interest_cents: int
    ledger_accrued_interest_cents: int
    interest_rate_bps: int
    day_count: DayCount
    start_date: date
    maturity_date: date
    payment_frequency: PaymentFrequency
    payment_amount_cents: int | None
    interest_through_date: date
    written_off_principal_cents: int
    principal_account_id: str
    interest_account_id: str
    external_id: str | None
    created_at: str
    updated_at: str
    version: int = 0
    last_payment_date: date | None = None

    @property
    def unposted_interest_cents(self) -> int:
        return self.accrued_interest_cents - self.ledger_accrued_interest_cents


def open_lines(direction: LoanDirection, amount: int, accounts: LoanAccounts, counter: Account) -> list[Line]:
    """Opening entry / disbursement: the principal against cash or opening balance equity."""
    if direction is LoanDirection.LEND:  # Dr NOTES_RECEIVABLE, Cr cash (or equity)
        return [Line(accounts.principal, Direction.DEBIT, amount), Line(counter, Direction.CREDIT, amount)]
    return [Line(counter, Direction.DEBIT, amount), Line(accounts.principal, Direction.CREDIT, amount)]


def roll_forward(instrument: Instrument, to: date) -> Instrument:
    """Interest on the outstanding principal from ``interest_through_date`` to ``to`` (409 if earlier)."""
    if to < instrument.interest_through_date:
        raise EventBeforeInterestDate(to, instrument.interest_through_date)
    earned = interest_cents(instrument.current_balance_cents, instrument.interest_rate_bps, instrument.day_count,
                            instrument.interest_through_date, to)
    return replace(instrument, accrued_interest_cents=instrument.accrued_interest_cents + earned,
                   interest_through_date=to)


def ensure_open(instrument: Instrument, *, allow_paid_off: bool = False) -> None:
    if instrument.status is InstrumentStatus.WRITTEN_OFF:
        raise InstrumentClosed(f"Instrument {instrument.id} is written off.")
    if instrument.status is InstrumentStatus.PAID_OFF and not allow_paid_off:
        raise InstrumentClosed(f"Instrument {instrument.id} is paid off.")


def _pair(debit: Account, credit: Account, amount: int) -> list[Line]:
    """A debit and a credit of ``amount``; nothing when the amount is zero (SPEC §5)."""
    if amount == 0:
        return []
    return [Line(debit, Direction.DEBIT, amount), Line(credit, Direction.CREDIT, amount)]


def accrual_lines(direction: LoanDirection, amount: int, accounts: LoanAccounts) -> list[Line]:
    if direction is LoanDirection.LEND:  # Dr INTEREST_RECEIVABLE, Cr INTEREST_INCOME
        return _pair(accounts.accrued_interest, accounts.interest, amount)
    return _pair(accounts.interest, accounts.accrued_interest, amount)  # Dr INTEREST_EXPENSE, Cr INTEREST_PAYABLE


def accrue(instrument: Instrument, through: date) -> tuple[Instrument, int]:
    """Post what was computed but not yet in the ledger: (instrument after, cents posted)."""
    rolled = roll_forward(instrument, through)
    posted = rolled.unposted_interest_cents
    return replace(rolled, ledger_accrued_interest_cents=rolled.accrued_interest_cents), posted


@dataclass(frozen=True)
class PaymentSplit:
    interest_cents: int
    interest_from_ledger_cents: int
    principal_cents: int


def split_payment(instrument: Instrument, amount: int) -> PaymentSplit:
    """Interest first (the part already in the ledger before the rest), then principal."""
    interest = min(amount, instrument.accrued_interest_cents)
    from_ledger = min(interest, instrument.ledger_accrued_interest_cents)
    principal = amount - interest
    if principal > instrument.current_balance_cents:
        raise OverpaymentError(principal, instrument.current_balance_cents)
    return PaymentSplit(interest, from_ledger, principal)


def payment_lines(direction: LoanDirection, split: PaymentSplit, cash: Account, accounts: LoanAccounts) -> list[Line]:
    total = split.interest_cents + split.principal_cents
    rest_of_interest = split.interest_cents - split.interest_from_ledger_cents
    parts = [
        (accounts.accrued_interest, split.interest_from_ledger_cents),
        (accounts.interest, rest_of_interest),
        (accounts.principal, split.principal_cents),
    ]
    if direction is LoanDirection.LEND:  # Dr cash; Cr receivable interest, income, notes receivable
        lines = [Line(cash, Direction.DEBIT, total)]
        lines += [Line(account, Direction.CREDIT, amount) for account, amount in parts if amount]
    else:  # Dr payable interest, expense, long-term debt; Cr cash
        lines = [Line(account, Direction.DEBIT, amount) for account, amount in parts if amount]
        lines.append(Line(cash, Direction.CREDIT, total))
    return lines


def apply_payment(instrument: Instrument, split: PaymentSplit, on: date) -> Instrument:
    balance = instrument.current_balance_cents - split.principal_cents
    accrued = instrument.accrued_interest_cents - split.interest_cents
    status = InstrumentStatus.PAID_OFF if balance == 0 and accrued == 0 else instrument.status
    return replace(
        instrument, current_balance_cents=balance, accrued_interest_cents=accrued,
        ledger_accrued_interest_cents=instrument.ledger_accrued_interest_cents - split.interest_from_ledger_cents,
        status=status, last_payment_date=on,
    )


@dataclass(frozen=True)
class WriteOff:
    principal_cents: int
    interest_cleared_cents: int
    interest_from_ledger_cents: int
    full: bool


def plan_write_off(instrument: Instrument, principal: int | None) -> WriteOff:
    """Omitted or equal to the outstanding principal = full: also clears all unpaid interest."""
    outstanding = instrument.current_balance_cents
    if principal is not None and principal > outstanding:
        raise InvalidRequest("principal_cents",
                             f"{principal} cents exceeds the outstanding balance of {outstanding} cents")
    amount = outstanding if principal is None else principal
    if amount == outstanding:
        return WriteOff(amount, instrument.accrued_interest_cents, instrument.ledger_accrued_interest_cents, True)
    return WriteOff(amount, 0, 0, False)


def write_off_lines(direction: LoanDirection, plan: WriteOff, accounts: LoanAccounts) -> list[Line]:
    if direction is LoanDirection.LEND:  # Dr BAD_DEBT; Cr NOTES_RECEIVABLE (P), INTEREST_RECEIVABLE (A)
        return (_pair(accounts.write_off, accounts.principal, plan.principal_cents)
                + _pair(accounts.write_off, accounts.accrued_interest, plan.interest_from_ledger_cents))
    # Dr LONG_TERM_DEBT (P), INTEREST_PAYABLE (A); Cr DEBT_FORGIVENESS_INCOME
    return (_pair(accounts.principal, accounts.write_off, plan.principal_cents)
            + _pair(accounts.accrued_interest, accounts.write_off, plan.interest_from_ledger_cents))


def apply_write_off(instrument: Instrument, plan: WriteOff) -> Instrument:
    written = replace(
        instrument,
        current_balance_cents=instrument.current_balance_cents - plan.principal_cents,
        written_off_principal_cents=instrument.written_off_principal_cents + plan.principal_cents,
    )
    if plan.full:
        written = replace(written, accrued_interest_cents=0, ledger_accrued_interest_cents=0,
                          status=InstrumentStatus.WRITTEN_OFF)
    return written
