"""Financial statements by property (SPEC §10.3): for any sequence of postings — custom entries between
accounts of all five types (contra accounts and the hot, sharded ones included), invoices and their
payments — on any dates of a quarter, through the handlers, on moto and on DynamoDB Local:

- the balance sheet balances on every day;
- a profit and loss over a range is the change of the balance sheet's net income over it;
- the trial balance as of a day is the sum of the lines dated on or before it, as GET /ledger/entries
  lists them (computed here, independently of the period rows);
- the aging's total plus its unallocated line is ACCOUNTS_RECEIVABLE as of the day, and the unallocated
  part is exactly what custom entries moved it by;
- statements as of a day do not change when entries dated after it are posted.

Fifteen examples, derandomized, no example database, each on a table of its own (moto copies the whole
table for every item of a transaction, so a table that grows from example to example slows them all).
"""

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import Api, assert_books_balance, line, new_api

from ledgerline.store import runtime
from ledgerline_tools import template

QUARTER_START = date(2025, 1, 1)
DAYS = 90
ACCOUNTS = [
    "CASH",
    "ACCOUNTS_RECEIVABLE",
    "LONG_TERM_DEBT",
    "OPENING_BALANCE_EQUITY",
    "SALES",
    "DISCOUNTS",
    "BANK_FEES",
]
"""Two assets (both sharded), a liability, equity, revenue (sharded), contra revenue, an expense."""

day_in_quarter = st.integers(min_value=0, max_value=DAYS - 1)
custom_entry = st.tuples(
    st.just("entry"),
    day_in_quarter,
    st.sampled_from(ACCOUNTS),
    st.sampled_from(ACCOUNTS),
    st.integers(min_value=1, max_value=100_000),
).filter(lambda op: op[2] != op[3])
invoice = st.tuples(
    st.just("invoice"),
    day_in_quarter,
    st.integers(min_value=1, max_value=50_000),
    st.integers(min_value=0, max_value=45),  # days until due
    st.integers(min_value=0, max_value=100),  # percent paid
    st.integers(min_value=0, max_value=60),
)  # days until paid
postings = st.lists(st.one_of(custom_entry, invoice), min_size=1, max_size=5)
check_days = st.tuples(day_in_quarter, day_in_quarter).map(sorted)


@contextmanager
def own_table() -> Iterator[None]:
    """A fresh table for one example (on the backend the ``table`` fixture chose), dropped after it."""
    name, before = f"ledgerline-prop-{uuid.uuid4().hex[:8]}", os.environ["LEDGER_TABLE_NAME"]
    os.environ["LEDGER_TABLE_NAME"] = name
    runtime.reset()
    runtime.dynamodb_client().create_table(TableName=name, **template.table_definition())
    try:
        yield
    finally:
        runtime.dynamodb_client().delete_table(TableName=name)
        os.environ["LEDGER_TABLE_NAME"] = before
        runtime.reset()


def on(offset: int) -> date:
    return QUARTER_START + timedelta(days=offset)


def post(client: Api, op: tuple[Any, ...]) -> None:
    if op[0] == "entry":
        _, offset, debit, credit, amount = op
        response = client.post(
            f"{client.base}/custom-journal-entries",
            {
                "entry_at": f"{on(offset)}T12:00:00Z",
                "line_items": [line(debit, amount, "DEBIT"), line(credit, amount, "CREDIT")],
            },
        )
        assert response.status == 201, response.json()
        return
    _, offset, amount, due_in, percent, paid_in = op
    created = client.post(
        f"{client.base}/invoices",
        {
            "customer_external_id": f"cust-{amount % 3}",
            "sent_at": f"{on(offset)}T09:00:00Z",
            "due_at": f"{on(offset + due_in)}T09:00:00Z",
            "line_items": [{"unit_price": amount}],
        },
    )
    assert created.status == 201, created.json()
    paid = amount * percent // 100
    if paid:
        response = client.post(
            f"{client.base}/invoices/{created.json()['id']}/payment",
            {"amount": paid, "paid_at": f"{on(offset + paid_in)}T15:00:00Z"},
        )
        assert response.status == 201, response.json()


def get(client: Api, path: str, query: str) -> dict[str, Any]:
    response = client.get(f"{client.base}{path}", query=query)
    assert response.status == 200, response.json()
    return response.json()


def statements(client: Api, day: date) -> dict[str, Any]:
    """Every statement as of ``day`` (their computing time left out)."""
    found = {
        "balance-sheet": get(client, "/reports/balance-sheet", f"effective_date={day}"),
        "trial-balance": get(client, "/reports/trial-balance", f"effective_date={day}"),
        "ar-aging": get(client, "/reports/ar-aging", f"effective_date={day}"),
        "profit-and-loss": get(client, "/reports/profit-and-loss", f"start_date={QUARTER_START}&end_date={day}"),
    }
    for statement in found.values():
        statement.pop("generated_at")
    return found


def every_entry(client: Api) -> list[dict[str, Any]]:
    entries, cursor = [], None
    while True:
        page = get(client, "/ledger/entries", "limit=100" + (f"&cursor={cursor}" if cursor else ""))
        entries += page["data"]
        cursor = page["meta"]["pagination"]["cursor"]
        if cursor is None:
            return entries


def net_debits(entries: list[dict[str, Any]], day: date, *, custom_only: bool = False) -> dict[str, int]:
    """Each account's debits less credits over the lines dated on or before ``day``."""
    net: dict[str, int] = {}
    for entry in entries:
        if entry["entry_date"] > day.isoformat() or (custom_only and entry["source"]["type"] != "CUSTOM_JOURNAL_ENTRY"):
            continue
        for item in entry["line_items"]:
            sign = 1 if item["direction"] == "DEBIT" else -1
            net[item["account"]["stable_name"]] = net.get(item["account"]["stable_name"], 0) + sign * item["amount"]
    return net


@settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=postings, days=check_days, later=st.lists(custom_entry, min_size=1, max_size=2))
def test_statements_agree_with_each_other_and_with_the_lines(table, ops, days, later):
    with own_table():
        check(new_api(), ops, days, later)


def check(client: Api, ops: list[tuple[Any, ...]], days: list[int], later: list[tuple[Any, ...]]) -> None:
    for op in ops:
        post(client, op)
    first, last = on(days[0]), on(days[1])
    entries = every_entry(client)
    before = {day: statements(client, day) for day in (first, last)}

    for day, found in before.items():
        sheet, tb, aging = found["balance-sheet"], found["trial-balance"], found["ar-aging"]
        # the balance sheet balances
        assert sheet["balanced"] and sheet["total_assets"] == sheet["total_liabilities_and_equity"], day
        # the trial balance is the sum of the lines dated on or before the day
        from_lines = net_debits(entries, day)
        assert {r["stable_name"]: r["debit_balance"] - r["credit_balance"] for r in tb["accounts"]} == {
            r["stable_name"]: from_lines.get(r["stable_name"], 0) for r in tb["accounts"]
        }, day
        # the aging accounts for ACCOUNTS_RECEIVABLE; what it cannot place is what custom entries moved
        receivable = from_lines.get("ACCOUNTS_RECEIVABLE", 0)
        assert aging["totals"]["total"] + aging["unallocated"] == aging["accounts_receivable_balance"] == receivable
        assert aging["unallocated"] == net_debits(entries, day, custom_only=True).get("ACCOUNTS_RECEIVABLE", 0)
        # the P&L from the first day of the books is the net income on the balance sheet
        assert found["profit-and-loss"]["net_profit"] == sheet["equity"]["net_income"], day

    # a P&L over (first, last] is the change of the net income over it
    if first < last:
        pnl = get(client, "/reports/profit-and-loss", f"start_date={first + timedelta(days=1)}&end_date={last}")
        assert pnl["net_profit"] == (
            before[last]["balance-sheet"]["equity"]["net_income"]
            - before[first]["balance-sheet"]["equity"]["net_income"]
        )

    # entries dated after the last day change nothing as of it
    for _, offset, debit, credit, amount in later:
        post(client, ("entry", days[1] + 1 + offset % 30, debit, credit, amount))
    assert statements(client, last) == before[last]
    assert_books_balance(client.business_id)
