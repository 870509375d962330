"""One account's general ledger: opening balance, every line with the running balance, closing balance (SPEC §10.3)."""

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
from ledgerline.schemas.statements import AccountLinesPage
from ledgerline.services import statements

app = lambda_handler = create_app(LEDGER)

SAMPLE = Sample(query={"start_date": "2025-01-01", "end_date": "2025-12-31", "limit": "50"})


DESCRIPTION = (
    "The general ledger of one account between `start_date` and `end_date`: the opening balance, every line "
    "(entry id, date, memo, direction, amount, running balance) and the closing balance, paginated with "
    "`limit` and `cursor`."
)


@app.get(
    "/v1/businesses/<businessId>/ledger/accounts/<accountId>/lines",
    description=DESCRIPTION,
    operation_id="business.ledger.accounts.lines.list",
    sample=SAMPLE,
    summary="An account's lines with running balances (its general ledger), paginated",
    present=statement_views.account_lines,
)
def list_account_lines(
    call: ThisCall,
    businessId: str,
    accountId: str,
    start_date: Annotated[
        Day | None, Query(description="First entry date included; the opening balance is as of the day before.")
    ] = None,
    end_date: Annotated[Day | None, Query(description="Last entry date included.")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
) -> Response[AccountLinesPage]:
    return call.respond(
        statements.account_lines(call.scope, accountId, start=start_date, end=end_date, limit=limit, cursor=cursor)
    )
