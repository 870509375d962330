"""Hot accounts, honestly (issue 12 §5): real DynamoDB's transaction conflicts, which DynamoDB Local and
moto never raise, and what they cost concurrent postings to one account.

Real DynamoDB isolates transactions per item: while a ``TransactWriteItems`` is in flight, another one
that touches any of its items is cancelled with ``TransactionCanceledException`` and the reason
``TransactionConflict`` on that item. DynamoDB Local serialises transactions instead, so concurrent
postings to one CASH account never conflict there. :class:`ConflictingTransactions` puts the real
behaviour back at the shared client: each transaction holds its items for as long as its call is in
flight (plus ``hold_seconds``, the extra latency of a real region), and a transaction that touches a held
item is cancelled before it reaches the table.
"""

import json
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from botocore.exceptions import ClientError

from bench.harness import quiet
from ledgerline.store.runtime import dynamodb_client
from ledgerline_tools.gateway import LocalGateway

OPERATIONS = ("Put", "Update", "Delete", "ConditionCheck")


def _item_keys(request: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(table, PK, SK) of every item a TransactWriteItems request touches, in its order."""
    found = []
    for entry in request["TransactItems"]:
        operation = next(name for name in OPERATIONS if name in entry)
        body = entry[operation]
        key = body["Item"] if operation == "Put" else body["Key"]
        found.append((body["TableName"], key["PK"]["S"], key["SK"]["S"]))
    return found


class ConflictingTransactions:
    """While open (``with ConflictingTransactions():``), the shared client's transactions conflict as on
    real DynamoDB. ``sent``, ``conflicts`` and ``committed`` count what happened."""

    def __init__(self, hold_seconds: float = 0.01) -> None:
        self.hold_seconds = hold_seconds
        self._lock = threading.Lock()
        self._held: Counter[tuple[str, str, str]] = Counter()
        self.sent = self.conflicts = self.committed = 0

    def __enter__(self) -> "ConflictingTransactions":
        client = dynamodb_client()
        self._real = client.transact_write_items
        client.transact_write_items = self._send
        return self

    def __exit__(self, *_: Any) -> None:
        dynamodb_client().transact_write_items = self._real

    def _send(self, **request: Any) -> Any:
        touched = _item_keys(request)
        with self._lock:
            self.sent += 1
            clashes = [key in self._held for key in touched]
            if any(clashes):
                self.conflicts += 1
                raise ClientError(
                    {
                        "Error": {
                            "Code": "TransactionCanceledException",
                            "Message": "Transaction cancelled, please refer cancellation reasons for specific "
                            "reasons [TransactionConflict]",
                        },
                        "CancellationReasons": [
                            {"Code": "TransactionConflict" if clash else "None"} for clash in clashes
                        ],
                    },
                    "TransactWriteItems",
                )
            self._held.update(touched)
        try:
            time.sleep(self.hold_seconds)  # in flight in the region: its items are held
        finally:
            with self._lock:
                self._held.subtract(touched)
                self._held = +self._held  # drop the released
        answer = self._real(**request)  # DynamoDB Local applies it (one at a time, whatever the queue)
        with self._lock:
            self.committed += 1
        return answer


def hot_account(
    business_id: str,
    token: str,
    *,
    writers: int = 24,
    per_writer: int = 10,
    hold_seconds: float = 0.01,
    accounts: tuple[str, str] = ("CASH", "SALES"),
) -> dict[str, Any]:
    """``writers`` threads each post ``per_writer`` 2-line entries (debit, credit ``accounts``) through the
    gateway, under real conflicts: postings per second, how many answered 503, and the conflicts behind them."""
    gateway = LocalGateway()
    debit, credit = accounts
    body = json.dumps(
        {
            "memo": "hot",
            "line_items": [
                {
                    "account_identifier": {"type": "StableName", "stable_name": debit},
                    "amount": 100,
                    "direction": "DEBIT",
                },
                {
                    "account_identifier": {"type": "StableName", "stable_name": credit},
                    "amount": 100,
                    "direction": "CREDIT",
                },
            ],
        }
    ).encode()
    headers = {"authorization": f"Bearer {token}", "content-type": "application/json"}
    path = f"/v1/businesses/{business_id}/custom-journal-entries"

    def writer(_: int) -> list[int]:
        return [gateway.handle("POST", path, "", headers, body).status for _ in range(per_writer)]

    with quiet(), ConflictingTransactions(hold_seconds) as conflicts, ThreadPoolExecutor(max_workers=writers) as pool:
        started = time.perf_counter()
        statuses = Counter(status for answers in pool.map(writer, range(writers)) for status in answers)
        elapsed = time.perf_counter() - started
    return {
        "accounts": f"{debit} / {credit}",
        "writers": writers,
        "requests": writers * per_writer,
        "answers": dict(statuses),
        "answered_503": statuses.get(503, 0),
        "posted_per_second": round(statuses.get(201, 0) / elapsed, 1),
        "seconds": round(elapsed, 2),
        "transactions_sent": conflicts.sent,
        "conflicts": conflicts.conflicts,
        "hold_ms": hold_seconds * 1000,
    }
