"""Requests sent at the same moment."""

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any


def all_at_once(count: int, send: Callable[[int], Any]) -> list[Any]:
    """Run ``send(i)`` in ``count`` threads released together by a barrier; the answers in thread order."""
    barrier = threading.Barrier(count)

    def run(index: int) -> Any:
        barrier.wait(timeout=30)
        return send(index)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))
