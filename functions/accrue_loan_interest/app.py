"""POST /api/v1/loans/{instrument_id}/accrue-interest — post interest computed but not yet in the ledger."""

from aws_lambda_powertools.event_handler import Response

from ledgerline.api import context, loan_views
from ledgerline.api.app import create_app, entrypoint
from ledgerline.api.families import LOANS
from ledgerline.schemas.loans import AccrualResponse, AccrueInterestRequest, SuccessEnvelope
from ledgerline.services import loans

app = create_app(LOANS)


@app.post("/api/v1/loans/<instrument_id>/accrue-interest")
def accrue_loan_interest(instrument_id: str, body: AccrueInterestRequest) -> Response[SuccessEnvelope[AccrualResponse]]:
    request = context.request(
        app, present=loan_views.accrual, status=201, message="Interest accrued", code="LOAN_INTEREST_ACCRUED"
    )
    instrument_id = context.resource_id(instrument_id, "Debt instrument")
    return request.respond(loans.accrue_interest(request.scope, instrument_id, body))


lambda_handler = entrypoint(app)
