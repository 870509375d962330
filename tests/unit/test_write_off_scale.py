"""A run's cost follows its candidates, not the table (SPEC §7, §8 "no Scan"), on moto.

One business holds 10,000 open invoices that are not yet overdue enough and 20 that are; two other
businesses (without a policy) hold 1,000 long-overdue invoices each. Every item that any Query,
GetItem, BatchGetItem or TransactGetItems returns during the run is counted.

The 12,000 filler invoices are seeded directly: items built with
``ledgerline.store.invoices.invoice_item`` and put with ``batch_write_item`` (25 a call) instead of
12,000 API calls. They carry the same table and candidate-index keys as invoices created through the
API, but no journal entries — so their receivable is not in the books (which still balance: every
entry matches every balance) and the run must never touch them. The 20 eligible invoices are
created through the API, so their write-offs post against real receivables.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from ledgerline.domain.ids import new_id
from ledgerline.domain.invoices import Invoice, InvoiceLine
from ledgerline.services import write_offs
from ledgerline.store import chart as chart_store, codec
from ledgerline.store.invoices import invoice_item
from ledgerline.store.runtime import dynamodb_client, table_name
from support import books
from test_write_off_support import (  # noqa: F401 - fixtures
    RUN_DATE, assert_automatic_write_off, business, ids, invoice, set_policy,
)

FILLER = 10_000
ELIGIBLE = 20
OTHER_BUSINESSES = 2
OTHER_FILLER = 1_000
READS = ("GetItem", "Query", "BatchGetItem", "TransactGetItems", "Scan")


@pytest.fixture
def write_off_table(moto_table: str) -> str:
    return moto_table


@dataclass
class ItemCounter:
    """Counts DynamoDB calls and the items each read returns (a botocore ``after-call`` hook)."""

    calls: Counter[str] = field(default_factory=Counter)
    items_read: Counter[str] = field(default_factory=Counter)
    items_written: int = 0

    def __post_init__(self) -> None:
        events = dynamodb_client().meta.events
        events.register("after-call.dynamodb.*", self._after)
        events.register("before-call.dynamodb.TransactWriteItems", self._before_transaction)
        events.register("before-call.dynamodb.PutItem", self._before_put)

    def close(self) -> None:
        events = dynamodb_client().meta.events
        events.unregister("after-call.dynamodb.*", self._after)
        events.unregister("before-call.dynamodb.TransactWriteItems", self._before_transaction)
        events.unregister("before-call.dynamodb.PutItem", self._before_put)

    def _after(self, parsed: dict[str, Any], model: Any, **_: Any) -> None:
        operation = model.name
        self.calls[operation] += 1
        if operation in ("Query", "Scan"):
            self.items_read[operation] += max(parsed.get("Count", 0), parsed.get("ScannedCount", 0))
        elif operation == "GetItem":
            self.items_read[operation] += 1 if parsed.get("Item") else 0
        elif operation == "BatchGetItem":
            self.items_read[operation] += sum(len(found) for found in parsed.get("Responses", {}).values())
        elif operation == "TransactGetItems":
            self.items_read[operation] += sum(1 for r in parsed.get("Responses", []) if r.get("Item"))

    def _before_transaction(self, params: dict[str, Any], **_: Any) -> None:
        self.items_written += len(params["TransactItems"])

    def _before_put(self, **_: Any) -> None:
        self.items_written += 1

    @property
    def total_read(self) -> int:
        return sum(self.items_read.values())


def seed_invoices(business_id: str, count: int, due: datetime) -> None:
    """``count`` open invoices due around ``due`` (one a minute earlier each), put 25 at a time."""
    _business, chart = chart_store.load(business_id)
    sales, now = chart.by_stable_name("SALES"), datetime(2026, 1, 2, tzinfo=UTC)
    requests = []
    for n in range(count):
        line = InvoiceLine(new_id(), "Filler", None, 5_000, Decimal(1), sales, 5_000)
        filler = Invoice(id=new_id(), business_id=business_id, external_id=None, invoice_number=f"F-{n}",
                         customer_external_id=None, sent_at=now, due_at=due - timedelta(minutes=n), lines=(line,),
                         memo=None, tags=(), journal_entry_id=new_id(), created_at=now.isoformat(),
                         updated_at=now.isoformat(), outstanding_balance=5_000)
        requests.append({"PutRequest": {"Item": codec.to_item(invoice_item(filler))}})
    for start in range(0, len(requests), 25):
        pending = {table_name(): requests[start:start + 25]}
        while pending:
            pending = dynamodb_client().batch_write_item(RequestItems=pending).get("UnprocessedItems") or None


def chart_items(business_id: str) -> int:
    """The business profile and its accounts: what every posting reads to resolve its accounts."""
    _business, chart = chart_store.load(business_id)
    return 1 + len(chart.accounts)


def test_a_run_reads_items_in_proportion_to_its_candidates_not_the_table(business):
    api = business("Big Co")
    set_policy(api)
    seed_invoices(api.business_id, FILLER, due=datetime(2026, 5, 31, 12, tzinfo=UTC))  # 1–7 days overdue
    for n in range(OTHER_BUSINESSES):
        seed_invoices(business(f"No Policy Co {n}").business_id, OTHER_FILLER, due=datetime(2020, 1, 1, tzinfo=UTC))
    eligible = [invoice(api, "2026-02-01T10:00:00Z", 1_000 + n) for n in range(ELIGIBLE)]
    per_candidate = chart_items(api.business_id) + 6

    counter = ItemCounter()
    try:
        summary = write_offs.run_for_business(api.business_id, RUN_DATE, dry_run=False)
    finally:
        counter.close()

    assert ids(summary["written_off"]) == {i["id"] for i in eligible}
    assert summary["failed"] == [] and summary["skipped"] == []
    assert "Scan" not in counter.calls, dict(counter.calls)
    assert counter.total_read <= ELIGIBLE * per_candidate + 50, dict(counter.items_read)
    assert counter.calls["TransactWriteItems"] == ELIGIBLE
    assert counter.calls["Query"] + counter.calls["GetItem"] <= ELIGIBLE * 3 + 5, dict(counter.calls)
    for written in summary["written_off"][:3]:
        assert_automatic_write_off(api, written, "ACCOUNTS_RECEIVABLE")


def test_a_dry_run_and_a_repeated_run_stay_small_among_ten_thousand_open_invoices(business):
    api = business("Big Co")
    set_policy(api)
    seed_invoices(api.business_id, FILLER, due=datetime(2026, 5, 31, 12, tzinfo=UTC))
    eligible = [invoice(api, "2026-02-01T10:00:00Z") for _ in range(ELIGIBLE)]
    per_candidate = chart_items(api.business_id) + 6

    dry = ItemCounter()
    try:
        listed = write_offs.run_for_business(api.business_id, RUN_DATE, dry_run=True)
    finally:
        dry.close()
    write_offs.run_for_business(api.business_id, RUN_DATE)
    before_again = books(api.business_id)
    again = ItemCounter()
    try:
        repeated = write_offs.run_for_business(api.business_id, RUN_DATE)
    finally:
        again.close()

    assert ids(listed["candidates"]) == {i["id"] for i in eligible}
    assert "Scan" not in dry.calls and "Scan" not in again.calls
    assert dry.total_read <= ELIGIBLE * per_candidate + 50, dict(dry.items_read)
    assert "TransactWriteItems" not in dry.calls
    # Written off, the 20 leave the candidate index: the repeat reads next to nothing.
    assert repeated["written_off"] == [] and again.total_read <= 50, dict(again.items_read)
    assert books(api.business_id) == before_again
