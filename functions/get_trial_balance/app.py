"""The trial balance: every balance and the two equal totals."""

from aws_lambda_powertools.event_handler import Response

from ledgerline.api import views
from ledgerline.api.app import create_app
from ledgerline.api.families import LEDGER
from ledgerline.api.routes import ThisCall
from ledgerline.schemas.ledger import TrialBalance
from ledgerline.services import ledger

app = lambda_handler = create_app(LEDGER)


@app.get("/v1/businesses/<businessId>/reports/trial-balance", operation_id="business.reports.trial-balance.get",
         summary="Every balance and the two equal totals", present=views.trial_balance)
def get_trial_balance(call: ThisCall, businessId: str) -> Response[TrialBalance]:
    return call.respond(ledger.trial_balance(call.scope))
