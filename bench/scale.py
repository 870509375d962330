"""Issue 12's figures that must not grow with the books: the chart's size (§1) and a filtered page among
many entries (§4).

§1. For charts of about 20, 500 and 2,000 accounts (the 18 default ones plus custom accounts written
    straight to the table), the same five requests — a custom entry, a loan payment, a loan write-off,
    a page of 50 entries and one entry — measured through the local gateway: p50 wall time and the
    items the function read, in a cold container (nothing of the chart remembered: the worst case)
    and a warm one. Target: flat within 1.2× from the smallest chart to the largest.
§4. A business with ``filtered_total`` entries, ten of them of one source type: the items the index
    Query read for a page of that source type, against the items it returned. Target: ≤ 2×.
"""

import statistics
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from bench.harness import FUNCTION, Recorder, items_returned
from bench.samples import EVENT_DAY, Books, entry, payment
from ledgerline.domain.accounts import Account, AccountType, Direction
from ledgerline.services.businesses import create_business
from ledgerline.store import chart as chart_store
from ledgerline.store import codec, keys
from ledgerline.store import items as item_reads
from ledgerline.store.runtime import dynamodb_client, table_name

CHART_SIZES = (20, 500, 2_000)


class ItemsRead:
    """Items every read of the function returned (Query: ``ScannedCount``), per request."""

    def __init__(self, recorder: Recorder) -> None:
        self.recorder, self.items = recorder, 0
        dynamodb_client().meta.events.register("after-call.dynamodb.*", self._after)

    def _after(self, model: Any, parsed: dict[str, Any], **_: Any) -> None:
        if self.recorder._phase == FUNCTION:  # noqa: SLF001 - bench-only
            self.items += items_returned(model.name, parsed)


def _write(items: list[dict[str, Any]]) -> None:
    """Items straight into the table, 25 per BatchWriteItem, 4 at a time (setup only: no ledger rule applies)."""
    client = dynamodb_client()

    def batch(start: int) -> None:
        pending = {table_name(): [{"PutRequest": {"Item": codec.to_item(item)}} for item in items[start : start + 25]]}
        while pending:
            pending = client.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(batch, range(0, len(items), 25)))


def _grow_chart(business_id: str, accounts: int) -> None:
    items: list[dict[str, Any]] = []
    for n in range(accounts):
        account = Account(str(uuid.uuid4()), f"Bench account {n}", f"BENCH_{n}", AccountType.EXPENSE, Direction.DEBIT)
        items += [
            chart_store.account_item(business_id, account, "2026-01-01T00:00:00+00:00"),
            chart_store.stable_name_item(business_id, account),
        ]
    _write(items)


def _median(values: list[float]) -> float:
    return round(statistics.median(values), 2)


def _requests(books: Books) -> dict[str, Callable[[], Any]]:
    loan = books.new_instrument()
    books.entry_id = books.new_entry()
    for _ in range(50):
        books.new_entry()
    return {
        "POST custom entry": lambda: books.send(
            "POST", f"{books.base}/custom-journal-entries", body=entry(), record=False
        ),
        "POST loan payment": lambda: books.send(
            "POST",
            f"{books.schedule}/instruments/{loan}/payments",
            body=payment(books, payment_amount_cents=100),
            record=False,
        ),
        "POST loan write-off": lambda: books.send(
            "POST",
            f"/api/v1/loans/{loan}/write-off",
            body={"principal_cents": 100, "write_off_date": EVENT_DAY},
            record=False,
        ),
        "GET entries page": lambda: books.send("GET", f"{books.base}/ledger/entries", query="limit=50", record=False),
        "GET entry": lambda: books.send("GET", f"{books.base}/ledger/entries/{books.entry_id}", record=False),
    }


def chart_sizes(recorder: Recorder, n: int = 15) -> dict[str, Any]:
    """p50 wall time and items read per request at each chart size, cold and warm; the 2,000 : 20 ratios."""
    counter = ItemsRead(recorder)
    by_size: dict[int, dict[str, Any]] = {}
    for size in CHART_SIZES:
        created = create_business(f"Bench chart {size}")
        _grow_chart(created.business.id, size - 18)
        books = Books(recorder, created.business.id, created.token)
        rows = {}
        for name, send in _requests(books).items():
            row = {}
            for state in ("cold", "warm"):
                seconds, items = [], []
                for _ in range(n):
                    if state == "cold":
                        chart_store.forget()
                    counter.items = 0
                    exchange = send()
                    if not 200 <= exchange.response.status < 300:
                        raise RuntimeError(f"{name}: {exchange.response.status} {exchange.response.body!r}")
                    seconds.append(exchange.seconds * 1000)
                    items.append(counter.items)
                row[state] = {"p50_ms": _median(seconds), "items_read": _median(items)}
            rows[name] = row
        by_size[size] = rows
    small, large = by_size[CHART_SIZES[0]], by_size[CHART_SIZES[-1]]
    ratios = {
        name: {
            state: {
                "p50": round(large[name][state]["p50_ms"] / small[name][state]["p50_ms"], 2),
                "items_read": round(large[name][state]["items_read"] / max(small[name][state]["items_read"], 1), 2),
            }
            for state in ("cold", "warm")
        }
        for name in small
    }

    def flat(what: str) -> bool:
        return all(r[state][what] <= 1.2 for r in ratios.values() for state in r)

    # Items read are exact; wall times move with the machine's load (reported, not failed on).
    return {
        "target": "p50 and items read flat within 1.2x from 20 to 2,000 accounts",
        "n": n,
        "by_accounts": by_size,
        "ratio_largest_to_smallest": ratios,
        "pass": flat("items_read"),
        "p50_flat": flat("p50"),
    }


def filtered_page(recorder: Recorder, total: int = 100_000, wanted: int = 10) -> dict[str, Any]:
    """Items the index Query read for a page of one rare source type among ``total`` entries."""
    created = create_business("Bench filtered")
    business_id = created.business.id
    books = Books(recorder, business_id, created.token)
    template = item_reads.get(business_id, keys.entry_sk(books.new_entry()))  # a real entry item, copied
    started = time.perf_counter()
    items = []
    for n in range(total):
        entry_id = str(uuid.uuid4())
        source = "INVOICE" if n % (total // wanted) == 0 else "CUSTOM_JOURNAL_ENTRY"
        day = f"2025-{1 + n % 12:02d}-{1 + n % 28:02d}"
        items.append(
            {
                **template,
                **keys.key(keys.business_pk(business_id), keys.entry_sk(entry_id)),
                **keys.entry_index_keys(business_id, day, entry_id),
                **keys.entry_source_keys(business_id, source, day, entry_id),
                "entry_id": entry_id,
                "entry_date": day,
                "source_type": source,
                "source_id": entry_id,
            }
        )
    _write(items)
    setup_s = round(time.perf_counter() - started, 1)
    scanned: list[int] = []

    def count(model: Any, parsed: dict[str, Any], **_: Any) -> None:
        if model.name == "Query":
            scanned.append(parsed.get("ScannedCount", 0))

    events = dynamodb_client().meta.events
    events.register("after-call.dynamodb.Query", count)
    try:
        exchange = books.send(
            "GET", f"{books.base}/ledger/entries", query=f"source_type=INVOICE&limit={wanted}", record=False
        )
    finally:
        events.unregister("after-call.dynamodb.Query", count)
    returned = len(exchange.response.json()["data"])
    read = sum(scanned)
    return {
        "target": "a filtered page reads <= 2x the items it returns",
        "entries": total,
        "of_the_source_type": wanted,
        "returned": returned,
        "items_read_by_index_query": read,
        "ratio": round(read / max(returned, 1), 2),
        "pass": returned == wanted and read <= 2 * returned,
        "setup_s": setup_s,
    }
