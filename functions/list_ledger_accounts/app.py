"""The chart of accounts with balances."""

from ledgerline import cold_start  # noqa: F401 - first: no garbage collection while the container starts

# isort: split
from aws_lambda_powertools.event_handler import Response

from ledgerline.api import views
from ledgerline.api.app import create_app
from ledgerline.api.families import LEDGER
from ledgerline.api.routes import ThisCall
from ledgerline.schemas.ledger import AccountList
from ledgerline.services import ledger

app = lambda_handler = create_app(LEDGER)


DESCRIPTION = (
    "The business's chart of accounts: each account's id, stable name, name, type, normality and balance in cents."
)


@app.get(
    "/v1/businesses/<businessId>/ledger/accounts",
    operation_id="business.ledger.accounts.list",
    description=DESCRIPTION,
    summary="The chart of accounts with balances",
    present=views.account_list,
)
def list_ledger_accounts(call: ThisCall, businessId: str) -> Response[AccountList]:
    return call.respond(ledger.list_accounts(call.scope))
