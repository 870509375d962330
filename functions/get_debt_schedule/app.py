"""GET /api/v1/businesses/{business_id}/cfo-portal/debt-schedule — instruments and totals per direction."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query

from ledgerline.api import context, loan_views
from ledgerline.api.app import create_app, entrypoint
from ledgerline.api.families import LOANS
from ledgerline.domain.loans import InstrumentStatus, LoanDirection
from ledgerline.schemas.loans import DebtSchedule, SuccessEnvelope
from ledgerline.services import loan_queries

app = create_app(LOANS)


@app.get("/api/v1/businesses/<business_id>/cfo-portal/debt-schedule")
def cfo_portal_get_debt_schedule(
    business_id: str,
    status: Annotated[InstrumentStatus | None, Query()] = None,
    direction: Annotated[LoanDirection | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
) -> Response[SuccessEnvelope[DebtSchedule]]:
    request = context.request(
        app,
        business_id=business_id,
        present=loan_views.debt_schedule,
        message="Debt schedule retrieved",
        code="DEBT_SCHEDULE_RETRIEVED",
    )
    schedule = loan_queries.debt_schedule(request.scope, status=status, direction=direction, limit=limit, cursor=cursor)
    return request.respond(schedule)


lambda_handler = entrypoint(app)
