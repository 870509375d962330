"""POST /v1/businesses/{businessId}/write-off-runs — run the write-off job now for this business."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body

from ledgerline.api import context, invoice_views
from ledgerline.api.app import create_app, entrypoint
from ledgerline.api.families import LEDGER
from ledgerline.schemas.policy import WriteOffRun, WriteOffRunRequest
from ledgerline.services import write_offs

app = create_app(LEDGER)


@app.post("/v1/businesses/<businessId>/write-off-runs", operation_id="business.write-off-runs.create")
def create_write_off_run(
    businessId: str, body: Annotated[WriteOffRunRequest | None, Body()] = None
) -> Response[WriteOffRun]:
    request = context.request(app, business_id=businessId, present=invoice_views.run, status=201)
    body = body or WriteOffRunRequest()
    summary = write_offs.run_for_business(request.scope.business_id, body.run_date, dry_run=body.dry_run,
                                          idempotency=request.scope.idempotency)
    return request.respond(summary)


lambda_handler = entrypoint(app)
