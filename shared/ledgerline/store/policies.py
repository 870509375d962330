"""Write-off policy items (one per business) and the run summaries the job leaves behind."""

from typing import Any

from ledgerline.domain.policy import InvoiceRule, LoanRule, WriteOffPolicy
from ledgerline.store import candidates, codec, items, keys, transactions
from ledgerline.store.runtime import table_name

POLICY_SK = "WRITE_OFF_POLICY"
RUN_PREFIX = "WRITEOFFRUN#"


def policy_item(policy: WriteOffPolicy) -> dict[str, Any]:
    active = policy.enabled and (policy.invoices.enabled or policy.loans.enabled)
    return {
        **keys.key(keys.business_pk(policy.business_id), POLICY_SK), "kind": "WRITE_OFF_POLICY",
        **candidates.policy_keys(policy.business_id, active),
        "enabled": policy.enabled, "updated_at": policy.updated_at,
        "invoices": {"enabled": policy.invoices.enabled, "days_past_due": policy.invoices.days_past_due,
                     "destination": policy.invoices.destination},
        "loans": {"enabled": policy.loans.enabled, "days_past_maturity": policy.loans.days_past_maturity,
                  "days_without_payment": policy.loans.days_without_payment},
    }


def get_policy(business_id: str) -> WriteOffPolicy | None:
    item = items.get(business_id, POLICY_SK)
    if item is None:
        return None
    return WriteOffPolicy(
        business_id=business_id, enabled=item["enabled"], updated_at=item["updated_at"],
        invoices=InvoiceRule(**item["invoices"]),
        loans=LoanRule(**{k: item["loans"].get(k) for k in ("enabled", "days_past_maturity", "days_without_payment")}),
    )


def save_policy(policy: WriteOffPolicy) -> transactions.Action:
    return transactions.put(policy_item(policy), condition=None)  # the latest PUT wins


def businesses_with_enabled_policy() -> list[str]:
    """From the sparse index: only enabled policies carry its keys (no Scan)."""
    return [item["GSI2SK"] for item in candidates.query(candidates.BY_DUE_INDEX, candidates.POLICIES_PK, "")]


def run_sk(run_id: str) -> str:
    return f"{RUN_PREFIX}{run_id}"


def save_run(business_id: str, summary: dict[str, Any]) -> transactions.Action:
    item = {**keys.key(keys.business_pk(business_id), run_sk(summary["id"])), "kind": "WRITE_OFF_RUN",
            "summary": summary}
    return transactions.put(item)


def get_run(business_id: str, run_id: str) -> dict[str, Any] | None:
    item = items.get(business_id, run_sk(run_id))
    return item["summary"] if item else None


def list_runs(business_id: str, *, limit: int, start_key: dict[str, Any] | None
              ) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """Newest first (run ids are UUIDv7, so the sort key orders them by time)."""
    request: dict[str, Any] = {
        "TableName": table_name(), "ConsistentRead": True, "ScanIndexForward": False, "Limit": limit,
        "KeyConditionExpression": "PK = :pk AND begins_with(SK, :prefix)",
        "ExpressionAttributeValues": codec.to_item({":pk": keys.business_pk(business_id), ":prefix": RUN_PREFIX}),
    }
    start_key = items.start_key(start_key, equal={"PK": keys.business_pk(business_id)}, prefixed={"SK": RUN_PREFIX})
    page = items.query_page(request, start_key)
    return ([codec.from_item(i)["summary"] for i in page.get("Items", [])],
            codec.from_item(page.get("LastEvaluatedKey")))
