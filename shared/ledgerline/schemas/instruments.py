"""Debt instruments: the request that creates one, an instrument as answered, its activity, the debt
schedule and an instrument's payment schedule."""

from datetime import date, datetime

from pydantic import Field

from ledgerline.domain.interest import DayCount
from ledgerline.domain.loans import CreateInstrument, DebtType, InstrumentStatus, LoanDirection
from ledgerline.domain.schedule import PaymentFrequency
from ledgerline.schemas.common import Cents, Day, ExternalId, Memo, Model, Name, Strict
from ledgerline.schemas.loans import LedgerId, RateBps


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
