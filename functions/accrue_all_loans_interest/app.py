"""Accrue interest on every active loan of the business (month-end safe)."""

from aws_lambda_powertools.event_handler import Response

from ledgerline.api import loan_views
from ledgerline.api.app import create_app
from ledgerline.api.families import LOANS
from ledgerline.api.routes import Sample, ThisCall
from ledgerline.schemas.loans import AccrueInterestRequest, BulkAccrualResponse, SuccessEnvelope
from ledgerline.services import loans

app = lambda_handler = create_app(LOANS)
SAMPLE = Sample({"through_date": "2025-03-31", "memo": "Month-end interest accrual"},
                idempotency_key="month-end-accrual-2025-03")


@app.post("/api/v1/loans/accrue-interest", status_code=201, summary="Accrue every active instrument (month-end safe)",
          present=loan_views.bulk_accrual, message="Interest accrued", code="LOANS_INTEREST_ACCRUED", sample=SAMPLE)
def accrue_all_loans_interest(call: ThisCall,
                              body: AccrueInterestRequest) -> Response[SuccessEnvelope[BulkAccrualResponse]]:
    return call.respond(loans.accrue_all(call.scope, body.command()))
