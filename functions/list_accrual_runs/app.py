"""The business's accrual runs, newest first."""

from ledgerline import cold_start  # noqa: F401 - first: no garbage collection while the container starts

# isort: split
from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query

from ledgerline.api import accrual_views
from ledgerline.api.app import create_app
from ledgerline.api.families import LOANS
from ledgerline.api.routes import Sample, ThisCall
from ledgerline.schemas.accruals import AccrualRunList
from ledgerline.schemas.loans import SuccessEnvelope
from ledgerline.services import accrual_runs

app = lambda_handler = create_app(LOANS)


DESCRIPTION = "The business's accrual runs, newest first, paginated with `limit` and `cursor`."


@app.get(
    "/api/v1/loans/accrual-runs",
    summary="Accrual runs, newest first",
    present=accrual_views.accrual_run_page,
    description=DESCRIPTION,
    message="Accrual runs retrieved",
    code="LOANS_ACCRUAL_RUNS_RETRIEVED",
    sample=Sample(query={"limit": "20"}),
)
def list_accrual_runs(
    call: ThisCall,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
) -> Response[SuccessEnvelope[AccrualRunList]]:
    return call.respond(accrual_runs.list_runs(call.scope, limit=limit, cursor=cursor))
