"""POST /v1/businesses/{businessId}/invoices/{invoiceId}/payment — record a payment (Dr clearing / Cr AR)."""

from aws_lambda_powertools.event_handler import Response

from ledgerline.api import context, invoice_views
from ledgerline.api.app import create_app, entrypoint
from ledgerline.api.families import LEDGER
from ledgerline.schemas.invoices import ApiInvoicePayment, InvoicePaymentRequest
from ledgerline.services import invoices

app = create_app(LEDGER)


@app.post("/v1/businesses/<businessId>/invoices/<invoiceId>/payment", operation_id="business.invoices.payment.create")
def create_invoice_payment(businessId: str, invoiceId: str, body: InvoicePaymentRequest) -> Response[ApiInvoicePayment]:
    request = context.request(app, business_id=businessId, present=invoice_views.payment, status=201)
    result, created = invoices.record_payment(request.scope, context.resource_id(invoiceId, "Invoice"), body)
    return request.respond(result, status=201 if created else 200)


lambda_handler = entrypoint(app)
