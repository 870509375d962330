"""Scheduled batch write-offs (SPEC §7): policies, candidates from the sparse index, one run per business.

Each eligible item is written off in its own transaction with an Idempotency-Key derived from
(business, item, run date), so running a date again — or SQS delivering a message twice — writes
nothing new. Eligibility is checked again against the item as read at write time; one item's failure
is recorded and never stops the others.
"""

import hashlib
import json
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from ledgerline import clock, cursors
from ledgerline.domain import invoices as invoice_rules
from ledgerline.domain.ids import new_id
from ledgerline.domain.invoices import Invoice, InvoiceWriteOff, WriteOffInvoice
from ledgerline.domain.loans import Instrument, WriteOffLoan
from ledgerline.domain.policy import AUTOMATIC_MEMO, InvoiceRule, LoanRule, WriteOffPolicy
from ledgerline.errors import EventBeforeInterestDate, InvalidRequest, NotFound, PartlyPosted, ServiceBusy
from ledgerline.idempotency import Idempotency, raise_if_recorded
from ledgerline.observability import MetricUnit, logger, metrics
from ledgerline.schemas.common import AccountStableName
from ledgerline.schemas.policy import WriteOffPolicyRequest
from ledgerline.services import accounts, invoices, loan_support, loans
from ledgerline.services.ledger import Page, books_read_once, load_books, require_business
from ledgerline.services.posting import Planned, Posted, Posting, Refusal, Replayed, Scope, post, post_outcome
from ledgerline.store import candidates, policies, transactions

DEFAULT_DESTINATION = {"type": "StableName", "stable_name": "BAD_DEBT"}
MAX_LISTED = 250
"""Items listed per category in a run summary (the totals always count everything); keeps the
summary item far below DynamoDB's 400 KB item limit."""


# ---- policy ---------------------------------------------------------------------------------

def get_policy(scope: Scope) -> WriteOffPolicy:
    """The business's policy, or the default (disabled) one if none was ever set."""
    require_business(scope.business_id)
    return policies.get_policy(scope.business_id) or WriteOffPolicy(
        scope.business_id, False, InvoiceRule(False, 90, DEFAULT_DESTINATION), LoanRule(False, None, None), "")


def put_policy(scope: Scope, request: WriteOffPolicyRequest) -> WriteOffPolicy:
    """Replace the business's write-off policy; an enabled loan rule without any threshold is refused."""
    invoice_input, loan_input = request.invoices, request.loans
    if loan_input and loan_input.enabled and loan_input.days_past_maturity is None \
            and loan_input.days_without_payment is None:
        raise InvalidRequest("loans", "set days_past_maturity, days_without_payment or both")

    def decide() -> Posting[WriteOffPolicy]:
        books = load_books(scope.business_id)
        destination = DEFAULT_DESTINATION
        if invoice_input and invoice_input.destination_ledger_account:
            destination = invoice_input.destination_ledger_account.model_dump()
        account = accounts.resolve(books.chart, invoice_input.destination_ledger_account
                                   if invoice_input and invoice_input.destination_ledger_account
                                   else AccountStableName(**DEFAULT_DESTINATION),
                                   field="invoices.destination_ledger_account")
        invoice_rules.check_write_off_destination(account, "invoices.destination_ledger_account")
        policy = WriteOffPolicy(
            business_id=scope.business_id, enabled=request.enabled, updated_at=clock.now().isoformat(),
            invoices=InvoiceRule(bool(invoice_input and invoice_input.enabled),
                                 invoice_input.days_past_due if invoice_input else 90, destination),
            loans=LoanRule(bool(loan_input and loan_input.enabled),
                           loan_input.days_past_maturity if loan_input else None,
                           loan_input.days_without_payment if loan_input else None),
        )
        return Posting(result=policy, actions=(policies.save_policy(policy),))

    return post(scope, decide)


# ---- one run for one business ---------------------------------------------------------------

def _item(kind: str, item_id: str, **values: Any) -> dict[str, Any]:
    return {"type": kind, "id": item_id, **{k: v for k, v in values.items() if v is not None}}


def _automatic(business_id: str, kind: str, item_id: str, run_date: date) -> Scope:
    """The derived key that makes re-running a date (or a redelivered message) write nothing new."""
    # A NUL byte cannot appear in an HTTP header, so no client Idempotency-Key can ever collide.
    key = f"\x00write-off-policy|{kind}|{item_id}|{run_date.isoformat()}"
    fingerprint = hashlib.sha256(key.encode()).hexdigest()
    return Scope(business_id, Idempotency(key, fingerprint, lambda result: (201, json.dumps(_recorded(result)))))


def _recorded(result: Any) -> dict[str, Any]:
    """What the idempotency record keeps of an automatic write-off (enough for a later run's summary)."""
    if isinstance(result, loans.WriteOffResult):
        return {"journal_entry_id": result.entry.id if result.entry else None,
                "amount": result.plan.principal_cents + result.plan.interest_from_ledger_cents}
    return {"journal_entry_id": result.journal_entry_id, "amount": result.amount}


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


def _written(kind: str, item_id: str, result: Any) -> dict[str, Any]:
    """A written-off (or, in a dry run, would-be) item, from the plan's result."""
    if isinstance(result, loans.WriteOffResult):
        return _item(kind, item_id, amount=result.plan.principal_cents + result.plan.interest_from_ledger_cents,
                     journal_entry_id=result.entry.id if result.entry else None)
    return _item(kind, item_id, amount=result.amount, journal_entry_id=result.journal_entry_id)


def run_for_business(business_id: str, run_date: date | None = None, *, dry_run: bool = False,
                     trigger: str = "api", as_of: datetime | None = None,
                     idempotency: Idempotency | None = None) -> dict[str, Any]:
    """Write off everything the business's policy calls uncollectible on ``run_date``; the summary.

    Without a run date, the run is for the business's own date at ``as_of`` (the schedule's firing
    time) or now.
    """
    with books_read_once():  # one chart read for the whole run, not one per item
        return _run(business_id, run_date, dry_run=dry_run, trigger=trigger, as_of=as_of, idempotency=idempotency)


def _run(business_id: str, run_date: date | None, *, dry_run: bool, trigger: str, as_of: datetime | None,
         idempotency: Idempotency | None) -> dict[str, Any]:
    if idempotency is not None:  # a keyed repeat gets the first run's summary without running again
        raise_if_recorded(business_id, idempotency)
    started = clock.now()
    books = load_books(business_id)
    run_date = run_date or books.business.local_date(as_of or started)
    if run_date > books.business.local_date(started):
        raise InvalidRequest("run_date", "must not be after today in the business's timezone")
    policy = policies.get_policy(business_id)
    found: list[dict[str, Any]] = []
    written: list[dict[str, Any]] = []
    skipped: list[dict[str, Any]] = []
    failed: list[dict[str, Any]] = []
    work: list[tuple[str, str, Callable[[], Outcome]]] = []
    if policy is not None and policy.enabled:
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
    for kind, item_id, write in work:
        try:
            outcome = write()
        except Exception as error:  # noqa: BLE001 - one item's failure never stops the others
            logger.exception("automatic write-off failed", extra={"item_type": kind, "item_id": item_id})
            failed.append(_item(kind, item_id, reason=str(error) or type(error).__name__))
            continue
        match outcome:
            case Planned(result=result):
                found.append({k: v for k, v in _written(kind, item_id, result).items() if k != "journal_entry_id"})
            case Posted(result=result):
                written.append(_written(kind, item_id, result))
            case Replayed(body=body):
                skipped.append(_item(kind, item_id, reason="already written off for this run date",
                                     journal_entry_id=json.loads(body).get("journal_entry_id")))
            case Refusal(error=None | EventBeforeInterestDate(), reason=reason):
                skipped.append(_item(kind, item_id, reason=reason))
            case Refusal(error=error):
                logger.error("automatic write-off refused", exc_info=error,
                             extra={"item_type": kind, "item_id": item_id})
                failed.append(_item(kind, item_id, reason=str(error) or type(error).__name__))
    found = found if dry_run else [*written]
    summary = {
        "id": new_id(), "business_id": business_id, "run_date": run_date.isoformat(), "dry_run": dry_run,
        "trigger": trigger,
        "status": "no_policy" if policy is None or not policy.enabled
        else "completed_with_failures" if failed else "completed",
        "started_at": started.isoformat(), "finished_at": clock.now().isoformat(),
        "candidates": found[:MAX_LISTED], "written_off": written[:MAX_LISTED], "skipped": skipped[:MAX_LISTED],
        "failed": failed[:MAX_LISTED],
        "totals": {"candidates": len(found), "written_off": len(written),
                   "written_off_cents": sum(i.get("amount", 0) for i in written),
                   "skipped": len(skipped), "failed": len(failed)},
    }
    # The summary (and a keyed request's idempotency record) in one write; a concurrent keyed
    # duplicate that ran too gets the first summary instead of saving its own.
    try:
        post(Scope(business_id, idempotency), lambda: Posting(result=summary,
                                                              actions=(policies.save_run(business_id, summary),)))
    except (ServiceBusy, *transactions.STORE_ERRORS) as busy:
        if not written:
            raise
        # The items are written off (each under its own derived key): say so, never "nothing was posted".
        raise PartlyPosted(f"{len(written)} write-off(s) of this run were", busy) from None
    _record_metrics(summary)
    return summary


def _record_metrics(summary: dict[str, Any]) -> None:
    totals = summary["totals"]
    metrics.add_metric(name="WriteOffCandidates", unit=MetricUnit.Count, value=totals["candidates"])
    metrics.add_metric(name="WriteOffsPosted", unit=MetricUnit.Count, value=totals["written_off"])
    metrics.add_metric(name="WriteOffCents", unit=MetricUnit.Count, value=totals["written_off_cents"])
    metrics.add_metric(name="WriteOffFailures", unit=MetricUnit.Count, value=totals["failed"])


# ---- reading runs ---------------------------------------------------------------------------

def get_run(scope: Scope, run_id: str) -> dict[str, Any]:
    """A write-off run's stored summary; unknown → 404."""
    summary = policies.get_run(scope.business_id, run_id)
    if summary is None:
        raise NotFound("Write-off run", run_id)
    return summary


def list_runs(scope: Scope, *, limit: int, cursor: str | None) -> Page:
    """A page of the business's write-off run summaries."""
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
