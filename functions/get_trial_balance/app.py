"""GET /v1/businesses/{businessId}/reports/trial-balance — every balance and the two equal totals."""

from aws_lambda_powertools.event_handler import Response

from ledgerline.api import context, views
from ledgerline.api.app import create_app, entrypoint
from ledgerline.api.families import LEDGER
from ledgerline.schemas.ledger import TrialBalance
from ledgerline.services import ledger

app = create_app(LEDGER)


@app.get("/v1/businesses/<businessId>/reports/trial-balance", operation_id="business.reports.trial-balance.get")
def get_trial_balance(businessId: str) -> Response[TrialBalance]:
    request = context.request(app, business_id=businessId, present=views.trial_balance)
    return request.respond(ledger.trial_balance(request.scope))


lambda_handler = entrypoint(app)
