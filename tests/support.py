"""Test helpers: a client that goes through the local API Gateway, the books checker, call counting."""

import json
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from ledgerline.store import codec, keys
from ledgerline.store.runtime import dynamodb_client, table_name
from ledgerline_tools.gateway import HttpResponse, LocalGateway

_gateway: LocalGateway | None = None


def gateway() -> LocalGateway:
    global _gateway
    if _gateway is None:
        _gateway = LocalGateway()
    return _gateway


@dataclass
class Api:
    """Sends requests the way a caller would: through the route table and the authorizer."""

    business_id: str
    token: str
    accounts: dict[str, str]

    def request(self, method: str, path: str, *, json_body: Any = None, body: str | bytes | None = None,
                headers: dict[str, str] | None = None, query: str = "", token: str | None = "default") -> HttpResponse:
        sent = {"content-type": "application/json"}
        if token == "default":
            sent["authorization"] = f"Bearer {self.token}"
        elif token is not None:
            sent["authorization"] = token
        sent.update(headers or {})
        raw = body if body is not None else (json.dumps(json_body) if json_body is not None else b"")
        raw = raw.encode() if isinstance(raw, str) else raw
        return gateway().handle(method, path, query, sent, raw)

    def get(self, path: str, **kwargs: Any) -> HttpResponse:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, json_body: Any = None, **kwargs: Any) -> HttpResponse:
        return self.request("POST", path, json_body=json_body, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> HttpResponse:
        return self.request("DELETE", path, **kwargs)

    @property
    def base(self) -> str:
        return f"/v1/businesses/{self.business_id}"


def entry_body(amount: int = 10_000, memo: str = "Owner contribution", **extra: Any) -> dict[str, Any]:
    """A balanced two-line custom journal entry: Dr CASH / Cr OPENING_BALANCE_EQUITY."""
    return {
        "memo": memo,
        "line_items": [
            {"account_identifier": {"type": "StableName", "stable_name": "CASH"}, "amount": amount,
             "direction": "DEBIT"},
            {"account_identifier": {"type": "StableName", "stable_name": "OPENING_BALANCE_EQUITY"}, "amount": amount,
             "direction": "CREDIT"},
        ],
        **extra,
    }


def _query_all(business_id: str, prefix: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    request = {
        "TableName": table_name(),
        "KeyConditionExpression": "PK = :pk AND begins_with(SK, :p)",
        "ExpressionAttributeValues": codec.to_item({":pk": keys.business_pk(business_id), ":p": prefix}),
        "ConsistentRead": True,
    }
    while True:
        page = dynamodb_client().query(**request)
        items += [codec.from_item(i) for i in page["Items"]]
        if "LastEvaluatedKey" not in page:
            return items
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def books(business_id: str) -> dict[str, Any]:
    """A snapshot of the books: every balance and every entry id."""
    accounts = _query_all(business_id, keys.ACCOUNT_PREFIX)
    entries = _query_all(business_id, keys.ENTRY_PREFIX)
    return {
        "balances": {a["stable_name"]: a["balance"] for a in accounts},
        "entries": sorted(e["entry_id"] for e in entries),
    }


def assert_books_balance(business_id: str) -> None:
    """SPEC §4: Σ debit-normal = Σ credit-normal, and each balance equals the sum of its lines."""
    accounts = {a["account_id"]: a for a in _query_all(business_id, keys.ACCOUNT_PREFIX)}
    from_lines = Counter()
    for entry in _query_all(business_id, keys.ENTRY_PREFIX):
        debits = sum(line["amount"] for line in entry["lines"] if line["direction"] == "DEBIT")
        credits = sum(line["amount"] for line in entry["lines"] if line["direction"] == "CREDIT")
        assert debits == credits, f"entry {entry['entry_id']} is unbalanced"
        for line in entry["lines"]:
            account = accounts[line["account_id"]]
            sign = 1 if line["direction"] == account["normality"] else -1
            from_lines[line["account_id"]] += sign * line["amount"]
    for account_id, account in accounts.items():
        assert account["balance"] == from_lines[account_id], f"{account['stable_name']} drifted from its lines"
    debit_side = sum(a["balance"] for a in accounts.values() if a["normality"] == "DEBIT")
    credit_side = sum(a["balance"] for a in accounts.values() if a["normality"] == "CREDIT")
    assert debit_side == credit_side, "trial balance does not balance"


def all_at_once(count: int, send: Callable[[int], Any]) -> list[Any]:
    """Run ``send(i)`` in ``count`` threads released together by a barrier; the answers in thread order."""
    barrier = threading.Barrier(count)

    def run(index: int) -> Any:
        barrier.wait(timeout=30)
        return send(index)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


class CallCounter:
    """Counts DynamoDB API calls made through the shared client (by operation name)."""

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()
        dynamodb_client().meta.events.register("before-call.dynamodb.*", self._count)

    def _count(self, model: Any, **_: Any) -> None:
        self.calls[model.name] += 1

    def reset(self) -> None:
        self.calls.clear()

    @property
    def reads(self) -> int:
        return sum(n for op, n in self.calls.items() if op in ("GetItem", "Query", "BatchGetItem", "Scan", "TransactGetItems"))


@contextmanager
def unchanged(*clients: Api) -> Iterator[None]:
    """The books of every client's business are exactly as they were, and still balance."""
    before = [books(c.business_id) for c in clients]
    yield
    assert [books(c.business_id) for c in clients] == before
    for client in clients:
        assert_books_balance(client.business_id)
