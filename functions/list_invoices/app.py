"""GET /v1/businesses/{businessId}/invoices — invoices by due date (status and due-date filters)."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query

from ledgerline.api import context, invoice_views
from ledgerline.api.app import create_app, entrypoint
from ledgerline.api.families import LEDGER
from ledgerline.domain.invoices import InvoiceStatus
from ledgerline.schemas.common import Day
from ledgerline.schemas.invoices import InvoiceList
from ledgerline.services import invoices

app = create_app(LEDGER)


@app.get("/v1/businesses/<businessId>/invoices", operation_id="business.invoices.list")
def list_invoices(
    businessId: str,
    status: Annotated[InvoiceStatus | None, Query()] = None,
    due_at_start: Annotated[Day | None, Query(description="Due on or after this date.")] = None,
    due_at_end: Annotated[Day | None, Query(description="Due on or before this date.")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
) -> Response[InvoiceList]:
    request = context.request(app, business_id=businessId, present=invoice_views.invoice_page)
    page = invoices.list_invoices(
        request.scope, status=status, due_from=due_at_start, due_to=due_at_end, limit=limit, cursor=cursor
    )
    return request.respond(page)


lambda_handler = entrypoint(app)
