"""The balance sheet as of a day: assets, liabilities and equity with its net income (SPEC §10.3)."""

from ledgerline import cold_start  # noqa: F401 - first: no garbage collection while the container starts

# isort: split
from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query

from ledgerline.api import statement_views
from ledgerline.api.app import create_app
from ledgerline.api.families import LEDGER
from ledgerline.api.routes import Sample, ThisCall
from ledgerline.schemas.common import Day
from ledgerline.schemas.statements import BalanceSheetView
from ledgerline.services import statements

app = lambda_handler = create_app(LEDGER)


DESCRIPTION = (
    "Assets, liabilities and equity as of `effective_date`, per account with section totals; equity includes "
    "the net income not yet closed to retained earnings. Assets always equal liabilities plus equity."
)


@app.get(
    "/v1/businesses/<businessId>/reports/balance-sheet",
    operation_id="business.reports.balance-sheet.get",
    description=DESCRIPTION,
    summary="Assets, liabilities and equity as of a day",
    present=statement_views.balance_sheet,
    sample=Sample(query={"effective_date": "2025-12-31"}),
)
def get_balance_sheet(
    call: ThisCall,
    businessId: str,
    effective_date: Annotated[
        Day | None, Query(description="Balances as of the end of this day; default today in the business's timezone.")
    ] = None,
) -> Response[BalanceSheetView]:
    return call.respond(statements.balance_sheet(call.scope, effective_date))
