"""API tokens, stored only as SHA-256 hashes with the businesses they may act for."""

from dataclasses import dataclass
from typing import Any

from ledgerline.store import items, keys, transactions


@dataclass(frozen=True)
class TokenRecord:
    """What is stored of a token (never the token itself: it is keyed by its SHA-256).

    A record damaged or written by hand proves nothing, so a value that is missing or not of its type
    is read as None: the authorizer refuses a token without an expiry or businesses.
    """

    token_hash: str
    business_ids: tuple[str, ...] | None
    """The businesses the token may act for."""
    expires_at: int | None
    """Unix epoch seconds."""
    revoked: bool
    """Set once by ``ledgerline revoke-token`` (any ``revoked_at`` at all counts) and never cleared."""
    created_at: str | None = None


def token_item(token_hash: str, business_ids: list[str], created_at: str, expires_at: int) -> dict[str, Any]:
    """A token's item, keyed by its hash; ``expires_at`` in Unix epoch seconds."""
    return {
        **keys.key(keys.token_pk(token_hash), keys.TOKEN_SK),
        "kind": "TOKEN",
        "business_ids": business_ids,
        "created_at": created_at,
        "expires_at": expires_at,
    }


def token_from_item(token_hash: str, item: dict[str, Any]) -> TokenRecord:
    """The record an item holds; a value missing or not of its type is read as None."""
    expires_at, business_ids = item.get("expires_at"), item.get("business_ids")
    if not isinstance(expires_at, int) or isinstance(expires_at, bool):
        expires_at = None
    if not isinstance(business_ids, list | set | tuple) or not all(isinstance(b, str) for b in business_ids):
        business_ids = None
    created_at = item.get("created_at")
    return TokenRecord(
        token_hash=token_hash,
        business_ids=tuple(business_ids) if business_ids is not None else None,
        expires_at=expires_at,
        revoked=item.get("revoked_at") is not None,
        created_at=created_at if isinstance(created_at, str) else None,
    )


def get(token_hash: str) -> TokenRecord | None:
    """The token's record (one consistent GetItem), or None if there is none."""
    item = items.get_key(keys.token_pk(token_hash), keys.TOKEN_SK)
    return token_from_item(token_hash, item) if item is not None else None


def revoke(token_hash: str, revoked_at: int) -> transactions.Action:
    """Mark the token revoked (a first ``revoked_at`` stays); for an unknown token the commit raises ``LookupError``."""
    return transactions.update(
        keys.key(keys.token_pk(token_hash), keys.TOKEN_SK),
        "SET revoked_at = if_not_exists(revoked_at, :at)",
        condition="attribute_exists(PK)",
        values={":at": revoked_at},
        on_condition_failed=lambda _old: LookupError("unknown token"),
    )
