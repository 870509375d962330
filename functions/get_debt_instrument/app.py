"""One debt instrument with its activity."""

from ledgerline import cold_start  # noqa: F401 - first: no garbage collection while the container starts

# isort: split
from aws_lambda_powertools.event_handler import Response

from ledgerline.api import instrument_views
from ledgerline.api.app import create_app
from ledgerline.api.families import LOANS
from ledgerline.api.routes import ThisCall
from ledgerline.schemas.instruments import DebtInstrumentDetail
from ledgerline.schemas.loans import SuccessEnvelope
from ledgerline.services import loan_queries

app = lambda_handler = create_app(LOANS)


DESCRIPTION = (
    "One instrument with its balances and its activity: every event (disbursement, accrual, payment, "
    "write-off) with its type, date, amounts and journal entry id."
)


@app.get(
    "/api/v1/businesses/<business_id>/cfo-portal/debt-schedule/instruments/<instrument_id>",
    description=DESCRIPTION,
    summary="One instrument with its activity",
    present=instrument_views.instrument_detail,
    message="Debt instrument retrieved",
    code="DEBT_INSTRUMENT_RETRIEVED",
)
def cfo_portal_get_debt_instrument(
    call: ThisCall, business_id: str, instrument_id: str
) -> Response[SuccessEnvelope[DebtInstrumentDetail]]:
    return call.respond(loan_queries.get_instrument(call.scope, instrument_id))
