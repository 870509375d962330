"""POST /v1/businesses/{businessId}/invoices — create an invoice (Dr AR / Cr revenue)."""

from aws_lambda_powertools.event_handler import Response

from ledgerline.api import context, invoice_views
from ledgerline.api.app import create_app, entrypoint
from ledgerline.api.families import LEDGER
from ledgerline.schemas.invoices import ApiInvoice, CreateInvoiceRequest
from ledgerline.services import invoices

app = create_app(LEDGER)


@app.post("/v1/businesses/<businessId>/invoices", operation_id="business.invoices.create")
def create_invoice(businessId: str, body: CreateInvoiceRequest) -> Response[ApiInvoice]:
    request = context.request(app, business_id=businessId, present=invoice_views.invoice, status=201)
    invoice, created = invoices.create_invoice(request.scope, body)
    return request.respond(invoice, status=201 if created else 200)


lambda_handler = entrypoint(app)
