"""The debt schedule: instruments and totals per direction."""

from ledgerline import cold_start  # noqa: F401 - first: no garbage collection while the container starts

# isort: split
from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query

from ledgerline.api import instrument_views
from ledgerline.api.app import create_app
from ledgerline.api.families import LOANS
from ledgerline.api.routes import Sample, ThisCall
from ledgerline.domain.loans import InstrumentStatus, LoanDirection
from ledgerline.schemas.instruments import DebtSchedule
from ledgerline.schemas.loans import SuccessEnvelope
from ledgerline.services import loan_queries

app = lambda_handler = create_app(LOANS)


DESCRIPTION = (
    "The business's instruments, filtered by `status` and `direction` and paginated with `limit` and "
    "`cursor`, with the totals per direction (outstanding principal, accrued interest): what the business "
    "owes (`borrow`) and what it is owed (`lend`)."
)


@app.get(
    "/api/v1/businesses/<business_id>/cfo-portal/debt-schedule",
    summary="Instruments and totals per direction",
    description=DESCRIPTION,
    present=instrument_views.debt_schedule,
    message="Debt schedule retrieved",
    code="DEBT_SCHEDULE_RETRIEVED",
    sample=Sample(query={"status": "active", "limit": "25"}),
)
def cfo_portal_get_debt_schedule(
    call: ThisCall,
    business_id: str,
    status: Annotated[InstrumentStatus | None, Query()] = None,
    direction: Annotated[LoanDirection | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
) -> Response[SuccessEnvelope[DebtSchedule]]:
    return call.respond(
        loan_queries.debt_schedule(call.scope, status=status, direction=direction, limit=limit, cursor=cursor)
    )
