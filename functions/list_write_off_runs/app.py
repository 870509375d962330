"""Write-off run summaries, newest first."""

from ledgerline import cold_start  # noqa: F401 - first: no garbage collection while the container starts

# isort: split
from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query

from ledgerline.api import invoice_views
from ledgerline.api.app import create_app
from ledgerline.api.families import LEDGER
from ledgerline.api.routes import Sample, ThisCall
from ledgerline.schemas.policy import WriteOffRunList
from ledgerline.services import write_offs

app = lambda_handler = create_app(LEDGER)


DESCRIPTION = "Write-off run summaries, newest first, paginated with `limit` and `cursor`."


@app.get(
    "/v1/businesses/<businessId>/write-off-runs",
    operation_id="business.write-off-runs.list",
    description=DESCRIPTION,
    summary="Run summaries, newest first",
    present=invoice_views.run_page,
    sample=Sample(query={"limit": "10"}),
)
def list_write_off_runs(
    call: ThisCall,
    businessId: str,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
) -> Response[WriteOffRunList]:
    return call.respond(write_offs.list_runs(call.scope, limit=limit, cursor=cursor))
