"""The loans family's requests and responses (``/api/v1``, DayZero-compatible; seeds 000 and 002)."""

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Generic, Literal, TypeVar

from pydantic import Field, StrictInt

from ledgerline.domain.interest import DayCount
from ledgerline.domain.loans import (
    AccrueInterest,
    CreateInstrument,
    DebtType,
    DisburseLoan,
    InstrumentStatus,
    LoanDirection,
    RecordLoanPayment,
    WriteOffLoan,
)
from ledgerline.domain.schedule import PaymentFrequency
from ledgerline.schemas.common import Cents, Day, ExternalId, Memo, Model, Name, RunProgress, Strict

if TYPE_CHECKING:
    from ledgerline.domain.bank_transactions import ImportBankTransaction

Data = TypeVar("Data")
RateBps = Annotated[StrictInt, Field(ge=0, le=100_000, description="Annual rate in basis points (500 = 5.00 %).")]
LedgerId = Annotated[str, Field(min_length=1, max_length=64, description="A ledger account id of this business.")]


class SuccessEnvelope(Model, Generic[Data]):
    success: bool = True
    message: str
    code: str
    data: Data


# ---- requests -------------------------------------------------------------------------------


class CreateInstrumentRequest(Strict):
    name: Name
    lender: Name = Field(description="The counterparty: who lent to us, or whom we lent to.")
    direction: LoanDirection
    debt_type: DebtType = DebtType.TERM_LOAN
    original_principal_cents: Cents
    current_balance_cents: Cents | None = Field(
        default=None, description="Outstanding principal today; default original."
    )
    interest_rate_bps: RateBps = 0
    day_count: DayCount = DayCount.ACTUAL_365_FIXED
    start_date: Day
    maturity_date: Day
    payment_frequency: PaymentFrequency = PaymentFrequency.MONTHLY
    payment_amount_cents: Cents | None = None
    cash_ledger_id: LedgerId | None = Field(
        default=None, description="Omit for an existing loan (opening balance equity)."
    )
    memo: Memo | None = None
    external_id: ExternalId | None = None

    def command(self) -> CreateInstrument:
        """The use case's command for this request."""
        return CreateInstrument(
            name=self.name,
            lender=self.lender,
            direction=self.direction,
            debt_type=self.debt_type,
            original_principal_cents=self.original_principal_cents,
            current_balance_cents=self.current_balance_cents,
            interest_rate_bps=self.interest_rate_bps,
            day_count=self.day_count,
            start_date=self.start_date,
            maturity_date=self.maturity_date,
            payment_frequency=self.payment_frequency,
            payment_amount_cents=self.payment_amount_cents,
            cash_ledger_id=self.cash_ledger_id,
            memo=self.memo,
            external_id=self.external_id,
            content=self.model_dump(mode="json"),
        )


class DebtPaymentRequest(Strict):
    payment_amount_cents: Cents | None = Field(
        default=None, description="Total payment in cents (split into principal + interest). Omit with transaction_id."
    )
    cash_ledger_id: LedgerId | None = Field(default=None, description="Bank/cash ledger the money moves through.")
    payment_date: Day | None = Field(default=None, description="Payment date (defaults to today).")
    memo: Memo | None = None
    transaction_id: str | None = Field(
        default=None, max_length=64, description="Rebook this bank transaction's journal entry into the split."
    )

    def command(self) -> RecordLoanPayment:
        """The use case's command for this request."""
        return RecordLoanPayment(
            payment_amount_cents=self.payment_amount_cents,
            cash_ledger_id=self.cash_ledger_id,
            payment_date=self.payment_date,
            memo=self.memo,
            transaction_id=self.transaction_id,
        )


class DisbursementRequest(Strict):
    amount_cents: Cents
    cash_ledger_id: LedgerId
    disbursement_date: Day | None = None
    memo: Memo | None = None

    def command(self) -> DisburseLoan:
        """The use case's command for this request."""
        return DisburseLoan(
            amount_cents=self.amount_cents,
            cash_ledger_id=self.cash_ledger_id,
            disbursement_date=self.disbursement_date,
            memo=self.memo,
        )


class AccrueInterestRequest(Strict):
    through_date: Day
    memo: Memo | None = None

    def command(self) -> AccrueInterest:
        """The use case's command for this request."""
        return AccrueInterest(through_date=self.through_date, memo=self.memo)


class LoanWriteOffRequest(Strict):
    write_off_date: Day | None = Field(default=None, description="Effective date (optional, defaults to today).")
    principal_cents: Cents | None = Field(
        default=None, description="Principal to write off; omit for the full remaining balance."
    )
    memo: Memo | None = None

    def command(self) -> WriteOffLoan:
        """The use case's command for this request."""
        return WriteOffLoan(write_off_date=self.write_off_date, principal_cents=self.principal_cents, memo=self.memo)


class BankTransactionRequest(Strict):
    amount_cents: Cents
    direction: Literal["inflow", "outflow"]
    date: Day
    description: Annotated[str, Field(max_length=1000)] = ""
    cash_ledger_id: LedgerId | None = Field(default=None, description="Default: CASH.")
    category_ledger_id: LedgerId | None = Field(
        default=None, description="Default: UNCATEGORIZED_REVENUE (inflow) / UNCATEGORIZED_EXPENSES (outflow)."
    )
    external_id: ExternalId | None = None

    def command(self) -> "ImportBankTransaction":
        """The use case's command for this request."""
        from ledgerline.domain.bank_transactions import ImportBankTransaction  # only its function needs it (cold start)

        return ImportBankTransaction(
            amount_cents=self.amount_cents,
            direction=self.direction,
            date=self.date,
            description=self.description,
            cash_ledger_id=self.cash_ledger_id,
            category_ledger_id=self.category_ledger_id,
            external_id=self.external_id,
            content=self.model_dump(mode="json"),
        )


# ---- responses ------------------------------------------------------------------------------


class DebtInstrument(Model):
    id: str
    name: str
    lender: str
    direction: LoanDirection
    debt_type: DebtType
    status: InstrumentStatus
    original_principal_cents: int
    current_balance_cents: int
    accrued_interest_cents: int
    interest_rate_bps: int
    day_count: DayCount
    start_date: date
    maturity_date: date
    payment_frequency: PaymentFrequency
    payment_amount_cents: int | None
    interest_through_date: date
    written_off_principal_cents: int
    principal_ledger_id: str
    interest_ledger_id: str
    external_id: str | None
    created_at: datetime
    updated_at: datetime


class InstrumentEvent(Model):
    type: str
    id: str
    date: date
    amount_cents: int
    principal_cents: int
    interest_cents: int
    journal_entry_id: str | None
    memo: str | None = None


class DebtInstrumentDetail(DebtInstrument):
    activity: list[InstrumentEvent]


class DirectionTotals(Model):
    instruments: int
    outstanding_principal_cents: int
    accrued_interest_cents: int


class DebtSchedule(Model):
    instruments: list[DebtInstrument]
    totals: dict[str, DirectionTotals] = Field(description="Per direction: borrow and lend.")
    cursor: str | None
    has_more: bool


class ScheduledPaymentRow(Model):
    due_date: date
    payment_cents: int
    principal_cents: int
    interest_cents: int
    balance_after_cents: int


class PaymentSchedule(Model):
    instrument_id: str
    as_of: date
    payment_cents: int | None
    rows: list[ScheduledPaymentRow]


class DebtPaymentResponse(Model):
    payment_id: str
    journal_entry_id: str
    principal_cents: int
    interest_cents: int
    remaining_balance_cents: int
    name: str
    direction: LoanDirection
    payment_date: date
    payment_amount_cents: int
    accrued_interest_cents: int
    status: InstrumentStatus
    transaction_id: str | None


class DisbursementResponse(Model):
    disbursement_id: str
    instrument_id: str
    journal_entry_id: str
    amount_cents: int
    disbursement_date: date
    current_balance_cents: int
    accrued_interest_cents: int
    status: InstrumentStatus


class AccrualResponse(Model):
    instrument_id: str
    journal_entry_id: str | None
    accrued_interest_cents: int = Field(description="Interest posted by this accrual.")
    total_accrued_interest_cents: int
    through_date: date


class AccruedInstrument(Model):
    instrument_id: str
    accrued_interest_cents: int = Field(description="Interest posted by this instrument's accrual.")
    journal_entry_id: str


class InstrumentNotAccrued(Model):
    instrument_id: str
    reason: str = Field(
        description="Skipped: not active, already accrued through the date, or nothing to accrue "
        "(the date still moves); failed: what went wrong."
    )


class AccrualRunTotals(Model):
    instruments: int = Field(description="Instruments the run looked at (accrued + skipped + failed).")
    accrued: int
    accrued_interest_cents: int
    skipped: int
    failed: int


class AccrualRun(Model):
    run_id: str
    through_date: date
    memo: str | None
    trigger: str = Field(description="api, schedule (the monthly accrual) or cli.")
    status: Literal["running", "completed", "completed_with_failures"] = Field(
        description="running while a queued run's chunks are processed; completed_with_failures when any "
        "instrument failed."
    )
    started_at: datetime
    finished_at: datetime | None = Field(description="null while the run is running.")
    accrued: list[AccruedInstrument] = Field(description="Capped; totals count every instrument.")
    skipped: list[InstrumentNotAccrued]
    failed: list[InstrumentNotAccrued]
    totals: AccrualRunTotals
    progress: RunProgress | None = Field(
        default=None, description="A queued run's progress (null for a run finished within its request)."
    )


class AccrualRunList(Model):
    runs: list[AccrualRun]
    cursor: str | None = Field(description="Pass as ?cursor= for the next page; null on the last page.")
    has_more: bool


class LedgerAccountRef(Model):
    id: str
    name: str
    stable_name: str


class LoanWriteOffResponse(Model):
    instrument_id: str
    journal_entry_id: str | None
    write_off_date: date
    principal_written_off_cents: int
    accrued_interest_cleared_cents: int
    remaining_balance_cents: int
    status: InstrumentStatus
    account: LedgerAccountRef
    memo: str | None


class MatchedPayment(Model):
    instrument_id: str
    payment_id: str


class BankTransaction(Model):
    id: str
    amount_cents: int
    direction: Literal["inflow", "outflow"]
    date: date
    description: str
    cash_ledger_id: str
    category_ledger_id: str
    external_id: str | None
    journal_entry_id: str = Field(description="The entry currently carrying this transaction in the ledger.")
    original_journal_entry_id: str
    matched_payment: MatchedPayment | None
    created_at: datetime


class AccrualChunkMessage(Strict):
    """One chunk of a queued accrual run, as the queue carries it."""

    type: Literal["accrual-chunk"]
    business_id: Annotated[str, Field(min_length=1, max_length=64)]
    run_id: Annotated[str, Field(min_length=1, max_length=64)]
    index: Annotated[int, Field(ge=0)]
    through_date: Day
    memo: Memo | None = None
    instrument_ids: Annotated[list[Annotated[str, Field(min_length=1, max_length=64)]], Field(max_length=1000)]


class AccrualScheduleMessage(Strict):
    """One business's month-end accrual, as the monthly schedule queues it."""

    type: Literal["accrual-run"]
    business_id: Annotated[str, Field(min_length=1, max_length=64)]
    scheduled_time: datetime | None = None
