"""The calendar window every date the ledger accepts lies in (SPEC §9.1): 1900-01-01 … 2999-12-31.

Python's dates end at year 9999 and a date-time near either end overflows when converted to another
offset; keeping every date a day away from those ends means every conversion the ledger makes (to UTC,
to a business's timezone, a month or a period further) stays representable.
"""

from datetime import UTC, date, datetime

EARLIEST = date(1900, 1, 1)
LATEST = date(2999, 12, 31)
WINDOW = f"{EARLIEST.isoformat()} to {LATEST.isoformat()}"


def in_window(day: date) -> bool:
    """Whether ``day`` lies in the ledger's window (both ends included)."""
    return EARLIEST <= day <= LATEST


def moment_in_window(moment: datetime) -> bool:
    """As written (its own offset) and in UTC. The wall date is checked first: once it is inside the
    window, converting to UTC (an offset under 24 hours) cannot overflow."""
    if not in_window(moment.date()):
        return False
    return moment.tzinfo is None or in_window(moment.astimezone(UTC).date())
