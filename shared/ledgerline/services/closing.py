"""The month-end close: the books lock (SPEC §10.2).

The lock is checked by every posting (``services.posting`` adds the guard); here it is read and moved.
"""

from dataclasses import dataclass
from datetime import date

from ledgerline import clock
from ledgerline.domain.periods import BooksLock
from ledgerline.errors import InvalidRequest
from ledgerline.services.ledger import load_books
from ledgerline.services.posting import Posting, Scope, post
from ledgerline.store import periods


@dataclass(frozen=True)
class LockView:
    """The lock of one business with its history."""

    business_id: str
    lock: BooksLock


def get_lock(scope: Scope) -> LockView:
    """The lock as it stands and every change of it; an unknown business → 404."""
    books = load_books(scope.business_id)
    books.verify()
    return LockView(scope.business_id, periods.read_lock(scope.business_id, history=True))


def set_lock(scope: Scope, locked_through: date | None) -> LockView:
    """Close every day through ``locked_through`` (or reopen: an earlier date, or None for none), recorded
    in the lock's history; the same date again changes nothing. A day after today is refused: a period
    closes once it has ended."""

    def decide() -> Posting[LockView]:
        books = load_books(scope.business_id)
        today = books.business.local_date(clock.now())
        if locked_through is not None and locked_through > today:
            raise InvalidRequest(
                "locked_through",
                f"{locked_through} is after today ({today} in the business's "
                f"timezone, {books.business.timezone}): only ended days can close",
            )
        before = periods.read_lock(scope.business_id, history=True)
        if before.locked_through == locked_through:
            return Posting(result=LockView(scope.business_id, before))
        now = clock.now().isoformat()
        after = periods.moved_lock(before, locked_through, now)
        return Posting(
            result=LockView(scope.business_id, after),
            actions=periods.lock_actions(scope.business_id, before, locked_through, now),
        )

    view = post(scope, decide)
    periods.remember(scope.business_id, view.lock)
    return view
