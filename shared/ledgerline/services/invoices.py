"""Invoice use cases (SPEC §6 items 1–5): create, pay, write off, delete a write-off, void."""

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, datetime

from ledgerline import clock, cursors
from ledgerline.domain import invoices as rules
from ledgerline.domain.accounts import Account, Direction
from ledgerline.domain.ids import new_id
from ledgerline.domain.invoices import (
    CreateInvoice,
    Invoice,
    InvoiceLine,
    InvoicePayment,
    InvoiceWriteOff,
    NewInvoiceLine,
    RecordInvoicePayment,
    WriteOffInvoice,
)
from ledgerline.domain.journal import JournalEntry, Line, Source, Tag, check_entry, reversed_lines
from ledgerline.errors import (
    InvalidRequest,
    InvoiceNotFound,
    LedgerError,
    NotFound,
    WriteOffNotFound,
)
from ledgerline.services import accounts
from ledgerline.services.ledger import Books, Corrected, Page, load_books, local_day, reversal_moment
from ledgerline.services.posting import Posting, Refusal, Scope, post, post_once
from ledgerline.store import entries as entry_store
from ledgerline.store import invoice_changes
from ledgerline.store import invoices as invoice_store

INVOICE_ACCOUNTS = ("ACCOUNTS_RECEIVABLE", "CASH", "SALES", "BAD_DEBT")
"""The accounts an invoice's postings name by default: read with the profile, whatever the request."""


def _books(scope: Scope, *named: object) -> Books:
    """The books, with the default invoice accounts and those ``named`` read together at first use."""
    return load_books(scope.business_id, **accounts.wanted(named, stable_names=INVOICE_ACCOUNTS))


def _new_entry(
    books: Books,
    *,
    source: Source,
    moment: datetime,
    lines: list[Line],
    memo: str | None,
    tags: tuple[Tag, ...] = (),
    entry_id: str | None = None,
) -> JournalEntry:
    check_entry(lines, business_accounts=books.chart.seen)
    return JournalEntry(
        id=entry_id or new_id(),
        business_id=books.business.id,
        entry_date=books.business.local_date(moment),
        entry_at=moment,
        created_at=clock.now(),
        memo=memo,
        source=source,
        lines=tuple(lines),
        tags=tags,
    )


def _reversal_moment(books: Books, moment: datetime) -> tuple[date | None, datetime]:
    """Where the reversal of what happened at ``moment`` goes: the first open day it moved to (None if its
    own day is open), and the moment it is dated."""
    original = books.business.local_date(moment)
    day, at = reversal_moment(books, original, moment)
    return (day if day != original else None), at


def _found(books: Books, invoice_id: str, invoice: Invoice | None) -> Invoice:
    books.verify()  # an unknown business first
    if invoice is None:
        raise InvoiceNotFound(invoice_id)
    return invoice


def load_invoice(books: Books, invoice_id: str) -> Invoice:
    """The invoice's header, read with ``books``' chart: what every decision needs (one GetItem, whatever
    its history; no payment or write-off is read); unknown → 404."""
    return _found(books, invoice_id, invoice_store.get_header(books.chart.business_id, invoice_id, books.chart))


def get_invoice(scope: Scope, invoice_id: str) -> Invoice:
    """One invoice of the scope's business, whole: every payment and write-off; unknown → 404."""
    books = _books(scope)
    return _found(books, invoice_id, invoice_store.get(scope.business_id, invoice_id, books.chart))


def _settlement_date(books: Books, invoice: Invoice, moment: datetime, field: str) -> datetime:
    """SPEC §3 and §9.1: a payment or write-off is dated from the invoice's ``sent_at`` to today, both
    compared as calendar dates in the business's timezone — the dates its journal entries carry."""
    day = local_day(books, moment, field)
    today = books.business.local_date(clock.now())
    if day > today:
        raise InvalidRequest(field, f"{moment.isoformat()} is after today ({today}) in the business's timezone")
    sent = books.business.local_date(invoice.sent_at)
    if day < sent:
        raise InvalidRequest(
            field, f"{moment.isoformat()} is before the invoice was sent ({sent} in the business's timezone)"
        )
    return moment


def _touched(invoice: Invoice) -> Invoice:
    return replace(invoice, updated_at=clock.now().isoformat())


# ---- create / void --------------------------------------------------------------------------


def _receivable_lines(books: Books, invoice: Invoice) -> list[Line]:
    """Dr ACCOUNTS_RECEIVABLE the total / Cr each line's revenue account (merged per account)."""
    receivable = books.chart.by_stable_name("ACCOUNTS_RECEIVABLE")
    per_account: dict[Account, int] = defaultdict(int)
    for line in invoice.lines:
        per_account[line.account] += line.total_amount
    return [Line(receivable, Direction.DEBIT, invoice.total_amount)] + [  # type: ignore[arg-type]
        Line(account, Direction.CREDIT, amount) for account, amount in per_account.items()
    ]


def _invoice_line(books: Books, index: int, item: NewInvoiceLine) -> InvoiceLine:
    """The line with its account resolved (default SALES) and its total; a total of zero cents is refused."""
    identifier = accounts.identifier(item.account, default="SALES")
    account = accounts.resolve(books.chart, identifier, field=f"line_items.{index}.account_identifier")
    amount = rules.line_amount(item.unit_price, item.quantity)
    if amount <= 0:
        raise InvalidRequest(f"line_items.{index}.quantity", "unit_price × quantity rounds to zero cents")
    return InvoiceLine(new_id(), item.description, item.product, item.unit_price, item.quantity, account, amount)


def create_invoice(scope: Scope, command: CreateInvoice) -> tuple[Invoice, bool]:
    """Dr ACCOUNTS_RECEIVABLE / Cr each line's revenue account (default SALES) on ``sent_at``: (invoice, created)."""

    def decide(invoice_id: str) -> Posting[Invoice]:
        books = _books(scope, *(line.account for line in command.lines))
        now = clock.now()
        local_day(books, command.sent_at or now, "sent_at")
        if command.due_at is not None:
            local_day(books, command.due_at, "due_at")
        invoice = Invoice(
            id=invoice_id,
            business_id=scope.business_id,
            external_id=command.external_id,
            invoice_number=command.invoice_number,
            customer_external_id=command.customer_external_id,
            sent_at=command.sent_at or now,
            due_at=command.due_at,
            lines=tuple(_invoice_line(books, index, item) for index, item in enumerate(command.lines)),
            memo=command.memo,
            tags=command.tags,
            journal_entry_id=new_id(),
            created_at=now.isoformat(),
            updated_at=now.isoformat(),
            outstanding_balance=0,
        )
        invoice = replace(invoice, outstanding_balance=invoice.total_amount)
        entry = _new_entry(
            books,
            source=Source("INVOICE", invoice_id),
            moment=invoice.sent_at,
            lines=_receivable_lines(books, invoice),
            entry_id=invoice.journal_entry_id,
            tags=command.tags,
            memo=command.memo or f"Invoice {command.invoice_number or invoice_id}",
        )
        return Posting(result=invoice, entries=(entry,), actions=(invoice_changes.create(invoice),))

    return post_once(
        scope,
        kind="invoice",
        external_id=command.external_id,
        content=command.content,
        decide=decide,
        existing=lambda invoice_id: get_invoice(scope, invoice_id),
        new_id=new_id,
    )


def void_invoice(scope: Scope, invoice_id: str) -> Corrected[Invoice]:
    """Only an invoice without live payments or write-offs; its entry is reversed (dated like it, or on the
    first open day if its date is closed)."""

    def decide() -> Posting[Corrected[Invoice]]:
        books = _books(scope)
        before = load_invoice(books, invoice_id)
        rules.ensure_voidable(before)
        lines = reversed_lines(_receivable_lines(books, before))
        moved_to, moment = _reversal_moment(books, before.sent_at)
        reversal = replace(
            _new_entry(
                books,
                source=Source("INVOICE_VOID", invoice_id),
                moment=moment,
                lines=lines,
                memo=f"Void of invoice {before.invoice_number or invoice_id}",
            ),
            reverses=before.journal_entry_id,
        )
        after = _touched(replace(before, voided_at=clock.now(), void_entry_id=reversal.id))
        return Posting(
            result=Corrected(after, moved_to),
            entries=(reversal,),
            actions=(
                invoice_changes.void(before, after),
                entry_store.mark_reversed(scope.business_id, before.journal_entry_id, reversal.id),
            ),
        )

    return post(scope, decide)


# ---- payments -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PaymentResult:
    """The invoice after the payment, and the payment."""

    invoice: Invoice
    payment: InvoicePayment


def record_payment(scope: Scope, invoice_id: str, command: RecordInvoicePayment) -> tuple[PaymentResult, bool]:
    """Dr clearing account (default CASH) / Cr ACCOUNTS_RECEIVABLE; more than outstanding is refused."""

    def decide(payment_id: str) -> Posting[PaymentResult]:
        books = _books(scope, command.clearing)
        before = load_invoice(books, invoice_id)
        rules.ensure_settleable(before)
        rules.check_amount(before, command.amount, "amount")
        clearing = accounts.resolve(
            books.chart,
            accounts.identifier(command.clearing, default="CASH"),
            field="payment_clearing_account_identifier",
        )
        paid_at = _settlement_date(books, before, command.paid_at or clock.now(), "paid_at")
        receivable = books.chart.by_stable_name("ACCOUNTS_RECEIVABLE")
        entry = _new_entry(
            books,
            source=Source("INVOICE_PAYMENT", payment_id),
            moment=paid_at,
            lines=[Line(clearing, Direction.DEBIT, command.amount), Line(receivable, Direction.CREDIT, command.amount)],  # type: ignore[arg-type]
            memo=command.memo or f"Payment of invoice {before.invoice_number or invoice_id}",
            tags=before.tags,
        )
        payment = InvoicePayment(
            payment_id, command.amount, paid_at, command.method, clearing, command.external_id, command.memo, entry.id
        )
        after = _touched(rules.with_payment(before, payment))
        return Posting(
            result=PaymentResult(after, payment),
            entries=(entry,),
            actions=invoice_changes.record_payment(before, after, payment),
        )

    def existing(payment_id: str) -> PaymentResult:
        books = _books(scope)
        invoice, payment = invoice_store.get_with_payment(scope.business_id, invoice_id, payment_id, books.chart)
        invoice = _found(books, invoice_id, invoice)
        if payment is None:  # the external_id names a payment of another invoice
            raise NotFound("Invoice payment", payment_id)
        return PaymentResult(invoice, payment)

    return post_once(
        scope,
        kind="invoice_payment",
        external_id=command.external_id,
        content={"invoice_id": invoice_id, **command.content},
        decide=decide,
        existing=existing,
        new_id=new_id,
    )


# ---- write-offs -----------------------------------------------------------------------------


def create_write_off(scope: Scope, invoice_id: str, command: WriteOffInvoice) -> tuple[InvoiceWriteOff, bool]:
    """Write off part or all of an invoice (at most once per ``external_id``): (write-off, created)."""

    def decide(write_off_id: str) -> Posting[InvoiceWriteOff] | Refusal:
        books = _books(scope, command.destination)
        return plan_write_off(books, load_invoice(books, invoice_id), command, write_off_id)

    return post_once(
        scope,
        kind="invoice_write_off",
        external_id=command.external_id,
        content={"invoice_id": invoice_id, **command.content},
        decide=decide,
        existing=lambda write_off_id: get_write_off(scope, invoice_id, write_off_id),
        new_id=new_id,
    )


def plan_write_off(
    books: Books, invoice: Invoice, command: WriteOffInvoice, write_off_id: str
) -> Posting[InvoiceWriteOff] | Refusal:
    """Dr destination (default BAD_DEBT) / Cr ACCOUNTS_RECEIVABLE, dated ``write_off_at``; reads and writes nothing."""
    try:
        rules.ensure_settleable(invoice)
        amount = command.amount if command.amount is not None else invoice.outstanding_balance
        rules.check_amount(invoice, amount, "amount")
        identifier = accounts.identifier(command.destination, default="BAD_DEBT")
        destination = accounts.resolve(books.chart, identifier, field="destination_ledger_account")
        rules.check_write_off_destination(destination, "destination_ledger_account")
        write_off_at = _settlement_date(books, invoice, command.write_off_at or clock.now(), "write_off_at")
    except LedgerError as refused:  # the domain's rules raise; a plan says
        return Refusal.because(refused)
    receivable = books.chart.by_stable_name("ACCOUNTS_RECEIVABLE")
    entry = _new_entry(
        books,
        source=Source("INVOICE_WRITE_OFF", write_off_id),
        moment=write_off_at,
        lines=[Line(destination, Direction.DEBIT, amount), Line(receivable, Direction.CREDIT, amount)],  # type: ignore[arg-type]
        memo=command.memo or f"Write-off of invoice {invoice.invoice_number or invoice.id}",
        tags=command.tags,
    )
    write_off = InvoiceWriteOff(
        write_off_id,
        invoice.id,
        amount,
        write_off_at,
        destination,
        identifier.model_dump(),
        command.external_id,
        command.memo,
        command.tags,
        entry.id,
        automatic=command.run_id is not None,
        run_id=command.run_id,
    )
    after = _touched(rules.with_write_off(invoice, write_off))
    return Posting(
        result=write_off, entries=(entry,), actions=invoice_changes.record_write_off(invoice, after, write_off)
    )


def _live_write_off(books: Books, invoice_id: str, write_off_id: str) -> tuple[Invoice, InvoiceWriteOff]:
    """The invoice's header and one live write-off of it (read together); unknown, deleted, or another
    invoice's write-off: all simply not found (404)."""
    invoice, found = invoice_store.get_with_write_off(books.chart.business_id, invoice_id, write_off_id, books.chart)
    invoice = _found(books, invoice_id, invoice)
    if found is None or not found.live:
        raise WriteOffNotFound(write_off_id)
    return invoice, found


def get_write_off(scope: Scope, invoice_id: str, write_off_id: str) -> InvoiceWriteOff:
    """A live write-off of the invoice; deleted or another invoice's → 404."""
    return _live_write_off(_books(scope), invoice_id, write_off_id)[1]


def list_write_offs(scope: Scope, invoice_id: str) -> list[InvoiceWriteOff]:
    """The invoice's live (not deleted) write-offs (its payments are not read)."""
    books = _books(scope)
    found = invoice_store.write_offs(scope.business_id, invoice_id, books.chart)
    books.verify()
    if found is None:
        raise InvoiceNotFound(invoice_id)
    return [w for w in found if w.live]


def delete_write_off(scope: Scope, invoice_id: str, write_off_id: str) -> Corrected[InvoiceWriteOff]:
    """Seed 001: a reversing entry dated the write-off's own date (the first open day if that date is
    closed); balance and status restored."""

    def decide() -> Posting[Corrected[InvoiceWriteOff]]:
        books = _books(scope)
        before, write_off = _live_write_off(books, invoice_id, write_off_id)
        receivable = books.chart.by_stable_name("ACCOUNTS_RECEIVABLE")
        moved_to, moment = _reversal_moment(books, write_off.write_off_at)
        reversal = replace(
            _new_entry(
                books,
                source=Source("INVOICE_WRITE_OFF_DELETED", write_off_id),
                moment=moment,
                lines=[
                    Line(receivable, Direction.DEBIT, write_off.amount),  # type: ignore[arg-type]
                    Line(write_off.destination, Direction.CREDIT, write_off.amount),
                ],
                memo=f"Deleted write-off {write_off_id}",
                tags=write_off.tags,
            ),
            reverses=write_off.journal_entry_id,
        )
        deleted_at = clock.now()
        after = _touched(rules.without_write_off(before, write_off, deleted_at, reversal.id))
        deleted = replace(write_off, deleted_at=deleted_at, reversal_entry_id=reversal.id)
        return Posting(
            result=Corrected(write_off, moved_to),
            entries=(reversal,),
            actions=(
                *invoice_changes.delete_write_off(before, after, deleted),
                entry_store.mark_reversed(scope.business_id, write_off.journal_entry_id, reversal.id),
            ),
        )

    return post(scope, decide)


# ---- listing --------------------------------------------------------------------------------


def list_invoices(
    scope: Scope, *, status: str | None, due_from: date | None, due_to: date | None, limit: int, cursor: str | None
) -> Page:
    """A page of invoices by due date, optionally of one status; ``due_to`` before ``due_from`` is refused."""
    if due_from and due_to and due_to < due_from:
        raise InvalidRequest("due_at_end", "must be on or after due_at_start")
    listing = f"invoices|{scope.business_id}|{status}|{due_from}|{due_to}"
    position = cursors.decode(listing, cursor)
    books = load_books(scope.business_id)
    found, last = invoice_store.query_by_due_date(
        scope.business_id, books.chart, due_from=due_from, due_to=due_to, status=status, limit=limit, start_key=position
    )
    books.verify()
    return Page(found, cursors.encode(listing, last))
