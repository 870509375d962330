"""The trial balance: every balance and the two equal totals, now or as of a day."""

from ledgerline import cold_start  # noqa: F401 - first: no garbage collection while the container starts

# isort: split
from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query

from ledgerline.api import views
from ledgerline.api.app import create_app
from ledgerline.api.families import LEDGER
from ledgerline.api.routes import ThisCall
from ledgerline.schemas.common import Day
from ledgerline.schemas.ledger import TrialBalance
from ledgerline.services import ledger

app = lambda_handler = create_app(LEDGER)


DESCRIPTION = (
    "Every account's debit or credit balance as of `effective_date` (default: now), and the two totals, which "
    "are equal."
)


@app.get(
    "/v1/businesses/<businessId>/reports/trial-balance",
    operation_id="business.reports.trial-balance.get",
    description=DESCRIPTION,
    summary="Every balance and the two equal totals",
    present=views.trial_balance,
)
def get_trial_balance(
    call: ThisCall,
    businessId: str,
    effective_date: Annotated[
        Day | None,
        Query(description="Balances as of the end of this day (from the period rows); default: as they stand now."),
    ] = None,
) -> Response[TrialBalance]:
    return call.respond(ledger.trial_balance(call.scope, effective_date))
