"""GET /v1/businesses/{businessId}/invoices/{invoiceId}/write-offs — the live write-offs."""

from aws_lambda_powertools.event_handler import Response

from ledgerline.api import context, invoice_views
from ledgerline.api.app import create_app, entrypoint
from ledgerline.api.families import LEDGER
from ledgerline.schemas.invoices import WriteOffList
from ledgerline.services import invoices

app = create_app(LEDGER)


@app.get(
    "/v1/businesses/<businessId>/invoices/<invoiceId>/write-offs", operation_id="business.invoices.write-offs.list"
)
def list_invoice_write_offs(businessId: str, invoiceId: str) -> Response[WriteOffList]:
    request = context.request(app, business_id=businessId, present=invoice_views.write_off_list_for(businessId))
    return request.respond(invoices.list_write_offs(request.scope, context.resource_id(invoiceId, "Invoice")))


lambda_handler = entrypoint(app)
