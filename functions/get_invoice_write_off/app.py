"""GET /v1/businesses/{businessId}/invoices/{invoiceId}/write-offs/{writeOffId} — one write-off."""

from aws_lambda_powertools.event_handler import Response

from ledgerline.api import context, invoice_views
from ledgerline.api.app import create_app, entrypoint
from ledgerline.api.families import LEDGER
from ledgerline.schemas.invoices import ApiInvoiceWriteOff
from ledgerline.services import invoices

app = create_app(LEDGER)


@app.get(
    "/v1/businesses/<businessId>/invoices/<invoiceId>/write-offs/<writeOffId>",
    operation_id="business.invoices.write-offs.get",
)
def get_invoice_write_off(businessId: str, invoiceId: str, writeOffId: str) -> Response[ApiInvoiceWriteOff]:
    request = context.request(app, business_id=businessId, present=invoice_views.write_off_for(businessId))
    invoice_id = context.resource_id(invoiceId, "Invoice")
    write_off_id = context.resource_id(writeOffId, "Invoice write-off")
    return request.respond(invoices.get_write_off(request.scope, invoice_id, write_off_id))


lambda_handler = entrypoint(app)
