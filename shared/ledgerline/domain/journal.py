"""Journal entries and the invariants every one must satisfy before anything is written (SPEC §4)."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from ledgerline.domain.accounts import Account, Direction, balance_delta
from ledgerline.errors import InvalidEntry, UnbalancedEntry

MAX_ACCOUNTS_PER_ENTRY = 50
"""A DynamoDB transaction holds at most 100 items; the entry, its accounts and the business object fit."""


@dataclass(frozen=True)
class Line:
    """One line of an entry: ``amount`` cents on the ``direction`` side of ``account``."""

    account: Account
    direction: Direction
    amount: int
    memo: str | None = None


@dataclass(frozen=True)
class Source:
    """What posted an entry: the resource type (e.g. ``INVOICE``) and its id."""

    type: str
    id: str | None = None


@dataclass(frozen=True)
class Tag:
    key: str
    value: str
    dimension_display_name: str | None = None
    value_display_name: str | None = None


@dataclass(frozen=True)
class NewEntryLine:
    """A line of a custom entry to post: ``amount`` cents on ``direction`` of the account the caller named."""

    account: Mapping[str, str]
    """The account identifier as the caller named it (``{"type": "StableName", ...}`` or ``AccountId``)."""
    direction: Direction
    amount: int
    memo: str | None = None


@dataclass(frozen=True)
class PostCustomEntry:
    """A command: post a balanced entry of the caller's ``lines``, dated ``entry_at`` (default now)."""

    lines: tuple[NewEntryLine, ...]
    entry_at: datetime | None = None
    memo: str | None = None
    external_id: str | None = None
    tags: tuple[Tag, ...] = ()
    content: Mapping[str, Any] = field(default_factory=dict)
    """The request as sent (JSON values): what an ``external_id`` reservation fingerprints."""


@dataclass(frozen=True)
class JournalEntry:
    """A dated entry of two or more lines; ``reverses`` / ``reversed_by`` link it to its reversal."""

    id: str
    business_id: str
    entry_date: date
    entry_at: datetime
    created_at: datetime
    memo: str | None
    source: Source
    lines: tuple[Line, ...]
    external_id: str | None = None
    tags: tuple[Tag, ...] = ()
    reverses: str | None = None
    reversed_by: str | None = None

    @property
    def total(self) -> int:
        """The sum of the debit lines, in cents."""
        return sum(line.amount for line in self.lines if line.direction is Direction.DEBIT)


def check_entry(lines: Sequence[Line], *, business_accounts: Sequence[Account]) -> None:
    """Raise unless ``lines`` form a postable entry: >= 2 lines, amounts > 0, balanced, known accounts."""
    if len(lines) < 2:
        raise InvalidEntry("A journal entry needs at least two line items.")
    if any(not isinstance(line.amount, int) or line.amount <= 0 for line in lines):
        raise InvalidEntry("Every line item amount must be a positive integer number of cents.")
    known = {account.id for account in business_accounts}
    if any(line.account.id not in known for line in lines):
        raise InvalidEntry("Every line item must post to an account of this business.")
    if len({line.account.id for line in lines}) > MAX_ACCOUNTS_PER_ENTRY:
        raise InvalidEntry(f"A journal entry may touch at most {MAX_ACCOUNTS_PER_ENTRY} distinct accounts.")
    debits = sum(line.amount for line in lines if line.direction is Direction.DEBIT)
    credits = sum(line.amount for line in lines if line.direction is Direction.CREDIT)
    if debits != credits:
        raise UnbalancedEntry(f"Debits ({debits}) must equal credits ({credits}).")


def balance_moves(lines: Sequence[Line]) -> dict[str, int]:
    """Net change of each account's (normal-direction) balance, zero moves dropped."""
    moves: dict[str, int] = {}
    for line in lines:
        delta = balance_delta(line.account.normality, line.direction, line.amount)
        moves[line.account.id] = moves.get(line.account.id, 0) + delta
    return {account_id: delta for account_id, delta in moves.items() if delta}


def reversed_lines(lines: Sequence[Line]) -> list[Line]:
    """The same lines with debits and credits swapped: what undoes them."""
    return [replace(line, direction=line.direction.opposite) for line in lines]


def reversal_of(
    entry: JournalEntry,
    *,
    reversal_id: str,
    entry_date: date,
    entry_at: datetime,
    created_at: datetime,
    memo: str | None = None,
    source: Source | None = None,
) -> JournalEntry:
    """The correcting entry: the same lines with directions swapped, linked to ``entry``."""
    return replace(
        entry,
        id=reversal_id,
        entry_date=entry_date,
        entry_at=entry_at,
        created_at=created_at,
        memo=memo if memo is not None else f"Reversal of {entry.id}",
        source=source or entry.source,
        lines=tuple(reversed_lines(entry.lines)),
        external_id=None,
        reverses=entry.id,
        reversed_by=None,
    )
