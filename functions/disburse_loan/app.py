"""A further draw on a debt instrument."""

from ledgerline import cold_start  # noqa: F401 - first: no garbage collection while the container starts

# isort: split
from aws_lambda_powertools.event_handler import Response

from ledgerline.api import loan_payment_views
from ledgerline.api.app import create_app
from ledgerline.api.families import LOANS
from ledgerline.api.routes import Sample, ThisCall
from ledgerline.schemas.loan_payments import DisbursementRequest, DisbursementResponse
from ledgerline.schemas.loans import SuccessEnvelope
from ledgerline.services import loans

app = lambda_handler = create_app(LOANS)

SAMPLE = Sample(
    {
        "amount_cents": 2500000,
        "cash_ledger_id": "55555555-5555-4555-8555-555555555555",
        "disbursement_date": "2025-03-01",
        "memo": "Second tranche for inventory purchase",
    },
    idempotency_key="northwind-tranche-2",
)


DESCRIPTION = (
    "A further draw of `amount_cents` on an instrument through `cash_ledger_id` (Dr Notes Receivable / Cr "
    "cash for a loan we made; Dr cash / Cr Long-Term Debt for debt we owe), interest rolled forward first. A "
    "paid-off instrument becomes active again; a written-off one is 409."
)


@app.post(
    "/api/v1/loans/<instrument_id>/disbursements",
    status_code=201,
    summary="A further draw on an instrument",
    description=DESCRIPTION,
    present=loan_payment_views.disbursement,
    message="Disbursement recorded",
    code="LOAN_DISBURSEMENT_RECORDED",
    sample=SAMPLE,
)
def disburse_loan(
    call: ThisCall, instrument_id: str, body: DisbursementRequest
) -> Response[SuccessEnvelope[DisbursementResponse]]:
    return call.respond(loans.disburse(call.scope, instrument_id, body.command()))
