"""Seed 002: record a payment on a debt instrument."""

from ledgerline import cold_start  # noqa: F401 - first: no garbage collection while the container starts

# isort: split
from aws_lambda_powertools.event_handler import Response

from ledgerline.api import loan_payment_views
from ledgerline.api.app import create_app
from ledgerline.api.families import LOANS
from ledgerline.api.routes import Sample, ThisCall
from ledgerline.schemas.loan_payments import DebtPaymentRequest, DebtPaymentResponse
from ledgerline.schemas.loans import SuccessEnvelope
from ledgerline.services import loans

app = lambda_handler = create_app(LOANS)

SAMPLE = Sample(
    {
        "payment_amount_cents": 195000,
        "cash_ledger_id": "55555555-5555-4555-8555-555555555555",
        "payment_date": "2025-02-01",
        "memo": "February instalment received by ACH",
    },
    idempotency_key="northwind-payment-2025-02",
)


@app.post(
    "/api/v1/businesses/<business_id>/cfo-portal/debt-schedule/instruments/<instrument_id>/payments",
    status_code=201,
    summary="Record a payment against a debt instrument",
    description="Record a payment on a loan, posting a balanced principal/interest entry. With `transaction_id`, "
    "rebook the bank transaction's journal entry into the principal/interest split and link it to the payment.",
    present=loan_payment_views.payment,
    message="Debt payment recorded",
    code="DEBT_PAYMENT_RECORDED",
    sample=SAMPLE,
)
def cfo_portal_record_debt_payment(
    call: ThisCall, business_id: str, instrument_id: str, body: DebtPaymentRequest
) -> Response[SuccessEnvelope[DebtPaymentResponse]]:
    return call.respond(loans.record_payment(call.scope, instrument_id, body.command()))
