"""GET /v1/businesses/{businessId}/ledger/accounts — the chart of accounts with balances."""

from aws_lambda_powertools.event_handler import Response

from ledgerline.api import context, views
from ledgerline.api.app import create_app, entrypoint
from ledgerline.api.families import LEDGER
from ledgerline.schemas.ledger import AccountList
from ledgerline.services import ledger

app = create_app(LEDGER)


@app.get("/v1/businesses/<businessId>/ledger/accounts", operation_id="business.ledger.accounts.list")
def list_ledger_accounts(businessId: str) -> Response[AccountList]:
    request = context.request(app, business_id=businessId, present=views.account_list)
    return request.respond(ledger.list_accounts(request.scope))


lambda_handler = entrypoint(app)
