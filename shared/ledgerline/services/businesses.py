"""Businesses and their API tokens: onboarding (the CLI) and authentication (the authorizer)."""

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ledgerline import clock
from ledgerline.domain.accounts import DEFAULT_CHART, HOT_ACCOUNTS, Account
from ledgerline.domain.business import Business
from ledgerline.domain.ids import new_id
from ledgerline.store import chart as chart_store
from ledgerline.store import keys, transactions
from ledgerline.store import tokens as token_store

TOKEN_PREFIX = "llk_"
MIN_TOKEN_DAYS, MAX_TOKEN_DAYS = 1, 365
MAX_TOKEN_CHARS = 512


@dataclass(frozen=True)
class NewBusiness:
    """A created business, its default chart and its first token (only the token's hash is stored)."""

    business: Business
    token: str
    accounts: tuple[Account, ...]


def create_business(
    name: str,
    *,
    timezone: str = "UTC",
    currency: str = "USD",
    token_days: int = 90,
    account_ids: Mapping[str, str] | None = None,
) -> NewBusiness:
    """The profile, the default chart and a first token, in one transaction.

    ``account_ids`` fixes the ids of some default accounts by stable name (an account's id is only unique
    within its business): ``make run``'s demo business gets the CASH id the samples name, so the request
    examples of docs/openapi.json succeed against it as they are.
    """
    account_ids = account_ids or {}
    unknown = set(account_ids) - {stable for stable, *_ in DEFAULT_CHART}
    if unknown:
        raise ValueError(f"no default account {', '.join(sorted(unknown))}")
    try:
        ZoneInfo(timezone)  # an unknown zone fails here, before anything is written
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown IANA timezone {timezone!r}") from None
    now = clock.now().isoformat()
    business = Business(id=new_id(), name=name, timezone=timezone, currency=currency.upper(), created_at=now)
    accounts = tuple(
        Account(
            account_ids.get(stable) or new_id(), display, stable, kind, side, balance_shards=HOT_ACCOUNTS.get(stable, 1)
        )
        for stable, display, kind, side in DEFAULT_CHART
    )
    actions = [transactions.put(chart_store.profile_item(business))]
    for account in accounts:
        actions.append(transactions.put(chart_store.account_item(business.id, account, now)))
        actions.append(transactions.put(chart_store.stable_name_item(business.id, account)))
    token, token_action = _new_token([business.id], token_days)
    transactions.commit([*actions, token_action], token=new_id())
    return NewBusiness(business, token, accounts)


def _new_token(business_ids: list[str], days: int) -> tuple[str, transactions.Action]:
    if not MIN_TOKEN_DAYS <= days <= MAX_TOKEN_DAYS:
        raise ValueError(f"a token lives {MIN_TOKEN_DAYS} to {MAX_TOKEN_DAYS} days")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)  # 256 bits of randomness
    now = clock.now()
    item = token_store.token_item(
        keys.sha256_hex(token), business_ids, now.isoformat(), int((now + timedelta(days=days)).timestamp())
    )
    return token, transactions.put(item)


def create_token(business_id: str, *, days: int = 90) -> str:
    """A new token for an existing business, live ``days`` days (1–365); unknown business → LookupError."""
    if chart_store.read(business_id, profile=True) is None:
        raise LookupError(f"no business {business_id}")
    token, action = _new_token([business_id], days)
    transactions.commit([action], token=new_id())
    return token


def revoke_token(token: str) -> None:
    """Revoke a token from now on (a first revocation stays); an unknown token → LookupError."""
    transactions.commit([token_store.revoke(keys.sha256_hex(token), int(clock.now().timestamp()))], token=new_id())


def authenticate(token: str) -> list[str] | None:
    """The business ids a live token may act for, or None (unknown, expired or revoked)."""
    if not token.isascii() or len(token) > MAX_TOKEN_CHARS:  # ours are short ASCII: anything else is unknown
        return None
    record = token_store.get(keys.sha256_hex(token))
    # A record missing its expiry or its businesses (damaged, or written by hand) proves nothing: invalid.
    if record is None or record.revoked or record.expires_at is None or record.business_ids is None:
        return None
    if record.expires_at <= clock.now().timestamp():
        return None
    return list(record.business_ids)
