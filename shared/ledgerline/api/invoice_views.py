"""Invoices-family results -> bare bodies (seed 001's ApiInvoiceWriteOff, ApiTag, ApiError shapes)."""

from dataclasses import asdict
from typing import Any

from ledgerline.api.routes import for_business
from ledgerline.api.views import api_tags, moved
from ledgerline.domain.accounts import Account
from ledgerline.domain.invoices import Invoice, InvoicePayment, InvoiceWriteOff, WriteOffExemption
from ledgerline.domain.policy import RunItem, WriteOffPolicy, WriteOffRun
from ledgerline.schemas import invoices as schema
from ledgerline.schemas.policy import InvoicePolicy, LoanPolicy, WriteOffPolicyView
from ledgerline.schemas.policy import RunItem as RunItemView
from ledgerline.schemas.policy import WriteOffRun as WriteOffRunView
from ledgerline.services.invoices import PaymentResult
from ledgerline.services.ledger import Corrected, Page


def _page(data: list[dict[str, Any]], cursor: str | None) -> dict[str, Any]:
    return {"data": data, "meta": {"pagination": {"cursor": cursor, "has_more": cursor is not None}}}


def _by_id(account: Account) -> dict[str, str]:
    return {"type": "AccountId", "id": account.id}


def _write_off(business_id: str, value: InvoiceWriteOff) -> schema.ApiInvoiceWriteOff:
    return schema.ApiInvoiceWriteOff(
        id=value.id,
        invoice_id=value.invoice_id,
        external_id=value.external_id,
        amount=value.amount,
        memo=value.memo,
        destination_ledger_account=value.destination_identifier,
        write_off_at=value.write_off_at,
        transaction_tags=api_tags(business_id, value.id, value.tags),
    )


def _payment(invoice_id: str, value: InvoicePayment) -> schema.ApiInvoicePayment:
    return schema.ApiInvoicePayment(
        id=value.id,
        invoice_id=invoice_id,
        external_id=value.external_id,
        amount=value.amount,
        paid_at=value.paid_at,
        method=value.method,
        payment_clearing_account=_by_id(value.clearing_account),
        memo=value.memo,
        journal_entry_id=value.journal_entry_id,
    )


def _invoice(value: Invoice) -> schema.ApiInvoice:
    return schema.ApiInvoice(
        id=value.id,
        business_id=value.business_id,
        external_id=value.external_id,
        invoice_number=value.invoice_number,
        customer_external_id=value.customer_external_id,
        status=value.status,
        sent_at=value.sent_at,
        due_at=value.due_at,
        paid_at=value.paid_at,
        voided_at=value.voided_at,
        line_items=[
            schema.ApiInvoiceLineItem(
                id=line.id,
                description=line.description,
                product=line.product,
                unit_price=line.unit_price,
                quantity=str(line.quantity),
                account_identifier=_by_id(line.account),
                total_amount=line.total_amount,
            )
            for line in value.lines
        ],
        subtotal=value.total_amount,
        total_amount=value.total_amount,
        outstanding_balance=value.outstanding_balance,
        payments=[_payment(value.id, p) for p in value.payments],
        write_offs=[_write_off(value.business_id, w) for w in value.live_write_offs],
        memo=value.memo,
        transaction_tags=api_tags(value.business_id, value.id, value.tags),
        journal_entry_id=value.journal_entry_id,
        automatic_write_off_exemption=_exemption(value.automatic_write_off_exemption),
    )


def _exemption(value: WriteOffExemption | None) -> schema.ApiWriteOffExemption | None:
    if value is None:
        return None
    return schema.ApiWriteOffExemption(
        reason="AUTOMATIC_WRITE_OFF_DELETED", write_off_id=value.write_off_id, exempt_since=value.since
    )


def invoice(value: Invoice) -> dict[str, Any]:
    return _invoice(value).model_dump(mode="json")


def voided(value: Corrected[Invoice]) -> dict[str, Any]:
    """The voided invoice (``reversal_date`` only when its reversal went to the first open day)."""
    return {**invoice(value.value), **moved(value)}


def invoice_page(page: Page) -> dict[str, Any]:
    return _page([invoice(i) for i in page.items], page.cursor)


def payment(value: PaymentResult) -> dict[str, Any]:
    return _payment(value.invoice.id, value.payment).model_dump(mode="json")


@for_business
def write_off_for(business_id: str):  # noqa: ANN201 - a presenter bound to the request's business
    def present(value: InvoiceWriteOff) -> dict[str, Any]:
        return _write_off(business_id, value).model_dump(mode="json")

    return present


@for_business
def deleted_write_off_for(business_id: str):  # noqa: ANN201 - a presenter bound to the request's business
    def present(value: Corrected[InvoiceWriteOff]) -> dict[str, Any]:
        """The deleted write-off in seed 001's shape (``reversal_date`` only when its reversal went to the
        first open day)."""
        return {**_write_off(business_id, value.value).model_dump(mode="json"), **moved(value)}

    return present


@for_business
def write_off_list_for(business_id: str):  # noqa: ANN201
    def present(values: list[InvoiceWriteOff]) -> dict[str, Any]:
        return _page([_write_off(business_id, w).model_dump(mode="json") for w in values], None)

    return present


def policy(value: WriteOffPolicy) -> dict[str, Any]:
    return WriteOffPolicyView(
        business_id=value.business_id,
        enabled=value.enabled,
        updated_at=value.updated_at or None,
        invoices=InvoicePolicy(
            enabled=value.invoices.enabled,
            days_past_due=value.invoices.days_past_due,
            destination_ledger_account=value.invoices.destination,
        ),
        loans=LoanPolicy(
            enabled=value.loans.enabled,
            days_past_maturity=value.loans.days_past_maturity,
            days_without_payment=value.loans.days_without_payment,
        ),
    ).model_dump(mode="json")


def _run_items(items: tuple[RunItem, ...]) -> list[RunItemView]:
    return [
        RunItemView(type=i.type, id=i.id, amount=i.amount, journal_entry_id=i.journal_entry_id, reason=i.reason)
        for i in items
    ]


def run(value: WriteOffRun) -> dict[str, Any]:
    return WriteOffRunView(
        id=value.id,
        business_id=value.business_id,
        run_date=value.run_date,
        dry_run=value.dry_run,
        trigger=value.trigger,
        status=value.status,
        started_at=value.started_at,
        finished_at=value.finished_at,
        candidates=_run_items(value.candidates),
        written_off=_run_items(value.written_off),
        skipped=_run_items(value.skipped),
        failed=_run_items(value.failed),
        totals=asdict(value.totals),
        progress=asdict(value.progress) if value.progress else None,
    ).model_dump(mode="json")


def run_page(page: Page) -> dict[str, Any]:
    return _page([run(summary) for summary in page.items], page.cursor)
