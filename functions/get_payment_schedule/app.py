"""GET .../debt-schedule/instruments/{instrument_id}/payment-schedule — the projected schedule."""

from aws_lambda_powertools.event_handler import Response

from ledgerline.api import context, loan_views
from ledgerline.api.app import create_app, entrypoint
from ledgerline.api.families import LOANS
from ledgerline.schemas.loans import PaymentSchedule, SuccessEnvelope
from ledgerline.services import loan_queries

app = create_app(LOANS)


@app.get("/api/v1/businesses/<business_id>/cfo-portal/debt-schedule/instruments/<instrument_id>/payment-schedule")
def cfo_portal_get_payment_schedule(business_id: str, instrument_id: str) -> Response[SuccessEnvelope[PaymentSchedule]]:
    request = context.request(
        app,
        business_id=business_id,
        present=loan_views.payment_schedule,
        message="Payment schedule projected",
        code="PAYMENT_SCHEDULE_PROJECTED",
    )
    instrument_id = context.resource_id(instrument_id, "Debt instrument")
    return request.respond(loan_queries.payment_schedule(request.scope, instrument_id))


lambda_handler = entrypoint(app)
