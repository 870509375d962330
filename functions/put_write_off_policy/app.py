"""Set what the daily write-off job may write off."""

from ledgerline import cold_start  # noqa: F401 - first: no garbage collection while the container starts

# isort: split
from aws_lambda_powertools.event_handler import Response

from ledgerline.api import invoice_views
from ledgerline.api.app import create_app
from ledgerline.api.families import LEDGER
from ledgerline.api.routes import Sample, ThisCall
from ledgerline.schemas.policy import WriteOffPolicyRequest, WriteOffPolicyView
from ledgerline.services import write_offs

app = lambda_handler = create_app(LEDGER)

SAMPLE = Sample(
    {
        "enabled": True,
        "invoices": {
            "enabled": True,
            "days_past_due": 120,
            "destination_ledger_account": {"type": "StableName", "stable_name": "BAD_DEBT"},
        },
        "loans": {"enabled": True, "days_past_maturity": 90, "days_without_payment": 180},
    },
    idempotency_key="write-off-policy-2025-06",
)


DESCRIPTION = (
    "Sets the write-off policy: invoices `days_past_due` after their due date (to "
    "`destination_ledger_account`, default BAD_DEBT), and loans the business made `days_past_maturity` after "
    "maturity or `days_without_payment` without a payment. Debt the business owes is never written off "
    "automatically."
)


@app.put(
    "/v1/businesses/<businessId>/write-off-policy",
    operation_id="business.write-off-policy.put",
    description=DESCRIPTION,
    summary="What the daily job may write off",
    present=invoice_views.policy,
    sample=SAMPLE,
)
def put_write_off_policy(call: ThisCall, businessId: str, body: WriteOffPolicyRequest) -> Response[WriteOffPolicyView]:
    return call.respond(write_offs.put_policy(call.scope, body.command()))
