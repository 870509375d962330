"""Close the books through a day, or reopen them (SPEC §10.2): postings dated on or before it → 409."""

from ledgerline import cold_start  # noqa: F401 - first: no garbage collection while the container starts

# isort: split
from aws_lambda_powertools.event_handler import Response

from ledgerline.api import closing_views
from ledgerline.api.app import create_app
from ledgerline.api.families import LEDGER
from ledgerline.api.routes import Sample, ThisCall
from ledgerline.schemas.closing import BooksLockRequest, BooksLockView
from ledgerline.services import closing

app = lambda_handler = create_app(LEDGER)


@app.put(
    "/v1/businesses/<businessId>/books/lock",
    operation_id="business.books.lock.put",
    summary="Lock the books through a day (or move the lock back)",
    description="Entries dated on or before `locked_through` can no longer be posted (409 `PERIOD_LOCKED`); "
    "reversals of entries already in a closed period are posted on the first open day. Moving "
    "the lock back reopens; every change is kept in the lock's history.",
    present=closing_views.books_lock,
    sample=Sample({"locked_through": "2019-12-31"}, idempotency_key="books-lock-2019"),  # before every sample date
)
def put_books_lock(call: ThisCall, businessId: str, body: BooksLockRequest) -> Response[BooksLockView]:
    return call.respond(closing.set_lock(call.scope, body.locked_through))
