"""One write-off of an invoice."""

from ledgerline import cold_start  # noqa: F401 - first: no garbage collection while the container starts

# isort: split
from aws_lambda_powertools.event_handler import Response

from ledgerline.api import invoice_views
from ledgerline.api.app import create_app
from ledgerline.api.families import LEDGER
from ledgerline.api.routes import ThisCall
from ledgerline.schemas.invoices import ApiInvoiceWriteOff
from ledgerline.services import invoices

app = lambda_handler = create_app(LEDGER)


DESCRIPTION = "One write-off of the invoice, as seed 001's `ApiInvoiceWriteOff`."


@app.get(
    "/v1/businesses/<businessId>/invoices/<invoiceId>/write-offs/<writeOffId>",
    summary="One write-off",
    description=DESCRIPTION,
    operation_id="business.invoices.write-offs.get",
    present=invoice_views.write_off_for,
)
def get_invoice_write_off(
    call: ThisCall, businessId: str, invoiceId: str, writeOffId: str
) -> Response[ApiInvoiceWriteOff]:
    return call.respond(invoices.get_write_off(call.scope, invoiceId, writeOffId))
