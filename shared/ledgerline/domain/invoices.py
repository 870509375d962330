"""Invoices: line amounts, the status rule, and what may happen to an invoice in each state (SPEC §6).

Every rule here decides from an invoice's header alone — its outstanding balance and how many payments
and live write-offs it has — so a change needs no read of its history (issue 12 §3)."""

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, tzinfo
from decimal import Decimal
from enum import StrEnum
from typing import Any

from ledgerline.domain.accounts import Account, AccountType, Direction
from ledgerline.domain.journal import Tag
from ledgerline.domain.money import round_half_even
from ledgerline.errors import ExceedsOutstanding, InvalidRequest, InvoiceStateError


class InvoiceStatus(StrEnum):
    SENT = "SENT"
    PARTIALLY_PAID = "PARTIALLY_PAID"
    PAID = "PAID"
    PARTIALLY_WRITTEN_OFF = "PARTIALLY_WRITTEN_OFF"
    WRITTEN_OFF = "WRITTEN_OFF"
    VOIDED = "VOIDED"


def line_amount(unit_price: int, quantity: Decimal) -> int:
    """round half-even(unit_price × quantity), in cents."""
    return round_half_even(Decimal(unit_price) * quantity)


@dataclass(frozen=True)
class InvoiceLine:
    """One line of an invoice, credited to ``account``; ``total_amount`` is unit price × quantity in cents."""

    id: str
    description: str | None
    product: str | None
    unit_price: int
    quantity: Decimal
    account: Account
    total_amount: int


@dataclass(frozen=True)
class InvoicePayment:
    """A payment of an invoice, debited to ``clearing_account`` by its journal entry."""

    id: str
    amount: int
    paid_at: datetime
    method: str
    clearing_account: Account
    external_id: str | None
    memo: str | None
    journal_entry_id: str


@dataclass(frozen=True)
class NewInvoiceLine:
    """A line of an invoice to create: ``unit_price`` cents × ``quantity``, credited to ``account`` (default SALES)."""

    unit_price: int
    quantity: Decimal = Decimal(1)
    description: str | None = None
    product: str | None = None
    account: Mapping[str, str] | None = None
    """The account identifier as the caller named it (``{"type": "StableName", ...}``); default SALES."""


@dataclass(frozen=True)
class CreateInvoice:
    """A command: create an invoice of ``lines``, recognized as receivable on ``sent_at`` (default now)."""

    lines: tuple[NewInvoiceLine, ...]
    external_id: str | None = None
    invoice_number: str | None = None
    customer_external_id: str | None = None
    sent_at: datetime | None = None
    due_at: datetime | None = None
    memo: str | None = None
    tags: tuple[Tag, ...] = ()
    content: Mapping[str, Any] = field(default_factory=dict)
    """The request as sent (JSON values): what an ``external_id`` reservation fingerprints."""


@dataclass(frozen=True)
class RecordInvoicePayment:
    """A command: a payment of ``amount`` cents towards an invoice, dated ``paid_at`` (default now)."""

    amount: int
    paid_at: datetime | None = None
    method: str = "OTHER"
    """CASH, CHECK, CREDIT_CARD, ACH or OTHER."""
    clearing: Mapping[str, str] | None = None
    """The account the money came into, as the caller named it; default CASH."""
    external_id: str | None = None
    memo: str | None = None
    content: Mapping[str, Any] = field(default_factory=dict)
    """The request as sent (JSON values): what an ``external_id`` reservation fingerprints (with the invoice id)."""


@dataclass(frozen=True)
class WriteOffInvoice:
    """A command: write off part (``amount``) or all of an invoice's outstanding balance."""

    amount: int | None = None
    memo: str | None = None
    destination: Mapping[str, str] | None = None
    """The account identifier as the caller named it (``{"type": "StableName", ...}``); default BAD_DEBT."""
    write_off_at: datetime | None = None
    external_id: str | None = None
    tags: tuple[Tag, ...] = ()
    content: Mapping[str, Any] = field(default_factory=dict)
    """The request as sent (JSON values): what an ``external_id`` reservation fingerprints."""
    run_id: str | None = None
    """The write-off run making it (an automatic write-off); ``None`` for a user's."""


@dataclass(frozen=True)
class InvoiceWriteOff:
    """A write-off of (part of) an invoice; once deleted it keeps its reversal entry's id."""

    id: str
    invoice_id: str
    amount: int
    write_off_at: datetime
    destination: Account
    destination_identifier: dict[str, str]
    """The AccountIdentifier as the caller gave it (or the default), echoed back as given."""
    external_id: str | None
    memo: str | None
    tags: tuple[Tag, ...]
    journal_entry_id: str
    deleted_at: datetime | None = None
    reversal_entry_id: str | None = None
    automatic: bool = False
    """Made by the write-off policy (a run), not by a user: deleting it exempts the invoice
    (:func:`without_write_off`)."""
    run_id: str | None = None
    """The run that made an automatic write-off (``None`` for a user's, and for one made before runs recorded it)."""

    @property
    def live(self) -> bool:
        """Whether the write-off has not been deleted."""
        return self.deleted_at is None


@dataclass(frozen=True)
class WriteOffExemption:
    """The invoice is never written off automatically again: a user deleted the policy's write-off of it
    (issue 13 item 5, docs/decisions.md 115). A user may still write it off by hand."""

    write_off_id: str
    """The deleted automatic write-off."""
    since: datetime
    """When it was deleted."""

    def reason(self, zone: tzinfo) -> str:
        """Why a run skips the invoice, the deletion dated in the business's timezone ``zone``."""
        return (
            f"exempt from automatic write-offs: its automatic write-off {self.write_off_id} was deleted on "
            f"{self.since.astimezone(zone).date()}"
        )


def status_of(*, voided: bool, outstanding: int, total: int, live_write_offs: int) -> InvoiceStatus:
    """SPEC §6's rule over what an invoice's header holds, so a change can store the status it leads to."""
    if voided:
        return InvoiceStatus.VOIDED
    if outstanding == total:
        return InvoiceStatus.SENT
    if outstanding == 0:
        return InvoiceStatus.WRITTEN_OFF if live_write_offs else InvoiceStatus.PAID
    return InvoiceStatus.PARTIALLY_WRITTEN_OFF if live_write_offs else InvoiceStatus.PARTIALLY_PAID


@dataclass(frozen=True)
class Invoice:
    """An invoice as stored: its lines, what is still outstanding (cents), how many payments and live
    write-offs it has, and those payments and write-offs that were read with it (all of them for a whole
    invoice; none for the header alone, which is all a decision reads)."""

    id: str
    business_id: str
    external_id: str | None
    invoice_number: str | None
    customer_external_id: str | None
    sent_at: datetime
    due_at: datetime | None
    lines: tuple[InvoiceLine, ...]
    memo: str | None
    tags: tuple[Tag, ...]
    journal_entry_id: str
    created_at: str
    updated_at: str
    outstanding_balance: int
    paid_at: datetime | None = None
    voided_at: datetime | None = None
    void_entry_id: str | None = None
    payments: tuple[InvoicePayment, ...] = ()
    write_offs: tuple[InvoiceWriteOff, ...] = field(default=())
    payment_count: int = 0
    live_write_off_count: int = 0
    """Kept on the header, so the status and the voiding rule need no read of the write-offs themselves."""
    version: int = 0
    automatic_write_off_exemption: WriteOffExemption | None = None
    """Set, for good, when an automatic write-off of it is deleted: the policy never writes it off again."""

    @property
    def total_amount(self) -> int:
        """The sum of the lines' totals, in cents."""
        return sum(line.total_amount for line in self.lines)

    @property
    def live_write_offs(self) -> tuple[InvoiceWriteOff, ...]:
        """The write-offs not deleted."""
        return tuple(w for w in self.write_offs if w.live)

    @property
    def status(self) -> InvoiceStatus:
        """Derived, never stored on its own: SPEC §6's rule over the outstanding balance (:func:`status_of`)."""
        return status_of(
            voided=self.voided_at is not None,
            outstanding=self.outstanding_balance,
            total=self.total_amount,
            live_write_offs=self.live_write_off_count,
        )


def ensure_settleable(invoice: Invoice) -> None:
    """Payments and write-offs need a live invoice with something outstanding (``InvoiceStateError`` otherwise)."""
    if invoice.voided_at is not None:
        raise InvoiceStateError(f"Invoice {invoice.id} is voided.")
    if invoice.outstanding_balance == 0:
        raise InvoiceStateError(f"Invoice {invoice.id} is fully settled ({invoice.status}).")


def ensure_voidable(invoice: Invoice) -> None:
    """Voiding needs an invoice not voided yet, without payments (they cannot be deleted) or live write-offs."""
    if invoice.voided_at is not None:
        raise InvoiceStateError(f"Invoice {invoice.id} is already voided.")
    if invoice.payment_count or invoice.live_write_off_count:
        raise InvoiceStateError(f"Invoice {invoice.id} has payments or live write-offs.")


def check_amount(invoice: Invoice, amount: int, field_name: str) -> None:
    """More than the invoice's outstanding balance → ``ExceedsOutstanding`` on ``field_name``."""
    if amount > invoice.outstanding_balance:
        raise ExceedsOutstanding(field_name, amount, invoice.outstanding_balance)


def check_write_off_destination(account: Account, field_name: str) -> None:
    """Expense accounts, or contra-revenue (a debit-normal revenue account such as DISCOUNTS)."""
    if account.account_type is AccountType.EXPENSE:
        return
    if account.account_type is AccountType.REVENUE and account.normality is Direction.DEBIT:
        return
    raise InvalidRequest(field_name, "must be an EXPENSE account or a debit-normal (contra) REVENUE account")


def with_payment(invoice: Invoice, payment: InvoicePayment) -> Invoice:
    """The invoice after ``payment``; paying off the balance sets ``paid_at`` to the payment's."""
    outstanding = invoice.outstanding_balance - payment.amount
    paid = replace(
        invoice,
        outstanding_balance=outstanding,
        payments=(*invoice.payments, payment),
        payment_count=invoice.payment_count + 1,
    )
    return replace(paid, paid_at=payment.paid_at) if outstanding == 0 else paid


def with_write_off(invoice: Invoice, write_off: InvoiceWriteOff) -> Invoice:
    """The invoice after ``write_off``: its amount off the outstanding balance."""
    return replace(
        invoice,
        outstanding_balance=invoice.outstanding_balance - write_off.amount,
        write_offs=(*invoice.write_offs, write_off),
        live_write_off_count=invoice.live_write_off_count + 1,
    )


def without_write_off(
    invoice: Invoice, write_off: InvoiceWriteOff, deleted_at: datetime, reversal_entry_id: str
) -> Invoice:
    """The invoice with ``write_off`` (a live one of it) deleted and its amount owed again (``paid_at`` cleared).

    Deleting an automatic write-off is the user overruling the policy: the invoice becomes exempt from
    automatic write-offs from then on (the first such deletion is the one it keeps)."""
    restored = tuple(
        replace(w, deleted_at=deleted_at, reversal_entry_id=reversal_entry_id) if w.id == write_off.id else w
        for w in invoice.write_offs
    )
    exemption = invoice.automatic_write_off_exemption
    if write_off.automatic and exemption is None:
        exemption = WriteOffExemption(write_off.id, deleted_at)
    # Something is owed again, so the invoice is no longer paid in full.
    return replace(
        invoice,
        outstanding_balance=invoice.outstanding_balance + write_off.amount,
        write_offs=restored,
        live_write_off_count=invoice.live_write_off_count - 1,
        paid_at=None,
        automatic_write_off_exemption=exemption,
    )
