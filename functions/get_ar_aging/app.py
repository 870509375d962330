"""Receivables aging as of a day: open invoices by customer and days past due, beside ACCOUNTS_RECEIVABLE (SPEC §10.3)."""

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
from ledgerline.schemas.statements import ArAgingView
from ledgerline.services import statements

app = lambda_handler = create_app(LEDGER)


DESCRIPTION = (
    "Open invoices as of `effective_date` by days past due (current, 1–30, 31–60, 61–90, over 90), per "
    "customer and in total, with the difference from Accounts Receivable's balance as an unallocated line."
)


@app.get(
    "/v1/businesses/<businessId>/reports/ar-aging",
    operation_id="business.reports.ar-aging.get",
    description=DESCRIPTION,
    summary="Open invoices by customer and days past due",
    present=statement_views.ar_aging,
    sample=Sample(query={"effective_date": "2025-12-31"}),
)
def get_ar_aging(
    call: ThisCall,
    businessId: str,
    effective_date: Annotated[
        Day | None, Query(description="As of the end of this day; default today in the business's timezone.")
    ] = None,
) -> Response[ArAgingView]:
    return call.respond(statements.ar_aging(call.scope, effective_date))
