"""One write-off run's summary."""

from ledgerline import cold_start  # noqa: F401 - first: no garbage collection while the container starts

# isort: split
from aws_lambda_powertools.event_handler import Response

from ledgerline.api import invoice_views
from ledgerline.api.app import create_app
from ledgerline.api.families import LEDGER
from ledgerline.api.routes import ThisCall
from ledgerline.schemas.policy import WriteOffRun
from ledgerline.services import write_offs

app = lambda_handler = create_app(LEDGER)


DESCRIPTION = (
    "One write-off run: its progress while `running`, then what it wrote off, skipped and failed, with totals."
)


@app.get(
    "/v1/businesses/<businessId>/write-off-runs/<runId>",
    operation_id="business.write-off-runs.get",
    description=DESCRIPTION,
    summary="One run's summary",
    present=invoice_views.run,
)
def get_write_off_run(call: ThisCall, businessId: str, runId: str) -> Response[WriteOffRun]:
    return call.respond(write_offs.get_run(call.scope, runId))
