"""Invoices by due date, with status and due-date filters."""

from ledgerline import cold_start  # noqa: F401 - first: no garbage collection while the container starts

# isort: split
from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query

from ledgerline.api import invoice_views
from ledgerline.api.app import create_app
from ledgerline.api.families import LEDGER
from ledgerline.api.routes import Sample, ThisCall
from ledgerline.domain.invoices import InvoiceStatus
from ledgerline.schemas.common import Day
from ledgerline.schemas.invoices import InvoiceList
from ledgerline.services import invoices

app = lambda_handler = create_app(LEDGER)

SAMPLE = Sample(query={"status": "SENT", "due_at_start": "2025-01-01", "due_at_end": "2025-12-31", "limit": "25"})


DESCRIPTION = (
    "The business's invoices by due date, filtered by `status` and a due-date range (`due_at_start`, "
    "`due_at_end`), paginated with `limit` and `cursor`."
)


@app.get(
    "/v1/businesses/<businessId>/invoices",
    operation_id="business.invoices.list",
    sample=SAMPLE,
    description=DESCRIPTION,
    summary="Invoices by due date (status and due-date filters)",
    present=invoice_views.invoice_page,
)
def list_invoices(
    call: ThisCall,
    businessId: str,
    status: Annotated[InvoiceStatus | None, Query()] = None,
    due_at_start: Annotated[Day | None, Query(description="Due on or after this date.")] = None,
    due_at_end: Annotated[Day | None, Query(description="Due on or before this date.")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
) -> Response[InvoiceList]:
    return call.respond(
        invoices.list_invoices(
            call.scope, status=status, due_from=due_at_start, due_to=due_at_end, limit=limit, cursor=cursor
        )
    )
