"""Profit and loss over a range: income and expenses per account, optionally one column per month (SPEC §10.3)."""

from ledgerline import cold_start  # noqa: F401 - first: no garbage collection while the container starts

# isort: split
from typing import Annotated, Literal

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query

from ledgerline.api import statement_views
from ledgerline.api.app import create_app
from ledgerline.api.families import LEDGER
from ledgerline.api.routes import Sample, ThisCall
from ledgerline.schemas.common import Day
from ledgerline.schemas.statements import ProfitAndLossView
from ledgerline.services import statements

app = lambda_handler = create_app(LEDGER)

SAMPLE = Sample(query={"start_date": "2025-01-01", "end_date": "2025-12-31", "group_by": "month"})


DESCRIPTION = (
    "Income, expenses and net profit between `start_date` and `end_date`, nested per account; "
    "`group_by=month` adds one column per calendar month."
)


@app.get(
    "/v1/businesses/<businessId>/reports/profit-and-loss",
    operation_id="business.reports.profit-and-loss.get",
    description=DESCRIPTION,
    summary="Income, expenses and net profit over a range",
    present=statement_views.profit_and_loss,
    sample=SAMPLE,
)
def get_profit_and_loss(
    call: ThisCall,
    businessId: str,
    start_date: Annotated[
        Day | None, Query(description="First day included; default January 1 of end_date's year.")
    ] = None,
    end_date: Annotated[
        Day | None,
        Query(
            description="Last day included; default today in the business's "
            "timezone. At most 120 calendar months from start_date's."
        ),
    ] = None,
    group_by: Annotated[Literal["month"] | None, Query(description="month: one column per calendar month.")] = None,
) -> Response[ProfitAndLossView]:
    return call.respond(statements.profit_and_loss(call.scope, start_date, end_date, by_month=group_by == "month"))
