"""DynamoDB calls counted on the shared client, by operation (SPEC §8 Performance)."""

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from bench.harness import items_returned
from ledgerline.store import chart
from ledgerline.store.runtime import dynamodb_client

READS = ("GetItem", "Query", "BatchGetItem", "TransactGetItems", "Scan")
"""Every DynamoDB operation that reads."""


class CallCounter:
    """Counts DynamoDB API calls made through the shared client (by operation name).

    :meth:`reset` also drops what the container remembers of profiles and accounts, so what is counted
    next is a cold container's worst case (a warm one reads fewer)."""

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()
        dynamodb_client().meta.events.register("before-call.dynamodb.*", self._count)

    def _count(self, model: Any, **_: Any) -> None:
        self.calls[model.name] += 1

    def reset(self) -> None:
        self.calls.clear()
        chart.forget()

    @property
    def reads(self) -> int:
        return sum(n for op, n in self.calls.items() if op in READS)


@dataclass
class ItemCounter:
    """DynamoDB calls by operation, the items every read returned and the items every write wrote,
    counted with botocore hooks on the shared client while it is open (``with ItemCounter() as c``)."""

    calls: Counter[str] = field(default_factory=Counter)
    items_read: Counter[str] = field(default_factory=Counter)
    items_written: int = 0
    transactions: list[list[dict[str, Any]]] = field(default_factory=list)
    """Each TransactWriteItems' items as sent (what a write costs follows their size)."""

    def __enter__(self) -> "ItemCounter":
        events = dynamodb_client().meta.events
        events.register("after-call.dynamodb.*", self._after)
        events.register("before-parameter-build.dynamodb.*", self._before)
        return self

    def __exit__(self, *_: Any) -> None:
        events = dynamodb_client().meta.events
        events.unregister("after-call.dynamodb.*", self._after)
        events.unregister("before-parameter-build.dynamodb.*", self._before)

    def _before(self, model: Any, params: dict[str, Any], **_: Any) -> None:
        if model.name == "TransactWriteItems":
            self.items_written += len(params["TransactItems"])
            self.transactions.append(params["TransactItems"])
        elif model.name in ("PutItem", "UpdateItem", "DeleteItem"):
            self.items_written += 1
        elif model.name == "BatchWriteItem":
            self.items_written += sum(len(requests) for requests in params["RequestItems"].values())

    def _after(self, model: Any, parsed: dict[str, Any], **_: Any) -> None:
        operation = model.name
        self.calls[operation] += 1
        if operation in READS:
            self.items_read[operation] += items_returned(operation, parsed)

    @property
    def total_read(self) -> int:
        return sum(self.items_read.values())

    @property
    def reads(self) -> int:
        return sum(self.calls[op] for op in READS)


@dataclass
class IndexReads:
    """The items every Query on an index read (``ScannedCount``, before any filter) and returned,
    by index name, while open (``with IndexReads() as reads``)."""

    scanned: Counter[str] = field(default_factory=Counter)
    returned: Counter[str] = field(default_factory=Counter)

    def __enter__(self) -> "IndexReads":
        events = dynamodb_client().meta.events
        events.register("before-parameter-build.dynamodb.Query", self._before)
        events.register("after-call.dynamodb.Query", self._after)
        return self

    def __exit__(self, *_: Any) -> None:
        events = dynamodb_client().meta.events
        events.unregister("before-parameter-build.dynamodb.Query", self._before)
        events.unregister("after-call.dynamodb.Query", self._after)

    @staticmethod
    def _before(params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        context["index_name"] = params.get("IndexName")

    def _after(self, parsed: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        if index := context.get("index_name"):
            self.scanned[index] += parsed.get("ScannedCount", 0)
            self.returned[index] += parsed.get("Count", 0)
