"""A bank transaction with its current entry and link."""

from ledgerline import cold_start  # noqa: F401 - first: no garbage collection while the container starts

# isort: split
from aws_lambda_powertools.event_handler import Response

from ledgerline.api import bank_transaction_views
from ledgerline.api.app import create_app
from ledgerline.api.families import LOANS
from ledgerline.api.routes import ThisCall
from ledgerline.schemas.bank_transactions import BankTransaction
from ledgerline.schemas.loans import SuccessEnvelope
from ledgerline.services import bank_transactions

app = lambda_handler = create_app(LOANS)


DESCRIPTION = (
    "One bank transaction: the journal entry that carries it now, the one it was first posted with, and the "
    "loan payment matched to it, if any."
)


@app.get(
    "/api/v1/transactions/<transaction_id>",
    summary="A bank transaction with its current entry and link",
    description=DESCRIPTION,
    present=bank_transaction_views.bank_transaction,
    message="Bank transaction retrieved",
    code="BANK_TRANSACTION_RETRIEVED",
)
def get_bank_transaction(call: ThisCall, transaction_id: str) -> Response[SuccessEnvelope[BankTransaction]]:
    return call.respond(bank_transactions.get_transaction(call.scope, transaction_id))
