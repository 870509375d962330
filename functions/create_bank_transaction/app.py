"""Import a bank transaction: it posts to cash and a category."""

from ledgerline import cold_start  # noqa: F401 - first: no garbage collection while the container starts

# isort: split
from aws_lambda_powertools.event_handler import Response

from ledgerline.api import bank_transaction_views
from ledgerline.api.app import create_app
from ledgerline.api.families import LOANS
from ledgerline.api.routes import Sample, ThisCall
from ledgerline.schemas.bank_transactions import BankTransaction, BankTransactionRequest
from ledgerline.schemas.loans import SuccessEnvelope
from ledgerline.services import bank_transactions

app = lambda_handler = create_app(LOANS)
SAMPLE = Sample(
    {
        "amount_cents": 195000,
        "direction": "inflow",
        "date": "2025-02-01",
        "description": "ACH CREDIT NORTHWIND TRADERS LOAN PMT",
        "cash_ledger_id": "55555555-5555-4555-8555-555555555555",
        "external_id": "bank-feed-2025-02-01-0042",
    },
    idempotency_key="bank-feed-2025-02-01-0042",
)


DESCRIPTION = (
    "Posts a bank transaction between the cash account (`cash_ledger_id`, default CASH) and a category "
    "(`category_ledger_id`, default Uncategorized Revenue for an inflow, Uncategorized Expenses for an "
    "outflow). A loan payment can later claim it with `transaction_id`. The same `external_id` with the same "
    "content returns the existing transaction (200)."
)


@app.post(
    "/api/v1/transactions",
    status_code=201,
    existing=True,
    present=bank_transaction_views.bank_transaction,
    description=DESCRIPTION,
    summary="Import a bank transaction (posts it to cash and a category)",
    message="Bank transaction imported",
    code="BANK_TRANSACTION_CREATED",
    sample=SAMPLE,
)
def create_bank_transaction(call: ThisCall, body: BankTransactionRequest) -> Response[SuccessEnvelope[BankTransaction]]:
    transaction, created = bank_transactions.create_transaction(call.scope, body.command())
    return call.respond(transaction, created=created)
