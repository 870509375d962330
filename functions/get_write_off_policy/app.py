"""The business's write-off policy (disabled by default)."""

from ledgerline import cold_start  # noqa: F401 - first: no garbage collection while the container starts

# isort: split
from aws_lambda_powertools.event_handler import Response

from ledgerline.api import invoice_views
from ledgerline.api.app import create_app
from ledgerline.api.families import LEDGER
from ledgerline.api.routes import ThisCall
from ledgerline.schemas.policy import WriteOffPolicyView
from ledgerline.services import write_offs

app = lambda_handler = create_app(LEDGER)


DESCRIPTION = (
    "What the daily write-off job may write off for this business: overdue invoices, and loans the business "
    "made. Disabled until set."
)


@app.get(
    "/v1/businesses/<businessId>/write-off-policy",
    operation_id="business.write-off-policy.get",
    description=DESCRIPTION,
    summary="The policy (disabled by default)",
    present=invoice_views.policy,
)
def get_write_off_policy(call: ThisCall, businessId: str) -> Response[WriteOffPolicyView]:
    return call.respond(write_offs.get_policy(call.scope))
