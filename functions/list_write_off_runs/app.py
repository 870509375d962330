"""GET /v1/businesses/{businessId}/write-off-runs — run summaries, newest first."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query

from ledgerline.api import context, invoice_views
from ledgerline.api.app import create_app, entrypoint
from ledgerline.api.families import LEDGER
from ledgerline.schemas.policy import WriteOffRunList
from ledgerline.services import write_offs

app = create_app(LEDGER)


@app.get("/v1/businesses/<businessId>/write-off-runs", operation_id="business.write-off-runs.list")
def list_write_off_runs(
    businessId: str,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
) -> Response[WriteOffRunList]:
    request = context.request(app, business_id=businessId, present=invoice_views.run_page)
    return request.respond(write_offs.list_runs(request.scope, limit=limit, cursor=cursor))


lambda_handler = entrypoint(app)
