"""POST /api/v1/loans/{instrument_id}/disbursements — a further draw on an instrument."""

from aws_lambda_powertools.event_handler import Response

from ledgerline.api import context, loan_views
from ledgerline.api.app import create_app, entrypoint
from ledgerline.api.families import LOANS
from ledgerline.schemas.loans import DisbursementRequest, DisbursementResponse, SuccessEnvelope
from ledgerline.services import loans

app = create_app(LOANS)


@app.post("/api/v1/loans/<instrument_id>/disbursements")
def disburse_loan(instrument_id: str, body: DisbursementRequest) -> Response[SuccessEnvelope[DisbursementResponse]]:
    request = context.request(
        app,
        present=loan_views.disbursement,
        status=201,
        message="Disbursement recorded",
        code="LOAN_DISBURSEMENT_RECORDED",
    )
    instrument_id = context.resource_id(instrument_id, "Debt instrument")
    return request.respond(loans.disburse(request.scope, instrument_id, body))


lambda_handler = entrypoint(app)
