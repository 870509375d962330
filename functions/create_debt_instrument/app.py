"""Create a debt instrument: a loan the business made, or a debt it owes."""

from ledgerline import cold_start  # noqa: F401 - first: no garbage collection while the container starts

# isort: split
from aws_lambda_powertools.event_handler import Response

from ledgerline.api import instrument_views
from ledgerline.api.app import create_app
from ledgerline.api.families import LOANS
from ledgerline.api.routes import Sample, ThisCall
from ledgerline.schemas.instruments import CreateInstrumentRequest, DebtInstrument
from ledgerline.schemas.loans import SuccessEnvelope
from ledgerline.services import loans

app = lambda_handler = create_app(LOANS)
SAMPLE = Sample(
    {
        "name": "Working-capital loan to Northwind Traders",
        "lender": "Northwind Traders LLC",
        "direction": "lend",
        "debt_type": "term_loan",
        "original_principal_cents": 10000000,
        "interest_rate_bps": 650,
        "day_count": "actual_365_fixed",
        "start_date": "2025-01-01",
        "maturity_date": "2029-12-31",
        "payment_frequency": "monthly",
        "cash_ledger_id": "55555555-5555-4555-8555-555555555555",
        "memo": "Five-year note receivable, funded from operating cash",
        "external_id": "note-northwind-2025-01",
    },
    idempotency_key="note-northwind-2025-01",
)


DESCRIPTION = (
    "A loan the business made (`direction: lend`, a note receivable) or a debt it owes (`borrow`), with its "
    "opening entry: with `cash_ledger_id` the principal moves through that cash account (Dr Notes Receivable "
    "/ Cr cash, or Dr cash / Cr Long-Term Debt); without it, an existing loan is brought onto the books "
    "against Opening Balance Equity. The same `external_id` with the same content returns the existing "
    "instrument (200)."
)


@app.post(
    "/api/v1/businesses/<business_id>/cfo-portal/debt-schedule/instruments",
    status_code=201,
    existing=True,
    description=DESCRIPTION,
    summary="Create a debt instrument",
    present=instrument_views.instrument,
    message="Debt instrument created",
    code="DEBT_INSTRUMENT_CREATED",
    sample=SAMPLE,
)
def cfo_portal_create_debt_instrument(
    call: ThisCall, business_id: str, body: CreateInstrumentRequest
) -> Response[SuccessEnvelope[DebtInstrument]]:
    instrument, created = loans.create_instrument(call.scope, body.command())
    return call.respond(instrument, created=created)
