"""What every measurement shares: DynamoDB calls recorded per phase, requests through the gateway, percentiles.

The local gateway runs the authorizer and then the function in this process, over the one shared
boto3 client. :class:`Recorder` wraps the gateway's ``invoke`` so each DynamoDB call is attributed
to the phase that made it ("authorizer" or "function"), and keeps the high-level parameters of each
call (to replay them as the floor) and the event each function received (for the cold-start runs).
"""

import contextlib
import copy
import json
import os
import statistics
import time
import warnings
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ledgerline.store import runtime
from ledgerline_tools import gateway as gateway_module
from ledgerline_tools import template
from ledgerline_tools.gateway import HttpResponse, LocalGateway

READ_OPERATIONS = {"GetItem", "Query", "Scan", "BatchGetItem", "TransactGetItems"}
AUTHORIZER = "authorizer"
FUNCTION = "function"


@dataclass
class Call:
    phase: str
    operation: str
    params: dict[str, Any]


@dataclass
class Exchange:
    """One request through the gateway: the answer, its DynamoDB calls and how long each part took."""

    response: HttpResponse
    calls: list[Call] = field(default_factory=list)
    events: dict[str, dict[str, Any]] = field(default_factory=dict)
    """logical id → the event that function (or the authorizer) received."""
    seconds: float = 0.0
    function_seconds: float = 0.0

    def counts(self, phase: str) -> dict[str, int]:
        return dict(Counter(call.operation for call in self.calls if call.phase == phase))


class Recorder:
    """Attributes every DynamoDB call of the shared client to the authorizer or the function."""

    def __init__(self) -> None:
        self.gateway = LocalGateway()
        self._current: Exchange | None = None
        self._phase = FUNCTION
        self._record = True
        runtime.dynamodb_client().meta.events.register("before-parameter-build.dynamodb.*", self._on_call)
        original = gateway_module.invoke

        def invoke(function: template.Function, event: dict[str, Any], context: Any) -> Any:
            self._phase = AUTHORIZER if function.logical_id == template.AUTHORIZER_RESOURCE else FUNCTION
            if self._current is not None and self._record:
                self._current.events[function.logical_id] = copy.deepcopy(event)
            started = time.perf_counter()
            try:
                return original(function, event, context)
            finally:
                if self._current is not None and self._phase == FUNCTION:
                    self._current.function_seconds += time.perf_counter() - started

        gateway_module.invoke = invoke  # the gateway calls invoke() through its module global

    def _on_call(self, params: dict[str, Any], model: Any, **_: Any) -> None:
        if self._current is not None and self._record:
            self._current.calls.append(Call(self._phase, model.name, copy.deepcopy(params)))

    def request(
        self,
        method: str,
        path: str,
        *,
        token: str,
        body: Any = None,
        query: str = "",
        headers: dict[str, str] | None = None,
        record: bool = True,
    ) -> Exchange:
        """Send through the gateway; ``record=False`` (latency loops) skips copying calls and events."""
        sent = {"content-type": "application/json", "authorization": f"Bearer {token}", **(headers or {})}
        raw = json.dumps(body).encode() if body is not None else b""
        exchange = self._current = Exchange(HttpResponse(0))
        self._record = record
        try:
            with quiet():
                started = time.perf_counter()
                exchange.response = self.gateway.handle(method, path, query, sent, raw)
                exchange.seconds = time.perf_counter() - started
        finally:
            self._current = None
        return exchange


def items_returned(operation: str, parsed: dict[str, Any]) -> int:
    """The items one DynamoDB read handed back (a Query or Scan: those it read, ``ScannedCount``); 0 for a write."""
    if operation in ("Query", "Scan"):
        return max(parsed.get("Count", 0), parsed.get("ScannedCount", 0))
    if operation == "GetItem":
        return 1 if parsed.get("Item") else 0
    if operation == "BatchGetItem":
        return sum(len(found) for found in parsed.get("Responses", {}).values())
    if operation == "TransactGetItems":
        return sum(1 for response in parsed.get("Responses", []) if response.get("Item"))
    return 0


@contextlib.contextmanager
def quiet():
    """Powertools Metrics prints one EMF line per invocation to stdout (CloudWatch in Lambda): not here."""
    with open(os.devnull, "w") as sink, contextlib.redirect_stdout(sink), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "No application metrics to publish" on read-only routes
        yield


def percentiles(seconds: list[float]) -> dict[str, float]:
    """p50/p95/mean in milliseconds (inclusive method: p95 stays inside the observed range)."""
    ms = sorted(s * 1000 for s in seconds)
    cuts = statistics.quantiles(ms, n=100, method="inclusive")
    return {
        "n": len(ms),
        "p50_ms": round(cuts[49], 2),
        "p95_ms": round(cuts[94], 2),
        "mean_ms": round(statistics.fmean(ms), 2),
    }
