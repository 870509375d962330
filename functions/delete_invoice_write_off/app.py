"""Seed 001: delete a write-off (its entry is reversed)."""

from ledgerline import cold_start  # noqa: F401 - first: no garbage collection while the container starts

# isort: split
from aws_lambda_powertools.event_handler import Response

from ledgerline.api import invoice_views
from ledgerline.api.app import create_app
from ledgerline.api.families import LEDGER
from ledgerline.api.routes import Sample, ThisCall
from ledgerline.schemas.invoices import DeletedWriteOffView
from ledgerline.services import invoices

app = lambda_handler = create_app(LEDGER)


@app.delete(
    "/v1/businesses/<businessId>/invoices/<invoiceId>/write-offs/<writeOffId>",
    operation_id="business.invoices.write-offs.delete",
    summary="Delete write-off",
    description="Deletes a write-off for a business.",
    present=invoice_views.deleted_write_off_for,
    sample=Sample(idempotency_key="delete-wo-2025-0107-1"),
)
def delete_invoice_write_off(
    call: ThisCall, businessId: str, invoiceId: str, writeOffId: str
) -> Response[DeletedWriteOffView]:
    return call.respond(invoices.delete_write_off(call.scope, invoiceId, writeOffId))
