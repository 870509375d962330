"""Warm latency through the local gateway, against the floor: the same DynamoDB calls made directly.

One probe request records the exact calls (operation and parameters) the authorizer and the function
make; the floor replays them with a plain boto3 client, with fresh ids where an item must be new.
Our request and the floor alternate, so both see the same DynamoDB Local and machine load.
"""

import copy
import time
import uuid
from collections.abc import Callable
from typing import Any

import boto3
from botocore import xform_name
from botocore.config import Config

from bench.harness import AUTHORIZER, FUNCTION, Call, percentiles
from bench.samples import Books


def _swap(value: Any, old: str, new: str) -> Any:
    if isinstance(value, str):
        return value.replace(old, new)
    if isinstance(value, dict):
        return {k: _swap(v, old, new) for k, v in value.items()}
    if isinstance(value, list):
        return [_swap(v, old, new) for v in value]
    return value


class Floor:
    """Replays recorded calls; ``fresh`` are strings (new ids, request tokens) replaced each time."""

    def __init__(self, calls: list[Call], fresh: list[str]) -> None:
        # The same settings as ledgerline.store.runtime.dynamodb_client(), none of its event hooks.
        config = Config(retries={"mode": "standard", "max_attempts": 4}, connect_timeout=3, read_timeout=10)
        self.client = boto3.client("dynamodb", config=config)
        self.calls = calls
        self.fresh = [f for f in fresh if f]

    def replay(self) -> tuple[float, float]:
        """(seconds for every call, seconds for the function's calls only)."""
        total = function = 0.0
        for call in self.calls:
            params = copy.deepcopy(call.params)
            for old in self.fresh:
                params = _swap(params, old, str(uuid.uuid4()))
            method = getattr(self.client, xform_name(call.operation))
            started = time.perf_counter()
            method(**params)
            elapsed = time.perf_counter() - started
            total += elapsed
            function += elapsed if call.phase == FUNCTION else 0.0
        return total, function


def measure(
    books: Books, method: str, path: str, body: Callable[[], Any] | None = None, n: int = 200, warmup: int = 20
) -> dict[str, Any]:
    make_body = body or (lambda: None)
    probe = books.send(method, path, body=make_body())
    if not 200 <= probe.response.status < 300:
        raise RuntimeError(f"{method} {path}: {probe.response.status} {probe.response.body!r}")
    answer = probe.response.json()
    fresh = [answer.get("id", "") if isinstance(answer, dict) else ""]
    fresh += [c.params.get("ClientRequestToken", "") for c in probe.calls]
    floor = Floor(probe.calls, fresh)
    ours, ours_function, floor_all, floor_function = [], [], [], []
    for i in range(warmup + n):
        exchange = books.send(method, path, body=make_body(), record=False)
        if not 200 <= exchange.response.status < 300:
            raise RuntimeError(f"{method} {path}: {exchange.response.status} {exchange.response.body!r}")
        total, function = floor.replay()
        if i >= warmup:
            ours.append(exchange.seconds)
            ours_function.append(exchange.function_seconds)
            floor_all.append(total)
            floor_function.append(function)
    result = {
        "calls": {phase: [c.operation for c in probe.calls if c.phase == phase] for phase in (AUTHORIZER, FUNCTION)},
        "ours": percentiles(ours),
        "floor": percentiles(floor_all),
        "ours_function_only": percentiles(ours_function),
        "floor_function_only": percentiles(floor_function),
    }
    for scope, (a, b) in {
        "": ("ours", "floor"),
        "function_only_": ("ours_function_only", "floor_function_only"),
    }.items():
        for p in ("p50", "p95"):
            result[f"{scope}overhead_{p}_ms"] = round(result[a][f"{p}_ms"] - result[b][f"{p}_ms"], 2)
    return result
