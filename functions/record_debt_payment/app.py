"""POST .../debt-schedule/instruments/{instrument_id}/payments — seed 002: record a payment."""

from aws_lambda_powertools.event_handler import Response

from ledgerline.api import context, loan_views
from ledgerline.api.app import create_app, entrypoint
from ledgerline.api.families import LOANS
from ledgerline.schemas.loans import DebtPaymentRequest, DebtPaymentResponse, SuccessEnvelope
from ledgerline.services import loans

app = create_app(LOANS)


@app.post(
    "/api/v1/businesses/<business_id>/cfo-portal/debt-schedule/instruments/<instrument_id>/payments",
    summary="Record a payment against a debt instrument",
    description="Record a payment on a loan, posting a balanced principal/interest entry. With `transaction_id`, "
    "rebook the bank transaction's journal entry into the principal/interest split and link it to the payment.",
)
def cfo_portal_record_debt_payment(
    business_id: str, instrument_id: str, body: DebtPaymentRequest
) -> Response[SuccessEnvelope[DebtPaymentResponse]]:
    request = context.request(
        app,
        business_id=business_id,
        present=loan_views.payment,
        status=201,
        message="Debt payment recorded",
        code="DEBT_PAYMENT_RECORDED",
    )
    instrument_id = context.resource_id(instrument_id, "Debt instrument")
    return request.respond(loans.record_payment(request.scope, instrument_id, body))


lambda_handler = entrypoint(app)
