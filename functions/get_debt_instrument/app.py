"""GET .../debt-schedule/instruments/{instrument_id} — one instrument with its activity."""

from aws_lambda_powertools.event_handler import Response

from ledgerline.api import context, loan_views
from ledgerline.api.app import create_app, entrypoint
from ledgerline.api.families import LOANS
from ledgerline.schemas.loans import DebtInstrumentDetail, SuccessEnvelope
from ledgerline.services import loan_queries

app = create_app(LOANS)


@app.get("/api/v1/businesses/<business_id>/cfo-portal/debt-schedule/instruments/<instrument_id>")
def cfo_portal_get_debt_instrument(
    business_id: str, instrument_id: str
) -> Response[SuccessEnvelope[DebtInstrumentDetail]]:
    request = context.request(
        app,
        business_id=business_id,
        present=loan_views.instrument_detail,
        message="Debt instrument retrieved",
        code="DEBT_INSTRUMENT_RETRIEVED",
    )
    instrument_id = context.resource_id(instrument_id, "Debt instrument")
    return request.respond(loan_queries.get_instrument(request.scope, instrument_id))


lambda_handler = entrypoint(app)
