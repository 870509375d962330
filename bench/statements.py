"""SPEC §10.3's cost target: a business with 100,000 journal entries over 3 years gets its balance sheet and
a 12-month profit and loss in under 1 s on DynamoDB Local, and reads no more items for them than one with
1,000 entries: both read the chart and the period rows (accounts × months × balance shards), never entries.

Two businesses, seeded straight into the table (BatchWriteItem, 4 at a time): ``total`` balanced
two-line entries spread evenly over 2023–2025 (a few templates: sales, invoices and collections,
discounts, fees, interest, a loan), **and their period rows, computed by the store's own code** — each
entry's ``store.periods.posting_actions`` (the ADDs a posting makes), added up as DynamoDB would — with
the accounts' balances to match, so the books are what posting them one by one would have left. Then,
through the local gateway and the authorizer: p50 wall time and the items the function read (every
read's returned items; a Query's scanned ones) for the balance sheet as of the last day and a 12-month
P&L (with and without ``group_by=month``).

Why the items read can differ a little between sizes: a hot account's postings spread over its balance
shards (CASH, ACCOUNTS_RECEIVABLE and SALES have 8), and so do its period rows; with ~28 entries a month
some shard of a month gets none and has no row yet. The bound is the same at any size: the chart's items
plus months × the moved accounts' shards. The check: every p50 under 1 s, and no size reads past the bound.
"""

import statistics
import time
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from bench.harness import Recorder
from bench.samples import Books
from bench.scale import ItemsRead, _write
from ledgerline.domain.accounts import Account, Direction, balance_delta
from ledgerline.domain.ids import new_id
from ledgerline.domain.journal import JournalEntry, Line, Source
from ledgerline.services.businesses import create_business
from ledgerline.store import chart as chart_store
from ledgerline.store import codec, periods, transactions
from ledgerline.store.entries import entry_item

FIRST_DAY, DAYS = date(2023, 1, 1), 3 * 365
SIZES = (1_000, 100_000)
TEMPLATES = [  # (debit, credit): a small business's days
    ("ACCOUNTS_RECEIVABLE", "SALES"),
    ("CASH", "ACCOUNTS_RECEIVABLE"),
    ("CASH", "SALES"),
    ("BANK_FEES", "CASH"),
    ("UNCATEGORIZED_EXPENSES", "CASH"),
    ("DISCOUNTS", "ACCOUNTS_RECEIVABLE"),
    ("INTEREST_EXPENSE", "CASH"),
    ("CASH", "LONG_TERM_DEBT"),
    ("CASH", "OPENING_BALANCE_EQUITY"),
]
REQUESTS = {
    "GET balance-sheet": ("balance-sheet", "effective_date=2025-12-31"),
    "GET profit-and-loss 12 months": ("profit-and-loss", "start_date=2025-01-01&end_date=2025-12-31"),
    "GET profit-and-loss 12 months by month": (
        "profit-and-loss",
        "start_date=2025-01-01&end_date=2025-12-31&group_by=month",
    ),
}


def _entries(business_id: str, accounts: dict[str, Account], total: int) -> list[JournalEntry]:
    """``total`` balanced entries, evenly over the three years (every month has its share at any size)."""
    found = []
    for n in range(total):
        day = FIRST_DAY + timedelta(days=n * DAYS // total)
        debit, credit = TEMPLATES[n % len(TEMPLATES)]
        amount = 100 + (n * 7_919) % 100_000
        moment = datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
        entry_id = new_id()
        found.append(
            JournalEntry(
                id=entry_id,
                business_id=business_id,
                entry_date=day,
                entry_at=moment,
                created_at=moment,
                memo=f"Bench {n}",
                source=Source("CUSTOM_JOURNAL_ENTRY", entry_id),
                lines=(
                    Line(accounts[debit], Direction.DEBIT, amount),
                    Line(accounts[credit], Direction.CREDIT, amount),
                ),
            )
        )
    return found


def _period_rows(business_id: str, entries: list[JournalEntry]) -> list[dict[str, Any]]:
    """The period rows posting ``entries`` one by one leaves: each posting's own actions, their ADDs summed."""
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for entry in entries:
        for action in periods.posting_actions(business_id, [entry], spread=entry.id, room=transactions.MAX_ITEMS):
            ((kind, request),) = action.request.items()
            if kind == "Put":  # an entry too wide for a row per account: its own item
                item = codec.from_item(request["Item"])
                rows[(item["PK"], item["SK"])] = item
                continue
            key, values = codec.from_item(request["Key"]), codec.from_item(request["ExpressionAttributeValues"])
            row = rows.setdefault(
                (key["PK"], key["SK"]),
                {**key, "kind": values[":kind"], "account_id": values[":account"], "month": values[":month"]},
            )
            for name, cents in values.items():
                if name.startswith(":d"):
                    row[name[1:]] = row.get(name[1:], 0) + cents
    return list(rows.values())


def _balanced_accounts(business_id: str, accounts: dict[str, Account], entries: list[JournalEntry]) -> list[dict]:
    """The account items with the balances the entries leave (on the account item itself: shard 0)."""
    moved: dict[str, int] = {}
    for entry in entries:
        for line in entry.lines:
            delta = balance_delta(line.account.normality, line.direction, line.amount)
            moved[line.account.id] = moved.get(line.account.id, 0) + delta
    created = "2023-01-01T00:00:00+00:00"
    return [
        chart_store.account_item(business_id, replace(a, balance=moved[a.id]), created)
        for a in accounts.values()
        if a.id in moved
    ]


def seed(business_id: str, total: int) -> dict[str, Any]:
    """``total`` entries and their period rows, straight into the table; what was written."""
    started = time.perf_counter()
    _business, chart = chart_store.load(business_id)
    accounts = {a.stable_name: a for a in chart.accounts}
    entries = _entries(business_id, accounts, total)
    rows = _period_rows(business_id, entries)
    _write([entry_item(e) for e in entries] + rows + _balanced_accounts(business_id, accounts, entries))
    touched = {accounts[name] for pair in TEMPLATES for name in pair}
    chart_items = 1 + len(accounts)  # the profile and every account (no balance shard item is seeded)
    return {
        "entries": total,
        "period_rows": len(rows),
        "setup_s": round(time.perf_counter() - started, 1),
        "items_bound": chart_items + 36 * sum(a.balance_shards for a in touched),
    }


def _measure(books: Books, counter: ItemsRead, path: str, query: str, n: int) -> dict[str, Any]:
    seconds, items = [], []
    for _ in range(n):
        counter.items = 0
        exchange = books.send("GET", f"{books.base}/reports/{path}", query=query, record=False)
        if exchange.response.status != 200:
            raise RuntimeError(f"{path}?{query}: {exchange.response.status} {exchange.response.body!r}")
        seconds.append(exchange.seconds * 1000)
        items.append(counter.items)
    return {
        "p50_ms": round(statistics.median(seconds), 1),
        "max_ms": round(max(seconds), 1),
        "items_read": int(statistics.median(items)),
    }


def measure(recorder: Recorder, sizes: tuple[int, ...] = SIZES, n: int = 15) -> dict[str, Any]:
    """p50 and items read of each statement at each size; whether every p50 is under 1 s and the items read
    stay within the bound (months × shards of the accounts the entries move), whatever the size."""
    counter = ItemsRead(recorder)
    by_size: dict[int, Any] = {}
    for total in sizes:
        created = create_business(f"Bench statements {total}")
        seeded = seed(created.business.id, total)
        books = Books(recorder, created.business.id, created.token)
        by_size[total] = {
            "seeded": seeded,
            "requests": {name: _measure(books, counter, path, query, n) for name, (path, query) in REQUESTS.items()},
        }
    small, large = by_size[sizes[0]], by_size[sizes[-1]]
    ratios = {
        name: round(large["requests"][name]["items_read"] / max(small["requests"][name]["items_read"], 1), 3)
        for name in REQUESTS
    }
    under_a_second = all(r["p50_ms"] < 1_000 for size in by_size.values() for r in size["requests"].values())
    bounded = all(
        r["items_read"] <= size["seeded"]["items_bound"] for size in by_size.values() for r in size["requests"].values()
    )
    return {
        "target": "balance sheet and a 12-month P&L under 1 s at 100,000 entries; items read bounded by "
        "accounts × months, not entries",
        "n": n,
        "by_entries": by_size,
        "items_read_ratio_largest_to_smallest": ratios,
        "under_1s": under_a_second,
        "items_bounded": bounded,
        "pass": under_a_second and bounded,
    }
