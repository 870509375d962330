"""Scheduled batch write-offs (SPEC §7): policies, candidates from the sparse index, one run per business.

Each eligible item is written off in its own transaction with an Idempotency-Key derived from
(business, item, run date), so running a date again — or SQS delivering a message twice — writes
nothing new. Eligibility is checked again against the item as read at write time; one item's failure
is recorded and never stops the others. A run's summary is a :class:`WriteOffRun`.

A run of up to ``INLINE_ITEMS`` (``domain.runs``) candidates finishes within its request; a larger one is saved
``running`` and its candidates go through the queue in chunks the worker processes in parallel
(:func:`process_chunk`); the worker that records the last chunk writes the finished summary.
"""

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from ledgerline import clock
from ledgerline.domain import invoices as invoice_rules
from ledgerline.domain import runs as run_rules
from ledgerline.domain.ids import new_id
from ledgerline.domain.invoices import Invoice, InvoiceWriteOff, WriteOffInvoice
from ledgerline.domain.loans import Instrument, WriteOffLoan
from ledgerline.domain.periods import BooksLock, closed_reason
from ledgerline.domain.policy import (
    AUTOMATIC_MEMO,
    INVOICE_RULE_OFF,
    LOAN_RULE_OFF,
    InvoiceRule,
    LoanRule,
    RunItemType,
    RunStatus,
    RunTotals,
    SetWriteOffPolicy,
    WriteOffPolicy,
    WriteOffRun,
    run_totals,
)
from ledgerline.domain.runs import Progress, RunItem, Tally
from ledgerline.errors import EventBeforeInterestDate, InvalidRequest, NotFound, PartlyPosted, PeriodLocked, ServiceBusy
from ledgerline.idempotency import Idempotency, raise_if_recorded
from ledgerline.observability import MetricUnit, logger, metrics
from ledgerline.services import accounts, invoices, loan_support, loans
from ledgerline.services import runs as run_service
from ledgerline.services.ledger import Page, books_read_once, load_books, require_business
from ledgerline.services.posting import Planned, Posted, Posting, Refusal, Replayed, Scope, post, post_outcome
from ledgerline.store import candidates, keys, policies, transactions

# ---- policy ---------------------------------------------------------------------------------


def get_policy(scope: Scope) -> WriteOffPolicy:
    """The business's policy, or the default (disabled) one if none was ever set."""
    require_business(scope.business_id)
    return policies.get_policy(scope.business_id) or WriteOffPolicy(
        scope.business_id, False, INVOICE_RULE_OFF, LOAN_RULE_OFF, ""
    )


def put_policy(scope: Scope, command: SetWriteOffPolicy) -> WriteOffPolicy:
    """Replace the business's write-off policy; an enabled loan rule without any threshold is refused."""
    loan_rule = command.loans
    if loan_rule.enabled and loan_rule.days_past_maturity is None and loan_rule.days_without_payment is None:
        raise InvalidRequest("loans", "set days_past_maturity, days_without_payment or both")

    def decide() -> Posting[WriteOffPolicy]:
        books = load_books(scope.business_id)
        field = "invoices.destination_ledger_account"
        account = accounts.resolve(books.chart, accounts.identifier(command.invoices.destination), field=field)
        invoice_rules.check_write_off_destination(account, field)
        policy = WriteOffPolicy(
            business_id=scope.business_id,
            enabled=command.enabled,
            invoices=command.invoices,
            loans=command.loans,
            updated_at=clock.now().isoformat(),
        )
        return Posting(result=policy, actions=(policies.save_policy(policy),))

    return post(scope, decide)


# ---- one run for one business ---------------------------------------------------------------

CATEGORIES = ("candidates", "written_off", "skipped", "failed")
"""What becomes of a run's items: planned (a dry run), written off, skipped, or failed."""


def _automatic(business_id: str, kind: RunItemType, item_id: str, run_date: date, run_id: str) -> Scope:
    """The derived key that makes re-running a date (or a redelivered message) write nothing new."""
    # A NUL byte cannot appear in an HTTP header, so no client Idempotency-Key can ever collide.
    key = f"\x00write-off-policy|{kind}|{item_id}|{run_date.isoformat()}"
    fingerprint = hashlib.sha256(key.encode()).hexdigest()
    return Scope(
        business_id, Idempotency(key, fingerprint, lambda result: (201, json.dumps(_recorded(result, run_id))))
    )


def _recorded(result: Any, run_id: str) -> dict[str, Any]:
    """What the idempotency record keeps of an automatic write-off: enough for a later run's summary, and the
    run that made it (a chunk delivered again reports its own write-offs as written off, not skipped)."""
    written = _written("invoice", "", result)  # the amount and entry; the record is keyed by the item already
    return {"journal_entry_id": written.journal_entry_id, "amount": written.amount, "run_id": run_id}


def _invoice_candidates(business_id: str, rule: InvoiceRule, run_date: date) -> list[str]:
    # The index holds UTC due dates; one day of slack, then the exact check in the business's timezone.
    return candidates.invoices_due_by(business_id, rule.latest_due(run_date) + timedelta(days=1))


def _loan_candidates(business_id: str, rule: LoanRule, run_date: date) -> list[str]:
    ids: list[str] = []
    if (matured_by := rule.matured_by(run_date)) is not None:
        ids += candidates.loans_matured_by(business_id, matured_by)
    if (active_by := rule.last_activity_by(run_date)) is not None:
        ids += candidates.loans_inactive_since(business_id, active_by)
    return sorted(set(ids))


Outcome = Posted[Any] | Planned[Any] | Replayed | Refusal


def invoice_ineligibility(rule: InvoiceRule, invoice: Invoice, run_date: date, zone: ZoneInfo) -> str | None:
    """Why the policy does not write ``invoice`` off on ``run_date`` (as read now), or ``None`` if it does."""
    local_due = invoice.due_at.astimezone(zone).date() if invoice.due_at else None
    if not rule.eligible(invoice, run_date, local_due):
        return f"invoice {invoice.id} is not eligible on {run_date}"
    if invoice.sent_at.astimezone(zone).date() > run_date:  # a write-off never predates the invoice
        return f"invoice {invoice.id} is sent after {run_date}"
    if (exemption := invoice.automatic_write_off_exemption) is not None:  # a user deleted the policy's write-off
        return f"invoice {invoice.id} is {exemption.reason(zone)}"
    return None


def loan_ineligibility(rule: LoanRule, instrument: Instrument, run_date: date) -> str | None:
    """Why the policy does not write ``instrument`` off on ``run_date`` (as read now), or ``None`` if it does."""
    return None if rule.eligible(instrument, run_date) else f"loan {instrument.id} is not eligible on {run_date}"


def _invoice_write_off(
    scope: Scope, rule: InvoiceRule, invoice_id: str, run_date: date, dry_run: bool, run_id: str
) -> Outcome:
    def decide() -> Posting[InvoiceWriteOff] | Refusal:
        books = load_books(scope.business_id)
        invoice = invoices.load_invoice(books, invoice_id)
        zone = ZoneInfo(books.business.timezone)
        # First: an item paid or voided since it was listed is skipped, not failed.
        if (reason := invoice_ineligibility(rule, invoice, run_date, zone)) is not None:
            return Refusal(reason)
        command = WriteOffInvoice(
            memo=AUTOMATIC_MEMO,
            destination=rule.destination,
            write_off_at=datetime.combine(run_date, time(0), zone),
            run_id=run_id,
        )
        return invoices.plan_write_off(books, invoice, command, new_id())

    return post_outcome(scope, decide, dry_run=dry_run)


def _loan_write_off(scope: Scope, rule: LoanRule, instrument_id: str, run_date: date, dry_run: bool) -> Outcome:
    def decide() -> Posting[loans.WriteOffResult] | Refusal:
        books = load_books(scope.business_id)
        instrument = loan_support.instrument(scope.business_id, instrument_id)
        if (reason := loan_ineligibility(rule, instrument, run_date)) is not None:  # first, as for invoices
            return Refusal(reason)
        return loans.plan_write_off(
            books, instrument, WriteOffLoan(write_off_date=run_date, memo=AUTOMATIC_MEMO), new_id()
        )

    return post_outcome(scope, decide, dry_run=dry_run)


def _written(kind: RunItemType, item_id: str, result: Any) -> RunItem:
    """A written-off (or, in a dry run, would-be) item, from the plan's result (a loan's or an invoice's write-off)."""
    if isinstance(result, loans.WriteOffResult):
        amount = result.plan.principal_cents + result.plan.interest_from_ledger_cents
        return RunItem(kind, item_id, amount=amount, journal_entry_id=result.entry.id if result.entry else None)
    return RunItem(kind, item_id, amount=result.amount, journal_entry_id=result.journal_entry_id)


def _failed(kind: RunItemType, item_id: str, error: BaseException) -> RunItem:
    return RunItem(kind, item_id, reason=str(error) or type(error).__name__)


def _sorted(kind: RunItemType, item_id: str, outcome: Outcome, run_id: str) -> tuple[str, RunItem]:
    """The summary list an item's outcome belongs to (``candidates``, ``written_off``, ``skipped``, ``failed``),
    and the item as that list shows it."""
    match outcome:
        case Planned(result=result):
            return "candidates", replace(_written(kind, item_id, result), journal_entry_id=None)
        case Posted(result=result):
            return "written_off", _written(kind, item_id, result)
        case Replayed(body=body):
            recorded = json.loads(body)
            if recorded.get("run_id") == run_id:  # this run wrote it off (a chunk delivered again)
                return "written_off", RunItem(
                    kind, item_id, amount=recorded.get("amount"), journal_entry_id=recorded.get("journal_entry_id")
                )
            return "skipped", RunItem(
                kind,
                item_id,
                reason="already written off for this run date",
                journal_entry_id=recorded.get("journal_entry_id"),
            )
        case Refusal(error=None | EventBeforeInterestDate(), reason=reason):
            return "skipped", RunItem(kind, item_id, reason=reason)
        case Refusal(error=PeriodLocked(locked_through=locked_through)):  # the lock moved during the run
            return "skipped", RunItem(kind, item_id, reason=closed_reason(BooksLock(locked_through)))
        case Refusal(error=error):
            logger.error("automatic write-off refused", exc_info=error, extra={"item_type": kind, "item_id": item_id})
            return "failed", _failed(kind, item_id, error)
    raise TypeError(f"not an outcome: {outcome!r}")


Candidate = tuple[RunItemType, str]


def _candidates(business_id: str, policy: WriteOffPolicy | None, run_date: date) -> list[Candidate]:
    """Every candidate of the policy's enabled rules, from the sparse index: (type, id)."""
    if policy is None or not policy.enabled:
        return []
    found: list[Candidate] = []
    if policy.invoices.enabled:
        found += [("invoice", i) for i in _invoice_candidates(business_id, policy.invoices, run_date)]
    if policy.loans.enabled:
        found += [("loan", i) for i in _loan_candidates(business_id, policy.loans, run_date)]
    return found


def _write_off(
    business_id: str,
    policy: WriteOffPolicy,
    run_date: date,
    dry_run: bool,
    run_id: str,
    kind: RunItemType,
    item_id: str,
) -> Outcome:
    """One candidate written off (or planned) under its derived key, eligibility checked as read now."""
    scope = _automatic(business_id, kind, item_id, run_date, run_id)
    if kind == "invoice":
        return _invoice_write_off(scope, policy.invoices, item_id, run_date, dry_run, run_id)
    return _loan_write_off(scope, policy.loans, item_id, run_date, dry_run)


def _process(
    business_id: str, policy: WriteOffPolicy | None, run_date: date, dry_run: bool, run_id: str, work: list[Candidate]
) -> Tally:
    """Each candidate in its own transaction; one item's failure never stops the others."""
    policy = policy or WriteOffPolicy(business_id, False, INVOICE_RULE_OFF, LOAN_RULE_OFF, "")
    closed = run_service.skipped_if_closed(business_id, run_date, work, CATEGORIES)
    if closed is not None:
        return closed
    found: dict[str, list[RunItem]] = {category: [] for category in CATEGORIES}
    for kind, item_id in work:
        try:
            outcome = _write_off(business_id, policy, run_date, dry_run, run_id, kind, item_id)
        except Exception as error:  # noqa: BLE001 - one item's failure never stops the others
            logger.exception("automatic write-off failed", extra={"item_type": kind, "item_id": item_id})
            found["failed"].append(_failed(kind, item_id, error))
            continue
        category, item = _sorted(kind, item_id, outcome, run_id)
        found[category].append(item)
    return Tally.of(found, cents=sum(item.amount or 0 for item in found["written_off"]))


def run_for_business(
    business_id: str,
    run_date: date | None = None,
    *,
    dry_run: bool = False,
    trigger: str = "api",
    as_of: datetime | None = None,
    idempotency: Idempotency | None = None,
) -> WriteOffRun:
    """Write off everything the business's policy calls uncollectible on ``run_date``; the summary.

    Without a run date, the run is for the business's own date at ``as_of`` (the schedule's firing
    time) or now. Up to ``run_rules.INLINE_ITEMS`` candidates are done here and the run is finished; more are
    queued in chunks and the run is ``running`` until the worker has recorded every chunk.
    """
    with books_read_once():  # one chart read for the whole run, not one per item
        if idempotency is not None:  # a keyed repeat gets the first run's summary without running again
            raise_if_recorded(business_id, idempotency)
        started = clock.now()
        books = load_books(business_id)
        run_date = run_date or books.business.local_date(as_of or started)
        if run_date > books.business.local_date(started):
            raise InvalidRequest("run_date", "must not be after today in the business's timezone")
        policy = policies.get_policy(business_id)
        work = _candidates(business_id, policy, run_date)
        run_id = new_id()
        if len(work) > run_rules.INLINE_ITEMS:
            return _queue(
                business_id,
                run_id,
                run_date,
                work,
                dry_run=dry_run,
                trigger=trigger,
                started=started,
                idempotency=idempotency,
            )
        tally = _process(business_id, policy, run_date, dry_run, run_id, work)
    status: RunStatus = (
        "no_policy"
        if policy is None or not policy.enabled
        else "completed_with_failures"
        if tally.count("failed")
        else "completed"
    )
    run = _summary(
        run_id,
        business_id,
        run_date,
        tally,
        dry_run=dry_run,
        trigger=trigger,
        status=status,
        started=started,
        finished=clock.now(),
    )
    _save(run, idempotency)
    _record_metrics(run.totals)
    return run


def _summary(
    run_id: str,
    business_id: str,
    run_date: date,
    tally: Tally,
    *,
    dry_run: bool,
    trigger: str,
    status: RunStatus,
    started: datetime,
    finished: datetime | None,
    progress: Progress | None = None,
) -> WriteOffRun:
    """The run's summary: at most ``MAX_LISTED`` items per list, every item counted in the totals."""
    listed = tally.listed("candidates" if dry_run else "written_off")  # a real run's candidates: what it wrote off
    return WriteOffRun(
        id=run_id,
        business_id=business_id,
        run_date=run_date,
        dry_run=dry_run,
        trigger=trigger,
        status=status,
        started_at=started,
        finished_at=finished,
        candidates=listed,
        written_off=tally.listed("written_off"),
        skipped=tally.listed("skipped"),
        failed=tally.listed("failed"),
        totals=run_totals(tally, dry_run),
        progress=progress,
    )


def _save(run: WriteOffRun, idempotency: Idempotency | None) -> None:
    """The summary (and a keyed request's idempotency record) in one write; a concurrent keyed duplicate
    that ran too gets the first summary instead of saving its own."""
    try:
        post(
            Scope(run.business_id, idempotency),
            lambda: Posting(result=run, actions=(policies.save_run(run.business_id, run),)),
        )
    except (ServiceBusy, *transactions.STORE_ERRORS) as busy:
        if not run.totals.written_off:
            raise
        # The items are written off (each under its own derived key): say so, never "nothing was posted".
        raise PartlyPosted(f"{run.totals.written_off} write-off(s) of this run were", busy) from None


def _record_metrics(totals: RunTotals) -> None:
    metrics.add_metric(name="WriteOffCandidates", unit=MetricUnit.Count, value=totals.candidates)
    metrics.add_metric(name="WriteOffsPosted", unit=MetricUnit.Count, value=totals.written_off)
    metrics.add_metric(name="WriteOffCents", unit=MetricUnit.Count, value=totals.written_off_cents)
    metrics.add_metric(name="WriteOffFailures", unit=MetricUnit.Count, value=totals.failed)


# ---- runs through the queue -------------------------------------------------------------------


def _queue(
    business_id: str,
    run_id: str,
    run_date: date,
    work: list[Candidate],
    *,
    dry_run: bool,
    trigger: str,
    started: datetime,
    idempotency: Idempotency | None,
) -> WriteOffRun:
    """Save the run ``running`` (with the request's idempotency record), then send its chunks to the queue."""
    parts = run_rules.chunked(work, run_rules.CHUNK_ITEMS)
    run = _summary(
        run_id,
        business_id,
        run_date,
        Tally(),
        dry_run=dry_run,
        trigger=trigger,
        status="running",
        started=started,
        finished=None,
        progress=Progress(len(work), 0, len(parts), 0),
    )
    post(
        Scope(business_id, idempotency),
        lambda: Posting(result=run, actions=(policies.start_run(run, categories=CATEGORIES),)),
    )
    messages = [
        WriteOffChunk(business_id, run_id, index, run_date, dry_run, tuple(part)).message()
        for index, part in enumerate(parts)
    ]

    def unsent(index: int, reason: str) -> Tally:
        return Tally.of({"failed": [RunItem(kind, item_id, reason=reason) for kind, item_id in parts[index]]})

    sent = run_service.send_chunks(RUNS, business_id, run_id, messages, unsent, _finished)
    metrics.add_metric(name="WriteOffChunksQueued", unit=MetricUnit.Count, value=sent)
    return run


@dataclass(frozen=True)
class WriteOffChunk:
    """One queued chunk of a write-off run: its candidates, written off (or planned) by the worker."""

    business_id: str
    run_id: str
    index: int
    run_date: date
    dry_run: bool
    items: tuple[Candidate, ...]

    def message(self) -> dict[str, Any]:
        """The chunk as the queue carries it (JSON)."""
        return {
            "type": CHUNK_MESSAGE,
            "business_id": self.business_id,
            "run_id": self.run_id,
            "index": self.index,
            "run_date": self.run_date.isoformat(),
            "dry_run": self.dry_run,
            "items": [list(item) for item in self.items],
        }


CHUNK_MESSAGE = "write-off-chunk"
RUNS = run_service.RunKind("write-off", keys.RUN_PREFIX, keys.RUN_CHUNK_PREFIX)


def process_chunk(chunk: WriteOffChunk, *, last_attempt: bool) -> Tally:
    """Write off (or plan) a queued chunk's candidates and record what became of them.

    An item that failed sends the chunk back to the queue (``runs.ChunkFailed``) until ``last_attempt``,
    when the failures are recorded with the rest: the run finishes ``completed_with_failures``. A
    chunk delivered again writes nothing new (each item's derived key) and is recorded once.
    """
    with books_read_once():
        policy = policies.get_policy(chunk.business_id)
        tally = _process(chunk.business_id, policy, chunk.run_date, chunk.dry_run, chunk.run_id, list(chunk.items))
    if tally.count("failed") and not last_attempt:
        raise run_service.ChunkFailed(
            f"{tally.count('failed')} item(s) of chunk {chunk.index} of run {chunk.run_id} failed"
        )
    run_service.record(RUNS, chunk.business_id, chunk.run_id, chunk.index, tally, finish=_finished)
    return tally


def _finished(item: dict[str, Any], tally: Tally, progress: Progress) -> dict[str, Any]:
    """A queued run's finished summary, from its item as started and the sum of its chunks."""
    started = policies.run_from_document(item["summary"])
    run = _summary(
        started.id,
        started.business_id,
        started.run_date,
        tally,
        dry_run=started.dry_run,
        trigger=started.trigger,
        status=run_service.status_of(tally),  # type: ignore[arg-type]
        started=started.started_at,
        finished=clock.now(),
        progress=progress,
    )
    _record_metrics(run.totals)
    return policies.run_document(run)


# ---- reading runs ---------------------------------------------------------------------------


def get_run(scope: Scope, run_id: str) -> WriteOffRun:
    """A write-off run's stored summary; unknown → 404."""
    run = policies.get_run(scope.business_id, run_id)
    if run is None:
        raise NotFound("Write-off run", run_id)
    return run


def list_runs(scope: Scope, *, limit: int, cursor: str | None) -> Page:
    """A page of the business's write-off run summaries, newest first."""
    return run_service.page(scope, "write-off-runs", limit=limit, cursor=cursor, list_page=policies.list_runs)


def fan_out(send: Callable[[list[dict[str, Any]]], None], scheduled_time: str | None) -> int:
    """One message per business with an enabled policy (found through the sparse index), in batches."""
    return run_service.fan_out(
        send, policies.businesses_with_enabled_policy(), {"scheduled_time": scheduled_time, "trigger": "schedule"}
    )
