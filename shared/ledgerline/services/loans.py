"""Loan use cases (SPEC §5): create, pay, disburse, accrue, write off — each one transaction (accruing every
instrument of a business is a run: ``services/accrual_runs.py``)."""

from dataclasses import dataclass, replace
from datetime import date

from ledgerline import clock
from ledgerline.domain import loans
from ledgerline.domain.accounts import Account
from ledgerline.domain.ids import new_id
from ledgerline.domain.journal import JournalEntry, Source
from ledgerline.domain.loans import Instrument, InstrumentStatus
from ledgerline.domain.money import MAX_CENTS
from ledgerline.errors import InvalidRequest, LedgerError, RequestInvalid
from ledgerline.services import loan_support as support
from ledgerline.services.ledger import Books
from ledgerline.services.posting import Posting, Refusal, Scope, post, post_once
from ledgerline.store import instruments as instrument_store

# ---- create ---------------------------------------------------------------------------------


def create_instrument(scope: Scope, command: loans.CreateInstrument) -> tuple[Instrument, bool]:
    """Open an instrument at its balance (against cash or opening equity) on ``start_date``: (instrument, created)."""
    if command.maturity_date <= command.start_date:
        raise InvalidRequest("maturity_date", "must be after start_date")
    balance = command.current_balance_cents or command.original_principal_cents
    if balance > command.original_principal_cents:
        raise InvalidRequest("current_balance_cents", "cannot exceed original_principal_cents")

    def decide(instrument_id: str) -> Posting[Instrument]:
        books = support.books(scope.business_id, command.cash_ledger_id)
        accounts = support.loan_accounts(books.chart, command.direction)
        counter = (
            support.cash_account(books.chart, command.cash_ledger_id, "cash_ledger_id")
            if command.cash_ledger_id
            else accounts.opening_equity
        )
        now = clock.now().isoformat()
        instrument = Instrument(
            id=instrument_id,
            business_id=scope.business_id,
            name=command.name,
            lender=command.lender,
            direction=command.direction,
            debt_type=command.debt_type,
            status=InstrumentStatus.ACTIVE,
            original_principal_cents=command.original_principal_cents,
            current_balance_cents=balance,
            accrued_interest_cents=0,
            ledger_accrued_interest_cents=0,
            interest_rate_bps=command.interest_rate_bps,
            day_count=command.day_count,
            start_date=command.start_date,
            maturity_date=command.maturity_date,
            payment_frequency=command.payment_frequency,
            payment_amount_cents=command.payment_amount_cents,
            interest_through_date=command.start_date,
            written_off_principal_cents=0,
            principal_account_id=accounts.principal.id,
            interest_account_id=accounts.interest.id,
            external_id=command.external_id,
            created_at=now,
            updated_at=now,
        )
        opening = support.entry(
            books,
            source=Source("LOAN_OPENING", instrument_id),
            day=command.start_date,
            lines=loans.open_lines(command.direction, balance, accounts, counter),
            memo=command.memo or f"Opening balance of {command.name}",
        )
        event = support.Event(
            "opening",
            new_id(),
            command.start_date,
            balance,
            principal_cents=balance,
            journal_entry_id=opening.id,
            memo=command.memo,
        )
        # An interest-bearing instrument puts its business on the monthly accrual schedule's list.
        from ledgerline.store import accrual_runs  # here, not at the top: off the other loan functions' cold start

        listed = (accrual_runs.register_accruing(scope.business_id),) if command.interest_rate_bps else ()
        return Posting(
            result=instrument,
            entries=(opening,),
            actions=(
                instrument_store.save(instrument, expected_version=None),
                support.save_event(scope.business_id, instrument_id, event),
                *listed,
            ),
        )

    return post_once(
        scope,
        kind="debt_instrument",
        external_id=command.external_id,
        content=command.content,
        decide=decide,
        existing=lambda instrument_id: support.instrument(scope.business_id, instrument_id),
        new_id=new_id,
    )


# ---- payments (seed 002) --------------------------------------------------------------------


@dataclass(frozen=True)
class PaymentResult:
    """A posted loan payment: its entry, how it split, and the instrument after it."""

    payment_id: str
    entry: JournalEntry
    split: loans.PaymentSplit
    instrument: Instrument
    payment_date: date
    amount_cents: int
    transaction_id: str | None


def _required(value: object, field: str) -> None:
    if value is None:
        raise RequestInvalid(field, "Field required unless transaction_id is given", "missing")


def record_payment(scope: Scope, instrument_id: str, command: loans.RecordLoanPayment) -> PaymentResult:
    """Interest first (all accrued through the payment date), then principal; rebooks a bank transaction."""
    if command.transaction_id is None:
        _required(command.payment_amount_cents, "payment_amount_cents")
        _required(command.cash_ledger_id, "cash_ledger_id")

    from ledgerline.services import bank_transactions  # here, not at the top: off the other loan functions' cold start

    def decide() -> Posting[PaymentResult]:
        books = support.books(scope.business_id, command.cash_ledger_id)
        if command.transaction_id is not None:
            before, match = bank_transactions.instrument_and_transaction(
                scope.business_id, instrument_id, command.transaction_id
            )
            terms = match.payment_terms(command, before.direction)
            books.chart.want(ids=(match.txn.cash_ledger_id, match.txn.category_ledger_id))  # read with the rest
        else:
            before, match = support.instrument(scope.business_id, instrument_id), None
            terms = bank_transactions.PaymentTerms(
                command.payment_amount_cents,
                command.cash_ledger_id,  # type: ignore[arg-type]
                command.payment_date,
            )
        loans.ensure_open(before)
        day = support.not_after_today(books, terms.payment_date or support.today(books), "payment_date")
        cash = support.cash_account(books.chart, terms.cash_ledger_id, "cash_ledger_id")
        rolled = loans.roll_forward(before, day)
        split = loans.split_payment(rolled, terms.amount_cents, "payment_amount_cents")
        after = loans.apply_payment(rolled, split, day)
        payment_id = new_id()
        accounts = support.loan_accounts(books.chart, before.direction)
        entry = support.entry(
            books,
            source=Source("LOAN_PAYMENT", payment_id),
            day=day,
            lines=loans.payment_lines(before.direction, split, cash, accounts),
            memo=command.memo or f"Payment on {before.name}",
        )
        event = support.Event(
            "payment",
            payment_id,
            day,
            terms.amount_cents,
            split.principal_cents,
            split.interest_cents,
            entry.id,
            command.memo,
        )
        result = PaymentResult(payment_id, entry, split, after, day, terms.amount_cents, command.transaction_id)
        entries: tuple[JournalEntry, ...] = (entry,)
        actions = support.save_with_event(before, after, event)
        if match is not None:
            reversal, link = match.rebook(books, instrument_id=instrument_id, payment_id=payment_id, entry_id=entry.id)
            entries, actions = (reversal, entry), (*actions, *link)
        return Posting(result=result, entries=entries, actions=actions)

    return post(scope, decide)


# ---- disbursements, accruals ----------------------------------------------------------------


@dataclass(frozen=True)
class DisbursementResult:
    """A posted disbursement: its entry and the instrument after it."""

    disbursement_id: str
    entry: JournalEntry
    instrument: Instrument
    amount_cents: int
    disbursement_date: date


def disburse(scope: Scope, instrument_id: str, command: loans.DisburseLoan) -> DisbursementResult:
    """A further draw: more principal; a paid-off instrument becomes active again."""

    def decide() -> Posting[DisbursementResult]:
        books = support.books(scope.business_id, command.cash_ledger_id)
        before = support.instrument(scope.business_id, instrument_id)
        loans.ensure_open(before, allow_paid_off=True)
        day = support.not_after_today(books, command.disbursement_date or support.today(books), "disbursement_date")
        cash = support.cash_account(books.chart, command.cash_ledger_id, "cash_ledger_id")
        rolled = loans.roll_forward(before, day)
        if rolled.current_balance_cents + command.amount_cents > MAX_CENTS:  # SPEC §9.1: instrument amounts
            raise InvalidRequest("amount_cents", f"the outstanding principal would exceed {MAX_CENTS} cents")
        after = replace(
            rolled,
            current_balance_cents=rolled.current_balance_cents + command.amount_cents,
            status=InstrumentStatus.ACTIVE,
        )
        disbursement_id = new_id()
        accounts = support.loan_accounts(books.chart, before.direction)
        entry = support.entry(
            books,
            source=Source("LOAN_DISBURSEMENT", disbursement_id),
            day=day,
            lines=loans.open_lines(before.direction, command.amount_cents, accounts, cash),
            memo=command.memo or f"Disbursement on {before.name}",
        )
        event = support.Event(
            "disbursement",
            disbursement_id,
            day,
            command.amount_cents,
            principal_cents=command.amount_cents,
            journal_entry_id=entry.id,
            memo=command.memo,
        )
        return Posting(
            result=DisbursementResult(disbursement_id, entry, after, command.amount_cents, day),
            entries=(entry,),
            actions=support.save_with_event(before, after, event),
        )

    return post(scope, decide)


@dataclass(frozen=True)
class AccrualResult:
    """The instrument after an accrual; ``entry`` is None when nothing was posted (``posted_cents`` 0)."""

    instrument: Instrument
    entry: JournalEntry | None
    posted_cents: int
    through_date: date


def plan_accrual(
    books: Books, before: Instrument, through: date, memo: str | None
) -> tuple[AccrualResult, tuple, tuple]:
    """One instrument's accrual through ``through``: (result, its entry if any, the instrument's writes)."""
    after, posted = loans.accrue(before, through)
    accounts = support.loan_accounts(books.chart, before.direction)
    lines = loans.accrual_lines(before.direction, posted, accounts)
    entry = (
        support.entry(
            books,
            source=Source("LOAN_INTEREST_ACCRUAL", before.id),
            day=through,
            lines=lines,
            memo=memo or f"Interest accrued on {before.name} through {through}",
        )
        if lines
        else None
    )
    event = support.Event(
        "accrual",
        new_id(),
        through,
        posted,
        interest_cents=posted,
        journal_entry_id=entry.id if entry else None,
        memo=memo,
    )
    result = AccrualResult(after, entry, posted, through)
    return result, ((entry,) if entry else ()), support.save_with_event(before, after, event)


def accrue_interest(scope: Scope, instrument_id: str, command: loans.AccrueInterest) -> AccrualResult:
    """Post the interest computed but not yet in the ledger, through ``through_date``."""

    def decide() -> Posting[AccrualResult]:
        books = support.books(scope.business_id)
        before = support.instrument(scope.business_id, instrument_id)
        loans.ensure_open(before)
        through = support.not_after_today(books, command.through_date, "through_date")
        result, entries, actions = plan_accrual(books, before, through, command.memo)
        return Posting(result=result, entries=entries, actions=actions)

    return post(scope, decide)


# ---- write-off (seed 000) -------------------------------------------------------------------


@dataclass(frozen=True)
class WriteOffResult:
    """A loan write-off: the instrument after it, its entry (if any), the plan and the write-off account."""

    instrument: Instrument
    entry: JournalEntry | None
    plan: loans.WriteOff
    write_off_date: date
    account: Account
    memo: str | None


def write_off(scope: Scope, instrument_id: str, command: loans.WriteOffLoan) -> WriteOffResult:
    """Full (default) or partial; Bad Debt for loans we made, Debt Forgiveness Income for debt we owe."""

    def decide() -> Posting[WriteOffResult] | Refusal:
        books = support.books(scope.business_id)
        return plan_write_off(books, support.instrument(scope.business_id, instrument_id), command, new_id())

    return post(scope, decide)


def plan_write_off(
    books: Books, before: Instrument, command: loans.WriteOffLoan, write_off_id: str
) -> Posting[WriteOffResult] | Refusal:
    """The write-off ``command`` asks of ``before`` as a posting, or why it is refused; reads and writes nothing."""
    try:
        loans.ensure_open(before)
        day = support.not_after_today(books, command.write_off_date or support.today(books), "write_off_date")
        rolled = loans.roll_forward(before, day)
        plan = loans.plan_write_off(rolled, command.principal_cents, "principal_cents")
    except LedgerError as refused:  # the domain's rules raise; a plan says
        return Refusal.because(refused)
    after = loans.apply_write_off(rolled, plan)
    accounts = support.loan_accounts(books.chart, before.direction)
    lines = loans.write_off_lines(before.direction, plan, accounts)
    memo = command.memo
    entry = (
        support.entry(
            books,
            source=Source("LOAN_WRITE_OFF", write_off_id),
            day=day,
            lines=lines,
            memo=memo or f"Write-off of {before.name}",
        )
        if lines
        else None
    )
    event = support.Event(
        "write_off",
        write_off_id,
        day,
        plan.principal_cents + plan.interest_cleared_cents,
        plan.principal_cents,
        plan.interest_cleared_cents,
        entry.id if entry else None,
        memo,
    )
    result = WriteOffResult(after, entry, plan, day, accounts.write_off, memo)
    return Posting(
        result=result, entries=(entry,) if entry else (), actions=support.save_with_event(before, after, event)
    )
