"""POST /api/v1/businesses/{business_id}/cfo-portal/debt-schedule/instruments — create a debt instrument."""

from aws_lambda_powertools.event_handler import Response

from ledgerline.api import context, loan_views
from ledgerline.api.app import create_app, entrypoint
from ledgerline.api.families import LOANS
from ledgerline.schemas.loans import CreateInstrumentRequest, DebtInstrument, SuccessEnvelope
from ledgerline.services import loans

app = create_app(LOANS)


@app.post("/api/v1/businesses/<business_id>/cfo-portal/debt-schedule/instruments")
def cfo_portal_create_debt_instrument(
    business_id: str, body: CreateInstrumentRequest
) -> Response[SuccessEnvelope[DebtInstrument]]:
    request = context.request(
        app,
        business_id=business_id,
        present=loan_views.instrument,
        status=201,
        message="Debt instrument created",
        code="DEBT_INSTRUMENT_CREATED",
    )
    instrument, created = loans.create_instrument(request.scope, body)
    return request.respond(instrument, status=201 if created else 200)


lambda_handler = entrypoint(app)
