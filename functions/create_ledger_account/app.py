"""POST /v1/businesses/{businessId}/ledger/accounts — a custom account (existing stable_name: 200)."""

from aws_lambda_powertools.event_handler import Response

from ledgerline.api import context, views
from ledgerline.api.app import create_app, entrypoint
from ledgerline.api.families import LEDGER
from ledgerline.schemas.ledger import AccountView, CreateAccountRequest
from ledgerline.services import ledger

app = create_app(LEDGER)


@app.post("/v1/businesses/<businessId>/ledger/accounts", operation_id="business.ledger.accounts.create")
def create_ledger_account(businessId: str, body: CreateAccountRequest) -> Response[AccountView]:
    request = context.request(app, business_id=businessId, present=views.account, status=201)
    account, created = ledger.create_account(request.scope, body)
    return request.respond(account, status=201 if created else 200)


lambda_handler = entrypoint(app)
