"""Invoice items: one versioned item per invoice, its payments and write-offs embedded.

Everything a change needs is one read (the invoice) and one guarded put; the status is stored
alongside (derived) and GSI1 lists invoices by due date, GSI4 by status and due date.
"""

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from ledgerline.domain.accounts import Account, AccountType, Direction
from ledgerline.domain.invoices import Invoice, InvoiceLine, InvoicePayment, InvoiceWriteOff
from ledgerline.domain.journal import Tag
from ledgerline.errors import InvoiceTooLarge
from ledgerline.store import candidates, codec, items, keys, transactions
from ledgerline.store.chart import Accounts

MAX_ITEM_BYTES = 350 * 1024
"""An invoice embeds its payments and write-offs, and DynamoDB refuses items over 400 KB: a change that
would take the item past this (measured by ``codec.encoded_size``, an over-estimate) is refused with a
409 before anything is written. ``RESTORING_ITEM_BYTES`` leaves room for changes that only mark what is
there (deleting a write-off, voiding), so an invoice at the cap can still be corrected."""
RESTORING_ITEM_BYTES = 380 * 1024


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _tags(tags: tuple[Tag, ...]) -> list[dict[str, str]]:
    return [{k: v for k, v in vars(tag).items() if v is not None} for tag in tags]


def invoice_item(invoice: Invoice) -> dict[str, Any]:
    """The invoice's one item: lines, payments and write-offs embedded; GSI1 keys by UTC due date; candidate keys."""
    due = invoice.due_at.astimezone(UTC).date().isoformat() if invoice.due_at else None
    return {
        **keys.key(keys.business_pk(invoice.business_id), keys.invoice_sk(invoice.id)),
        **keys.invoice_index_keys(invoice.business_id, due, invoice.id),
        **keys.invoice_status_keys(invoice.business_id, invoice.status.value, due, invoice.id),
        **candidates.invoice_keys(invoice),
        "kind": "INVOICE", "invoice_id": invoice.id, "status": invoice.status.value,
        "external_id": invoice.external_id, "invoice_number": invoice.invoice_number,
        "customer_external_id": invoice.customer_external_id, "sent_at": _iso(invoice.sent_at),
        "due_at": _iso(invoice.due_at), "paid_at": _iso(invoice.paid_at), "voided_at": _iso(invoice.voided_at),
        "void_entry_id": invoice.void_entry_id, "memo": invoice.memo, "tags": _tags(invoice.tags),
        "journal_entry_id": invoice.journal_entry_id, "created_at": invoice.created_at,
        "updated_at": invoice.updated_at, "outstanding_balance": invoice.outstanding_balance,
        "total_amount": invoice.total_amount, "version": invoice.version,
        "lines": [{"id": line.id, "description": line.description, "product": line.product,
                   "unit_price": line.unit_price, "quantity": str(line.quantity), "account_id": line.account.id,
                   "total_amount": line.total_amount}
                  for line in invoice.lines],
        "payments": [{"id": p.id, "amount": p.amount, "paid_at": _iso(p.paid_at), "method": p.method,
                      "clearing_account_id": p.clearing_account.id, "external_id": p.external_id,
                      "memo": p.memo, "journal_entry_id": p.journal_entry_id} for p in invoice.payments],
        "write_offs": [{"id": w.id, "amount": w.amount, "write_off_at": _iso(w.write_off_at),
                        "destination_account_id": w.destination.id, "destination_identifier": w.destination_identifier,
                        "external_id": w.external_id, "memo": w.memo, "tags": _tags(w.tags),
                        "journal_entry_id": w.journal_entry_id, "deleted_at": _iso(w.deleted_at),
                        "reversal_entry_id": w.reversal_entry_id} for w in invoice.write_offs],
    }


def _account(chart: Accounts, account_id: str) -> Account:
    return chart.by_id(account_id) or Account(account_id, "(unknown account)", "UNKNOWN", AccountType.ASSET,
                                              Direction.DEBIT)


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


def invoice_from_item(item: dict[str, Any], chart: Accounts) -> Invoice:
    """The invoice an item holds, its accounts from ``chart`` (a placeholder for one not in it)."""
    business_id = keys.business_id_of(item["PK"])
    return Invoice(
        id=item["invoice_id"], business_id=business_id, external_id=item.get("external_id"),
        invoice_number=item.get("invoice_number"), customer_external_id=item.get("customer_external_id"),
        sent_at=_dt(item["sent_at"]), due_at=_dt(item.get("due_at")),  # type: ignore[arg-type]
        lines=tuple(InvoiceLine(line["id"], line.get("description"), line.get("product"), line["unit_price"],
                                Decimal(line["quantity"]), _account(chart, line["account_id"]), line["total_amount"])
                    for line in item["lines"]),
        memo=item.get("memo"), tags=tuple(Tag(**t) for t in item.get("tags", [])),
        journal_entry_id=item["journal_entry_id"], created_at=item["created_at"], updated_at=item["updated_at"],
        outstanding_balance=item["outstanding_balance"], paid_at=_dt(item.get("paid_at")),
        voided_at=_dt(item.get("voided_at")), void_entry_id=item.get("void_entry_id"),
        payments=tuple(InvoicePayment(p["id"], p["amount"], _dt(p["paid_at"]), p["method"],  # type: ignore[arg-type]
                                      _account(chart, p["clearing_account_id"]), p.get("external_id"), p.get("memo"),
                                      p["journal_entry_id"]) for p in item.get("payments", [])),
        write_offs=tuple(InvoiceWriteOff(
            w["id"], item["invoice_id"], w["amount"], _dt(w["write_off_at"]),  # type: ignore[arg-type]
            _account(chart, w["destination_account_id"]), w["destination_identifier"], w.get("external_id"),
            w.get("memo"), tuple(Tag(**t) for t in w.get("tags", [])), w["journal_entry_id"],
            _dt(w.get("deleted_at")), w.get("reversal_entry_id"),
        ) for w in item.get("write_offs", [])),
        version=item.get("version", 0),
    )


def _invoices(found: list[dict[str, Any]], chart: Accounts) -> list[Invoice]:
    """The invoices these items hold, the accounts of all their lines, payments and write-offs looked up at once."""
    chart.want(ids=[account_id for item in found for account_id in (
        *(line["account_id"] for line in item.get("lines", [])),
        *(payment["clearing_account_id"] for payment in item.get("payments", [])),
        *(write_off["destination_account_id"] for write_off in item.get("write_offs", [])))])
    return [invoice_from_item(item, chart) for item in found]


def get(business_id: str, invoice_id: str, chart: Accounts) -> Invoice | None:
    """One invoice (one consistent GetItem), its accounts from ``chart``."""
    item = items.get(business_id, keys.invoice_sk(invoice_id))
    return _invoices([item], chart)[0] if item else None


def save(invoice: Invoice, *, expected_version: int | None, restoring: bool = False) -> transactions.Action:
    """A new invoice must not exist; an existing one must still be at the version that was read.

    Refused (409) before any write if the item would grow past what DynamoDB can hold (SPEC §9.2)."""
    item = _clean(invoice_item(invoice))
    limit = RESTORING_ITEM_BYTES if restoring else MAX_ITEM_BYTES
    if codec.encoded_size(item) > limit:
        raise InvoiceTooLarge(
            f"Invoice {invoice.id} cannot record this: with its {len(invoice.payments)} payment(s) and "
            f"{len(invoice.write_offs)} write-off(s) it would exceed the {limit // 1024} KB an invoice can hold. "
            "Nothing was posted. Record the rest as one combined payment or write-off, or with shorter memos "
            "and fewer tags.")
    if expected_version is None:
        return transactions.put(item)
    return transactions.put(item, condition="#version = :expected", names={"#version": "version"},
                            values={":expected": expected_version})


def query_by_due_date(business_id: str, chart: Accounts, *, due_from: date | None, due_to: date | None,
                      status: str | None, limit: int, start_key: dict[str, Any] | None,
                      ) -> tuple[list[Invoice], dict[str, Any] | None]:
    """One page of invoices by due date (inclusive; those without one last, and left out by a start
    date); the due dates and the status are key conditions (GSI1, or GSI4 with a status)."""
    lower, upper = keys.invoices_by_due_range(due_from.isoformat() if due_from else None,
                                              due_to.isoformat() if due_to else None)
    index = items.IndexRange(keys.FILTERED_INDEX, keys.invoices_by_status_pk(business_id, status), lower, upper) \
        if status else items.IndexRange(keys.INVOICES_INDEX, keys.invoices_by_due_pk(business_id), lower, upper)
    found, last = items.query_page(business_id, keys.INVOICE_PREFIX, limit=limit, position=start_key, index=index,
                                   look_ahead=True)
    return _invoices(found, chart), last
