"""The Lambda entrypoint binds each request's event to its own resolver.

Powertools keeps the current event on a class shared by every resolver of a process. In Lambda a
process serves one request at a time, but the local server runs concurrent requests in threads of
one process (each in its own copy of the function), so a request must never see another's event.
"""

from typing import Any

from ledgerline.api.app import create_app, entrypoint
from ledgerline.api.families import LEDGER
from ledgerline_tools.functions import LambdaContext


def event(path: str) -> dict[str, Any]:
    return {
        "version": "2.0",
        "routeKey": f"GET {path}",
        "rawPath": path,
        "rawQueryString": "",
        "headers": {},
        "requestContext": {
            "http": {"method": "GET", "path": path, "sourceIp": "127.0.0.1"},
            "requestId": path,
            "routeKey": f"GET {path}",
            "stage": "$default",
        },
        "isBase64Encoded": False,
    }


def test_a_request_keeps_its_own_event_while_another_resolver_serves_a_request_in_between():
    other = create_app(LEDGER)

    @other.get("/other")
    def other_route() -> dict[str, str]:
        return {"path": other.current_event.path}

    other_handler = entrypoint(other)
    first = create_app(LEDGER)

    @first.get("/first")
    def first_route() -> dict[str, str]:
        # Given another resolver of this process serves a request while this one is in flight…
        other_handler(event("/other"), LambdaContext("other", "r2"))
        # …then this request still sees its own event.
        return {"path": first.current_event.path}

    response = entrypoint(first)(event("/first"), LambdaContext("first", "r1"))

    assert response["statusCode"] == 200
    assert response["body"] == '{"path":"/first"}'


def test_requests_served_at_once_in_one_process_never_lose_their_metrics_flush():
    """The local server's threads share Powertools' class-level metric set (Lambda never does): one
    request's flush must not empty it under another's (that answered 500 for a request that posted)."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from ledgerline.observability import MetricUnit, metrics
    from ledgerline_tools import functions  # noqa: F401 - installs the local turn-taking

    barrier = threading.Barrier(8)

    def request(_: int) -> None:
        barrier.wait(timeout=10)
        for _ in range(200):
            metrics.add_metric(name="JournalEntriesPosted", unit=MetricUnit.Count, value=1)
            metrics.flush_metrics(raise_on_empty_metrics=False)

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(request, range(8)))  # raises if any flush met an emptied set
