"""A loan payment (seed 002) and a disbursement: requests and answers."""

from datetime import date

from pydantic import Field

from ledgerline.domain.loans import DisburseLoan, InstrumentStatus, LoanDirection, RecordLoanPayment
from ledgerline.schemas.common import Cents, Day, Memo, Model, Strict
from ledgerline.schemas.loans import LedgerId


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
