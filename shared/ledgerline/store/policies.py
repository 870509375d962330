"""Write-off policy items (one per business) and the run summaries the job leaves behind."""

from dataclasses import asdict
from datetime import date, datetime
from typing import Any

from ledgerline.domain.policy import InvoiceRule, LoanRule, RunItem, RunTotals, WriteOffPolicy, WriteOffRun
from ledgerline.store import candidates, items, keys, transactions


def policy_item(policy: WriteOffPolicy) -> dict[str, Any]:
    """The business's policy item; on the scheduler's index only if the policy and at least one rule are enabled."""
    active = policy.enabled and (policy.invoices.enabled or policy.loans.enabled)
    return {
        **keys.key(keys.business_pk(policy.business_id), keys.POLICY_SK), "kind": "WRITE_OFF_POLICY",
        **candidates.policy_keys(policy.business_id, active),
        "enabled": policy.enabled, "updated_at": policy.updated_at,
        "invoices": {"enabled": policy.invoices.enabled, "days_past_due": policy.invoices.days_past_due,
                     "destination": policy.invoices.destination},
        "loans": {"enabled": policy.loans.enabled, "days_past_maturity": policy.loans.days_past_maturity,
                  "days_without_payment": policy.loans.days_without_payment},
    }


def get_policy(business_id: str) -> WriteOffPolicy | None:
    """The business's write-off policy (one consistent GetItem), or None if it never set one."""
    item = items.get(business_id, keys.POLICY_SK)
    if item is None:
        return None
    return WriteOffPolicy(
        business_id=business_id, enabled=item["enabled"], updated_at=item["updated_at"],
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


_ITEM_FIELDS = ("amount", "reason", "journal_entry_id")
"""A run item's optional fields, in the order its document has always listed them."""


def _item_document(item: RunItem) -> dict[str, Any]:
    """A run item as its summary document lists it: ``type``, ``id`` and the fields it has."""
    values = {name: getattr(item, name) for name in _ITEM_FIELDS}
    return {"type": item.type, "id": item.id, **{k: v for k, v in values.items() if v is not None}}


def run_document(run: WriteOffRun) -> dict[str, Any]:
    """The summary as its item keeps it (and ``ledgerline run-write-offs`` prints it): JSON values, dates as
    ISO strings, an item's unset fields left out."""
    return {
        "id": run.id, "business_id": run.business_id, "run_date": run.run_date.isoformat(), "dry_run": run.dry_run,
        "trigger": run.trigger, "status": run.status, "started_at": run.started_at.isoformat(),
        "finished_at": run.finished_at.isoformat(),
        "candidates": [_item_document(i) for i in run.candidates],
        "written_off": [_item_document(i) for i in run.written_off],
        "skipped": [_item_document(i) for i in run.skipped], "failed": [_item_document(i) for i in run.failed],
        "totals": asdict(run.totals),
    }


def _items(documents: list[dict[str, Any]]) -> tuple[RunItem, ...]:
    """The run items a summary document lists."""
    return tuple(RunItem(d["type"], d["id"], amount=d.get("amount"), journal_entry_id=d.get("journal_entry_id"),
                         reason=d.get("reason")) for d in documents)


def run_from_document(document: dict[str, Any]) -> WriteOffRun:
    """The run a stored summary describes (every summary ever stored has this one format)."""
    return WriteOffRun(
        id=document["id"], business_id=document["business_id"], run_date=date.fromisoformat(document["run_date"]),
        dry_run=document["dry_run"], trigger=document["trigger"], status=document["status"],
        started_at=datetime.fromisoformat(document["started_at"]),
        finished_at=datetime.fromisoformat(document["finished_at"]),
        candidates=_items(document["candidates"]), written_off=_items(document["written_off"]),
        skipped=_items(document["skipped"]), failed=_items(document["failed"]),
        totals=RunTotals(**document["totals"]),
    )


def save_run(business_id: str, run: WriteOffRun) -> transactions.Action:
    """A Put of a run's summary under its ``id``, which must be new."""
    item = {**keys.key(keys.business_pk(business_id), keys.run_sk(run.id)), "kind": "WRITE_OFF_RUN",
            "summary": run_document(run)}
    return transactions.put(item)


def get_run(business_id: str, run_id: str) -> WriteOffRun | None:
    """A run's summary (one consistent GetItem), or None."""
    item = items.get(business_id, keys.run_sk(run_id))
    return run_from_document(item["summary"]) if item else None


def list_runs(business_id: str, *, limit: int, start_key: dict[str, Any] | None
              ) -> tuple[list[WriteOffRun], dict[str, Any] | None]:
    """Newest first (run ids are UUIDv7, so the sort key orders them by time)."""
    found, last = items.query_page(business_id, keys.RUN_PREFIX, limit=limit, position=start_key, newest_first=True)
    return [run_from_document(item["summary"]) for item in found], last
