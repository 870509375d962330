"""A business: whose books these are, and in which timezone its days begin."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class Business:
    """A business's profile; ``timezone`` is an IANA name, ``currency`` an upper-case code."""

    id: str
    name: str
    timezone: str = "UTC"
    currency: str = "USD"
    created_at: str | None = None

    def local_date(self, moment: datetime) -> date:
        """The business's calendar date at ``moment`` — "today" and journal dates come from here."""
        return moment.astimezone(ZoneInfo(self.timezone)).date()

    def start_of(self, day: date) -> datetime:
        """The moment ``day`` begins in the business's timezone, in UTC (where a moved reversal is dated)."""
        return datetime.combine(day, time(), ZoneInfo(self.timezone)).astimezone(UTC)
