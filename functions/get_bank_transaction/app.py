"""GET /api/v1/transactions/{transaction_id} — a bank transaction with its current entry and link."""

from aws_lambda_powertools.event_handler import Response

from ledgerline.api import context, loan_views
from ledgerline.api.app import create_app, entrypoint
from ledgerline.api.families import LOANS
from ledgerline.schemas.loans import BankTransaction, SuccessEnvelope
from ledgerline.services import bank_transactions

app = create_app(LOANS)


@app.get("/api/v1/transactions/<transaction_id>")
def get_bank_transaction(transaction_id: str) -> Response[SuccessEnvelope[BankTransaction]]:
    request = context.request(
        app,
        present=loan_views.bank_transaction,
        message="Bank transaction retrieved",
        code="BANK_TRANSACTION_RETRIEVED",
    )
    transaction_id = context.resource_id(transaction_id, "Bank transaction")
    return request.respond(bank_transactions.get_transaction(request.scope, transaction_id))


lambda_handler = entrypoint(app)
