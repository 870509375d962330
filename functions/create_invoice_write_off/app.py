"""Write off part or all of an invoice (``/write-off``, and its alias ``/write-offs``)."""

from ledgerline import cold_start  # noqa: F401 - first: no garbage collection while the container starts

# isort: split
from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body

from ledgerline.api import invoice_views
from ledgerline.api.app import create_app
from ledgerline.api.families import LEDGER
from ledgerline.api.routes import Sample, ThisCall
from ledgerline.schemas.invoices import ApiInvoiceWriteOff, InvoiceWriteOffRequest
from ledgerline.services import invoices

app = lambda_handler = create_app(LEDGER)
SAMPLE = Sample(
    {
        "amount": 50000,
        "memo": "Disputed hours, settled with the customer",
        "destination_ledger_account": {"type": "StableName", "stable_name": "BAD_DEBT"},
        "write_off_at": "2025-03-01T12:00:00Z",
        "external_id": "wo-2025-0107-1",
        "tags": [{"key": "reason", "value": "dispute"}],
    },
    idempotency_key="wo-2025-0107-1",
)
DESCRIPTION = (
    "Writes off `amount` (default: the whole outstanding balance): Dr `destination_ledger_account` (default "
    "BAD_DEBT; an expense or debit-normal revenue account) / Cr Accounts Receivable, dated `write_off_at` "
    "(default now). A voided or settled invoice is 409. `POST …/write-offs` is an alias of `POST "
    "…/write-off`."
)
ROUTE = {
    "status_code": 201,
    "description": DESCRIPTION,
    "existing": True,
    "summary": "Write off part or all",
    "present": invoice_views.write_off_for,
    "sample": SAMPLE,
}
OptionalBody = Annotated[InvoiceWriteOffRequest | None, Body()]


def _write_off(call: ThisCall, invoice_id: str, body: InvoiceWriteOffRequest | None) -> Response:
    write_off, created = invoices.create_write_off(call.scope, invoice_id, (body or InvoiceWriteOffRequest()).command())
    return call.respond(write_off, created=created)


@app.post(
    "/v1/businesses/<businessId>/invoices/<invoiceId>/write-off",
    operation_id="business.invoices.write-off.create",
    **ROUTE,
)
def create_invoice_write_off(
    call: ThisCall, businessId: str, invoiceId: str, body: OptionalBody = None
) -> Response[ApiInvoiceWriteOff]:
    return _write_off(call, invoiceId, body)


@app.post(
    "/v1/businesses/<businessId>/invoices/<invoiceId>/write-offs",
    operation_id="business.invoices.write-offs.create",
    **ROUTE,
)
def create_invoice_write_off_alias(
    call: ThisCall, businessId: str, invoiceId: str, body: OptionalBody = None
) -> Response[ApiInvoiceWriteOff]:
    return _write_off(call, invoiceId, body)
