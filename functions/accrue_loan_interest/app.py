"""Post a loan's interest computed but not yet in the ledger."""

from ledgerline import cold_start  # noqa: F401 - first: no garbage collection while the container starts

# isort: split
from aws_lambda_powertools.event_handler import Response

from ledgerline.api import accrual_views
from ledgerline.api.app import create_app
from ledgerline.api.families import LOANS
from ledgerline.api.routes import Sample, ThisCall
from ledgerline.schemas.accruals import AccrualResponse, AccrueInterestRequest
from ledgerline.schemas.loans import SuccessEnvelope
from ledgerline.services import loans

app = lambda_handler = create_app(LOANS)
SAMPLE = Sample(
    {"through_date": "2025-03-31", "memo": "March month-end accrual"}, idempotency_key="northwind-accrual-2025-03"
)


DESCRIPTION = (
    "Posts the interest computed from the instrument's `interest_through_date` through `through_date` and not "
    "yet in the ledger (Dr Interest Receivable / Cr Interest Income for a loan we made; Dr Interest Expense / "
    "Cr Interest Payable for debt we owe), and moves the date. With nothing to accrue, no entry is posted but "
    "the date moves."
)


@app.post(
    "/api/v1/loans/<instrument_id>/accrue-interest",
    status_code=201,
    present=accrual_views.accrual,
    description=DESCRIPTION,
    summary="Post interest computed but not yet in the ledger",
    message="Interest accrued",
    code="LOAN_INTEREST_ACCRUED",
    sample=SAMPLE,
)
def accrue_loan_interest(
    call: ThisCall, instrument_id: str, body: AccrueInterestRequest
) -> Response[SuccessEnvelope[AccrualResponse]]:
    return call.respond(loans.accrue_interest(call.scope, instrument_id, body.command()))
