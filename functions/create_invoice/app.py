"""Create an invoice: Dr Accounts Receivable, Cr revenue."""

from ledgerline import cold_start  # noqa: F401 - first: no garbage collection while the container starts

# isort: split
from aws_lambda_powertools.event_handler import Response

from ledgerline.api import invoice_views
from ledgerline.api.app import create_app
from ledgerline.api.families import LEDGER
from ledgerline.api.routes import Sample, ThisCall
from ledgerline.schemas.invoices import ApiInvoice, CreateInvoiceRequest
from ledgerline.services import invoices

app = lambda_handler = create_app(LEDGER)
SAMPLE = Sample(
    {
        "external_id": "inv-2025-0107",
        "invoice_number": "INV-2025-0107",
        "customer_external_id": "cust-northwind",
        "sent_at": "2025-01-15T10:00:00Z",
        "due_at": "2025-02-14T23:59:59Z",
        "line_items": [
            {
                "description": "Bookkeeping, January",
                "product": "bookkeeping-hours",
                "unit_price": 12500,
                "quantity": 40,
                "account_identifier": {"type": "StableName", "stable_name": "SALES"},
            },
            {"description": "Year-end close", "product": "year-end-close", "unit_price": 150000, "quantity": 1},
        ],
        "memo": "Net 30",
        "tags": [{"key": "region", "value": "west"}],
    },
    idempotency_key="inv-2025-0107",
)


DESCRIPTION = (
    "An invoice of 1 to 50 line items (`unit_price` in cents × a decimal `quantity`, each credited to its "
    "account, default SALES), its total debited to Accounts Receivable. The same `external_id` with the same "
    "content returns the existing invoice (200)."
)


@app.post(
    "/v1/businesses/<businessId>/invoices",
    operation_id="business.invoices.create",
    status_code=201,
    description=DESCRIPTION,
    existing=True,
    summary="Create an invoice (Dr AR / Cr revenue)",
    present=invoice_views.invoice,
    sample=SAMPLE,
)
def create_invoice(call: ThisCall, businessId: str, body: CreateInvoiceRequest) -> Response[ApiInvoice]:
    invoice, created = invoices.create_invoice(call.scope, body.command())
    return call.respond(invoice, created=created)
