"""Scheduled batch write-offs (SPEC §7): policies, candidates from the sparse index, one run per business.

Each eligible item is written off in its own transaction with an Idempotency-Key derived from
(business, item, run date), so running a date again — or SQS delivering a message twice — writes
nothing new. Eligibility is checked again against the item as read at write time; one item's failure
is recorded and never stops the others. A run's summary is a :class:`WriteOffRun`.
"""

import hashlib
import json
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from ledgerline import clock, cursors
from ledgerline.domain import invoices as invoice_rules
from ledgerline.domain.ids import new_id
from ledgerline.domain.invoices import Invoice, InvoiceWriteOff, WriteOffInvoice
from ledgerline.domain.loans import Instrument, WriteOffLoan
from ledgerline.domain.policy import (
    AUTOMATIC_MEMO,
    INVOICE_RULE_OFF,
    LOAN_RULE_OFF,
    InvoiceRule,
    LoanRule,
    RunItem,
    RunItemType,
    RunStatus,
    RunTotals,
    SetWriteOffPolicy,
    WriteOffPolicy,
    WriteOffRun,
)
from ledgerline.errors import EventBeforeInterestDate, InvalidRequest, NotFound, PartlyPosted, ServiceBusy
from ledgerline.idempotency import Idempotency, raise_if_recorded
from ledgerline.observability import MetricUnit, logger, metrics
from ledgerline.services import accounts, invoices, loan_support, loans
from ledgerline.services.ledger import Page, books_read_once, load_books, require_business
from ledgerline.services.posting import Planned, Posted, Posting, Refusal, Replayed, Scope, post, post_outcome
from ledgerline.store import candidates, policies, transactions

MAX_LISTED = 250
"""Items listed per category in a run summary (the totals always count everything); keeps the
summary item far below DynamoDB's 400 KB item limit."""


# ---- policy ---------------------------------------------------------------------------------

def get_policy(scope: Scope) -> WriteOffPolicy:
    """The business's policy, or the default (disabled) one if none was ever set."""
    require_business(scope.business_id)
    return policies.get_policy(scope.business_id) or WriteOffPolicy(
        scope.business_id, False, INVOICE_RULE_OFF, LOAN_RULE_OFF, "")


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
        policy = WriteOffPolicy(business_id=scope.business_id, enabled=command.enabled, invoices=command.invoices,
                                loans=command.loans, updated_at=clock.now().isoformat())
        return Posting(result=policy, actions=(policies.save_policy(policy),))

    return post(scope, decide)


# ---- one run for one business ---------------------------------------------------------------

def _automatic(business_id: str, kind: RunItemType, item_id: str, run_date: date) -> Scope:
    """The derived key that makes re-running a date (or a redelivered message) write nothing new."""
    # A NUL byte cannot appear in an HTTP header, so no client Idempotency-Key can ever collide.
    key = f"\x00write-off-policy|{kind}|{item_id}|{run_date.isoformat()}"
    fingerprint = hashlib.sha256(key.encode()).hexdigest()
    return Scope(business_id, Idempotency(key, fingerprint, lambda result: (201, json.dumps(_recorded(result)))))


def _recorded(result: Any) -> dict[str, Any]:
    """What the idempotency record keeps of an automatic write-off (enough for a later run's summary)."""
    written = _written("invoice", "", result)  # the amount and entry; the record is keyed by the item already
    return {"journal_entry_id": written.journal_entry_id, "amount": written.amount}


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
    return None


def loan_ineligibility(rule: LoanRule, instrument: Instrument, run_date: date) -> str | None:
    """Why the policy does not write ``instrument`` off on ``run_date`` (as read now), or ``None`` if it does."""
    return None if rule.eligible(instrument, run_date) else f"loan {instrument.id} is not eligible on {run_date}"


def _invoice_write_off(scope: Scope, rule: InvoiceRule, invoice_id: str, run_date: date,
                       dry_run: bool) -> Outcome:
    def decide() -> Posting[InvoiceWriteOff] | Refusal:
        books = load_books(scope.business_id)
        invoice = invoices.load_invoice(books, invoice_id)
        zone = ZoneInfo(books.business.timezone)
        # First: an item paid or voided since it was listed is skipped, not failed.
        if (reason := invoice_ineligibility(rule, invoice, run_date, zone)) is not None:
            return Refusal(reason)
        command = WriteOffInvoice(memo=AUTOMATIC_MEMO, destination=rule.destination,
                                  write_off_at=datetime.combine(run_date, time(0), zone))
        return invoices.plan_write_off(books, invoice, command, new_id())

    return post_outcome(scope, decide, dry_run=dry_run)


def _loan_write_off(scope: Scope, rule: LoanRule, instrument_id: str, run_date: date, dry_run: bool) -> Outcome:
    def decide() -> Posting[loans.WriteOffResult] | Refusal:
        books = load_books(scope.business_id)
        instrument = loan_support.instrument(scope.business_id, instrument_id)
        if (reason := loan_ineligibility(rule, instrument, run_date)) is not None:  # first, as for invoices
            return Refusal(reason)
        return loans.plan_write_off(books, instrument, WriteOffLoan(write_off_date=run_date, memo=AUTOMATIC_MEMO),
                                    new_id())

    return post_outcome(scope, decide, dry_run=dry_run)


def _written(kind: RunItemType, item_id: str, result: Any) -> RunItem:
    """A written-off (or, in a dry run, would-be) item, from the plan's result (a loan's or an invoice's write-off)."""
    if isinstance(result, loans.WriteOffResult):
        amount = result.plan.principal_cents + result.plan.interest_from_ledger_cents
        return RunItem(kind, item_id, amount=amount, journal_entry_id=result.entry.id if result.entry else None)
    return RunItem(kind, item_id, amount=result.amount, journal_entry_id=result.journal_entry_id)


def _failed(kind: RunItemType, item_id: str, error: BaseException) -> RunItem:
    return RunItem(kind, item_id, reason=str(error) or type(error).__name__)


def _sorted(kind: RunItemType, item_id: str, outcome: Outcome) -> tuple[str, RunItem]:
    """The summary list an item's outcome belongs to (``candidates``, ``written_off``, ``skipped``, ``failed``),
    and the item as that list shows it."""
    match outcome:
        case Planned(result=result):
            return "candidates", replace(_written(kind, item_id, result), journal_entry_id=None)
        case Posted(result=result):
            return "written_off", _written(kind, item_id, result)
        case Replayed(body=body):
            return "skipped", RunItem(kind, item_id, reason="already written off for this run date",
                                      journal_entry_id=json.loads(body).get("journal_entry_id"))
        case Refusal(error=None | EventBeforeInterestDate(), reason=reason):
            return "skipped", RunItem(kind, item_id, reason=reason)
        case Refusal(error=error):
            logger.error("automatic write-off refused", exc_info=error, extra={"item_type": kind, "item_id": item_id})
            return "failed", _failed(kind, item_id, error)
    raise TypeError(f"not an outcome: {outcome!r}")


Work = list[tuple[RunItemType, str, Callable[[], Outcome]]]


def _work(business_id: str, policy: WriteOffPolicy | None, run_date: date, dry_run: bool) -> Work:
    """Every candidate of the policy's enabled rules, each with the write-off that plans (or posts) it under
    its derived key: (type, id, write-off)."""
    work: Work = []
    if policy is None or not policy.enabled:
        return work
    if policy.invoices.enabled:
        for invoice_id in _invoice_candidates(business_id, policy.invoices, run_date):
            scope = _automatic(business_id, "invoice", invoice_id, run_date)
            work.append(("invoice", invoice_id, lambda s=scope, i=invoice_id: _invoice_write_off(
                s, policy.invoices, i, run_date, dry_run)))
    if policy.loans.enabled:
        for instrument_id in _loan_candidates(business_id, policy.loans, run_date):
            scope = _automatic(business_id, "loan", instrument_id, run_date)
            work.append(("loan", instrument_id, lambda s=scope, i=instrument_id: _loan_write_off(
                s, policy.loans, i, run_date, dry_run)))
    return work


def run_for_business(business_id: str, run_date: date | None = None, *, dry_run: bool = False,
                     trigger: str = "api", as_of: datetime | None = None,
                     idempotency: Idempotency | None = None) -> WriteOffRun:
    """Write off everything the business's policy calls uncollectible on ``run_date``; the summary.

    Without a run date, the run is for the business's own date at ``as_of`` (the schedule's firing
    time) or now.
    """
    with books_read_once():  # one chart read for the whole run, not one per item
        return _run(business_id, run_date, dry_run=dry_run, trigger=trigger, as_of=as_of, idempotency=idempotency)


def _run(business_id: str, run_date: date | None, *, dry_run: bool, trigger: str, as_of: datetime | None,
         idempotency: Idempotency | None) -> WriteOffRun:
    if idempotency is not None:  # a keyed repeat gets the first run's summary without running again
        raise_if_recorded(business_id, idempotency)
    started = clock.now()
    books = load_books(business_id)
    run_date = run_date or books.business.local_date(as_of or started)
    if run_date > books.business.local_date(started):
        raise InvalidRequest("run_date", "must not be after today in the business's timezone")
    policy = policies.get_policy(business_id)
    found: dict[str, list[RunItem]] = {"candidates": [], "written_off": [], "skipped": [], "failed": []}
    for kind, item_id, write in _work(business_id, policy, run_date, dry_run):
        try:
            outcome = write()
        except Exception as error:  # noqa: BLE001 - one item's failure never stops the others
            logger.exception("automatic write-off failed", extra={"item_type": kind, "item_id": item_id})
            found["failed"].append(_failed(kind, item_id, error))
            continue
        category, item = _sorted(kind, item_id, outcome)
        found[category].append(item)
    status: RunStatus = ("no_policy" if policy is None or not policy.enabled
                         else "completed_with_failures" if found["failed"] else "completed")
    run = _summary(business_id, run_date, found, dry_run=dry_run, trigger=trigger, status=status, started=started)
    _save(run, idempotency)
    _record_metrics(run.totals)
    return run


def _summary(business_id: str, run_date: date, found: dict[str, list[RunItem]], *, dry_run: bool, trigger: str,
             status: RunStatus, started: datetime) -> WriteOffRun:
    """The run's summary: at most ``MAX_LISTED`` items per list, every item counted in the totals."""
    written, skipped, failed = found["written_off"], found["skipped"], found["failed"]
    listed = found["candidates"] if dry_run else written  # a real run's candidates are what it wrote off
    return WriteOffRun(
        id=new_id(), business_id=business_id, run_date=run_date, dry_run=dry_run, trigger=trigger, status=status,
        started_at=started, finished_at=clock.now(), candidates=tuple(listed[:MAX_LISTED]),
        written_off=tuple(written[:MAX_LISTED]), skipped=tuple(skipped[:MAX_LISTED]),
        failed=tuple(failed[:MAX_LISTED]),
        totals=RunTotals(candidates=len(listed), written_off=len(written),
                         written_off_cents=sum(item.amount or 0 for item in written), skipped=len(skipped),
                         failed=len(failed)),
    )


def _save(run: WriteOffRun, idempotency: Idempotency | None) -> None:
    """The summary (and a keyed request's idempotency record) in one write; a concurrent keyed duplicate
    that ran too gets the first summary instead of saving its own."""
    try:
        post(Scope(run.business_id, idempotency),
             lambda: Posting(result=run, actions=(policies.save_run(run.business_id, run),)))
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


# ---- reading runs ---------------------------------------------------------------------------

def get_run(scope: Scope, run_id: str) -> WriteOffRun:
    """A write-off run's stored summary; unknown → 404."""
    run = policies.get_run(scope.business_id, run_id)
    if run is None:
        raise NotFound("Write-off run", run_id)
    return run


def list_runs(scope: Scope, *, limit: int, cursor: str | None) -> Page:
    """A page of the business's write-off run summaries, newest first."""
    listing = f"write-off-runs|{scope.business_id}"
    position = cursors.decode(listing, cursor)
    require_business(scope.business_id)
    found, last = policies.list_runs(scope.business_id, limit=limit, start_key=position)
    return Page(found, cursors.encode(listing, last))


def fan_out(send: Callable[[list[dict[str, Any]]], None], scheduled_time: str | None) -> int:
    """One message per business with an enabled policy (found through the sparse index), in batches."""
    business_ids = policies.businesses_with_enabled_policy()
    messages = [{"business_id": b, "scheduled_time": scheduled_time, "trigger": "schedule"} for b in business_ids]
    for start in range(0, len(messages), 10):
        send(messages[start:start + 10])
    return len(messages)
