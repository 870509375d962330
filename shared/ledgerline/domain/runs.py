"""Runs over any number of items (write-off runs, accrual runs): what a run, or one chunk of it, did. Pure.

A run small enough to finish within a request is done there; a larger one is cut into chunks the
queue worker processes in parallel. Each chunk leaves a :class:`Tally`; a run's summary is the sum
of its chunks' tallies, its lists capped at :data:`MAX_LISTED` and its counts always exact.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TypeVar

MAX_LISTED = 250
"""Items listed per category in a run summary (the totals always count everything); keeps the
summary item far below DynamoDB's 400 KB item limit."""

INLINE_ITEMS = 50
"""A run with at most this many candidates is done within the request (201): ~1–2 s on DynamoDB
(one read and one transaction per item); a larger one answers 202 and goes through the queue."""

CHUNK_ITEMS = 100
"""Candidates per queued chunk: ~3–5 s of one worker's time on DynamoDB, far inside its 60 s
timeout even with a batch of several chunks, and small enough that many workers share a run."""

T = TypeVar("T")


@dataclass(frozen=True)
class RunItem:
    """One invoice or loan a run looked at, and what became of it."""

    type: str
    """``invoice`` or ``loan``."""
    id: str
    amount: int | None = None
    """Cents the run moved for it: written off (in a dry run, that would be) — a loan's principal and its
    interest already posted — or accrued."""
    journal_entry_id: str | None = None
    """The item's entry; for an item skipped as already written off on the run date, that earlier entry."""
    reason: str | None = None
    """Why the item was skipped or failed."""


def chunked(items: Sequence[T], size: int) -> list[list[T]]:
    """``items`` in consecutive chunks of at most ``size``, in order."""
    return [list(items[start : start + size]) for start in range(0, len(items), size)]


@dataclass(frozen=True)
class Tally:
    """What a run (or one chunk of it) did: its items by outcome (each list capped), every item counted,
    and the cents it moved."""

    lists: Mapping[str, tuple[RunItem, ...]] = field(default_factory=dict)
    counts: Mapping[str, int] = field(default_factory=dict)
    cents: int = 0

    @classmethod
    def of(cls, found: Mapping[str, Iterable[RunItem]], cents: int = 0) -> "Tally":
        """The tally of the items ``found`` per outcome."""
        lists = {category: tuple(items) for category, items in found.items()}
        return cls(
            {c: items[:MAX_LISTED] for c, items in lists.items()}, {c: len(items) for c, items in lists.items()}, cents
        )

    def plus(self, other: "Tally") -> "Tally":
        """Both tallies in one: lists in order (``self`` first) up to the cap, counts and cents summed."""
        categories = [*self.counts, *(c for c in other.counts if c not in self.counts)]
        return Tally(
            {c: (*self.lists.get(c, ()), *other.lists.get(c, ()))[:MAX_LISTED] for c in categories},
            {c: self.counts.get(c, 0) + other.counts.get(c, 0) for c in categories},
            self.cents + other.cents,
        )

    def listed(self, category: str) -> tuple[RunItem, ...]:
        return self.lists.get(category, ())

    def count(self, category: str) -> int:
        return self.counts.get(category, 0)


@dataclass(frozen=True)
class Progress:
    """How far a queued run has got: candidates processed of all it found, chunks recorded of all it sent."""

    total: int
    done: int
    chunks: int
    chunks_done: int

    @property
    def finished(self) -> bool:
        return self.chunks_done >= self.chunks


RunState = str
"""``running``, ``completed`` or ``completed_with_failures``."""


@dataclass(frozen=True)
class AccrualRun:
    """An accrual run (SPEC §10.1): every active instrument of a business accrued through ``through_date``.

    Its tally's outcomes are ``accrued`` (with the interest posted and its entry), ``skipped`` (not active,
    already accrued through the date, or nothing to accrue — the date still moves) and ``failed``; its
    cents are the interest accrued."""

    id: str
    """A UUIDv7, so runs sort by time."""
    business_id: str
    through_date: date
    memo: str | None
    trigger: str
    """Who started it: ``api``, ``schedule`` or ``cli``."""
    status: RunState
    started_at: datetime
    finished_at: datetime | None
    """``None`` while ``running``."""
    tally: Tally
    progress: Progress | None = None
    """A queued run's progress (``None`` for a run done within its request)."""


ACCRUAL_OUTCOMES = ("accrued", "skipped", "failed")
