"""Run the write-off job now for this business (or preview it: ``dry_run``)."""

from ledgerline import cold_start  # noqa: F401 - first: no garbage collection while the container starts

# isort: split
from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body

from ledgerline.api import invoice_views
from ledgerline.api.app import create_app
from ledgerline.api.families import LEDGER
from ledgerline.api.routes import Sample, ThisCall
from ledgerline.schemas.policy import WriteOffRun, WriteOffRunRequest
from ledgerline.services import write_offs

app = lambda_handler = create_app(LEDGER)


@app.post(
    "/v1/businesses/<businessId>/write-off-runs",
    operation_id="business.write-off-runs.create",
    status_code=201,
    summary="Run the write-off job now for this business",
    present=invoice_views.run,
    description="Up to 50 candidates are written off within the request (201, the finished run); more "
    "answer 202 with the run `running`: the queue worker finishes it in parallel chunks, and "
    "GET of the run shows its progress, then its result.",
    accepted=lambda run: run.status == "running",
    sample=Sample({"run_date": "2025-06-30", "dry_run": True}, idempotency_key="dry-run-2025-06-30"),
)
def create_write_off_run(
    call: ThisCall, businessId: str, body: Annotated[WriteOffRunRequest | None, Body()] = None
) -> Response[WriteOffRun]:
    body = body or WriteOffRunRequest()
    return call.respond(
        write_offs.run_for_business(
            call.business_id, body.run_date, dry_run=body.dry_run, idempotency=call.scope.idempotency
        )
    )
