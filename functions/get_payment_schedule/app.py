"""A debt instrument's projected payment schedule."""

from ledgerline import cold_start  # noqa: F401 - first: no garbage collection while the container starts

# isort: split
from aws_lambda_powertools.event_handler import Response

from ledgerline.api import instrument_views
from ledgerline.api.app import create_app
from ledgerline.api.families import LOANS
from ledgerline.api.routes import ThisCall
from ledgerline.schemas.instruments import PaymentSchedule
from ledgerline.schemas.loans import SuccessEnvelope
from ledgerline.services import loan_queries

app = lambda_handler = create_app(LOANS)


DESCRIPTION = (
    "The payments still due, projected from the instrument's state today: each row's due date, payment, "
    "principal, interest and balance after it (a level payment, or `payment_amount_cents` when set; a bullet "
    "instrument pays once, at maturity)."
)


@app.get(
    "/api/v1/businesses/<business_id>/cfo-portal/debt-schedule/instruments/<instrument_id>/payment-schedule",
    description=DESCRIPTION,
    summary="The projected schedule",
    present=instrument_views.payment_schedule,
    message="Payment schedule projected",
    code="PAYMENT_SCHEDULE_PROJECTED",
)
def cfo_portal_get_payment_schedule(
    call: ThisCall, business_id: str, instrument_id: str
) -> Response[SuccessEnvelope[PaymentSchedule]]:
    return call.respond(loan_queries.payment_schedule(call.scope, instrument_id))
