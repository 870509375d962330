"""GET /v1/businesses/{businessId}/write-off-runs/{runId} — one run's summary."""

from aws_lambda_powertools.event_handler import Response

from ledgerline.api import context, invoice_views
from ledgerline.api.app import create_app, entrypoint
from ledgerline.api.families import LEDGER
from ledgerline.schemas.policy import WriteOffRun
from ledgerline.services import write_offs

app = create_app(LEDGER)


@app.get("/v1/businesses/<businessId>/write-off-runs/<runId>", operation_id="business.write-off-runs.get")
def get_write_off_run(businessId: str, runId: str) -> Response[WriteOffRun]:
    request = context.request(app, business_id=businessId, present=invoice_views.run)
    return request.respond(write_offs.get_run(request.scope, context.resource_id(runId, "Write-off run")))


lambda_handler = entrypoint(app)
