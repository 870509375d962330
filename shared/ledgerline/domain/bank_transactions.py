"""An imported bank transaction: money that moved through a cash account, and what carries it in the books."""

from dataclasses import dataclass
from datetime import date
from typing import Literal


@dataclass(frozen=True)
class BankTransaction:
    """An imported bank transaction; ``direction`` says whether ``amount_cents`` came in or went out."""

    id: str
    amount_cents: int
    direction: Literal["inflow", "outflow"]
    date: date
    cash_ledger_id: str
    category_ledger_id: str
    journal_entry_id: str
    """The entry carrying the transaction now: its own, or once matched the loan payment's."""
    original_journal_entry_id: str
    """The entry it was imported with (Dr cash / Cr category, or the reverse for an outflow)."""
    created_at: str
    description: str = ""
    external_id: str | None = None
    matched_instrument_id: str | None = None
    matched_payment_id: str | None = None
    """Set once, when a loan payment names the transaction; the instrument and payment it became."""
