"""POST /v1/businesses/{businessId}/custom-journal-entries — post a balanced manual entry."""

from aws_lambda_powertools.event_handler import Response

from ledgerline.api import context, views
from ledgerline.api.app import create_app, entrypoint
from ledgerline.api.families import LEDGER
from ledgerline.schemas.ledger import CustomJournalEntryRequest, JournalEntryView
from ledgerline.services import ledger

app = create_app(LEDGER)


@app.post("/v1/businesses/<businessId>/custom-journal-entries", operation_id="business.custom-journal-entries.create")
def create_custom_journal_entry(businessId: str, body: CustomJournalEntryRequest) -> Response[JournalEntryView]:
    request = context.request(app, business_id=businessId, present=views.entry, status=201)
    entry, created = ledger.post_custom_entry(request.scope, body)
    return request.respond(entry, status=201 if created else 200)


lambda_handler = entrypoint(app)
