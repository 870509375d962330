"""Add a custom account to the chart (an existing stable_name answers 200)."""

from ledgerline import cold_start  # noqa: F401 - first: no garbage collection while the container starts

# isort: split
from aws_lambda_powertools.event_handler import Response

from ledgerline.api import views
from ledgerline.api.app import create_app
from ledgerline.api.families import LEDGER
from ledgerline.api.routes import Sample, ThisCall
from ledgerline.schemas.ledger import AccountView, CreateAccountRequest
from ledgerline.services import ledger

app = lambda_handler = create_app(LEDGER)
SAMPLE = Sample(
    {"name": "Office Equipment", "stable_name": "OFFICE_EQUIPMENT", "account_type": "ASSET", "normality": "DEBIT"},
    idempotency_key="create-account-office-equipment",
)


DESCRIPTION = (
    "A custom account with its own `stable_name`, type and normality. An account with that `stable_name` "
    "already there is returned unchanged (200)."
)


@app.post(
    "/v1/businesses/<businessId>/ledger/accounts",
    operation_id="business.ledger.accounts.create",
    description=DESCRIPTION,
    status_code=201,
    existing=True,
    summary="A custom account (existing stable_name: 200)",
    present=views.account,
    sample=SAMPLE,
)
def create_ledger_account(call: ThisCall, businessId: str, body: CreateAccountRequest) -> Response[AccountView]:
    account, created = ledger.create_account(call.scope, body.command())
    return call.respond(account, created=created)
