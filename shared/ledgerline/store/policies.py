"""Write-off policy items (one per business) and the run summaries the job leaves behind."""

from typing import Any

from ledgerline.domain.policy import InvoiceRule, LoanRule, WriteOffPolicy
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


def save_run(business_id: str, summary: dict[str, Any]) -> transactions.Action:
    """A Put of a run's summary under its ``id``, which must be new."""
    item = {**keys.key(keys.business_pk(business_id), keys.run_sk(summary["id"])), "kind": "WRITE_OFF_RUN",
            "summary": summary}
    return transactions.put(item)


def get_run(business_id: str, run_id: str) -> dict[str, Any] | None:
    """A run's summary, exactly as the run produced it (and the API returns it)."""
    item = items.get(business_id, keys.run_sk(run_id))
    return item["summary"] if item else None


def list_runs(business_id: str, *, limit: int, start_key: dict[str, Any] | None
              ) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """Newest first (run ids are UUIDv7, so the sort key orders them by time)."""
    found, last = items.query_page(business_id, keys.RUN_PREFIX, limit=limit, position=start_key, newest_first=True)
    return [item["summary"] for item in found], last
