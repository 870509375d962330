"""An invoice's live write-offs."""

from ledgerline import cold_start  # noqa: F401 - first: no garbage collection while the container starts

# isort: split
from aws_lambda_powertools.event_handler import Response

from ledgerline.api import invoice_views
from ledgerline.api.app import create_app
from ledgerline.api.families import LEDGER
from ledgerline.api.routes import ThisCall
from ledgerline.schemas.invoices import WriteOffList
from ledgerline.services import invoices

app = lambda_handler = create_app(LEDGER)


DESCRIPTION = "The invoice's write-offs that have not been deleted."


@app.get(
    "/v1/businesses/<businessId>/invoices/<invoiceId>/write-offs",
    summary="The live write-offs",
    description=DESCRIPTION,
    operation_id="business.invoices.write-offs.list",
    present=invoice_views.write_off_list_for,
)
def list_invoice_write_offs(call: ThisCall, businessId: str, invoiceId: str) -> Response[WriteOffList]:
    return call.respond(invoices.list_write_offs(call.scope, invoiceId))
