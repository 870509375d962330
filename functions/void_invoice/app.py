"""POST /v1/businesses/{businessId}/invoices/{invoiceId}/void — void an invoice without payments or write-offs."""

from aws_lambda_powertools.event_handler import Response

from ledgerline.api import context, invoice_views
from ledgerline.api.app import create_app, entrypoint
from ledgerline.api.families import LEDGER
from ledgerline.schemas.invoices import ApiInvoice
from ledgerline.services import invoices

app = create_app(LEDGER)


@app.post("/v1/businesses/<businessId>/invoices/<invoiceId>/void", operation_id="business.invoices.void")
def void_invoice(businessId: str, invoiceId: str) -> Response[ApiInvoice]:
    request = context.request(app, business_id=businessId, present=invoice_views.invoice, status=200)
    return request.respond(invoices.void_invoice(request.scope, context.resource_id(invoiceId, "Invoice")))


lambda_handler = entrypoint(app)
