"""The mutating routes' bench samples as fault-test cases (tests/unit/test_faults*.py).

Each case runs one route's bench sample (bench/samples.py: the same requests the bench sends) in a fresh
business; :func:`twin` runs it once cleanly (its answer and what it changed are what a faulty run
must reproduce: one posting, never two, never a lost one).
"""

import json
import os
from collections import Counter
from types import SimpleNamespace
from typing import Any

import pytest

from bench import samples  # the repository is on sys.path (tests/conftest.py)
from ledgerline.store import chart, codec, keys
from ledgerline.store.runtime import dynamodb_client, table_name
from support.api import Api, gateway, new_api
from support.books import summed
from support.faults import OUTCOME_UNKNOWN, READS, Fault, Faults, client_error

ROUTES = [
    pytest.param(key, index, id=f"{key.split(' ')[0]} {key.split('/', 4)[-1]} [{sample.variant}]")
    for key, found in samples.SAMPLES.items()
    if key.split(" ")[0] in samples.MUTATING
    for index, sample in enumerate(found)
    if not sample.repeat
]
ROUTE_KEYS = [tuple(route.values) for route in ROUTES]


class Through:
    """bench.samples.Books sends through a recorder; here, straight through the test gateway."""

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
    ) -> Any:
        sent = {"content-type": "application/json", "authorization": f"Bearer {token}", **(headers or {})}
        raw = json.dumps(body).encode() if body is not None else b""
        return SimpleNamespace(response=gateway().handle(method, path, query, sent, raw))


def on_moto() -> bool:
    return "AWS_ENDPOINT_URL_DYNAMODB" not in os.environ


def snapshot(business_id: str) -> dict[str, Any]:
    """Items per kind (SK prefix) and every balance: what a posting changes."""
    request: dict[str, Any] = {
        "TableName": table_name(),
        "KeyConditionExpression": "PK = :pk",
        "ConsistentRead": True,
        "ExpressionAttributeValues": codec.to_item({":pk": keys.business_pk(business_id)}),
    }
    kinds: Counter[str] = Counter()
    found: list[dict[str, Any]] = []
    while True:
        page = dynamodb_client().query(**request)
        for item in map(codec.from_item, page["Items"]):
            # A part of a balance (a shard, a period row: which of them a posting creates depends on its
            # entry id), counted in the balances and checked against the lines by assert_books_balance.
            if item.get("kind") not in ("BALANCE_SHARD", "PERIOD_MOVES"):
                kinds[item["SK"].split("#", 1)[0]] += 1
            found.append(item)
        if "LastEvaluatedKey" not in page:
            return {"kinds": kinds, "balances": {a["stable_name"]: a["balance"] for a in summed(found).values()}}
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def change(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    kinds = {k: after["kinds"][k] - before["kinds"][k] for k in after["kinds"] | before["kinds"]}
    moves = {k: after["balances"].get(k, 0) - before["balances"].get(k, 0) for k in after["balances"]}
    return {"kinds": {k: v for k, v in kinds.items() if v}, "moves": {k: v for k, v in moves.items() if v}}


class Case:
    """One route's sample, set up in a fresh business; ``send()`` sends its request."""

    def __init__(self, route: str, index: int, *, key: str | None = None) -> None:
        self.method, path = route.split(" ", 1)
        sample = samples.SAMPLES[route][index]
        self.api: Api = new_api()
        self.books = samples.Books(Through(), self.api.business_id, self.api.token)  # type: ignore[arg-type]
        self.books.entry_id = self.books.new_entry()
        SETUP.get(route, lambda books: None)(self.books)
        self.path = samples.fill_path(path, sample, self.books)
        self.body = sample.body(self.books) if sample.body else None
        self.headers = {**sample.headers(self.books), **({"idempotency-key": key} if key else {})}
        self.query = sample.query
        self.before = snapshot(self.api.business_id)

    def send(self) -> Any:
        return self.books.send(self.method, self.path, body=self.body, query=self.query, headers=self.headers).response

    def change(self) -> dict[str, Any]:
        return change(self.before, snapshot(self.api.business_id))


SETUP = {
    # A business with loans to accrue (the bench's own business has a dozen by the time it gets here).
    "POST /api/v1/loans/accrue-interest": lambda books: [books.new_instrument(), books.new_borrowing()],
}
_twins: dict[tuple[str, str, int], tuple[int, dict[str, Any]]] = {}


def twin(route: str, index: int, monkeypatch: pytest.MonkeyPatch) -> tuple[int, dict[str, Any]]:
    """The clean run's status and change (deterministic per route and backend: computed once)."""
    backend = "moto" if on_moto() else "local"
    if (backend, route, index) not in _twins:
        case = Case(route, index)
        with monkeypatch.context() as clean:
            Faults(clean).install(moto=on_moto())
            answer = case.send()
        assert 200 <= answer.status < 300, answer.body
        assert case.change()["kinds"], "the sample changes nothing: it proves nothing here"
        _twins[backend, route, index] = answer.status, case.change()
    return _twins[backend, route, index]


def install(monkeypatch: pytest.MonkeyPatch, plan: list[Fault], **options: Any) -> Faults:
    return Faults(monkeypatch, plan, **options).install(moto=on_moto())


def rotating(position: int) -> str:
    return list(OUTCOME_UNKNOWN)[position % len(OUTCOME_UNKNOWN)]


class ReadFaults:
    """Every read operation of the shared client, counted together: the ``at``-th read fails. The
    container forgets the profiles and accounts it remembers, so the function reads as a cold one does
    (a warm one may post a custom entry without reading anything)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, at: int) -> None:
        chart.forget()
        self.at, self.reads, self.injected = at, 0, 0
        client = dynamodb_client()
        for operation in READS:
            monkeypatch.setattr(client, operation, self._wrap(operation, getattr(client, operation)))

    def _wrap(self, operation: str, real: Any) -> Any:
        def call(**request: Any) -> Any:
            self.reads += 1
            if self.reads == self.at:
                self.injected += 1
                raise client_error("ThrottlingException", operation)
            return real(**request)

        return call
