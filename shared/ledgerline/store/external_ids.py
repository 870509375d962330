"""``external_id`` reservations: a resource-level idempotency key, taken in the creating transaction."""

import hashlib
import json
from typing import Any

from ledgerline.store import items, keys, transactions


class ExternalIdTaken(Exception):
    """The external_id already names an object; the caller compares content to decide 200 or 409."""

    def __init__(self, record: dict[str, Any]) -> None:
        super().__init__("external_id taken")
        self.object_id: str = record["object_id"]
        self.fingerprint: str = record["fingerprint"]


def content_fingerprint(content: Any) -> str:
    """SHA-256 of ``content`` as JSON with sorted keys (other values as ``str``): same content, same fingerprint."""
    return hashlib.sha256(json.dumps(content, sort_keys=True, default=str).encode()).hexdigest()


def _taken(record: dict[str, Any] | None) -> BaseException:
    return ExternalIdTaken(record) if record else transactions.Retryable("external id record not visible")


def find(business_id: str, kind: str, external_id: str) -> ExternalIdTaken | None:
    """The reservation of ``external_id``, if any (one GetItem, only on a path that needs it)."""
    record = items.get(business_id, keys.external_id_sk(kind, external_id))
    return ExternalIdTaken(record) if record else None


def reserve(business_id: str, kind: str, external_id: str, object_id: str, fingerprint: str) -> transactions.Action:
    """Put the reservation of ``external_id`` for ``object_id``; a taken one makes the commit raise ExternalIdTaken."""
    item = {
        **keys.key(keys.business_pk(business_id), keys.external_id_sk(kind, external_id)),
        "kind": "EXTERNAL_ID",
        "object_kind": kind,
        "external_id": external_id,
        "object_id": object_id,
        "fingerprint": fingerprint,
    }
    return transactions.put(item, on_condition_failed=_taken)
