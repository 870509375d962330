"""The books as stored, and the checks every scenario ends with (SPEC §4)."""

from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from ledgerline.store import codec, keys
from ledgerline.store.runtime import dynamodb_client, table_name
from support.api import Api


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


def summed(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The account items among ``items`` by id, each ``balance`` summed with its balance shards' (a
    sharded account's balance is spread over ``CHART#ACCOUNT#<id>#SHARD#<n>`` items)."""
    accounts = {i["account_id"]: dict(i) for i in items if i.get("kind") == "ACCOUNT"}
    for shard in (i for i in items if i.get("kind") == "BALANCE_SHARD"):
        accounts[shard["account_id"]]["balance"] += shard["balance"]
    return accounts


def books(business_id: str) -> dict[str, Any]:
    """A snapshot of the books: every balance and every entry id."""
    accounts = summed(_query_all(business_id, keys.ACCOUNT_PREFIX)).values()
    entries = _query_all(business_id, keys.ENTRY_PREFIX)
    return {
        "balances": {a["stable_name"]: a["balance"] for a in accounts},
        "entries": sorted(e["entry_id"] for e in entries),
    }


def assert_books_balance(business_id: str) -> None:
    """SPEC §4: Σ debit-normal = Σ credit-normal, and each balance equals the sum of its lines."""
    accounts = summed(_query_all(business_id, keys.ACCOUNT_PREFIX))
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
    assert period_moves(business_id) == moves_by_day(business_id, accounts), "period rows drifted from the lines"
    debit_side = sum(a["balance"] for a in accounts.values() if a["normality"] == "DEBIT")
    credit_side = sum(a["balance"] for a in accounts.values() if a["normality"] == "CREDIT")
    assert debit_side == credit_side, "trial balance does not balance"


def moves_by_day(business_id: str, accounts: dict[str, dict[str, Any]]) -> dict[tuple[str, str], int]:
    """Each account's move on each day, (account id, ISO date) → cents in its normal direction, from the lines."""
    moves: Counter = Counter()
    for entry in _query_all(business_id, keys.ENTRY_PREFIX):
        for line in entry["lines"]:
            sign = 1 if line["direction"] == accounts[line["account_id"]]["normality"] else -1
            moves[(line["account_id"], entry["entry_date"])] += sign * line["amount"]
    return {key: cents for key, cents in moves.items() if cents}


def period_items(business_id: str) -> list[dict[str, Any]]:
    """The business's period rows and wide-entry period items, as stored."""
    return _query_all(business_id, keys.PERIOD_PREFIX)


def period_moves(business_id: str) -> dict[tuple[str, str], int]:
    """The same read from the period rows reports use (``PERIOD#<month>#…``: ``dNN`` attributes, or one
    item per wide entry), independently of the store's code."""
    moves: Counter = Counter()
    for item in period_items(business_id):
        if item["kind"] == "PERIOD_ENTRY":
            for account_id, cents in item["moves"].items():
                moves[(account_id, f"{item['month']}-{int(item['day']):02d}")] += cents
            continue
        for name, cents in item.items():
            if name.startswith("d") and name[1:].isdigit():
                moves[(item["account_id"], f"{item['month']}-{name[1:]}")] += cents
    return {key: cents for key, cents in moves.items() if cents}


def assert_balanced(client: Api) -> None:
    """The books balance, and so does the trial balance a caller reads."""
    assert_books_balance(client.business_id)
    report = client.get(f"{client.base}/reports/trial-balance")
    assert report.status == 200
    assert report.json()["total_debits"] == report.json()["total_credits"]


def balanced_after(*clients: str, check: Callable[[Api], None] = assert_balanced) -> Any:
    """An autouse fixture for a test module: after every scenario, ``check`` the business of each of the
    ``clients`` fixtures the test uses (``books_stay_balanced = balanced_after("api", "unit_api")``)."""

    @pytest.fixture(autouse=True, name="books_stay_balanced")
    def books_stay_balanced(request: pytest.FixtureRequest) -> Iterator[None]:
        used = [request.getfixturevalue(name) for name in clients if name in request.fixturenames]
        yield
        for client in used:
            check(client)

    return books_stay_balanced


@contextmanager
def unchanged(*clients: Api) -> Iterator[None]:
    """The books of every client's business are exactly as they were, and still balance."""
    before = [books(c.business_id) for c in clients]
    yield
    assert [books(c.business_id) for c in clients] == before
    for client in clients:
        assert_books_balance(client.business_id)
