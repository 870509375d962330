"""Journal entries by date, filtered and paginated."""

from ledgerline import cold_start  # noqa: F401 - first: no garbage collection while the container starts

# isort: split
from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query

from ledgerline.api import views
from ledgerline.api.app import create_app
from ledgerline.api.families import LEDGER
from ledgerline.api.routes import Sample, ThisCall
from ledgerline.schemas.common import Day
from ledgerline.schemas.ledger import JournalEntryList
from ledgerline.services import ledger

app = lambda_handler = create_app(LEDGER)

SAMPLE = Sample(query={"start_date": "2025-01-01", "end_date": "2025-12-31", "limit": "25"})


DESCRIPTION = (
    "Journal entries by date, filtered by `start_date`, `end_date` and `source_type`, paginated with `limit` "
    "and `cursor`."
)


@app.get(
    "/v1/businesses/<businessId>/ledger/entries",
    operation_id="business.ledger.entries.list",
    sample=SAMPLE,
    description=DESCRIPTION,
    summary="Journal entries by date, filtered and paginated",
    present=views.entry_page,
)
def list_ledger_entries(
    call: ThisCall,
    businessId: str,
    start_date: Annotated[Day | None, Query(description="First entry date included.")] = None,
    end_date: Annotated[Day | None, Query(description="Last entry date included.")] = None,
    source_type: Annotated[str | None, Query(max_length=64, description="e.g. CUSTOM_JOURNAL_ENTRY")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
) -> Response[JournalEntryList]:
    return call.respond(
        ledger.list_entries(
            call.scope, start=start_date, end=end_date, source_type=source_type, limit=limit, cursor=cursor
        )
    )
