"""Accrue interest on every active loan of the business (month-end safe): an accrual run."""

from ledgerline import cold_start  # noqa: F401 - first: no garbage collection while the container starts

# isort: split
from aws_lambda_powertools.event_handler import Response

from ledgerline.api import accrual_views
from ledgerline.api.app import create_app
from ledgerline.api.families import LOANS
from ledgerline.api.routes import Sample, ThisCall
from ledgerline.schemas.accruals import AccrualRun, AccrueInterestRequest
from ledgerline.schemas.loans import SuccessEnvelope
from ledgerline.services import accrual_runs

app = lambda_handler = create_app(LOANS)
SAMPLE = Sample(
    {"through_date": "2025-03-31", "memo": "Month-end interest accrual"}, idempotency_key="month-end-accrual-2025-03"
)


@app.post(
    "/api/v1/loans/accrue-interest",
    status_code=201,
    summary="Accrue every active instrument (month-end safe)",
    description="Up to 50 instruments are accrued within the request (201, the finished run); more answer 202 "
    "with the run `running`: the queue worker finishes it in parallel chunks, and "
    "GET /api/v1/loans/accrual-runs/{run_id} shows its progress, then its result. Accruing "
    "through the same date again posts nothing new.",
    present=accrual_views.accrual_run,
    message="Interest accrued",
    code="LOANS_INTEREST_ACCRUED",
    sample=SAMPLE,
    accepted=lambda run: run.status == "running",
)
def accrue_all_loans_interest(call: ThisCall, body: AccrueInterestRequest) -> Response[SuccessEnvelope[AccrualRun]]:
    return call.respond(accrual_runs.start(call.scope, body.command()))
