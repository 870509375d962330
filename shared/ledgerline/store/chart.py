"""A business's profile and chart of accounts: items, reads by name, the whole-chart load, balance moves.

A request reads the accounts it names, never the whole chart (SPEC §8: the items a request reads do
not grow with the chart): :class:`Accounts` looks accounts up by id or stable name, in one
consistent BatchGetItem together with the business profile. What it reads is the accounts' static
part (id, name, stable name, type, normality), which never changes once an account exists, and the
profile (name, timezone, currency), which never changes either; so each container keeps what it has
read (:data:`_known`) and a warm request reads no account at all. Balances are never read to post —
postings move them with ``ADD`` under conditions (:func:`move_balance`) — and only whole-chart
reports (:func:`load`) read every account with its balance.
"""

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from ledgerline.domain.accounts import Account, AccountType, Chart, Direction, balance_shard
from ledgerline.domain.business import Business
from ledgerline.errors import BusinessNotFound
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
        **_shards(account),
        "created_at": created_at,
    }


def stable_name_item(business_id: str, account: Account) -> dict[str, Any]:
    """Guards the uniqueness of a stable name inside the same transaction that creates the account, and
    carries the account's static part, so a lookup by stable name is one item."""
    return {
        **keys.key(keys.business_pk(business_id), keys.stable_name_sk(account.stable_name)),
        "kind": "STABLE_NAME",
        "account_id": account.id,
        "name": account.name,
        "stable_name": account.stable_name,
        "account_type": account.account_type.value,
        "normality": account.normality.value,
        **_shards(account),
    }


def _shards(account: Account) -> dict[str, int]:
    return {"balance_shards": account.balance_shards} if account.balance_shards > 1 else {}


def _account(item: dict[str, Any]) -> Account:
    return Account(
        id=item["account_id"],
        name=item["name"],
        stable_name=item["stable_name"],
        account_type=AccountType(item["account_type"]),
        normality=Direction(item["normality"]),
        balance=item.get("balance", 0),
        balance_shards=item.get("balance_shards", 1),
    )


def _with_shards(items: list[dict[str, Any]]) -> list[Account]:
    """The accounts among ``items``, each balance summed with its shards' (items of kind ``BALANCE_SHARD``)."""
    extra: dict[str, int] = {}
    for item in items:
        if item.get("kind") == "BALANCE_SHARD":
            extra[item["account_id"]] = extra.get(item["account_id"], 0) + item.get("balance", 0)
    return [
        replace(account, balance=account.balance + extra.get(account.id, 0))
        for account in map(_account, (i for i in items if i.get("kind") == "ACCOUNT"))
    ]


def _business(business_id: str, profile: dict[str, Any]) -> Business:
    return Business(
        id=business_id,
        name=profile["name"],
        timezone=profile.get("timezone", "UTC"),
        currency=profile.get("currency", "USD"),
        created_at=profile.get("created_at"),
    )


def get_account(business_id: str, account_id: str) -> Account | None:
    """One account with its balance, its shards summed (one consistent Query of the account's key)."""
    found = _with_shards(item_reads.query_prefix(business_id, keys.account_sk(account_id)))
    return found[0] if found else None


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
    accounts = tuple(
        sorted(_with_shards(items), key=lambda a: (list(AccountType).index(a.account_type), a.stable_name))
    )
    return business, Chart(accounts)


# ---- reads by name, remembered per container ----------------------------------------------------------

KNOWN_LIMIT = 50_000
"""Static account parts and profiles a container remembers before it starts over (a few MB at most)."""
_known: dict[tuple[str, str], Account | Business] = {}


def _remember(business_id: str, key: str, value: Account | Business) -> None:
    if len(_known) >= KNOWN_LIMIT:
        _known.clear()
    _known[(business_id, key)] = value


def forget() -> None:
    """Drop what this container remembers (tests that rewrite or delete items behind the store's back)."""
    _known.clear()


def _by_id(account_id: str) -> str:
    return f"id#{account_id}"


def _by_name(stable_name: str) -> str:
    return f"name#{stable_name}"


def _fits(sk: str) -> bool:
    """A caller-given id or name can make a sort key DynamoDB refuses; no account has such a key."""
    return len(sk.encode()) <= item_reads.MAX_KEY_CHARS


class Accounts:
    """A business's accounts (and profile) as one request sees them, read lazily: :meth:`want` names
    accounts the request will use, and the first lookup (or :attr:`business`) reads everything named
    so far that this container does not know yet, in one BatchGetItem. The whole chart only when
    asked for (:attr:`accounts`)."""

    def __init__(self, business_id: str) -> None:
        self.business_id = business_id
        self._ids: set[str] = set()
        self._names: set[str] = set()
        self._profile_read = False
        self._business: Business | None = None
        self._seen: dict[str, Account] = {}
        self._chart: Chart | None = None

    def want(self, *, ids: Iterable[str] = (), stable_names: Iterable[str] = ()) -> None:
        """Name accounts the request will look up, so one read fetches them all (no read here)."""
        self._ids.update(ids)
        self._names.update(stable_names)

    def by_id(self, account_id: str) -> Account | None:
        """The account with this id, or None."""
        self.want(ids=(account_id,))
        self._read()
        return self._look(_by_id(account_id))

    def by_stable_name(self, stable_name: str) -> Account | None:
        """The account with this stable name (e.g. ``CASH``), or None."""
        self.want(stable_names=(stable_name,))
        self._read()
        return self._look(_by_name(stable_name))

    @property
    def business(self) -> Business:
        """The business's profile (read with the accounts wanted so far); an unknown business → 404."""
        self._read()
        if self._business is None:
            raise BusinessNotFound(self.business_id)
        return self._business

    @property
    def seen(self) -> tuple[Account, ...]:
        """Every account this request has looked up (and found) in the business."""
        return tuple(self._seen.values())

    @property
    def accounts(self) -> tuple[Account, ...]:
        """The whole chart with balances (one Query, once per request): for whole-chart reports only."""
        if self._chart is None:
            business, self._chart = load(self.business_id)
            if not self._profile_read:  # the Query read the profile too
                self._business, self._profile_read = business, True
        return self._chart.accounts

    def _read(self) -> None:
        if self._ids or self._names or not self._profile_read:
            business = read(self.business_id, profile=not self._profile_read, ids=self._ids, stable_names=self._names)
            if not self._profile_read:
                self._business, self._profile_read = business, True
            self._ids.clear()
            self._names.clear()

    def _look(self, key: str) -> Account | None:
        found = _known.get((self.business_id, key))
        if isinstance(found, Account):
            self._seen[found.id] = found
            return found
        return None


def read(
    business_id: str, *, profile: bool = False, ids: Iterable[str] = (), stable_names: Iterable[str] = ()
) -> Business | None:
    """Read what this container does not know yet of the business — its profile (if asked) and these
    accounts — in one consistent BatchGetItem (a second one only for stable-name guards written before
    they carried the account), and remember it. The profile, or None if the business does not exist."""
    wanted: list[str] = []
    if profile and (business_id, "profile") not in _known:
        wanted.append(keys.PROFILE_SK)
    wanted += [
        sk
        for account_id in ids
        if (business_id, _by_id(account_id)) not in _known and _fits(sk := keys.account_sk(account_id))
    ]
    wanted += [
        sk
        for name in stable_names
        if (business_id, _by_name(name)) not in _known and _fits(sk := keys.stable_name_sk(name))
    ]
    if wanted:
        found = item_reads.get_many(business_id, wanted)
        bare = [
            item["account_id"] for item in found.values() if item.get("kind") == "STABLE_NAME" and "name" not in item
        ]
        if bare:  # guards of accounts created before guards carried them: read those accounts too
            found |= item_reads.get_many(business_id, [keys.account_sk(account_id) for account_id in bare])
        for item in found.values():
            if item.get("kind") == "BUSINESS":
                _remember(business_id, "profile", _business(business_id, item))
            elif item.get("kind") in ("ACCOUNT", "STABLE_NAME") and "name" in item:
                account = _account({**item, "balance": 0})
                _remember(business_id, _by_id(account.id), account)
                _remember(business_id, _by_name(account.stable_name), account)
    known = _known.get((business_id, "profile"))
    return known if isinstance(known, Business) else None


def move_balance(business_id: str, account: Account, delta: int, now: str, *, spread: str) -> transactions.Action:
    """Atomically add ``delta`` to the account's balance: to the account item, which must still exist in
    this business, or, for a sharded account, to the shard ``spread`` picks (created by its first move;
    the account is known to exist: it was looked up, and accounts are never deleted)."""
    shard = balance_shard(account, spread)
    if shard == 0:
        return transactions.update(
            keys.key(keys.business_pk(business_id), keys.account_sk(account.id)),
            "ADD balance :delta SET updated_at = :now",
            condition="attribute_exists(PK)",
            values={":delta": delta, ":now": now},
        )
    return transactions.update(
        keys.key(keys.business_pk(business_id), keys.balance_shard_sk(account.id, shard)),
        "ADD balance :delta SET updated_at = :now, #kind = :kind, account_id = :account",
        condition="attribute_not_exists(PK) OR account_id = :account",  # new, or this account's already
        names={"#kind": "kind"},
        values={":delta": delta, ":now": now, ":kind": "BALANCE_SHARD", ":account": account.id},
    )
