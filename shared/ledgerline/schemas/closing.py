"""The month-end close's bodies: the books lock (SPEC §10.2)."""

from datetime import date, datetime

from pydantic import Field

from ledgerline.schemas.common import Day, Model, Strict


class BooksLockRequest(Strict):
    locked_through: Day | None = Field(
        description="Entries dated on or before this day can no longer be posted; null reopens every period. "
        "At most today in the business's timezone."
    )


class LockChangeView(Model):
    locked_through: date | None
    previous: date | None
    changed_at: datetime


class BooksLockView(Model):
    business_id: str
    locked_through: date | None = Field(description="The last closed day; null when every period is open.")
    first_open_day: date | None = Field(description="Where reversals of closed-period entries are posted.")
    updated_at: datetime | None
    history: list[LockChangeView] = Field(description="Every change of the lock, oldest first.")
