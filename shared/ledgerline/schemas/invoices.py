"""Invoices, invoice payments and write-offs (invoices & ledger family; seed 001's schemas)."""

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field, StrictInt, field_validator, model_validator

from ledgerline.domain.invoices import (
    CreateInvoice,
    InvoiceStatus,
    NewInvoiceLine,
    RecordInvoicePayment,
    WriteOffInvoice,
    line_amount,
)
from ledgerline.domain.money import MAX_CENTS
from ledgerline.schemas.common import (
    AccountIdentifier,
    Cents,
    ExternalId,
    ListMeta,
    Memo,
    Model,
    MovedReversal,
    Strict,
    Tags,
    Timestamp,
)
from ledgerline.schemas.ledger import ApiTag

Quantity = Annotated[
    Decimal, Field(gt=0, le=1_000_000, max_digits=16, decimal_places=6, description="A positive decimal quantity.")
]
UnitPrice = Annotated[StrictInt, Field(ge=1, le=10**13, description="Unit price in integer cents.")]
ShortText = Annotated[str, Field(max_length=200)]


class InvoiceLineInput(Strict):
    description: Memo | None = None
    product: ShortText | None = None
    unit_price: UnitPrice
    quantity: Quantity = Decimal(1)
    account_identifier: AccountIdentifier | None = Field(default=None, description="Revenue account; default SALES.")

    @model_validator(mode="after")
    def _total_within_limit(self) -> "InvoiceLineInput":
        # SPEC §9.1: a line's total (unit_price × quantity) is an amount like any other, at most 10^13 cents.
        if line_amount(self.unit_price, self.quantity) > MAX_CENTS:
            raise ValueError(f"unit_price × quantity exceeds {MAX_CENTS} cents")
        return self

    def command(self) -> NewInvoiceLine:
        """The line as the use case's command takes it."""
        account = self.account_identifier
        return NewInvoiceLine(
            unit_price=self.unit_price,
            quantity=self.quantity,
            description=self.description,
            product=self.product,
            account=account.model_dump() if account else None,
        )


class CreateInvoiceRequest(Strict):
    external_id: ExternalId | None = None
    invoice_number: ShortText | None = None
    customer_external_id: ShortText | None = None
    sent_at: Timestamp | None = Field(default=None, description="Default: now. The receivable is recognized then.")
    due_at: Timestamp | None = None
    line_items: Annotated[list[InvoiceLineInput], Field(min_length=1, max_length=50)]
    memo: Memo | None = None
    tags: Tags = []

    @field_validator("line_items")
    @classmethod
    def _invoice_total_within_limit(cls, lines: list[InvoiceLineInput]) -> list[InvoiceLineInput]:
        if sum(line_amount(line.unit_price, line.quantity) for line in lines) > MAX_CENTS:
            raise ValueError(f"the invoice total exceeds {MAX_CENTS} cents")
        return lines

    def command(self) -> CreateInvoice:
        """The use case's command for this request."""
        return CreateInvoice(
            lines=tuple(line.command() for line in self.line_items),
            external_id=self.external_id,
            invoice_number=self.invoice_number,
            customer_external_id=self.customer_external_id,
            sent_at=self.sent_at,
            due_at=self.due_at,
            memo=self.memo,
            tags=tuple(tag.tag() for tag in self.tags),
            content=self.model_dump(mode="json"),
        )


class InvoicePaymentRequest(Strict):
    amount: Cents
    paid_at: Timestamp | None = None
    method: Literal["CASH", "CHECK", "CREDIT_CARD", "ACH", "OTHER"] = "OTHER"
    payment_clearing_account_identifier: AccountIdentifier | None = Field(default=None, description="Default: CASH.")
    external_id: ExternalId | None = None
    memo: Memo | None = None

    def command(self) -> RecordInvoicePayment:
        """The use case's command for this request."""
        clearing = self.payment_clearing_account_identifier
        return RecordInvoicePayment(
            amount=self.amount,
            paid_at=self.paid_at,
            method=self.method,
            clearing=clearing.model_dump() if clearing else None,
            external_id=self.external_id,
            memo=self.memo,
            content=self.model_dump(mode="json"),
        )


class InvoiceWriteOffRequest(Strict):
    amount: Cents | None = Field(default=None, description="Default: the whole outstanding balance.")
    memo: Memo | None = None
    destination_ledger_account: AccountIdentifier | None = Field(
        default=None, description="Expense or contra-revenue account; default BAD_DEBT."
    )
    write_off_at: Timestamp | None = None
    external_id: ExternalId | None = None
    tags: Tags = []

    def command(self) -> WriteOffInvoice:
        """The use case's command for this request."""
        destination = self.destination_ledger_account
        return WriteOffInvoice(
            amount=self.amount,
            memo=self.memo,
            destination=destination.model_dump() if destination else None,
            write_off_at=self.write_off_at,
            external_id=self.external_id,
            tags=tuple(tag.tag() for tag in self.tags),
            content=self.model_dump(mode="json"),
        )


# ---- responses (seed 001) -------------------------------------------------------------------


class ApiInvoiceWriteOff(Model):
    id: str = Field(description="Unique identifier for the write-off.")
    invoice_id: str = Field(description="Unique identifier for the invoice the write-off is for.")
    external_id: str | None
    amount: int
    memo: str | None
    destination_ledger_account: AccountIdentifier
    write_off_at: datetime
    transaction_tags: list[ApiTag]


class ApiInvoicePayment(Model):
    id: str
    invoice_id: str
    external_id: str | None
    amount: int
    paid_at: datetime
    method: str
    payment_clearing_account: AccountIdentifier
    memo: str | None
    journal_entry_id: str


class ApiInvoiceLineItem(Model):
    id: str
    description: str | None
    product: str | None
    unit_price: int
    quantity: str
    account_identifier: AccountIdentifier
    total_amount: int


class ApiWriteOffExemption(Model):
    """Why the write-off policy no longer writes this invoice off (not in seed 001: an addition)."""

    reason: Literal["AUTOMATIC_WRITE_OFF_DELETED"] = Field(
        description="A user deleted the automatic write-off the policy had made of this invoice."
    )
    write_off_id: str = Field(description="The deleted automatic write-off.")
    exempt_since: datetime = Field(
        description="When it was deleted; automatic write-off runs skip the invoice "
        "from then on. A user may still write it off."
    )


class ApiInvoice(Model):
    id: str
    type: Literal["Invoice"] = "Invoice"
    business_id: str
    external_id: str | None
    invoice_number: str | None
    customer_external_id: str | None
    status: InvoiceStatus
    sent_at: datetime
    due_at: datetime | None
    paid_at: datetime | None
    voided_at: datetime | None
    line_items: list[ApiInvoiceLineItem]
    subtotal: int
    total_amount: int
    outstanding_balance: int
    payments: list[ApiInvoicePayment]
    write_offs: list[ApiInvoiceWriteOff]
    memo: str | None
    transaction_tags: list[ApiTag]
    journal_entry_id: str
    automatic_write_off_exemption: ApiWriteOffExemption | None = Field(
        default=None,
        description="Set when an automatic write-off of the invoice was deleted: the write-off "
        "policy never writes it off again. Null otherwise.",
    )


class InvoiceList(Model):
    data: list[ApiInvoice]
    meta: ListMeta


class WriteOffList(Model):
    data: list[ApiInvoiceWriteOff]
    meta: ListMeta


class DeletedWriteOffView(MovedReversal, ApiInvoiceWriteOff):
    pass


class VoidedInvoiceView(MovedReversal, ApiInvoice):
    pass
