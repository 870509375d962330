"""Post a balanced manual journal entry."""

from ledgerline import cold_start  # noqa: F401 - first: no garbage collection while the container starts

# isort: split
from aws_lambda_powertools.event_handler import Response

from ledgerline.api import views
from ledgerline.api.app import create_app
from ledgerline.api.families import LEDGER
from ledgerline.api.routes import Sample, ThisCall
from ledgerline.schemas.ledger import CustomJournalEntryRequest, JournalEntryView
from ledgerline.services import ledger

app = lambda_handler = create_app(LEDGER)
SAMPLE = Sample(
    {
        "external_id": "je-2025-0001",
        "entry_at": "2025-01-15T09:30:00-05:00",
        "memo": "Owner's capital contribution",
        "line_items": [
            {
                "account_identifier": {"type": "StableName", "stable_name": "CASH"},
                "amount": 2500000,
                "direction": "DEBIT",
                "memo": "Wire from owner",
            },
            {
                "account_identifier": {"type": "StableName", "stable_name": "OPENING_BALANCE_EQUITY"},
                "amount": 2500000,
                "direction": "CREDIT",
            },
        ],
        "tags": [{"key": "department", "value": "finance"}],
    },
    idempotency_key="je-2025-0001",
)


DESCRIPTION = (
    "A manual journal entry: two or more lines, each naming an account (by `StableName` or `AccountId`), an "
    "amount in integer cents and a direction; debits must equal credits. Its date is `entry_at`'s in the "
    "business's timezone. The same `external_id` with the same content returns the existing entry (200)."
)


@app.post(
    "/v1/businesses/<businessId>/custom-journal-entries",
    operation_id="business.custom-journal-entries.create",
    description=DESCRIPTION,
    status_code=201,
    existing=True,
    summary="Post a balanced manual entry",
    present=views.entry,
    sample=SAMPLE,
)
def create_custom_journal_entry(
    call: ThisCall, businessId: str, body: CustomJournalEntryRequest
) -> Response[JournalEntryView]:
    entry, created = ledger.post_custom_entry(call.scope, body.command())
    return call.respond(entry, created=created)
