"""Accounts receivable aging as of a day, from the invoices' own history (SPEC §10.3).

An invoice is open on a day if it was sent on or before it, was not voided by then, and still had
something outstanding at the end of it: its total less the payments and write-offs dated on or before
the day — a write-off deleted since counts until the day its reversal is dated (normally its own date,
so it never counts; the first open day when its date was closed, SPEC §10.2). Every date is the
business's calendar date, the date of the journal entry each event posted, so on books where only
invoices move ACCOUNTS_RECEIVABLE the aging's total equals that account's balance on the same day;
the difference (entries of other kinds) is shown as ``unallocated``.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from ledgerline.domain.business import Business
from ledgerline.domain.invoices import Invoice, InvoiceWriteOff

BUCKETS = ("current", "days_1_30", "days_31_60", "days_61_90", "days_over_90")
"""Days past due: not yet due (or no due date), 1–30, 31–60, 61–90, over 90."""


def bucket_of(days_past_due: int) -> str:
    """The bucket of an invoice this many days past its due date (0 or fewer: current)."""
    if days_past_due <= 0:
        return "current"
    if days_past_due <= 30:
        return "days_1_30"
    if days_past_due <= 60:
        return "days_31_60"
    return "days_61_90" if days_past_due <= 90 else "days_over_90"


@dataclass(frozen=True)
class AgedInvoice:
    """An invoice open on the report's day: what it still owed then, and how late it was."""

    invoice: Invoice
    outstanding: int
    due_date: date | None
    days_past_due: int

    @property
    def bucket(self) -> str:
        return bucket_of(self.days_past_due)


@dataclass(frozen=True)
class Buckets:
    """Outstanding cents per bucket (one customer's, or everyone's)."""

    cents: Mapping[str, int]

    @property
    def total(self) -> int:
        return sum(self.cents.values())


def buckets(aged: Iterable[AgedInvoice]) -> Buckets:
    cents = dict.fromkeys(BUCKETS, 0)
    for invoice in aged:
        cents[invoice.bucket] += invoice.outstanding
    return Buckets(cents)


@dataclass(frozen=True)
class CustomerAging:
    customer_external_id: str | None
    invoices: tuple[AgedInvoice, ...]

    @property
    def buckets(self) -> Buckets:
        return buckets(self.invoices)


@dataclass(frozen=True)
class Aging:
    """The open invoices on ``effective_date`` by customer, and ACCOUNTS_RECEIVABLE's balance that day."""

    effective_date: date
    customers: tuple[CustomerAging, ...]
    receivable: int

    @property
    def totals(self) -> Buckets:
        return buckets(invoice for customer in self.customers for invoice in customer.invoices)

    @property
    def unallocated(self) -> int:
        """What ACCOUNTS_RECEIVABLE holds beyond the open invoices (entries of other kinds moved it)."""
        return self.receivable - self.totals.total


def _write_off_counts(
    write_off: InvoiceWriteOff, day: date, business: Business, reversal_dates: Mapping[str, date]
) -> bool:
    dated = business.local_date(write_off.write_off_at)
    if dated > day:
        return False
    if write_off.deleted_at is None:
        return True
    reversed_on = reversal_dates.get(write_off.reversal_entry_id or "", dated)
    return reversed_on > day


def outstanding_on(invoice: Invoice, day: date, business: Business, reversal_dates: Mapping[str, date]) -> int:
    """What ``invoice`` still owed at the end of ``day`` (0 if not sent yet, or voided by then)."""
    sent = business.local_date(invoice.sent_at)
    if sent > day:
        return 0
    if invoice.voided_at is not None and reversal_dates.get(invoice.void_entry_id or "", sent) <= day:
        return 0
    paid = sum(p.amount for p in invoice.payments if business.local_date(p.paid_at) <= day)
    written_off = sum(w.amount for w in invoice.write_offs if _write_off_counts(w, day, business, reversal_dates))
    return invoice.total_amount - paid - written_off


def aging(
    invoices: Iterable[Invoice], day: date, business: Business, *, reversal_dates: Mapping[str, date], receivable: int
) -> Aging:
    """The invoices open at the end of ``day``, by customer (in id order, none last) and by days past due.

    ``reversal_dates``: the date of each void's and deleted write-off's reversing entry, by entry id;
    ``receivable``: ACCOUNTS_RECEIVABLE's balance at the end of ``day``."""
    by_customer: dict[str | None, list[AgedInvoice]] = {}
    for invoice in invoices:
        owed = outstanding_on(invoice, day, business, reversal_dates)
        if owed <= 0:
            continue
        due = business.local_date(invoice.due_at) if invoice.due_at else None
        late = (day - due).days if due else 0
        by_customer.setdefault(invoice.customer_external_id, []).append(AgedInvoice(invoice, owed, due, late))
    ordered = sorted(by_customer.items(), key=lambda item: (item[0] is None, item[0] or ""))
    return Aging(
        day,
        tuple(
            CustomerAging(customer, tuple(sorted(found, key=lambda a: (-a.days_past_due, a.invoice.id))))
            for customer, found in ordered
        ),
        receivable,
    )
