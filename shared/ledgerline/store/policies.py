"""Write-off policy items (one per business) and the run summaries the job leaves behind."""

from dataclasses import asdict, replace
from datetime import date, datetime
from typing import Any

from ledgerline.domain.policy import InvoiceRule, LoanRule, RunTotals, WriteOffPolicy, WriteOffRun, run_totals
from ledgerline.domain.runs import Progress
from ledgerline.store import candidates, items, keys, runs, transactions


def policy_item(policy: WriteOffPolicy) -> dict[str, Any]:
    """The business's policy item; on the scheduler's index only if the policy and at least one rule are enabled."""
    active = policy.enabled and (policy.invoices.enabled or policy.loans.enabled)
    return {
        **keys.key(keys.business_pk(policy.business_id), keys.POLICY_SK),
        "kind": "WRITE_OFF_POLICY",
        **candidates.policy_keys(policy.business_id, active),
        "enabled": policy.enabled,
        "updated_at": policy.updated_at,
        "invoices": {
            "enabled": policy.invoices.enabled,
            "days_past_due": policy.invoices.days_past_due,
            "destination": policy.invoices.destination,
        },
        "loans": {
            "enabled": policy.loans.enabled,
            "days_past_maturity": policy.loans.days_past_maturity,
            "days_without_payment": policy.loans.days_without_payment,
        },
    }


def get_policy(business_id: str) -> WriteOffPolicy | None:
    """The business's write-off policy (one consistent GetItem), or None if it never set one."""
    item = items.get(business_id, keys.POLICY_SK)
    if item is None:
        return None
    return WriteOffPolicy(
        business_id=business_id,
        enabled=item["enabled"],
        updated_at=item["updated_at"],
        invoices=InvoiceRule(**item["invoices"]),
        loans=LoanRule(**{k: item["loans"].get(k) for k in ("enabled", "days_past_maturity", "days_without_payment")}),
    )


def save_policy(policy: WriteOffPolicy) -> transactions.Action:
    """An unconditional Put of the policy, replacing whatever was there."""
    return transactions.put(policy_item(policy), condition=None)  # the latest PUT wins


def businesses_with_enabled_policy() -> list[str]:
    """From the sparse index: only enabled policies carry its keys (no Scan)."""
    _pk, sk = keys.index_key_names(keys.BY_DUE_INDEX)  # an enabled policy's index sort key is its business id
    return [item[sk] for item in candidates.query(keys.BY_DUE_INDEX, keys.POLICIES_PK, "")]


def run_document(run: WriteOffRun) -> dict[str, Any]:
    """The summary as its item keeps it (and ``ledgerline run-write-offs`` prints it): JSON values, dates as
    ISO strings, an item's unset fields left out."""
    return {
        "id": run.id,
        "business_id": run.business_id,
        "run_date": run.run_date.isoformat(),
        "dry_run": run.dry_run,
        "trigger": run.trigger,
        "status": run.status,
        "started_at": run.started_at.isoformat(),
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        "candidates": [runs.item_document(i) for i in run.candidates],
        "written_off": [runs.item_document(i) for i in run.written_off],
        "skipped": [runs.item_document(i) for i in run.skipped],
        "failed": [runs.item_document(i) for i in run.failed],
        "totals": asdict(run.totals),
        **({"progress": asdict(run.progress)} if run.progress else {}),
    }


def run_from_document(document: dict[str, Any]) -> WriteOffRun:
    """The run a stored summary describes (every summary ever stored has this one format)."""
    return WriteOffRun(
        id=document["id"],
        business_id=document["business_id"],
        run_date=date.fromisoformat(document["run_date"]),
        dry_run=document["dry_run"],
        trigger=document["trigger"],
        status=document["status"],
        started_at=datetime.fromisoformat(document["started_at"]),
        finished_at=datetime.fromisoformat(document["finished_at"]) if document.get("finished_at") else None,
        candidates=runs.items_of(document["candidates"]),
        written_off=runs.items_of(document["written_off"]),
        skipped=runs.items_of(document["skipped"]),
        failed=runs.items_of(document["failed"]),
        totals=RunTotals(**document["totals"]),
        progress=Progress(**document["progress"]) if document.get("progress") else None,
    )


RUN_KIND = "WRITE_OFF_RUN"


def save_run(business_id: str, run: WriteOffRun) -> transactions.Action:
    """A Put of a finished run's summary under its ``id``, which must be new."""
    return runs.finished(business_id, keys.run_sk(run.id), RUN_KIND, run_document(run))


def start_run(run: WriteOffRun, *, categories: tuple[str, ...]) -> transactions.Action:
    """A Put of a queued run, ``running`` with its progress at zero; its ``id`` must be new."""
    assert run.progress is not None
    return runs.start(
        run.business_id,
        keys.run_sk(run.id),
        RUN_KIND,
        run_document(run),
        total=run.progress.total,
        chunks=run.progress.chunks,
        categories=categories,
    )


def run_of(item: dict[str, Any]) -> WriteOffRun:
    """The run an item holds: its summary, and while it is ``running`` its progress and totals so far."""
    run = run_from_document(item["summary"])
    live = runs.progress(item)
    if live is None or run.status != "running":
        return run
    progress, tally = live
    return replace(run, progress=progress, totals=run_totals(tally, run.dry_run))


def get_run(business_id: str, run_id: str) -> WriteOffRun | None:
    """A run's summary (one consistent GetItem), or None."""
    item = items.get(business_id, keys.run_sk(run_id))
    return run_of(item) if item else None


def list_runs(
    business_id: str, *, limit: int, start_key: dict[str, Any] | None
) -> tuple[list[WriteOffRun], dict[str, Any] | None]:
    """Newest first (run ids are UUIDv7, so the sort key orders them by time)."""
    found, last = items.query_page(business_id, keys.RUN_PREFIX, limit=limit, position=start_key, newest_first=True)
    return [run_of(item) for item in found], last
