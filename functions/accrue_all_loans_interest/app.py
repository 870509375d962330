"""POST /api/v1/loans/accrue-interest — accrue every active instrument (month-end safe)."""

from aws_lambda_powertools.event_handler import Response

from ledgerline.api import context, loan_views
from ledgerline.api.app import create_app, entrypoint
from ledgerline.api.families import LOANS
from ledgerline.schemas.loans import AccrueInterestRequest, BulkAccrualResponse, SuccessEnvelope
from ledgerline.services import loans

app = create_app(LOANS)


@app.post("/api/v1/loans/accrue-interest")
def accrue_all_loans_interest(body: AccrueInterestRequest) -> Response[SuccessEnvelope[BulkAccrualResponse]]:
    request = context.request(
        app, present=loan_views.bulk_accrual, status=201, message="Interest accrued", code="LOANS_INTEREST_ACCRUED"
    )
    return request.respond(loans.accrue_all(request.scope, body))


lambda_handler = entrypoint(app)
