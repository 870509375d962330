"""Imported bank transactions: the item, its current journal entry, and its link to a loan payment."""

from datetime import date
from typing import Any

from ledgerline.domain.bank_transactions import BankTransaction
from ledgerline.domain.loans import Instrument
from ledgerline.errors import TransactionAlreadyMatched
from ledgerline.store import instruments, items, keys, transactions


def transaction_item(business_id: str, txn: BankTransaction) -> dict[str, Any]:
    """A bank transaction's item: its fields as they are, the date as an ISO string."""
    return {
        **keys.key(keys.business_pk(business_id), keys.bank_transaction_sk(txn.id)),
        "kind": "BANK_TRANSACTION",
        **vars(txn),
        "date": txn.date.isoformat(),
    }


def transaction_from_item(item: dict[str, Any]) -> BankTransaction:
    """The bank transaction an item holds; optional fields may be absent from the item."""
    return BankTransaction(
        id=item["id"],
        amount_cents=item["amount_cents"],
        direction=item["direction"],
        date=date.fromisoformat(item["date"]),
        cash_ledger_id=item["cash_ledger_id"],
        category_ledger_id=item["category_ledger_id"],
        journal_entry_id=item["journal_entry_id"],
        original_journal_entry_id=item["original_journal_entry_id"],
        created_at=item["created_at"],
        description=item.get("description", ""),
        external_id=item.get("external_id"),
        matched_instrument_id=item.get("matched_instrument_id"),
        matched_payment_id=item.get("matched_payment_id"),
    )


def get(business_id: str, transaction_id: str) -> BankTransaction | None:
    """One bank transaction (one consistent GetItem)."""
    item = items.get(business_id, keys.bank_transaction_sk(transaction_id))
    return transaction_from_item(item) if item else None


def get_with_instrument(
    business_id: str, instrument_id: str, transaction_id: str
) -> tuple[Instrument | None, BankTransaction | None]:
    """An instrument and a bank transaction in one BatchGetItem (one read); None for one not found."""
    instrument_sk, txn_sk = keys.instrument_sk(instrument_id), keys.bank_transaction_sk(transaction_id)
    found = items.get_many(business_id, [instrument_sk, txn_sk])
    instrument, txn = found.get(instrument_sk), found.get(txn_sk)
    return (
        instruments.instrument_from_item(instrument) if instrument else None,
        transaction_from_item(txn) if txn else None,
    )


def link_to_payment(
    business_id: str, transaction_id: str, *, instrument_id: str, payment_id: str, entry_id: str
) -> transactions.Action:
    """Matched once: the payment's entry now carries the transaction in the ledger."""
    return transactions.update(
        keys.key(keys.business_pk(business_id), keys.bank_transaction_sk(transaction_id)),
        "SET matched_instrument_id = :instrument, matched_payment_id = :payment, journal_entry_id = :entry",
        condition="attribute_exists(PK) AND attribute_not_exists(matched_payment_id)",
        values={":instrument": instrument_id, ":payment": payment_id, ":entry": entry_id},
        on_condition_failed=lambda _old: TransactionAlreadyMatched(transaction_id),
    )
