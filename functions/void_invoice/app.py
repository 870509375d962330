"""Void an invoice that has no payments or write-offs."""

from ledgerline import cold_start  # noqa: F401 - first: no garbage collection while the container starts

# isort: split
from aws_lambda_powertools.event_handler import Response

from ledgerline.api import invoice_views
from ledgerline.api.app import create_app
from ledgerline.api.families import LEDGER
from ledgerline.api.routes import Sample, ThisCall
from ledgerline.schemas.invoices import VoidedInvoiceView
from ledgerline.services import invoices

app = lambda_handler = create_app(LEDGER)


DESCRIPTION = (
    "Voids an invoice that has no live payment or write-off (else 409): its entry is reversed and its status "
    "becomes `VOIDED`."
)


@app.post(
    "/v1/businesses/<businessId>/invoices/<invoiceId>/void",
    operation_id="business.invoices.void",
    description=DESCRIPTION,
    summary="Void an invoice without payments or write-offs",
    present=invoice_views.voided,
    sample=Sample(idempotency_key="void-inv-2025-0107"),
)
def void_invoice(call: ThisCall, businessId: str, invoiceId: str) -> Response[VoidedInvoiceView]:
    return call.respond(invoices.void_invoice(call.scope, invoiceId))
