"""Bank transactions (the loans family): the import request and a transaction as answered."""

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import Field

from ledgerline.schemas.common import Cents, Day, ExternalId, Model, Strict
from ledgerline.schemas.loans import LedgerId

if TYPE_CHECKING:
    from ledgerline.domain.bank_transactions import ImportBankTransaction


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
