"""One invoice with its payments and write-offs."""

from ledgerline import cold_start  # noqa: F401 - first: no garbage collection while the container starts

# isort: split
from aws_lambda_powertools.event_handler import Response

from ledgerline.api import invoice_views
from ledgerline.api.app import create_app
from ledgerline.api.families import LEDGER
from ledgerline.api.routes import ThisCall
from ledgerline.schemas.invoices import ApiInvoice
from ledgerline.services import invoices

app = lambda_handler = create_app(LEDGER)


DESCRIPTION = "One invoice with its line items, payments and write-offs, its outstanding balance and its status."


@app.get(
    "/v1/businesses/<businessId>/invoices/<invoiceId>",
    operation_id="business.invoices.get",
    description=DESCRIPTION,
    summary="One invoice with payments and write-offs",
    present=invoice_views.invoice,
)
def get_invoice(call: ThisCall, businessId: str, invoiceId: str) -> Response[ApiInvoice]:
    return call.respond(invoices.get_invoice(call.scope, invoiceId))
