"""Invoice items: a header per invoice, and one item per payment and per write-off under it (issue 12 §3).

The header (``INVOICE#<id>``) holds the lines, the totals, the outstanding balance, the status (derived,
stored for the listing and its GSI4 key) and how many payments and live write-offs the invoice has;
GSI1 lists headers by due date, GSI4 by status and due date. Payments and write-offs are their own items
(``INVOICE#<id>#PAYMENT#<p>``, ``INVOICE#<id>#WRITE_OFF#<w>``, no index keys), so a change writes one
small item and moves the header (``store/invoice_changes.py``) whatever the invoice's history; one
Query reads an invoice whole. Headers written before this kept their payments and write-offs embedded
(``payments`` / ``write_offs`` lists, no counts): they are read as they are, merged with any items
written since, their counts derived from the lists (docs/decisions.md 109).
"""

from collections.abc import Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from ledgerline.domain.accounts import Account, AccountType, Direction
from ledgerline.domain.invoices import Invoice, InvoiceLine, InvoicePayment, InvoiceWriteOff, WriteOffExemption
from ledgerline.domain.journal import Tag
from ledgerline.domain.policy import AUTOMATIC_MEMO
from ledgerline.store import candidates, items, keys
from ledgerline.store.chart import Accounts

PAYMENT_KIND = "INVOICE_PAYMENT"
WRITE_OFF_KIND = "INVOICE_WRITE_OFF"


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _tags(tags: tuple[Tag, ...]) -> list[dict[str, str]]:
    return [{k: v for k, v in vars(tag).items() if v is not None} for tag in tags]


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


def due_date(invoice: Invoice) -> str | None:
    """The date its index keys list it under: ``due_at``'s UTC date."""
    return invoice.due_at.astimezone(UTC).date().isoformat() if invoice.due_at else None


def invoice_item(invoice: Invoice) -> dict[str, Any]:
    """The invoice's header item: lines and counts, no payment or write-off; GSI1/GSI4 keys by UTC due date;
    candidate keys."""
    due = due_date(invoice)
    return {
        **keys.key(keys.business_pk(invoice.business_id), keys.invoice_sk(invoice.id)),
        **keys.invoice_index_keys(invoice.business_id, due, invoice.id),
        **keys.invoice_status_keys(invoice.business_id, invoice.status.value, due, invoice.id),
        **candidates.invoice_keys(invoice),
        "kind": "INVOICE",
        "invoice_id": invoice.id,
        "status": invoice.status.value,
        "external_id": invoice.external_id,
        "invoice_number": invoice.invoice_number,
        "customer_external_id": invoice.customer_external_id,
        "sent_at": _iso(invoice.sent_at),
        "due_at": _iso(invoice.due_at),
        "paid_at": _iso(invoice.paid_at),
        "voided_at": _iso(invoice.voided_at),
        "void_entry_id": invoice.void_entry_id,
        "memo": invoice.memo,
        "tags": _tags(invoice.tags),
        "journal_entry_id": invoice.journal_entry_id,
        "created_at": invoice.created_at,
        "updated_at": invoice.updated_at,
        "outstanding_balance": invoice.outstanding_balance,
        "total_amount": invoice.total_amount,
        "payment_count": invoice.payment_count,
        "live_write_off_count": invoice.live_write_off_count,
        "version": invoice.version,
        "automatic_write_off_exemption": exemption_item(invoice.automatic_write_off_exemption),
        "lines": [
            {
                "id": line.id,
                "description": line.description,
                "product": line.product,
                "unit_price": line.unit_price,
                "quantity": str(line.quantity),
                "account_id": line.account.id,
                "total_amount": line.total_amount,
            }
            for line in invoice.lines
        ],
    }


def exemption_item(exemption: WriteOffExemption | None) -> dict[str, str] | None:
    """The header's ``automatic_write_off_exemption`` map (``None``: not exempt, no attribute)."""
    return {"write_off_id": exemption.write_off_id, "since": exemption.since.isoformat()} if exemption else None


def payment_item(business_id: str, invoice_id: str, payment: InvoicePayment) -> dict[str, Any]:
    """One payment's own item (the fields an embedded one had), under its invoice's header."""
    return _clean(
        {
            **keys.key(keys.business_pk(business_id), keys.invoice_payment_sk(invoice_id, payment.id)),
            "kind": PAYMENT_KIND,
            "invoice_id": invoice_id,
            "id": payment.id,
            "amount": payment.amount,
            "paid_at": _iso(payment.paid_at),
            "method": payment.method,
            "clearing_account_id": payment.clearing_account.id,
            "external_id": payment.external_id,
            "memo": payment.memo,
            "journal_entry_id": payment.journal_entry_id,
        }
    )


def write_off_item(business_id: str, write_off: InvoiceWriteOff) -> dict[str, Any]:
    """One write-off's own item (the fields an embedded one had), under its invoice's header."""
    return _clean(
        {
            **keys.key(keys.business_pk(business_id), keys.invoice_write_off_sk(write_off.invoice_id, write_off.id)),
            "kind": WRITE_OFF_KIND,
            "invoice_id": write_off.invoice_id,
            "id": write_off.id,
            "amount": write_off.amount,
            "write_off_at": _iso(write_off.write_off_at),
            "destination_account_id": write_off.destination.id,
            "destination_identifier": write_off.destination_identifier,
            "external_id": write_off.external_id,
            "memo": write_off.memo,
            "tags": _tags(write_off.tags),
            "journal_entry_id": write_off.journal_entry_id,
            "deleted_at": _iso(write_off.deleted_at),
            "reversal_entry_id": write_off.reversal_entry_id,
            "automatic": write_off.automatic,
            "run_id": write_off.run_id,
        }
    )


# ---- decoding ----------------------------------------------------------------------------------------


def _account(chart: Accounts, account_id: str) -> Account:
    return chart.by_id(account_id) or Account(
        account_id, "(unknown account)", "UNKNOWN", AccountType.ASSET, Direction.DEBIT
    )


def _payment(row: dict[str, Any], chart: Accounts) -> InvoicePayment:
    return InvoicePayment(
        row["id"],
        row["amount"],
        _dt(row["paid_at"]),
        row["method"],  # type: ignore[arg-type]
        _account(chart, row["clearing_account_id"]),
        row.get("external_id"),
        row.get("memo"),
        row["journal_entry_id"],
    )


def _write_off(invoice_id: str, row: dict[str, Any], chart: Accounts) -> InvoiceWriteOff:
    return InvoiceWriteOff(
        row["id"],
        invoice_id,
        row["amount"],
        _dt(row["write_off_at"]),  # type: ignore[arg-type]
        _account(chart, row["destination_account_id"]),
        row["destination_identifier"],
        row.get("external_id"),
        row.get("memo"),
        tuple(Tag(**t) for t in row.get("tags", [])),
        row["journal_entry_id"],
        _dt(row.get("deleted_at")),
        row.get("reversal_entry_id"),
        automatic=_automatic(row),
        run_id=row.get("run_id"),
    )


def _automatic(row: dict[str, Any]) -> bool:
    """Whether the policy made the write-off: every write-off written since docs/decisions.md 115 says so
    (``automatic``, true or false); an older one is known by the memo every automatic write-off carried."""
    if "automatic" in row:
        return bool(row["automatic"])
    return row.get("memo") == AUTOMATIC_MEMO


def _rows(item: dict[str, Any], children: Sequence[dict[str, Any]], kind: str, embedded: str) -> list[dict[str, Any]]:
    """The header's embedded rows (written before issue 12 §3), then the child items of ``kind``."""
    return [*item.get(embedded, []), *(child for child in children if child.get("kind") == kind)]


def invoice_from_item(item: dict[str, Any], chart: Accounts, children: Sequence[dict[str, Any]] = ()) -> Invoice:
    """The invoice a header holds, with the payment and write-off items read with it (``children``), its
    accounts from ``chart`` (a placeholder for one not in it). A header without counts derives them."""
    business_id = keys.business_id_of(item["PK"])
    invoice_id = item["invoice_id"]
    embedded_payments, embedded_write_offs = item.get("payments", []), item.get("write_offs", [])
    return Invoice(
        id=invoice_id,
        business_id=business_id,
        external_id=item.get("external_id"),
        invoice_number=item.get("invoice_number"),
        customer_external_id=item.get("customer_external_id"),
        sent_at=_dt(item["sent_at"]),
        due_at=_dt(item.get("due_at")),  # type: ignore[arg-type]
        lines=tuple(
            InvoiceLine(
                line["id"],
                line.get("description"),
                line.get("product"),
                line["unit_price"],
                Decimal(line["quantity"]),
                _account(chart, line["account_id"]),
                line["total_amount"],
            )
            for line in item["lines"]
        ),
        memo=item.get("memo"),
        tags=tuple(Tag(**t) for t in item.get("tags", [])),
        journal_entry_id=item["journal_entry_id"],
        created_at=item["created_at"],
        updated_at=item["updated_at"],
        outstanding_balance=item["outstanding_balance"],
        paid_at=_dt(item.get("paid_at")),
        voided_at=_dt(item.get("voided_at")),
        void_entry_id=item.get("void_entry_id"),
        payments=tuple(_payment(row, chart) for row in _rows(item, children, PAYMENT_KIND, "payments")),
        write_offs=tuple(
            _write_off(invoice_id, row, chart) for row in _rows(item, children, WRITE_OFF_KIND, "write_offs")
        ),
        payment_count=item.get("payment_count", len(embedded_payments)),
        live_write_off_count=item.get(
            "live_write_off_count", sum(1 for row in embedded_write_offs if not row.get("deleted_at"))
        ),
        version=item.get("version", 0),
        automatic_write_off_exemption=_exemption(item.get("automatic_write_off_exemption")),
    )


def _exemption(row: dict[str, Any] | None) -> WriteOffExemption | None:
    return WriteOffExemption(row["write_off_id"], datetime.fromisoformat(row["since"])) if row else None


def _invoices(
    found: list[tuple[dict[str, Any], Sequence[dict[str, Any]]]], chart: Accounts, also: Sequence[dict[str, Any]] = ()
) -> list[Invoice]:
    """The invoices these headers and their children hold, the accounts of all their lines, payments and
    write-offs (and of the rows ``also`` read with them) looked up at once."""
    rows = [
        *also,
        *(
            row
            for item, children in found
            for row in (*children, *item.get("payments", []), *item.get("write_offs", []))
        ),
    ]
    chart.want(
        ids=[
            *(line["account_id"] for item, _ in found for line in item.get("lines", [])),
            *(row.get("clearing_account_id") or row["destination_account_id"] for row in rows),
        ]
    )
    return [invoice_from_item(item, chart, children) for item, children in found]


# ---- reads ---------------------------------------------------------------------------------------------


def get(business_id: str, invoice_id: str, chart: Accounts) -> Invoice | None:
    """One invoice whole: its header, every payment and every write-off (one consistent Query, every page)."""
    found = items.query_between(business_id, *keys.invoice_range(invoice_id))
    header = next((item for item in found if item["SK"] == keys.invoice_sk(invoice_id)), None)
    if header is None:
        return None
    return _invoices([(header, [item for item in found if item is not header])], chart)[0]


def get_header(business_id: str, invoice_id: str, chart: Accounts) -> Invoice | None:
    """The invoice's header alone (one consistent GetItem): all a decision needs, whatever its history."""
    item = items.get(business_id, keys.invoice_sk(invoice_id))
    return _invoices([(item, [])], chart)[0] if item else None


def _with_child(
    business_id: str, invoice_id: str, child_sk: str, chart: Accounts
) -> tuple[Invoice | None, dict[str, Any] | None]:
    """The header as stored (only its own embedded rows) and one child item, read together (one BatchGetItem)."""
    found = items.get_many(business_id, [keys.invoice_sk(invoice_id), child_sk])
    header, child = found.get(keys.invoice_sk(invoice_id)), found.get(child_sk)
    if header is None:  # no header, no children
        return None, None
    return _invoices([(header, [])], chart, also=[child] if child else [])[0], child


def get_with_payment(
    business_id: str, invoice_id: str, payment_id: str, chart: Accounts
) -> tuple[Invoice | None, InvoicePayment | None]:
    """The invoice's header and one of its payments (one BatchGetItem; an embedded one is in the header)."""
    header, child = _with_child(business_id, invoice_id, keys.invoice_payment_sk(invoice_id, payment_id), chart)
    if header is None:
        return None, None
    if child is not None:
        return header, _payment(child, chart)
    return header, next((payment for payment in header.payments if payment.id == payment_id), None)


def get_with_write_off(
    business_id: str, invoice_id: str, write_off_id: str, chart: Accounts
) -> tuple[Invoice | None, InvoiceWriteOff | None]:
    """The invoice's header and one of its write-offs, deleted or not (one BatchGetItem). The header's own
    ``write_offs`` are those embedded in it, in their stored order (``invoice_changes.delete_write_off``)."""
    header, child = _with_child(business_id, invoice_id, keys.invoice_write_off_sk(invoice_id, write_off_id), chart)
    if header is None:
        return None, None
    if child is not None:
        return header, _write_off(invoice_id, child, chart)
    return header, next((w for w in header.write_offs if w.id == write_off_id), None)


def write_offs(business_id: str, invoice_id: str, chart: Accounts) -> list[InvoiceWriteOff] | None:
    """Every write-off of the invoice, deleted ones too (its header's GetItem, then one Query of its
    write-offs, every page); None for an unknown invoice."""
    header = items.get(business_id, keys.invoice_sk(invoice_id))
    if header is None:
        return None
    children = items.query_prefix(business_id, keys.invoice_write_offs_prefix(invoice_id))
    return list(_invoices([(header, children)], chart)[0].write_offs)


def query_by_due_date(
    business_id: str,
    chart: Accounts,
    *,
    due_from: date | None,
    due_to: date | None,
    status: str | None,
    limit: int,
    start_key: dict[str, Any] | None,
) -> tuple[list[Invoice], dict[str, Any] | None]:
    """One page of invoices by due date (inclusive; those without one last, and left out by a start
    date); the due dates and the status are key conditions (GSI1, or GSI4 with a status).

    The page's headers come from the index; then one Query per invoice on it that has payments or live
    write-offs reads them (so a page costs 1 + at most ``limit`` Queries; none for invoices without)."""
    lower, upper = keys.invoices_by_due_range(
        due_from.isoformat() if due_from else None, due_to.isoformat() if due_to else None
    )
    index = (
        items.IndexRange(keys.FILTERED_INDEX, keys.invoices_by_status_pk(business_id, status), lower, upper)
        if status
        else items.IndexRange(keys.INVOICES_INDEX, keys.invoices_by_due_pk(business_id), lower, upper)
    )
    found, last = items.query_page(
        business_id, keys.INVOICE_PREFIX, limit=limit, position=start_key, index=index, look_ahead=True
    )
    with_children = [
        (
            header,
            items.query_prefix(business_id, keys.invoice_children_prefix(header["invoice_id"]))
            if header.get("payment_count") or header.get("live_write_off_count")
            else [],
        )
        for header in found
    ]
    return _invoices(with_children, chart), last
