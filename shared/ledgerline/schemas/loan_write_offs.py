"""A loan write-off (seed 000): the request and its answer."""

from datetime import date

from pydantic import Field

from ledgerline.domain.loans import InstrumentStatus, WriteOffLoan
from ledgerline.schemas.common import Cents, Day, Memo, Model, Strict


class LoanWriteOffRequest(Strict):
    write_off_date: Day | None = Field(default=None, description="Effective date (optional, defaults to today).")
    principal_cents: Cents | None = Field(
        default=None, description="Principal to write off; omit for the full remaining balance."
    )
    memo: Memo | None = None

    def command(self) -> WriteOffLoan:
        """The use case's command for this request."""
        return WriteOffLoan(write_off_date=self.write_off_date, principal_cents=self.principal_cents, memo=self.memo)


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
