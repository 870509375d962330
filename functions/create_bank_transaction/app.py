"""POST /api/v1/transactions — import a bank transaction (posts it to cash and a category)."""

from aws_lambda_powertools.event_handler import Response

from ledgerline.api import context, loan_views
from ledgerline.api.app import create_app, entrypoint
from ledgerline.api.families import LOANS
from ledgerline.schemas.loans import BankTransaction, BankTransactionRequest, SuccessEnvelope
from ledgerline.services import bank_transactions

app = create_app(LOANS)


@app.post("/api/v1/transactions")
def create_bank_transaction(body: BankTransactionRequest) -> Response[SuccessEnvelope[BankTransaction]]:
    request = context.request(
        app,
        present=loan_views.bank_transaction,
        status=201,
        message="Bank transaction imported",
        code="BANK_TRANSACTION_CREATED",
    )
    transaction, created = bank_transactions.create_transaction(request.scope, body)
    return request.respond(transaction, status=201 if created else 200)


lambda_handler = entrypoint(app)
