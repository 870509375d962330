"""Reverse a custom journal entry (once): seed 001's delete."""

from ledgerline import cold_start  # noqa: F401 - first: no garbage collection while the container starts

# isort: split
from aws_lambda_powertools.event_handler import Response

from ledgerline.api import views
from ledgerline.api.app import create_app
from ledgerline.api.families import LEDGER
from ledgerline.api.routes import Sample, ThisCall
from ledgerline.schemas.ledger import ReversalView
from ledgerline.services import ledger

app = lambda_handler = create_app(LEDGER)


DESCRIPTION = (
    "Posts the entry's reversing entry (the same lines, directions swapped, linked both ways); an entry is "
    "reversed once (again: 409). An entry in a closed period is reversed on the first open day "
    "(`reversal_date`)."
)


@app.delete(
    "/v1/businesses/<businessId>/custom-journal-entries/<entryId>",
    summary="Reverse it (once)",
    description=DESCRIPTION,
    sample=Sample(idempotency_key="reverse-je-2025-0001"),
    present=views.reversal,
    operation_id="business.custom-journal-entries.delete",
)
def delete_custom_journal_entry(call: ThisCall, businessId: str, entryId: str) -> Response[ReversalView]:
    return call.respond(ledger.reverse_custom_entry(call.scope, entryId))
