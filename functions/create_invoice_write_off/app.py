"""POST .../invoices/{invoiceId}/write-off (and its alias /write-offs) — write off part or all."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body

from ledgerline.api import context, invoice_views
from ledgerline.api.app import create_app, entrypoint
from ledgerline.api.families import LEDGER
from ledgerline.schemas.invoices import ApiInvoiceWriteOff, InvoiceWriteOffRequest
from ledgerline.services import invoices

app = create_app(LEDGER)


def _write_off(business_id: str, invoice_id: str, body: InvoiceWriteOffRequest | None) -> Response:
    request = context.request(
        app, business_id=business_id, present=invoice_views.write_off_for(business_id), status=201
    )
    invoice_id = context.resource_id(invoice_id, "Invoice")
    write_off, created = invoices.create_write_off(request.scope, invoice_id, body or InvoiceWriteOffRequest())
    return request.respond(write_off, status=201 if created else 200)


@app.post(
    "/v1/businesses/<businessId>/invoices/<invoiceId>/write-off", operation_id="business.invoices.write-off.create"
)
def create_invoice_write_off(
    businessId: str, invoiceId: str, body: Annotated[InvoiceWriteOffRequest | None, Body()] = None
) -> Response[ApiInvoiceWriteOff]:
    return _write_off(businessId, invoiceId, body)


@app.post(
    "/v1/businesses/<businessId>/invoices/<invoiceId>/write-offs", operation_id="business.invoices.write-offs.create"
)
def create_invoice_write_off_alias(
    businessId: str, invoiceId: str, body: Annotated[InvoiceWriteOffRequest | None, Body()] = None
) -> Response[ApiInvoiceWriteOff]:
    return _write_off(businessId, invoiceId, body)


lambda_handler = entrypoint(app)
