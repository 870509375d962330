"""GET /v1/businesses/{businessId}/ledger/entries — journal entries by date, filtered and paginated."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query

from ledgerline.api import context, views
from ledgerline.api.app import create_app, entrypoint
from ledgerline.api.families import LEDGER
from ledgerline.schemas.common import Day
from ledgerline.schemas.ledger import JournalEntryList
from ledgerline.services import ledger

app = create_app(LEDGER)


@app.get("/v1/businesses/<businessId>/ledger/entries", operation_id="business.ledger.entries.list")
def list_ledger_entries(
    businessId: str,
    start_date: Annotated[Day | None, Query(description="First entry date included.")] = None,
    end_date: Annotated[Day | None, Query(description="Last entry date included.")] = None,
    source_type: Annotated[str | None, Query(max_length=64, description="e.g. CUSTOM_JOURNAL_ENTRY")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
) -> Response[JournalEntryList]:
    request = context.request(app, business_id=businessId, present=views.entry_page)
    page = ledger.list_entries(
        request.scope, start=start_date, end=end_date, source_type=source_type, limit=limit, cursor=cursor
    )
    return request.respond(page)


lambda_handler = entrypoint(app)
