"""Which request the bench sends to each route of template.yaml, and how its DynamoDB calls are judged.

A new endpoint only needs an entry in SAMPLES if it takes a body, a query or a path parameter not in
PATH_PARAMETERS; GET and DELETE routes with known parameters are exercised without one.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bench.harness import READ_OPERATIONS, Exchange, Recorder


@dataclass
class Books:
    """The business the bench works in, with one posted entry to read."""

    recorder: Recorder
    business_id: str
    token: str
    entry_id: str = ""

    def send(self, method: str, path: str, *, headers: dict[str, str] | None = None, **kwargs: Any) -> Exchange:
        # The loans family requires x-business-id; the ledger family accepts it when it matches the path.
        headers = {"x-business-id": self.business_id, **(headers or {})}
        return self.recorder.request(method, path, token=self.token, headers=headers, **kwargs)

    def new_entry(self) -> str:
        """A fresh custom entry (for the DELETE route, which can reverse an entry only once)."""
        exchange = self.send("POST", f"/v1/businesses/{self.business_id}/custom-journal-entries", body=entry())
        if exchange.response.status != 201:
            raise RuntimeError(f"could not post a bench entry: {exchange.response.status} {exchange.response.body!r}")
        return exchange.response.json()["id"]


def entry(**extra: Any) -> dict[str, Any]:
    """A 2-line custom entry: the shape the latency and floor measurements use."""
    def line(stable_name: str, direction: str) -> dict[str, Any]:
        return {"account_identifier": {"type": "StableName", "stable_name": stable_name},
                "amount": 12_345, "direction": direction}
    return {"memo": "bench", "line_items": [line("CASH", "DEBIT"), line("OPENING_BALANCE_EQUITY", "CREDIT")], **extra}


@dataclass
class Sample:
    variant: str = "default"
    body: Callable[[Books], Any] | None = None
    query: str = ""
    headers: Callable[[Books], dict[str, str]] = lambda books: {}
    path: dict[str, Callable[[Books], str]] = field(default_factory=dict)
    """Path parameters to set for this sample (others come from PATH_PARAMETERS)."""
    repeat: bool = False
    """Send the same request twice and measure the second (idempotent replays)."""


PATH_PARAMETERS: dict[str, Callable[[Books], str]] = {
    "businessId": lambda books: books.business_id,
    "business_id": lambda books: books.business_id,
    "entryId": lambda books: books.entry_id,
}

_key = lambda books: {"idempotency-key": str(uuid.uuid4())}  # noqa: E731

SAMPLES: dict[str, list[Sample]] = {
    "POST /v1/businesses/{businessId}/ledger/accounts": [
        Sample(body=lambda books: {"name": f"Bench {uuid.uuid4().hex[:8]}", "account_type": "EXPENSE"}),
    ],
    "GET /v1/businesses/{businessId}/ledger/entries": [Sample(query="limit=50")],
    "POST /v1/businesses/{businessId}/custom-journal-entries": [
        Sample("plain", body=lambda books: entry()),
        Sample("Idempotency-Key", body=lambda books: entry(), headers=_key),
        Sample("external_id", body=lambda books: entry(external_id=f"bench-{uuid.uuid4()}")),
        Sample("Idempotency-Key replay", body=lambda books: entry(), headers=_key, repeat=True),
    ],
    "DELETE /v1/businesses/{businessId}/custom-journal-entries/{entryId}": [
        Sample(path={"entryId": Books.new_entry}),
    ],
}

MUTATING = {"POST", "PUT", "PATCH", "DELETE"}


def _parameters(path: str) -> list[str]:
    return [part[1:-1] for part in path.split("/") if part.startswith("{") and part.endswith("}")]


def samples_for(method: str, path: str, route_key: str) -> list[Sample] | str:
    """The samples of a route, or why it cannot be exercised yet (to fix in SAMPLES)."""
    if route_key in SAMPLES:
        return SAMPLES[route_key]
    if method in ("POST", "PUT", "PATCH"):
        return "no request body in bench/samples.py SAMPLES"
    unknown = [name for name in _parameters(path) if name not in PATH_PARAMETERS]
    if unknown:
        return f"no value for path parameter(s) {', '.join(unknown)}: add a Sample(path=...) in SAMPLES"
    return [Sample()]


def fill_path(path: str, sample: Sample, books: Books) -> str:
    for name in _parameters(path):
        path = path.replace(f"{{{name}}}", (sample.path.get(name) or PATH_PARAMETERS[name])(books))
    return path


def checks(method: str, counts: dict[str, int]) -> dict[str, bool]:
    """SPEC §8: no Scan anywhere; a mutating request makes ≤ 2 reads and exactly 1 TransactWriteItems."""
    result = {"no_scan": counts.get("Scan", 0) == 0}
    if method in MUTATING:
        reads = sum(n for op, n in counts.items() if op in READ_OPERATIONS)
        writes = sum(n for op, n in counts.items() if op not in READ_OPERATIONS)
        result["max_2_reads"] = reads <= 2
        result["one_transact_write"] = counts.get("TransactWriteItems", 0) == 1 and writes == 1
    return result


def measure_route(method: str, path: str, route_key: str, books: Books) -> list[dict[str, Any]]:
    """DynamoDB calls of every sample of one route, function and authorizer counted apart."""
    found = samples_for(method, path, route_key)
    if isinstance(found, str):
        return [{"variant": "-", "skipped": found}]
    rows = []
    for sample in found:
        url = fill_path(path, sample, books)
        body = sample.body(books) if sample.body else None
        headers = sample.headers(books)
        exchange = books.send(method, url, body=body, query=sample.query, headers=headers)
        if sample.repeat:
            exchange = books.send(method, url, body=body, query=sample.query, headers=headers)
        counts = exchange.counts("function")
        ok = 200 <= exchange.response.status < 300
        rows.append({
            "variant": sample.variant,
            "status": exchange.response.status,
            "function_calls": counts,
            "authorizer_calls": exchange.counts("authorizer"),
            # Judged on successful requests only (a refused one proves nothing), except Scan: never.
            "checks": checks(method, counts) if ok else {"no_scan": "Scan" not in counts},
            "event": exchange.events,  # dropped from results.json; the cold-start runs replay it
        })
    return rows
