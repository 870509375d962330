"""Accrual runs (SPEC §10.1): every active instrument of a business accrued through a date, in any number.

Each instrument is accrued exactly as its own accrual would be (``loans.plan_accrual``: the same
rounding, the same ``interest_through_date`` move, no entry when the amount is zero). Instruments
are accrued ``ACCRUALS_PER_TRANSACTION`` to a transaction; a transaction that fails is retried one
instrument at a time, so one instrument's failure never stops the others. Accruing through a date
twice posts nothing the second time (the instrument's date has moved), which makes a chunk
delivered again harmless.

Up to ``INLINE_ITEMS`` instruments are accrued within the request (201, the finished run); more
are queued in chunks for the worker (202, ``running``), like write-off runs (``services/runs.py``).
"""

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from ledgerline import clock
from ledgerline.domain import runs as run_rules
from ledgerline.domain.ids import new_id
from ledgerline.domain.loans import AccrueInterest, InstrumentStatus
from ledgerline.domain.periods import BooksLock, closed_reason
from ledgerline.domain.runs import ACCRUAL_OUTCOMES, AccrualRun, Progress, RunItem, Tally
from ledgerline.errors import IdempotentReplay, LedgerError, NotFound, PartlyPosted, PeriodLocked, ServiceBusy
from ledgerline.idempotency import Idempotency, raise_if_recorded
from ledgerline.observability import MetricUnit, logger, metrics
from ledgerline.services import loan_support as support
from ledgerline.services import loans
from ledgerline.services import runs as run_service
from ledgerline.services.ledger import Page, books_read_once
from ledgerline.services.posting import Posting, Scope, post
from ledgerline.store import accrual_runs as run_store
from ledgerline.store import instruments as instrument_store
from ledgerline.store import keys, transactions

ACCRUALS_PER_TRANSACTION = 24
"""Each accrual writes the instrument, its event and its entry; 24 of them plus the shared accounts
stay under DynamoDB's 100 items per transaction."""
CHUNK_MESSAGE = "accrual-chunk"
RUNS = run_service.RunKind("accrual", keys.ACCRUAL_RUN_PREFIX, keys.ACCRUAL_RUN_CHUNK_PREFIX)

Outcome = tuple[str, RunItem]


def _loan(instrument_id: str, **fields: Any) -> RunItem:
    return RunItem("loan", instrument_id, **fields)


def _accrue_group(business_id: str, group: list[str], through: date, memo: str | None) -> list[Outcome]:
    """Accrue the instruments of ``group`` in one transaction, each decided from a fresh read."""

    def decide() -> Posting[list[Outcome]]:
        books = support.books(business_id)
        found = instrument_store.get_many(business_id, group)
        outcomes: list[Outcome] = []
        entries: list[Any] = []
        actions: list[Any] = []
        for instrument_id in group:
            before = found.get(instrument_id)
            if before is None or before.status is not InstrumentStatus.ACTIVE:
                outcomes.append(("skipped", _loan(instrument_id, reason="not active")))
                continue
            if before.interest_through_date >= through:
                outcomes.append(
                    ("skipped", _loan(instrument_id, reason=f"already accrued through {before.interest_through_date}"))
                )
                continue
            try:
                result, entry, writes = loans.plan_accrual(books, before, through, memo)
            except LedgerError as refused:
                outcomes.append(("failed", _loan(instrument_id, reason=refused.message)))
                continue
            entries += entry
            actions += writes
            outcomes.append(
                ("accrued", _loan(instrument_id, amount=result.posted_cents, journal_entry_id=result.entry.id))
                if result.entry
                else ("skipped", _loan(instrument_id, reason=f"nothing to accrue through {through}"))
            )
        return Posting(result=outcomes, entries=tuple(entries), actions=tuple(actions))

    return post(Scope(business_id), decide)


def accrue(business_id: str, instrument_ids: list[str], through: date, memo: str | None) -> Tally:
    """Accrue each instrument through ``through``; a failed transaction is retried one instrument at a time."""
    closed = run_service.skipped_if_closed(
        business_id, through, [("loan", i) for i in instrument_ids], ACCRUAL_OUTCOMES
    )
    if closed is not None:
        return closed
    found: dict[str, list[RunItem]] = {outcome: [] for outcome in ACCRUAL_OUTCOMES}
    with books_read_once():
        for group in run_rules.chunked(instrument_ids, ACCRUALS_PER_TRANSACTION):
            for one in [group] if len(group) == 1 else [group, *([each] for each in group)]:
                try:
                    outcomes = _accrue_group(business_id, one, through, memo)
                except Exception as error:  # noqa: BLE001 - one instrument's failure never stops the others
                    if len(one) > 1:
                        continue  # the group failed: accrue its instruments one by one
                    if isinstance(error, PeriodLocked):  # the lock moved during the run
                        found["skipped"].append(_loan(one[0], reason=closed_reason(BooksLock(error.locked_through))))
                        continue
                    logger.exception("accrual failed", extra={"instrument_id": one[0]})
                    found["failed"].append(_loan(one[0], reason=str(error) or type(error).__name__))
                    continue
                for outcome, item in outcomes:
                    found[outcome].append(item)
                if len(one) > 1:
                    break  # the group went through whole
    return Tally.of(found, cents=sum(item.amount or 0 for item in found["accrued"]))


def _candidates(business_id: str) -> list[str]:
    """The business's active instruments, in id order (those already accrued through the date are listed as
    skipped, so a run says what it found)."""
    return instrument_store.active_ids(business_id)


def start(scope: Scope, command: AccrueInterest, *, trigger: str = "api") -> AccrualRun:
    """Accrue every active instrument through ``command.through_date``: the finished run, or the run
    ``running`` in the queue when there are more than ``INLINE_ITEMS`` instruments to accrue."""
    with books_read_once():  # one chart read for the whole run
        idempotency = scope.idempotency
        if idempotency is not None:  # a keyed repeat gets the first run without running again
            raise_if_recorded(scope.business_id, idempotency)
        started = clock.now()
        books = support.books(scope.business_id)
        through = support.not_after_today(books, command.through_date, "through_date")
        work = _candidates(scope.business_id)
        run = AccrualRun(
            id=new_id(),
            business_id=scope.business_id,
            through_date=through,
            memo=command.memo,
            trigger=trigger,
            status="running",
            started_at=started,
            finished_at=None,
            tally=Tally(),
        )
        if len(work) > run_rules.INLINE_ITEMS:
            return _queue(run, work, idempotency)
        tally = accrue(scope.business_id, work, through, command.memo)
    run = replace(run, status=run_service.status_of(tally), finished_at=clock.now(), tally=tally)
    _save(run, idempotency)
    _record_metrics(run)
    return run


def _save(run: AccrualRun, idempotency: Idempotency | None) -> None:
    """The finished run (and a keyed request's idempotency record) in one write."""
    try:
        post(Scope(run.business_id, idempotency), lambda: Posting(result=run, actions=(run_store.save(run),)))
    except (ServiceBusy, *transactions.STORE_ERRORS) as busy:
        if not run.tally.count("accrued"):
            raise
        # The accruals are posted (and accruing again posts nothing): say so, never "nothing was posted".
        raise PartlyPosted(f"{run.tally.count('accrued')} accrual(s) of this run were", busy) from None


def _queue(run: AccrualRun, work: list[str], idempotency: Idempotency | None) -> AccrualRun:
    """Save the run ``running`` (with the request's idempotency record), then send its chunks."""
    parts = run_rules.chunked(work, run_rules.CHUNK_ITEMS)
    run = replace(run, progress=Progress(len(work), 0, len(parts), 0))
    post(Scope(run.business_id, idempotency), lambda: Posting(result=run, actions=(run_store.start(run),)))
    messages = [
        AccrualChunk(run.business_id, run.id, index, run.through_date, run.memo, tuple(part)).message()
        for index, part in enumerate(parts)
    ]

    def unsent(index: int, reason: str) -> Tally:
        return Tally.of({"failed": [_loan(instrument_id, reason=reason) for instrument_id in parts[index]]})

    run_service.send_chunks(RUNS, run.business_id, run.id, messages, unsent, _finished)
    return run


@dataclass(frozen=True)
class AccrualChunk:
    """One queued chunk of an accrual run: the instruments the worker accrues."""

    business_id: str
    run_id: str
    index: int
    through_date: date
    memo: str | None
    instrument_ids: tuple[str, ...]

    def message(self) -> dict[str, Any]:
        """The chunk as the queue carries it (JSON)."""
        return {
            "type": CHUNK_MESSAGE,
            "business_id": self.business_id,
            "run_id": self.run_id,
            "index": self.index,
            "through_date": self.through_date.isoformat(),
            "memo": self.memo,
            "instrument_ids": list(self.instrument_ids),
        }


def process_chunk(chunk: AccrualChunk, *, last_attempt: bool) -> Tally:
    """Accrue a queued chunk's instruments and record what became of them (failures send the chunk back
    to the queue until ``last_attempt``, as for write-off chunks)."""
    tally = accrue(chunk.business_id, list(chunk.instrument_ids), chunk.through_date, chunk.memo)
    if tally.count("failed") and not last_attempt:
        raise run_service.ChunkFailed(
            f"{tally.count('failed')} accrual(s) of chunk {chunk.index} of run {chunk.run_id} failed"
        )
    run_service.record(RUNS, chunk.business_id, chunk.run_id, chunk.index, tally, finish=_finished)
    return tally


def _finished(item: dict[str, Any], tally: Tally, progress: Progress) -> dict[str, Any]:
    started = run_store.run_from_document(item["summary"])
    run = replace(started, status=run_service.status_of(tally), finished_at=clock.now(), tally=tally, progress=progress)
    _record_metrics(run)
    return run_store.run_document(run)


def _record_metrics(run: AccrualRun) -> None:
    metrics.add_metric(name="InterestAccruals", unit=MetricUnit.Count, value=run.tally.count("accrued"))
    metrics.add_metric(name="InterestAccruedCents", unit=MetricUnit.Count, value=run.tally.cents)
    metrics.add_metric(name="AccrualFailures", unit=MetricUnit.Count, value=run.tally.count("failed"))


# ---- reading runs ---------------------------------------------------------------------------


def get_run(scope: Scope, run_id: str) -> AccrualRun:
    """An accrual run of the scope's business; unknown → 404."""
    run = run_store.get(scope.business_id, run_id)
    if run is None:
        raise NotFound("Accrual run", run_id)
    return run


def list_runs(scope: Scope, *, limit: int, cursor: str | None) -> Page:
    """A page of the business's accrual runs, newest first."""
    return run_service.page(scope, "accrual-runs", limit=limit, cursor=cursor, list_page=run_store.list_page)


# ---- the monthly schedule --------------------------------------------------------------------

SCHEDULE_MESSAGE = "accrual-run"


def month_end(business_local_date: date) -> date:
    """The last day of the month before ``business_local_date`` (the monthly schedule's through date)."""
    return business_local_date.replace(day=1) - timedelta(days=1)


def fan_out(send: Callable[[list[dict[str, Any]]], None], scheduled_time: str | None) -> int:
    """One message per business with interest-bearing instruments (their list's partition, no Scan)."""
    return run_service.fan_out(
        send, run_store.accruing_businesses(), {"type": SCHEDULE_MESSAGE, "scheduled_time": scheduled_time}
    )


def month_end_run(business_id: str, as_of: datetime | None) -> AccrualRun | None:
    """The monthly schedule's run for one business: through the last day of the month before its own date at
    ``as_of`` (the schedule's firing time). Once per business and month: a message delivered again, or the
    schedule retried, finds the month's run recorded and does nothing (``None``)."""
    with books_read_once():
        books = support.books(business_id)
        through = month_end(books.business.local_date(as_of or clock.now()))
        key = f"\x00accrual-schedule|{through.isoformat()}"  # no client's Idempotency-Key holds a NUL byte
        once = Idempotency(
            key,
            hashlib.sha256(key.encode()).hexdigest(),
            lambda run: (201, json.dumps({"run_id": run.id, "status": run.status})),
        )
        try:
            return start(
                Scope(business_id, once),
                AccrueInterest(through, f"Month-end interest accrual through {through}"),
                trigger="schedule",
            )
        except IdempotentReplay:
            return None
