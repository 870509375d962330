"""API tokens, stored only as SHA-256 hashes with the businesses they may act for."""

from typing import Any

from ledgerline.store import codec, keys, transactions
from ledgerline.store.runtime import dynamodb_client, table_name


def token_item(token_hash: str, business_ids: list[str], created_at: str, expires_at: int) -> dict[str, Any]:
    return {
        **keys.key(keys.token_pk(token_hash), keys.TOKEN_SK),
        "kind": "TOKEN",
        "business_ids": business_ids,
        "created_at": created_at,
        "expires_at": expires_at,
    }


def get(token_hash: str) -> dict[str, Any] | None:
    response = dynamodb_client().get_item(
        TableName=table_name(), Key=codec.to_item(keys.key(keys.token_pk(token_hash), keys.TOKEN_SK)),
        ConsistentRead=True,
    )
    return codec.from_item(response.get("Item"))


def revoke(token_hash: str, revoked_at: int) -> transactions.Action:
    return transactions.update(
        keys.key(keys.token_pk(token_hash), keys.TOKEN_SK), "SET revoked_at = if_not_exists(revoked_at, :at)",
        condition="attribute_exists(PK)", values={":at": revoked_at},
        on_condition_failed=lambda _old: LookupError("unknown token"),
    )
