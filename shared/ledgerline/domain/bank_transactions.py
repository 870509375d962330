"""An imported bank transaction: money that moved through a cash account, and what carries it in the books."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal


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


@dataclass(frozen=True)
class ImportBankTransaction:
    """A command: import a transaction that moved ``amount_cents`` in or out of a cash account on ``date``."""

    amount_cents: int
    direction: Literal["inflow", "outflow"]
    date: date
    description: str = ""
    cash_ledger_id: str | None = None
    """The bank or cash account; default CASH."""
    category_ledger_id: str | None = None
    """The account on the other side; default UNCATEGORIZED_REVENUE (inflow) or UNCATEGORIZED_EXPENSES (outflow)."""
    external_id: str | None = None
    content: Mapping[str, Any] = field(default_factory=dict)
    """The request as sent (JSON values): what an ``external_id`` reservation fingerprints."""
