"""No garbage collection while a Lambda container starts (decision 132).

A cold start allocates a few hundred thousand objects — Powertools, Pydantic, botocore and the ledger's
modules and classes, then the first request's models, client and connection — and nearly every one lives
as long as the container. CPython's collector, triggered by allocation counts, meanwhile walks that
growing heap some fifty times for almost nothing to free: 65–90 ms of a write-off's cold start here,
about a sixth of the whole baseline (docs/performance.md).

Every function imports this module first (``functions/*/app.py``; ``ledgerline new-endpoint`` writes it).
In Lambda (``AWS_EXECUTION_ENV``) the import pauses the collector; when the container's first invocation
begins — the start is over — :func:`settle` moves everything the start made to the collector's permanent
generation (``gc.freeze()``: no later collection walks it again) and resumes collecting, for good, so no
invocation ever runs without it (a worker's first chunk may run for a minute). Anywhere else — tests, the
local server, the tools — importing it changes nothing.
"""

import functools
import gc
import os
from collections.abc import Callable
from typing import Any

IN_LAMBDA = os.environ.get("AWS_EXECUTION_ENV", "").startswith("AWS_Lambda_")

_paused = IN_LAMBDA and gc.isenabled()
if _paused:
    gc.disable()


def settle() -> None:
    """The start is over: what it made is frozen out of every later collection, which resumes. Once."""
    global _paused  # noqa: PLW0603 - once per process, like the start itself
    if _paused:
        _paused = False
        gc.freeze()
        gc.enable()


def settles(handler: Callable[..., Any]) -> Callable[..., Any]:
    """``handler``, calling :func:`settle` first: an invocation begins when the start is over."""

    @functools.wraps(handler)
    def settling(*args: Any, **kwargs: Any) -> Any:
        settle()
        return handler(*args, **kwargs)

    return settling
