"""The books lock: the last closed day and every change of it (SPEC §10.2)."""

from ledgerline import cold_start  # noqa: F401 - first: no garbage collection while the container starts

# isort: split
from aws_lambda_powertools.event_handler import Response

from ledgerline.api import closing_views
from ledgerline.api.app import create_app
from ledgerline.api.families import LEDGER
from ledgerline.api.routes import ThisCall
from ledgerline.schemas.closing import BooksLockView
from ledgerline.services import closing

app = lambda_handler = create_app(LEDGER)


DESCRIPTION = (
    "The last closed day (`locked_through`, null while every period is open) and every change of the lock, with "
    "its time."
)


@app.get(
    "/v1/businesses/<businessId>/books/lock",
    operation_id="business.books.lock.get",
    description=DESCRIPTION,
    summary="The last closed day and the lock's history",
    present=closing_views.books_lock,
)
def get_books_lock(call: ThisCall, businessId: str) -> Response[BooksLockView]:
    return call.respond(closing.get_lock(call.scope))
