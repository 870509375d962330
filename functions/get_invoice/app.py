"""GET /v1/businesses/{businessId}/invoices/{invoiceId} — one invoice with payments and write-offs."""

from aws_lambda_powertools.event_handler import Response

from ledgerline.api import context, invoice_views
from ledgerline.api.app import create_app, entrypoint
from ledgerline.api.families import LEDGER
from ledgerline.schemas.invoices import ApiInvoice
from ledgerline.services import invoices

app = create_app(LEDGER)


@app.get("/v1/businesses/<businessId>/invoices/<invoiceId>", operation_id="business.invoices.get")
def get_invoice(businessId: str, invoiceId: str) -> Response[ApiInvoice]:
    request = context.request(app, business_id=businessId, present=invoice_views.invoice)
    return request.respond(invoices.get_invoice(request.scope, context.resource_id(invoiceId, "Invoice")))


lambda_handler = entrypoint(app)
