"""One journal entry with its lines."""

from ledgerline import cold_start  # noqa: F401 - first: no garbage collection while the container starts

# isort: split
from aws_lambda_powertools.event_handler import Response

from ledgerline.api import views
from ledgerline.api.app import create_app
from ledgerline.api.families import LEDGER
from ledgerline.api.routes import ThisCall
from ledgerline.schemas.ledger import JournalEntryView
from ledgerline.services import ledger

app = lambda_handler = create_app(LEDGER)


DESCRIPTION = (
    "One journal entry: its date, memo, source, line items, tags, and the entry it reverses or is reversed by."
)


@app.get(
    "/v1/businesses/<businessId>/ledger/entries/<entryId>",
    operation_id="business.ledger.entries.get",
    description=DESCRIPTION,
    summary="One journal entry with its lines",
    present=views.entry,
)
def get_ledger_entry(call: ThisCall, businessId: str, entryId: str) -> Response[JournalEntryView]:
    return call.respond(ledger.get_entry(call.scope, entryId))
