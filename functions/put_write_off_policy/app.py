"""PUT /v1/businesses/{businessId}/write-off-policy — what the daily job may write off."""

from aws_lambda_powertools.event_handler import Response

from ledgerline.api import context, invoice_views
from ledgerline.api.app import create_app, entrypoint
from ledgerline.api.families import LEDGER
from ledgerline.schemas.policy import WriteOffPolicyRequest, WriteOffPolicyView
from ledgerline.services import write_offs

app = create_app(LEDGER)


@app.put("/v1/businesses/<businessId>/write-off-policy", operation_id="business.write-off-policy.put")
def put_write_off_policy(businessId: str, body: WriteOffPolicyRequest) -> Response[WriteOffPolicyView]:
    request = context.request(app, business_id=businessId, present=invoice_views.policy, status=200)
    return request.respond(write_offs.put_policy(request.scope, body))


lambda_handler = entrypoint(app)
