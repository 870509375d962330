"""Idempotency records, written inside the posting's own transaction (SPEC §3).

A request with an ``Idempotency-Key`` carries an :class:`Idempotency`: the key, a fingerprint of
(method, path, body) and how to render the response. The record with that response is one more
action of the posting transaction, so "posted" and "recorded" can never disagree. A duplicate
fails the record's condition and gets the first response back (``ALL_OLD`` hands it over without a
read); a different request under the same key gets 409.
"""

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from ledgerline import clock
from ledgerline.errors import IdempotencyKeyReused, IdempotentReplay
from ledgerline.store import codec, keys, transactions
from ledgerline.store.runtime import dynamodb_client, table_name

RETENTION = timedelta(days=7)


@dataclass(frozen=True)
class Idempotency:
    """What a keyed request carries: its Idempotency-Key, its :func:`fingerprint` and how to render its answer."""

    key: str
    fingerprint: str
    render: Callable[[Any], tuple[int, str]]
    """Turns the use case's result into the (status, body) the caller receives — and any replay."""


def fingerprint(method: str, path: str, body: str | None) -> str:
    """Same method, path and body (JSON compared by content, not spacing or key order)."""
    try:
        canonical = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")) if body else ""
    except ValueError:
        canonical = body or ""
    return hashlib.sha256(f"{method.upper()} {path}\n{canonical}".encode()).hexdigest()


def record_action(business_id: str, idempotency: Idempotency, result: Any, now: datetime) -> transactions.Action:
    """Put the key's record of the response to ``result``, kept for ``RETENTION``; a live record already there
    fails the commit: :class:`IdempotentReplay` for the same request, :class:`IdempotencyKeyReused` for another."""
    status, body = idempotency.render(result)
    item = {
        **keys.key(keys.business_pk(business_id), keys.idempotency_sk(idempotency.key)),
        "kind": "IDEMPOTENCY",
        "fingerprint": idempotency.fingerprint,
        "status": status,
        "body": body,
        "created_at": now.isoformat(),
        "ttl": int((now + RETENTION).timestamp()),
    }
    return transactions.put(
        item,
        # An expired record that TTL has not deleted yet no longer counts.
        condition="attribute_not_exists(PK) OR #ttl < :now",
        names={"#ttl": "ttl"},
        values={":now": int(now.timestamp())},
        on_condition_failed=lambda old: _answer_for(old, idempotency),
    )


def _answer_for(record: dict[str, Any] | None, idempotency: Idempotency) -> BaseException:
    if record is None:  # the condition failed on an item we could not see: read and decide again
        return transactions.Retryable("idempotency record not visible")
    if record["fingerprint"] != idempotency.fingerprint:
        return IdempotencyKeyReused()
    return IdempotentReplay(record["status"], record["body"])


def raise_if_recorded(business_id: str, idempotency: Idempotency) -> None:
    """On an error path: if this key already produced a response, that response wins."""
    response = dynamodb_client().get_item(
        TableName=table_name(),
        Key=codec.to_item(keys.key(keys.business_pk(business_id), keys.idempotency_sk(idempotency.key))),
        ConsistentRead=True,
    )
    record = codec.from_item(response.get("Item"))
    if record is not None and record["ttl"] >= clock.now().timestamp():
        raise _answer_for(record, idempotency)
