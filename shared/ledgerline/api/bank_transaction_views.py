"""A bank transaction -> its response model."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ledgerline.schemas import bank_transactions as schema

if TYPE_CHECKING:  # the result's type, for annotations only
    from ledgerline.domain.bank_transactions import BankTransaction


def bank_transaction(value: BankTransaction) -> dict[str, Any]:
    matched = None
    if value.matched_payment_id:
        matched = schema.MatchedPayment(instrument_id=value.matched_instrument_id, payment_id=value.matched_payment_id)
    return schema.BankTransaction(
        id=value.id,
        amount_cents=value.amount_cents,
        direction=value.direction,
        date=value.date,
        description=value.description,
        cash_ledger_id=value.cash_ledger_id,
        category_ledger_id=value.category_ledger_id,
        external_id=value.external_id,
        journal_entry_id=value.journal_entry_id,
        original_journal_entry_id=value.original_journal_entry_id,
        matched_payment=matched,
        created_at=value.created_at,
    ).model_dump(mode="json")
