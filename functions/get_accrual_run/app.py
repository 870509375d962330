"""One accrual run: its progress while running, then what became of every instrument."""

from ledgerline import cold_start  # noqa: F401 - first: no garbage collection while the container starts

# isort: split
from aws_lambda_powertools.event_handler import Response

from ledgerline.api import accrual_views
from ledgerline.api.app import create_app
from ledgerline.api.families import LOANS
from ledgerline.api.routes import ThisCall
from ledgerline.schemas.accruals import AccrualRun
from ledgerline.schemas.loans import SuccessEnvelope
from ledgerline.services import accrual_runs

app = lambda_handler = create_app(LOANS)


DESCRIPTION = (
    "One accrual run: while `running`, its progress; then what it accrued, skipped and failed per instrument, "
    "with exact totals."
)


@app.get(
    "/api/v1/loans/accrual-runs/<run_id>",
    summary="One accrual run: progress, then its result",
    description=DESCRIPTION,
    present=accrual_views.accrual_run,
    message="Accrual run retrieved",
    code="LOANS_ACCRUAL_RUN_RETRIEVED",
)
def get_accrual_run(call: ThisCall, run_id: str) -> Response[SuccessEnvelope[AccrualRun]]:
    return call.respond(accrual_runs.get_run(call.scope, run_id))
