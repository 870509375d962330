"""GET /v1/businesses/{businessId}/write-off-policy — the policy (disabled by default)."""

from aws_lambda_powertools.event_handler import Response

from ledgerline.api import context, invoice_views
from ledgerline.api.app import create_app, entrypoint
from ledgerline.api.families import LEDGER
from ledgerline.schemas.policy import WriteOffPolicyView
from ledgerline.services import write_offs

app = create_app(LEDGER)


@app.get("/v1/businesses/<businessId>/write-off-policy", operation_id="business.write-off-policy.get")
def get_write_off_policy(businessId: str) -> Response[WriteOffPolicyView]:
    request = context.request(app, business_id=businessId, present=invoice_views.policy)
    return request.respond(write_offs.get_policy(request.scope))


lambda_handler = entrypoint(app)
