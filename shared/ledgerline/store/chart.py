"""A business's profile and chart of accounts: items, the one-Query load, and balance moves."""

from typing import Any

from ledgerline.domain.accounts import Account, AccountType, Chart, Direction
from ledgerline.domain.business import Business
from ledgerline.store import items as item_reads
from ledgerline.store import keys, transactions


def profile_item(business: Business) -> dict[str, Any]:
    """The business's profile item, under the chart's prefix so :func:`load` reads both at once."""
    return {
        **keys.key(keys.business_pk(business.id), keys.PROFILE_SK),
        "kind": "BUSINESS",
        "business_id": business.id,
        "name": business.name,
        "timezone": business.timezone,
        "currency": business.currency,
        "created_at": business.created_at,
    }


def account_item(business_id: str, account: Account, created_at: str) -> dict[str, Any]:
    """An account's item, its running ``balance`` included (moved by :func:`move_balance`)."""
    return {
        **keys.key(keys.business_pk(business_id), keys.account_sk(account.id)),
        "kind": "ACCOUNT",
        "account_id": account.id,
        "name": account.name,
        "stable_name": account.stable_name,
        "account_type": account.account_type.value,
        "normality": account.normality.value,
        "balance": account.balance,
        "created_at": created_at,
    }


def stable_name_item(business_id: str, account: Account) -> dict[str, Any]:
    """Guards the uniqueness of a stable name inside the same transaction that creates the account."""
    return {
        **keys.key(keys.business_pk(business_id), keys.stable_name_sk(account.stable_name)),
        "kind": "STABLE_NAME",
        "account_id": account.id,
    }


def _account(item: dict[str, Any]) -> Account:
    return Account(
        id=item["account_id"],
        name=item["name"],
        stable_name=item["stable_name"],
        account_type=AccountType(item["account_type"]),
        normality=Direction(item["normality"]),
        balance=item.get("balance", 0),
    )


def _business(business_id: str, profile: dict[str, Any]) -> Business:
    return Business(
        id=business_id, name=profile["name"], timezone=profile.get("timezone", "UTC"),
        currency=profile.get("currency", "USD"), created_at=profile.get("created_at"),
    )


def get_business(business_id: str) -> Business | None:
    """The profile alone (one consistent GetItem), for reads that need nothing else of the business."""
    profile = item_reads.get(business_id, keys.PROFILE_SK)
    return _business(business_id, profile) if profile is not None else None


def load(business_id: str) -> tuple[Business | None, Chart]:
    """Profile and every account in one strongly consistent Query (one read)."""
    items = item_reads.query_prefix(business_id, keys.CHART_PREFIX)
    profile = next((i for i in items if i["SK"] == keys.PROFILE_SK), None)
    business = _business(business_id, profile) if profile is not None else None
    # Balance-sheet order first (assets, liabilities, equity), then revenue and expenses.
    accounts = tuple(sorted(
        (_account(i) for i in items if i.get("kind") == "ACCOUNT"),
        key=lambda a: (list(AccountType).index(a.account_type), a.stable_name),
    ))
    return business, Chart(accounts)


def move_balance(business_id: str, account_id: str, delta: int, now: str) -> transactions.Action:
    """Atomically add ``delta`` to an account that must still exist in this business."""
    return transactions.update(
        keys.key(keys.business_pk(business_id), keys.account_sk(account_id)),
        "ADD balance :delta SET updated_at = :now",
        condition="attribute_exists(PK)",
        values={":delta": delta, ":now": now},
    )
