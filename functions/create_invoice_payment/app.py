"""Record an invoice payment: Dr the clearing account, Cr Accounts Receivable."""

from ledgerline import cold_start  # noqa: F401 - first: no garbage collection while the container starts

# isort: split
from aws_lambda_powertools.event_handler import Response

from ledgerline.api import invoice_views
from ledgerline.api.app import create_app
from ledgerline.api.families import LEDGER
from ledgerline.api.routes import Sample, ThisCall
from ledgerline.schemas.invoices import ApiInvoicePayment, InvoicePaymentRequest
from ledgerline.services import invoices

app = lambda_handler = create_app(LEDGER)
SAMPLE = Sample(
    {
        "amount": 200000,
        "paid_at": "2025-02-10T15:00:00Z",
        "method": "ACH",
        "payment_clearing_account_identifier": {"type": "StableName", "stable_name": "CASH"},
        "external_id": "pmt-2025-0107-1",
        "memo": "Partial payment by ACH",
    },
    idempotency_key="pmt-2025-0107-1",
)


DESCRIPTION = (
    "A customer's payment: Dr the clearing account (`payment_clearing_account_identifier`, default CASH) / Cr "
    "Accounts Receivable. More than the outstanding balance is 400. The same `external_id` with the same "
    "content returns the existing payment (200)."
)


@app.post(
    "/v1/businesses/<businessId>/invoices/<invoiceId>/payment",
    operation_id="business.invoices.payment.create",
    description=DESCRIPTION,
    status_code=201,
    existing=True,
    summary="Record a payment (Dr clearing / Cr AR)",
    present=invoice_views.payment,
    sample=SAMPLE,
)
def create_invoice_payment(
    call: ThisCall, businessId: str, invoiceId: str, body: InvoicePaymentRequest
) -> Response[ApiInvoicePayment]:
    result, created = invoices.record_payment(call.scope, invoiceId, body.command())
    return call.respond(result, created=created)
