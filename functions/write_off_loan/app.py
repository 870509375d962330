"""Seed 000: write off all (default) or part of a loan."""

from ledgerline import cold_start  # noqa: F401 - first: no garbage collection while the container starts

# isort: split
from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body

from ledgerline.api import loan_write_off_views
from ledgerline.api.app import create_app
from ledgerline.api.families import LOANS
from ledgerline.api.routes import Sample, ThisCall
from ledgerline.schemas.loan_write_offs import LoanWriteOffRequest, LoanWriteOffResponse
from ledgerline.schemas.loans import SuccessEnvelope
from ledgerline.services import loans

app = lambda_handler = create_app(LOANS)
SAMPLE = Sample(
    {"write_off_date": "2025-06-30", "memo": "Borrower ceased operations; balance uncollectible"},
    idempotency_key="northwind-write-off",
)


@app.post(
    "/api/v1/loans/<instrument_id>/write-off",
    status_code=201,
    summary="Write off a loan",
    tags=["loans"],
    description="Write off all (default) or part of a loan's balance. Loans we made post to Bad Debt Expense; "
    "debt we owe posts to Debt Forgiveness Income. A full write-off also clears accrued unpaid interest and "
    "marks the loan `written_off`.",
    present=loan_write_off_views.write_off,
    message="Loan written off",
    code="LOAN_WRITTEN_OFF",
    sample=SAMPLE,
)
def write_off_loan(
    call: ThisCall, instrument_id: str, body: Annotated[LoanWriteOffRequest | None, Body()] = None
) -> Response[SuccessEnvelope[LoanWriteOffResponse]]:
    return call.respond(loans.write_off(call.scope, instrument_id, (body or LoanWriteOffRequest()).command()))
