"""Imported bank transactions: the item, its current journal entry, and its link to a loan payment."""

from typing import Any

from ledgerline.errors import Conflict
from ledgerline.store import items, keys, transactions


class TransactionAlreadyMatched(Conflict):
    code = "TRANSACTION_ALREADY_MATCHED"
    error_enum = "InvalidLedgerOperation"

    def __init__(self, transaction_id: str) -> None:
        super().__init__(f"Bank transaction {transaction_id} is already matched to a payment.")


def transaction_sk(transaction_id: str) -> str:
    return f"BANKTXN#{transaction_id}"


def transaction_item(business_id: str, values: dict[str, Any]) -> dict[str, Any]:
    return {**keys.key(keys.business_pk(business_id), transaction_sk(values["id"])), "kind": "BANK_TRANSACTION",
            **values}


def get(business_id: str, transaction_id: str) -> dict[str, Any] | None:
    return items.get(business_id, transaction_sk(transaction_id))


def link_to_payment(business_id: str, transaction_id: str, *, instrument_id: str, payment_id: str,
                    entry_id: str) -> transactions.Action:
    """Matched once: the payment's entry now carries the transaction in the ledger."""
    return transactions.update(
        keys.key(keys.business_pk(business_id), transaction_sk(transaction_id)),
        "SET matched_instrument_id = :instrument, matched_payment_id = :payment, journal_entry_id = :entry",
        condition="attribute_exists(PK) AND attribute_not_exists(matched_payment_id)",
        values={":instrument": instrument_id, ":payment": payment_id, ":entry": entry_id},
        on_condition_failed=lambda _old: TransactionAlreadyMatched(transaction_id),
    )
