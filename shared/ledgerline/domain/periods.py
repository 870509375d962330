"""Balances by period: what an account moved in each month and on each day of it, and what follows.

Every posting adds each account's move to the account's row for the entry's month, on the entry's
day (:class:`MonthMoves`), so a balance as of any date, or a movement over any range, is a sum over
months and days — its cost grows with accounts and months, never with entries (SPEC §10.3). Amounts
are signed like an account's balance: positive in the account's normal direction.

The books lock (:class:`BooksLock`) says which dates are closed (SPEC §10.2).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta


def month_of(day: date) -> str:
    """``YYYY-MM``: the month a date's moves are kept under."""
    return f"{day.year:04d}-{day.month:02d}"


@dataclass(frozen=True)
class MonthMoves:
    """What one account moved in one month: in total, and on each day (day of month → cents)."""

    account_id: str
    month: str
    days: dict[int, int] = field(default_factory=dict)

    @property
    def net(self) -> int:
        return sum(self.days.values())

    def through(self, day: date) -> int:
        """Moves dated on or before ``day`` (all of the month if the month ends before it)."""
        if self.month < month_of(day):
            return self.net
        if self.month > month_of(day):
            return 0
        return sum(cents for number, cents in self.days.items() if number <= day.day)

    def between(self, start: date, end: date) -> int:
        """Moves dated ``start`` to ``end``, both included."""
        return self.through(end) - self.through(start - timedelta(days=1))


def merged(rows: Iterable[MonthMoves]) -> list[MonthMoves]:
    """One row per (account, month): a hot account's shards and an entry's own rows added up."""
    totals: dict[tuple[str, str], dict[int, int]] = {}
    for row in rows:
        days = totals.setdefault((row.account_id, row.month), {})
        for number, cents in row.days.items():
            days[number] = days.get(number, 0) + cents
    return [
        MonthMoves(account_id, month, {n: c for n, c in sorted(days.items()) if c})
        for (account_id, month), days in sorted(totals.items())
    ]


def balances_through(rows: Iterable[MonthMoves], day: date) -> dict[str, int]:
    """Each account's balance as of the end of ``day`` (accounts that never moved are absent)."""
    balances: dict[str, int] = {}
    for row in rows:
        balances[row.account_id] = balances.get(row.account_id, 0) + row.through(day)
    return balances


def moves_between(rows: Iterable[MonthMoves], start: date, end: date) -> dict[str, int]:
    """What each account moved from ``start`` to ``end``, both included."""
    moves: dict[str, int] = {}
    for row in rows:
        moves[row.account_id] = moves.get(row.account_id, 0) + row.between(start, end)
    return moves


def month_starts(start: date, end: date) -> list[date]:
    """The first day of every month from ``start``'s to ``end``'s, in order."""
    months, current = [], start.replace(day=1)
    while current <= end:
        months.append(current)
        current = (current + timedelta(days=32)).replace(day=1)
    return months


def month_end(day: date) -> date:
    """The last day of ``day``'s month."""
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


# ---- the books lock -----------------------------------------------------------------------------


@dataclass(frozen=True)
class LockChange:
    """One move of the lock: from ``previous`` to ``locked_through`` (None: nothing locked) at ``changed_at``."""

    locked_through: date | None
    previous: date | None
    changed_at: str


@dataclass(frozen=True)
class BooksLock:
    """Entries dated on or before ``locked_through`` can no longer be posted (None: every date is open)."""

    locked_through: date | None = None
    updated_at: str | None = None
    history: tuple[LockChange, ...] = ()

    def closes(self, day: date) -> bool:
        """Whether ``day`` is in a closed period."""
        return self.locked_through is not None and day <= self.locked_through

    def first_open_day(self, day: date) -> date:
        """``day`` if it is open, else the day after the lock: where a reversal of a closed-period entry goes."""
        if not self.closes(day):
            return day
        assert self.locked_through is not None
        return self.locked_through + timedelta(days=1)


def closed_reason(lock: BooksLock) -> str:
    """What a run says of an item it skips because its date is closed."""
    return f"period closed: the books are locked through {lock.locked_through}"
