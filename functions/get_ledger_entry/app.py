"""GET /v1/businesses/{businessId}/ledger/entries/{entryId} — one journal entry with its lines."""

from aws_lambda_powertools.event_handler import Response

from ledgerline.api import context, views
from ledgerline.api.app import create_app, entrypoint
from ledgerline.api.families import LEDGER
from ledgerline.schemas.ledger import JournalEntryView
from ledgerline.services import ledger

app = create_app(LEDGER)


@app.get("/v1/businesses/<businessId>/ledger/entries/<entryId>", operation_id="business.ledger.entries.get")
def get_ledger_entry(businessId: str, entryId: str) -> Response[JournalEntryView]:
    request = context.request(app, business_id=businessId, present=views.entry)
    return request.respond(ledger.get_entry(request.scope, context.resource_id(entryId, "Journal entry")))


lambda_handler = entrypoint(app)
