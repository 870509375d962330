"""POST /api/v1/loans/{instrument_id}/write-off — seed 000: write off all (default) or part of a loan."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body

from ledgerline.api import context, loan_views
from ledgerline.api.app import create_app, entrypoint
from ledgerline.api.families import LOANS
from ledgerline.schemas.loans import LoanWriteOffRequest, LoanWriteOffResponse, SuccessEnvelope
from ledgerline.services import loans

app = create_app(LOANS)


@app.post(
    "/api/v1/loans/<instrument_id>/write-off",
    summary="Write off a loan",
    description="Write off all (default) or part of a loan's balance. Loans we made post to Bad Debt Expense; "
    "debt we owe posts to Debt Forgiveness Income. A full write-off also clears accrued unpaid interest and "
    "marks the loan `written_off`.",
    tags=["loans"],
)
def write_off_loan(
    instrument_id: str, body: Annotated[LoanWriteOffRequest | None, Body()] = None
) -> Response[SuccessEnvelope[LoanWriteOffResponse]]:
    request = context.request(
        app, present=loan_views.write_off, status=201, message="Loan written off", code="LOAN_WRITTEN_OFF"
    )
    instrument_id = context.resource_id(instrument_id, "Debt instrument")
    return request.respond(loans.write_off(request.scope, instrument_id, body or LoanWriteOffRequest()))


lambda_handler = entrypoint(app)
