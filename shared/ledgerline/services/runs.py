"""What every run over many items does the same way (write-off runs, accrual runs): queue its chunks,
record each chunk once, and finish the run when the last chunk is in.

A run kind supplies its keys and how its summary is written; see ``services/write_offs.py`` and
``services/accrual_runs.py``.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import reduce
from typing import Any

from ledgerline import cursors
from ledgerline.domain.periods import closed_reason
from ledgerline.domain.runs import Progress, RunItem, Tally
from ledgerline.observability import logger
from ledgerline.services.ledger import Page, require_business
from ledgerline.services.posting import Posting, Scope, post
from ledgerline.store import items, keys, periods, queue, runs


class ChunkFailed(Exception):
    """Some items of a chunk failed: the message goes back to the queue (what it did stays done)."""


@dataclass(frozen=True)
class RunKind:
    """Where a kind of run keeps its items."""

    name: str
    """``write-off`` or ``accrual``: in logs."""
    prefix: str
    """The run items' sort key prefix (``keys.RUN_PREFIX``, ``keys.ACCRUAL_RUN_PREFIX``)."""
    chunk_prefix: str

    def sk(self, run_id: str) -> str:
        return f"{self.prefix}{run_id}"

    def chunk_sk(self, run_id: str, index: int) -> str:
        return keys.run_chunk_sk(self.chunk_prefix, run_id, index)


Finish = Callable[[dict[str, Any], Tally, Progress], dict[str, Any]]
"""Given the run's item, the sum of its chunks and its progress: the finished summary document."""


def send_chunks(
    kind: RunKind,
    business_id: str,
    run_id: str,
    messages: list[dict[str, Any]],
    unsent: Callable[[int, str], Tally],
    finish: Finish,
) -> int:
    """Send the chunk messages, ``queue.BATCH`` at a time; a chunk that could not be sent is recorded as
    ``unsent(index, reason)`` says (its items failed), so the run still finishes. The chunks sent."""
    sent = 0
    try:
        for start in range(0, len(messages), queue.BATCH):
            queue.send_messages(messages[start : start + queue.BATCH])
            sent = min(start + queue.BATCH, len(messages))
    except Exception as error:  # noqa: BLE001 - what could not be queued fails; the rest goes on
        logger.exception(f"{kind.name} chunks not queued", extra={"run_id": run_id, "chunks": len(messages) - sent})
        for index in range(sent, len(messages)):
            record(kind, business_id, run_id, index, unsent(index, f"not queued: {error}"), finish=finish)
    return sent


def record(kind: RunKind, business_id: str, run_id: str, index: int, tally: Tally, *, finish: Finish) -> None:
    """The chunk's result and its counts in the run, once (a redelivered chunk is already recorded); then,
    if it was the last chunk, the finished summary."""
    try:
        post(
            Scope(business_id),
            lambda: Posting(
                result=None,
                actions=runs.record_chunk(business_id, kind.sk(run_id), kind.chunk_sk(run_id, index), tally),
            ),
        )
    except runs.ChunkRecorded:
        pass  # recorded by an earlier delivery of this chunk
    finish_if_done(kind, business_id, run_id, finish)


def finish_if_done(kind: RunKind, business_id: str, run_id: str, finish: Finish) -> dict[str, Any] | None:
    """Once every chunk is recorded: the summary ``finish`` composes from the chunks' results, written by
    one finisher (the others find it written). The summary this call wrote, if any."""
    item = items.get(business_id, kind.sk(run_id))
    live = runs.progress(item) if item else None
    if item is None or live is None or not live[0].finished or item["summary"]["status"] != "running":
        return None
    progress, _ = live
    tally = reduce(Tally.plus, runs.chunk_tallies(business_id, kind.chunk_prefix, run_id), Tally())
    summary = finish(item, tally, progress)
    try:
        post(
            Scope(business_id),
            lambda: Posting(result=None, actions=(runs.finish(business_id, kind.sk(run_id), summary),)),
        )
    except runs.RunFinished:
        return None  # another chunk's worker finished it
    return summary


def skipped_if_closed(
    business_id: str, day: date, work: Sequence[tuple[str, str]], outcomes: Iterable[str]
) -> Tally | None:
    """SPEC §10.2: a run skips what the books lock closes, and says so. When ``day`` is on or before the
    lock, the tally of ``work`` ((kind, id) pairs) every item skipped with the lock's reason; otherwise
    None. Nothing is read for no work."""
    if not work:
        return None
    lock = periods.read_lock(business_id)
    if not lock.closes(day):
        return None
    found: dict[str, list[RunItem]] = {outcome: [] for outcome in outcomes}
    found["skipped"] = [RunItem(kind, item_id, reason=closed_reason(lock)) for kind, item_id in work]
    return Tally.of(found, cents=0)


def status_of(tally: Tally) -> str:
    """A finished run's status: ``completed_with_failures`` when any item failed."""
    return "completed_with_failures" if tally.count("failed") else "completed"


def fan_out(send: Callable[[list[dict[str, Any]]], None], business_ids: list[str], message: dict[str, Any]) -> int:
    """One ``message`` per business (with its ``business_id``), sent ``queue.BATCH`` at a time: a schedule's
    fan-out. The number of messages."""
    messages = [{**message, "business_id": business_id} for business_id in business_ids]
    for start in range(0, len(messages), queue.BATCH):
        send(messages[start : start + queue.BATCH])
    return len(messages)


def page(
    scope: Scope,
    listing: str,
    *,
    limit: int,
    cursor: str | None,
    list_page: Callable[..., tuple[list[Any], dict[str, Any] | None]],
) -> Page:
    """A page of the business's runs of one kind, newest first (``listing`` names it in the cursor)."""
    listing = f"{listing}|{scope.business_id}"
    position = cursors.decode(listing, cursor)
    require_business(scope.business_id)
    found, last = list_page(scope.business_id, limit=limit, start_key=position)
    return Page(found, cursors.encode(listing, last))
