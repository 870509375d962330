"""Faults injected at the DynamoDB client, as real DynamoDB and a real network produce them (SPEC §9.3).

Neither moto nor DynamoDB Local ever answers a transaction with an outcome-unknown error, a conflict or
throttling, so :class:`Faults` wraps the shared client's calls and injects them by plan. On moto,
:class:`RequestTokens` adds what moto leaves out and DynamoDB does: a ``ClientRequestToken`` seen
within 10 minutes answers success without writing again (other parameters → mismatch).

Layers, outermost first: Faults → RequestTokens (moto only) → the real client.
"""

import hashlib
import json
import random
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
from botocore.exceptions import (
    ClientError,
    ConnectionClosedError,
    EndpointConnectionError,
    ReadTimeoutError,
)

from ledgerline.store import runtime, transactions

WRITE = "transact_write_items"
READS = ("get_item", "query", "batch_get_item", "transact_get_items")


def client_error(code: str, operation: str = "TransactWriteItems", reasons: list[str] | None = None) -> ClientError:
    response: dict[str, Any] = {"Error": {"Code": code, "Message": "injected by the test"}}
    if reasons is not None:
        response["CancellationReasons"] = [{"Code": reason} for reason in reasons]
    return ClientError(response, operation)


# ---- what can go wrong -----------------------------------------------------------------------


def internal_server_error(_: dict[str, Any]) -> BaseException:
    return client_error("InternalServerError")


def transaction_in_progress(_: dict[str, Any]) -> BaseException:
    return client_error("TransactionInProgressException")


def read_timeout(_: dict[str, Any]) -> BaseException:
    return ReadTimeoutError(endpoint_url="https://dynamodb.test")


def connection_closed(_: dict[str, Any]) -> BaseException:
    return ConnectionClosedError(endpoint_url="https://dynamodb.test")


def conflict(request: dict[str, Any]) -> BaseException:
    """A definite cancellation: the last action lost a race (what real DynamoDB says under contention)."""
    actions = len(request.get("TransactItems", [])) or 1
    return client_error("TransactionCanceledException", reasons=["None"] * (actions - 1) + ["TransactionConflict"])


def throttled(_: dict[str, Any]) -> BaseException:
    return client_error("ThrottlingException")


def no_connection(_: dict[str, Any]) -> BaseException:
    return EndpointConnectionError(endpoint_url="https://dynamodb.test")


OUTCOME_UNKNOWN = {
    "InternalServerError": internal_server_error,
    "TransactionInProgress": transaction_in_progress,
    "ReadTimeout": read_timeout,
    "ConnectionClosed": connection_closed,
}
"""Raised *after* the transaction really committed: only the same token can tell."""
DEFINITE = {"TransactionConflict": conflict, "Throttling": throttled, "NoConnection": no_connection}
"""Raised *instead of* sending: nothing was written."""


# ---- the wrappers ----------------------------------------------------------------------------


class RequestTokens:
    """DynamoDB's ClientRequestToken check, which moto ignores (FACTS.md)."""

    def __init__(self, real: Callable[..., Any]) -> None:
        self.real = real
        self.committed: dict[str, str] = {}

    def __call__(self, **request: Any) -> Any:
        token = request.get("ClientRequestToken")
        content = hashlib.sha256(json.dumps(request["TransactItems"], sort_keys=True).encode()).hexdigest()
        if token in self.committed:
            if self.committed[token] != content:
                raise client_error("IdempotentParameterMismatchException")
            return {}
        answer = self.real(**request)
        if token:
            self.committed[token] = content
        return answer


@dataclass(frozen=True)
class Fault:
    make: Callable[[dict[str, Any]], BaseException]
    after_commit: bool = False
    """The real call runs (and commits) first; the caller still gets the error."""


def unknown(name: str) -> Fault:
    return Fault(OUTCOME_UNKNOWN[name], after_commit=True)


def definite(name: str) -> Fault:
    return Fault(DEFINITE[name])


@dataclass
class Faults:
    """Wraps one operation of the shared client: its calls meet ``plan``'s faults in order, then succeed.

    ``skip`` calls go through untouched first (e.g. the authorizer's token read); ``forever`` repeats
    the plan's last fault on every later call.
    """

    monkeypatch: pytest.MonkeyPatch
    plan: list[Fault] = field(default_factory=list)
    operation: str = WRITE
    skip: int = 0
    forever: bool = False
    calls: int = 0
    injected: int = 0
    sleeps: list[float] = field(default_factory=list)

    def install(self, *, moto: bool) -> "Faults":
        client = runtime.dynamodb_client()
        real = getattr(client, self.operation)
        if self.operation == WRITE and moto:
            real = RequestTokens(real)
        self.real = real
        self.monkeypatch.setattr(client, self.operation, self)
        # Backoff is the code's business, waiting for it is not the test's.
        self.monkeypatch.setattr(transactions.time, "sleep", self.sleeps.append)
        return self

    def __call__(self, **request: Any) -> Any:
        self.calls += 1
        position = self.calls - 1 - self.skip
        if position < 0 or not self.plan or (position >= len(self.plan) and not self.forever):
            return self.real(**request)
        fault = self.plan[min(position, len(self.plan) - 1)]
        self.injected += 1
        if fault.after_commit:
            self.real(**request)
        raise fault.make(request)


WRITE_FAULTS: dict[str, tuple[Callable[[dict[str, Any]], BaseException], str]] = {
    **{f"{name}(committed)": (make, "committed") for name, make in OUTCOME_UNKNOWN.items()},
    **{f"{name}(lost)": (make, "lost") for name, make in OUTCOME_UNKNOWN.items()},
    **{name: (make, "refused") for name, make in DEFINITE.items()},
}
"""What a write can meet: an outcome-unknown error after the transaction really committed, the same error
with the transaction lost on the way (nothing written), or a definite refusal before anything ran."""
READ_FAULTS: dict[str, Callable[[str], BaseException]] = {
    "Throttling": lambda operation: client_error("ThrottlingException", operation),
    "ProvisionedThroughputExceeded": lambda operation: client_error(
        "ProvisionedThroughputExceededException", operation
    ),
    "NoConnection": lambda _: EndpointConnectionError(endpoint_url="https://dynamodb.test"),
    "ReadTimeout": lambda _: ReadTimeoutError(endpoint_url="https://dynamodb.test"),
}
"""What a read can meet once the SDK's own retries are used up."""
STORMS = ("unknown-committed", "unknown-lost", "definite", "read")


@dataclass(frozen=True)
class FaultPlan:
    """The faults one request meets at the store (drawn by the simulation, so shrinking simplifies them).

    - ``none``: every call goes through;
    - ``random``: each call of the function fails with probability ``rate`` (a fault drawn from
      WRITE_FAULTS or READ_FAULTS by a ``random.Random(seed)`` of its own); with ``authorizer``, the
      authorizer's token read may fail too;
    - ``storm``: the first ``after`` calls of the storm's kind go through, then every one fails:
      ``unknown-committed`` (the first failing send commits, its resends are answered by the token),
      ``unknown-lost`` (nothing commits), ``definite`` (conflict/throttling/no connection), ``read``.
    """

    mode: str = "none"
    rate: float = 0.0
    seed: int = 0
    storm: str = ""
    after: int = 0
    authorizer: bool = False

    def __str__(self) -> str:
        if self.mode == "random":
            return f"random(rate={self.rate}, seed={self.seed}{', authorizer' if self.authorizer else ''})"
        if self.mode == "storm":
            return f"storm({self.storm}, after={self.after})"
        return "none"


NO_FAULTS = FaultPlan()


@dataclass
class _Meeting:
    """One thread's request meeting its plan: the calls so far and the faults injected."""

    plan: FaultPlan
    rng: random.Random
    writes: int = 0
    reads: int = 0
    phase: str = "function"
    log: list[str] = field(default_factory=list)

    def fault(self, operation: str) -> tuple[Callable[[dict[str, Any]], BaseException], str] | None:
        plan, write = self.plan, operation == WRITE
        if self.phase == "authorizer":
            if plan.mode != "random" or not plan.authorizer or self.rng.random() >= plan.rate:
                return None
            name = self.rng.choice(list(READ_FAULTS))
            self.log.append(f"authorizer:{operation}:{name}")
            return (lambda _request: READ_FAULTS[name](_op_name(operation))), "refused"
        if write:
            self.writes += 1
        else:
            self.reads += 1
        if plan.mode == "random":
            if self.rng.random() >= plan.rate:
                return None
            name = self.rng.choice(list(WRITE_FAULTS if write else READ_FAULTS))
        elif plan.mode == "storm" and (plan.storm == "read") != write:
            if (self.writes if write else self.reads) <= plan.after:
                return None
            name = {
                "unknown-committed": "InternalServerError(committed)",
                "unknown-lost": "ReadTimeout(lost)",
                "read": "Throttling",
            }.get(plan.storm) or self.rng.choice(list(DEFINITE))
        else:
            return None
        self.log.append(f"function:{operation}:{name}")
        if write:
            return WRITE_FAULTS[name]
        return (lambda _request: READ_FAULTS[name](_op_name(operation))), "refused"


def _op_name(operation: str) -> str:
    return "".join(part.title() for part in operation.split("_"))


class SimulatedStore:
    """The shared client as the simulation sees it: every call atomic (one lock, as each DynamoDB call is,
    so concurrent requests interleave between calls but moto is never entered twice at once), DynamoDB's
    ClientRequestToken check on moto, and the faults of the calling thread's :class:`FaultPlan`.

    Calls made outside :meth:`faults` (setup, snapshots) go through untouched.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self._local = threading.local()

    def install(self, monkeypatch: pytest.MonkeyPatch, *, moto: bool = True) -> "SimulatedStore":
        client = runtime.dynamodb_client()
        for operation in (WRITE, *READS):
            real = getattr(client, operation)
            if operation == WRITE and moto:
                real = RequestTokens(real)
            monkeypatch.setattr(client, operation, self._wrap(operation, real))
        monkeypatch.setattr(transactions.time, "sleep", lambda _seconds: None)
        return self

    @contextmanager
    def faults(self, plan: FaultPlan) -> Iterator[list[str]]:
        """Within: this thread's calls meet ``plan``; yields the log of what was injected."""
        meeting = _Meeting(plan, random.Random(plan.seed))
        self._local.meeting = meeting
        try:
            yield meeting.log
        finally:
            self._local.meeting = None

    @contextmanager
    def authorizing(self) -> Iterator[None]:
        """Within: this thread's calls are the authorizer's (faulted only by a plan that allows it)."""
        meeting = getattr(self._local, "meeting", None)
        if meeting is not None:
            meeting.phase = "authorizer"
        try:
            yield
        finally:
            if meeting is not None:
                meeting.phase = "function"

    def _wrap(self, operation: str, real: Callable[..., Any]) -> Callable[..., Any]:
        def call(**request: Any) -> Any:
            meeting = getattr(self._local, "meeting", None)
            fault = meeting.fault(operation) if meeting is not None else None
            with self.lock:
                if fault is None:
                    return real(**request)
                make, outcome = fault
                if outcome == "committed":
                    try:
                        real(**request)
                    except Exception:  # noqa: BLE001 - it did not commit; the answer was lost all the same
                        pass
            raise make(request)

        return call
