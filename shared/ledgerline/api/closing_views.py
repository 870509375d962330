"""Month-end close results -> JSON bodies: the books lock (SPEC §10.2)."""

from typing import Any

from ledgerline.schemas.closing import BooksLockView, LockChangeView
from ledgerline.services.closing import LockView


def books_lock(view: LockView) -> dict[str, Any]:
    lock = view.lock
    return BooksLockView(
        business_id=view.business_id,
        locked_through=lock.locked_through,
        first_open_day=lock.first_open_day(lock.locked_through) if lock.locked_through else None,
        updated_at=lock.updated_at,
        history=[
            LockChangeView(locked_through=c.locked_through, previous=c.previous, changed_at=c.changed_at)
            for c in lock.history
        ],
    ).model_dump(mode="json")
