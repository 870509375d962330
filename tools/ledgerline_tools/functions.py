"""Runs a function's handler the way Lambda would: module ``app`` loaded from its CodeUri.

Like Lambda, a loaded copy (a "container") serves one request at a time; concurrent requests get
their own copies, so Powertools' per-request state (``app.current_event``) is never shared.
"""

import importlib.util
import itertools
import sys
import threading
from collections import defaultdict
from typing import Any

from aws_lambda_powertools.metrics.provider.cloudwatch_emf.cloudwatch import AmazonCloudWatchEMFProvider

from ledgerline_tools.template import Function

_lock = threading.Lock()
_idle: dict[str, list[Any]] = defaultdict(list)
_serial = itertools.count()


def _one_metric_set_at_a_time() -> None:
    """Powertools keeps the metric set on the class, shared by every copy in a process. In Lambda a
    process serves one request at a time; here threads serve several, and one request's flush could
    empty the set between another's emptiness check and its serialisation (a 500 from a request that
    had posted). Adding and flushing metrics take turns in this process; Lambda is unaffected."""
    if getattr(AmazonCloudWatchEMFProvider.flush_metrics, "one_at_a_time", False):
        return
    turn = threading.RLock()
    for name in ("add_metric", "flush_metrics"):
        original = getattr(AmazonCloudWatchEMFProvider, name)

        def in_turn(self: Any, *args: Any, _original: Any = original, **kwargs: Any) -> Any:
            with turn:
                return _original(self, *args, **kwargs)

        in_turn.one_at_a_time = True  # type: ignore[attr-defined]
        setattr(AmazonCloudWatchEMFProvider, name, in_turn)


_one_metric_set_at_a_time()


def load_module(function: Function) -> Any:
    """A fresh copy of the function's handler module, loaded from its CodeUri as Lambda would."""
    module_name, _, _ = function.handler.rpartition(".")
    path = function.code_uri / f"{module_name.replace('.', '/')}.py"
    # Every function's module is called "app"; a unique name per container lets copies coexist.
    unique = f"ledgerline_function_{function.logical_id}_{next(_serial)}"
    spec = importlib.util.spec_from_file_location(unique, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[unique] = module
    spec.loader.exec_module(module)
    return module


def invoke(function: Function, event: dict[str, Any], context: Any) -> Any:
    """Call the function's handler in an idle container (a new one if all are busy)."""
    with _lock:
        module = _idle[function.logical_id].pop() if _idle[function.logical_id] else None
    if module is None:
        module = load_module(function)
    try:
        return getattr(module, function.handler.rpartition(".")[2])(event, context)
    finally:
        with _lock:
            _idle[function.logical_id].append(module)


class LambdaContext:
    """Enough of Lambda's context object for Powertools' Logger."""

    def __init__(self, function_name: str, request_id: str) -> None:
        self.function_name = function_name
        self.function_version = "$LATEST"
        self.invoked_function_arn = f"arn:aws:lambda:local:000000000000:function:{function_name}"
        self.memory_limit_in_mb = 1024
        self.aws_request_id = request_id
        self.log_group_name = f"/aws/lambda/{function_name}"
        self.log_stream_name = "local"

    def get_remaining_time_in_millis(self) -> int:
        return 10_000
