"""Debt instruments and what each event does to them and to the books (SPEC §5). Pure.

Interest is rolled forward from ``interest_through_date`` before every event. Of the unpaid
interest, ``ledger_accrued_interest_cents`` is the part already posted to the ledger by an accrual
(INTEREST_RECEIVABLE / INTEREST_PAYABLE); the rest exists only on the instrument until an event
posts it.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum
from typing import Any

from ledgerline.domain.accounts import Account, Direction
from ledgerline.domain.interest import DayCount, interest_cents
from ledgerline.domain.journal import Line
from ledgerline.domain.schedule import PaymentFrequency
from ledgerline.errors import EventBeforeInterestDate, ExceedsOutstanding, InstrumentClosed, OverpaymentError


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


# ---- commands: what a caller asks of the loans use cases (request models build them with ``.command()``)


@dataclass(frozen=True)
class CreateInstrument:
    """A command: open an instrument at its balance on ``start_date``."""

    name: str
    lender: str
    """The counterparty: who lent to the business (``borrow``), or whom the business lent to (``lend``)."""
    direction: LoanDirection
    debt_type: DebtType
    original_principal_cents: int
    current_balance_cents: int | None
    """The principal outstanding today; None: the original principal."""
    interest_rate_bps: int
    day_count: DayCount
    start_date: date
    maturity_date: date
    payment_frequency: PaymentFrequency
    payment_amount_cents: int | None = None
    cash_ledger_id: str | None = None
    """The asset account the principal moved through; None for an existing loan (opening balance equity)."""
    memo: str | None = None
    external_id: str | None = None
    content: Mapping[str, Any] = field(default_factory=dict)
    """The request as sent (JSON values): what an ``external_id`` reservation fingerprints."""


@dataclass(frozen=True)
class RecordLoanPayment:
    """A command: a payment on a loan, given by its amount and cash account, or by a bank transaction."""

    payment_amount_cents: int | None = None
    """The whole payment (interest first, then principal); with ``transaction_id``, the transaction's if omitted."""
    cash_ledger_id: str | None = None
    """The bank or cash account the money moved through; with ``transaction_id``, the transaction's if omitted."""
    payment_date: date | None = None
    """Default: the transaction's date, or today."""
    memo: str | None = None
    transaction_id: str | None = None
    """An imported bank transaction whose entry is rebooked as this payment."""


@dataclass(frozen=True)
class DisburseLoan:
    """A command: draw ``amount_cents`` more through ``cash_ledger_id`` on ``disbursement_date`` (default today)."""

    amount_cents: int
    cash_ledger_id: str
    disbursement_date: date | None = None
    memo: str | None = None


@dataclass(frozen=True)
class AccrueInterest:
    """A command: post the interest computed but not yet in the ledger, through ``through_date``."""

    through_date: date
    memo: str | None = None


@dataclass(frozen=True)
class WriteOffLoan:
    """A command: write off all (no ``principal_cents``) or part of a loan, dated ``write_off_date`` (default today)."""

    write_off_date: date | None = None
    principal_cents: int | None = None
    memo: str | None = None


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
    """A debt instrument as stored: its terms, where it stands, and the accounts it posts to."""

    id: str
    business_id: str
    name: str
    lender: str
    """The counterparty: who lent to the business (``borrow``), or whom the business lent to (``lend``)."""
    direction: LoanDirection
    """``lend``: money the business lent (a receivable); ``borrow``: money it owes (a payable)."""
    debt_type: DebtType
    status: InstrumentStatus
    """``active`` until paid off (``paid_off``, active again after a disbursement) or ``written_off``."""
    original_principal_cents: int
    """The principal at creation (later disbursements add to the balance, not to this)."""
    current_balance_cents: int
    """Principal outstanding now: disbursements add to it; payments and write-offs take from it."""
    accrued_interest_cents: int
    """Interest earned through ``interest_through_date`` and not yet paid or written off."""
    ledger_accrued_interest_cents: int
    """The part of ``accrued_interest_cents`` already posted by an accrual (interest receivable/payable)."""
    interest_rate_bps: int
    """Annual simple rate in basis points (650 = 6.50 %)."""
    day_count: DayCount
    """How a day's interest is computed: ``actual_365_fixed``, ``actual_360`` or ``thirty_360_us``."""
    start_date: date
    """Interest runs from this date; no event may predate it."""
    maturity_date: date
    payment_frequency: PaymentFrequency
    """The schedule's period (monthly … annual), or ``bullet``: everything at maturity."""
    payment_amount_cents: int | None
    """A fixed instalment the caller set; None: the projected schedule computes a level payment."""
    interest_through_date: date
    """Interest is rolled forward to here; an event dated before it is refused (409)."""
    written_off_principal_cents: int
    """Principal written off so far (partial write-offs add up)."""
    principal_account_id: str
    """The ledger account of the principal (NOTES_RECEIVABLE or LONG_TERM_DEBT by default)."""
    interest_account_id: str
    """The ledger account of accrued interest (INTEREST_RECEIVABLE or INTEREST_PAYABLE)."""
    external_id: str | None
    """The caller's own id; creating again with it returns this instrument (SPEC §3)."""
    created_at: str
    updated_at: str
    """ISO 8601 timestamps, UTC."""
    version: int = 0
    """Raised by every change: the condition that makes concurrent changes to one instrument serial."""
    last_payment_date: date | None = None
    """The latest payment's date (the policy's ``days_without_payment`` counts from it)."""

    @property
    def unposted_interest_cents(self) -> int:
        """Interest accrued on the instrument but not yet posted to the ledger, in cents."""
        return self.accrued_interest_cents - self.ledger_accrued_interest_cents

    @property
    def last_activity(self) -> date:
        """The last payment, or the start when nothing was ever paid (the policy's ``days_without_payment``)."""
        return self.last_payment_date or self.start_date


@dataclass(frozen=True)
class LoanEvent:
    """One row of an instrument's activity, written with the event's posting and never changed."""

    type: str
    """``opening``, ``accrual``, ``payment``, ``disbursement`` or ``write_off``."""
    id: str
    date: date
    amount_cents: int
    principal_cents: int = 0
    interest_cents: int = 0
    journal_entry_id: str | None = None
    """The entry it posted; None if it posted nothing (e.g. a write-off of nothing in the ledger)."""
    memo: str | None = None


def open_lines(direction: LoanDirection, amount: int, accounts: LoanAccounts, counter: Account) -> list[Line]:
    """Opening entry / disbursement: the principal against cash or opening balance equity."""
    if direction is LoanDirection.LEND:  # Dr NOTES_RECEIVABLE, Cr cash (or equity)
        return [Line(accounts.principal, Direction.DEBIT, amount), Line(counter, Direction.CREDIT, amount)]
    return [Line(counter, Direction.DEBIT, amount), Line(accounts.principal, Direction.CREDIT, amount)]


def roll_forward(instrument: Instrument, to: date) -> Instrument:
    """Interest on the outstanding principal from ``interest_through_date`` to ``to`` (refused if earlier)."""
    if to < instrument.interest_through_date:
        raise EventBeforeInterestDate(to, instrument.interest_through_date)
    earned = interest_cents(
        instrument.current_balance_cents,
        instrument.interest_rate_bps,
        instrument.day_count,
        instrument.interest_through_date,
        to,
    )
    return replace(
        instrument, accrued_interest_cents=instrument.accrued_interest_cents + earned, interest_through_date=to
    )


def ensure_open(instrument: Instrument, *, allow_paid_off: bool = False) -> None:
    """Written off → ``InstrumentClosed``; paid off too, unless ``allow_paid_off``."""
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
    """Receivable / income when lending, expense / payable when borrowing; none for 0 cents."""
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
    """How a payment divides: interest (``interest_from_ledger_cents`` of it already posted), then principal."""

    interest_cents: int
    interest_from_ledger_cents: int
    principal_cents: int


def split_payment(instrument: Instrument, amount: int, field: str) -> PaymentSplit:
    """Interest first (the part already in the ledger before the rest), then principal.

    ``field`` names where the amount came from, for the error if its principal part is too large.
    """
    interest = min(amount, instrument.accrued_interest_cents)
    from_ledger = min(interest, instrument.ledger_accrued_interest_cents)
    principal = amount - interest
    if principal > instrument.current_balance_cents:
        raise OverpaymentError(field, principal, instrument.current_balance_cents)
    return PaymentSplit(interest, from_ledger, principal)


def payment_lines(direction: LoanDirection, split: PaymentSplit, cash: Account, accounts: LoanAccounts) -> list[Line]:
    """Dr cash / Cr interest and principal when lending, the reverse when borrowing; zero parts left out."""
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
    """The instrument after ``split`` is paid on ``on``; nothing left owing → PAID_OFF."""
    balance = instrument.current_balance_cents - split.principal_cents
    accrued = instrument.accrued_interest_cents - split.interest_cents
    status = InstrumentStatus.PAID_OFF if balance == 0 and accrued == 0 else instrument.status
    return replace(
        instrument,
        current_balance_cents=balance,
        accrued_interest_cents=accrued,
        ledger_accrued_interest_cents=instrument.ledger_accrued_interest_cents - split.interest_from_ledger_cents,
        status=status,
        last_payment_date=on,
    )


@dataclass(frozen=True)
class WriteOff:
    """A planned loan write-off: the principal, the interest it clears (and how much was posted), full or not."""

    principal_cents: int
    interest_cleared_cents: int
    interest_from_ledger_cents: int
    full: bool


def plan_write_off(instrument: Instrument, principal: int | None, field: str) -> WriteOff:
    """Omitted or equal to the outstanding principal = full: also clears all unpaid interest.

    ``field`` names where ``principal`` came from, for the error if it exceeds the outstanding principal.
    """
    outstanding = instrument.current_balance_cents
    if principal is not None and principal > outstanding:
        raise ExceedsOutstanding(field, principal, outstanding)
    amount = outstanding if principal is None else principal
    if amount == outstanding:
        return WriteOff(amount, instrument.accrued_interest_cents, instrument.ledger_accrued_interest_cents, True)
    return WriteOff(amount, 0, 0, False)


def write_off_lines(direction: LoanDirection, plan: WriteOff, accounts: LoanAccounts) -> list[Line]:
    """The principal and the posted interest against the write-off account; zero parts left out."""
    if direction is LoanDirection.LEND:  # Dr BAD_DEBT; Cr NOTES_RECEIVABLE (P), INTEREST_RECEIVABLE (A)
        return _pair(accounts.write_off, accounts.principal, plan.principal_cents) + _pair(
            accounts.write_off, accounts.accrued_interest, plan.interest_from_ledger_cents
        )
    # Dr LONG_TERM_DEBT (P), INTEREST_PAYABLE (A); Cr DEBT_FORGIVENESS_INCOME
    return _pair(accounts.principal, accounts.write_off, plan.principal_cents) + _pair(
        accounts.accrued_interest, accounts.write_off, plan.interest_from_ledger_cents
    )


def apply_write_off(instrument: Instrument, plan: WriteOff) -> Instrument:
    """The instrument after ``plan``; a full write-off also clears its interest and marks it WRITTEN_OFF."""
    written = replace(
        instrument,
        current_balance_cents=instrument.current_balance_cents - plan.principal_cents,
        written_off_principal_cents=instrument.written_off_principal_cents + plan.principal_cents,
    )
    if plan.full:
        written = replace(
            written, accrued_interest_cents=0, ledger_accrued_interest_cents=0, status=InstrumentStatus.WRITTEN_OFF
        )
    return written
