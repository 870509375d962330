"""DELETE /v1/businesses/{businessId}/custom-journal-entries/{entryId} — reverse it (once)."""

from aws_lambda_powertools.event_handler import Response

from ledgerline.api import context, views
from ledgerline.api.app import create_app, entrypoint
from ledgerline.api.families import LEDGER
from ledgerline.schemas.ledger import JournalEntryView
from ledgerline.services import ledger

app = create_app(LEDGER)


@app.delete(
    "/v1/businesses/<businessId>/custom-journal-entries/<entryId>",
    operation_id="business.custom-journal-entries.delete",
)
def delete_custom_journal_entry(businessId: str, entryId: str) -> Response[JournalEntryView]:
    request = context.request(app, business_id=businessId, present=views.entry, status=200)
    entry_id = context.resource_id(entryId, "Journal entry")
    return request.respond(ledger.reverse_custom_entry(request.scope, entry_id))


lambda_handler = entrypoint(app)
