"""A run's cost follows its candidates, not the table (SPEC §7, §8 "no Scan"), on moto.

One business holds 10,000 open invoices that are not overdue enough yet and 20 that are; two other
businesses (without a policy) hold 1,000 long-overdue invoices each. Every item that any Query,
GetItem, BatchGetItem or TransactGetItems returns during a run is counted.

The 12,000 filler invoices are seeded directly: items built with
``ledgerline.store.invoices.invoice_item`` and put with ``batch_write_item`` (25 a call) instead of
12,000 API calls. They carry the same table and candidate-index keys as invoices created through the
API, but no journal entries — so their receivable is not in the books (which still balance: every
entry matches every balance) and no run may touch them. The 20 eligible invoices are created through
the API, so their write-offs post against real receivables.

Each write-off reads the business's chart (its profile and accounts, 19 items for the default chart)
and the invoice, so the budget per candidate is the chart's size plus a few items.
"""

import copy
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import moto.dynamodb.models as moto_models
import pytest
from moto.dynamodb.models import dynamo_type as moto_types
from moto.dynamodb.models import table as moto_tables
from support import ItemCounter, books
from support.write_offs import RUN_DATE, assert_automatic_write_off, ids, invoice, set_policy

from ledgerline.domain.ids import new_id
from ledgerline.domain.invoices import Invoice, InvoiceLine
from ledgerline.services import write_offs
from ledgerline.store import chart as chart_store
from ledgerline.store import codec, policies
from ledgerline.store.invoices import invoice_item
from ledgerline.store.runtime import dynamodb_client, table_name

pytest_plugins = ["support.write_offs"]  # its fixture: business

FILLER = 10_000
ELIGIBLE = 20
OTHER_BUSINESSES = 2
OTHER_FILLER = 1_000
OVERHEAD = 50
"""Items a run reads whatever its candidates: the chart, the policy, the index pages, one day of slack."""


# ---- moto, made fast enough for 12,000 items ----------------------------------------------------------


class _NoTableBackup:
    """moto's ``copy`` module, except that a whole ``Table`` is not deep-copied."""

    def __getattr__(self, name: str) -> Any:
        return getattr(copy, name)

    @staticmethod
    def deepcopy(value: Any, memo: dict[int, Any] | None = None) -> Any:
        return value if isinstance(value, moto_tables.Table) else copy.deepcopy(value, memo)


def _unsorted_items(self: moto_tables.Table) -> list[Any]:
    return [item for found in self.items.values() for item in (found.values() if self.range_key_attr else [found])]


@pytest.fixture
def write_off_table(moto_table: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """moto spends time in proportion to the whole table on every call (our counts do not depend on
    it): it deep-copies the table before each TransactWriteItems (a rollback copy), sorts every item
    of the table for each Query and recomputes each item's size while paging. With 12,000 items that
    is seconds per write-off, so for this module: no rollback copy (nothing here may fail a
    transaction — the test asserts none did), no global sort (every Query sorts its own results
    again), and each item's size computed once."""
    sizes: dict[int, tuple[Any, int]] = {}
    size = moto_types.Item.size

    def size_once(item: Any) -> int:
        known = sizes.get(id(item))
        if known is None or known[0] is not item:
            known = sizes[id(item)] = (item, size(item))
        return known[1]

    monkeypatch.setattr(moto_models, "copy", _NoTableBackup())
    monkeypatch.setattr(moto_tables.Table, "all_items", _unsorted_items)
    monkeypatch.setattr(moto_types.Item, "size", size_once)
    return moto_table


# ---- seeding --------------------------------------------------------------------------------------------


def seed_invoices(business_id: str, count: int, due: datetime) -> None:
    """``count`` open invoices due on or a little before ``due`` (a minute apart), put 25 at a time."""
    _business, chart = chart_store.load(business_id)
    sales, sent = chart.by_stable_name("SALES"), datetime(2026, 1, 2, tzinfo=UTC)
    requests = []
    for n in range(count):
        line = InvoiceLine(new_id(), "Filler", None, 5_000, Decimal(1), sales, 5_000)
        filler = Invoice(
            id=new_id(),
            business_id=business_id,
            external_id=None,
            invoice_number=f"F-{n}",
            customer_external_id=None,
            sent_at=sent,
            due_at=due - timedelta(minutes=n),
            lines=(line,),
            memo=None,
            tags=(),
            journal_entry_id=new_id(),
            created_at=sent.isoformat(),
            updated_at=sent.isoformat(),
            outstanding_balance=5_000,
        )
        requests.append({"PutRequest": {"Item": codec.to_item(invoice_item(filler))}})
    for start in range(0, len(requests), 25):
        pending: dict[str, Any] | None = {table_name(): requests[start : start + 25]}
        while pending:
            pending = dynamodb_client().batch_write_item(RequestItems=pending).get("UnprocessedItems") or None


def chart_items(business_id: str) -> int:
    """The business profile and its accounts: what every posting reads to resolve its accounts."""
    _business, chart = chart_store.load(business_id)
    return 1 + len(chart.accounts)


# ---- the test -------------------------------------------------------------------------------------------


def test_a_run_reads_in_proportion_to_its_candidates_not_the_table(business):
    api = business("Big Co")
    set_policy(api)
    eligible = {invoice(api, "2026-02-01T10:00:00Z", 1_000 + n)["id"] for n in range(ELIGIBLE)}
    others = [business(f"No Policy Co {n}") for n in range(OTHER_BUSINESSES)]
    seed_invoices(api.business_id, FILLER, due=datetime(2026, 5, 31, 12, tzinfo=UTC))  # under a week overdue
    for other in others:
        seed_invoices(other.business_id, OTHER_FILLER, due=datetime(2020, 1, 1, tzinfo=UTC))
    # The chart is read once per run (services.ledger.books_read_once), then a few items per candidate.
    budget = ELIGIBLE * 6 + chart_items(api.business_id) + OVERHEAD

    with ItemCounter() as dry:
        listed = policies.run_document(write_offs.run_for_business(api.business_id, RUN_DATE, dry_run=True))
    with ItemCounter() as real:
        summary = policies.run_document(write_offs.run_for_business(api.business_id, RUN_DATE))
    after_run = books(api.business_id)
    with ItemCounter() as again:
        repeated = policies.run_document(write_offs.run_for_business(api.business_id, RUN_DATE))

    # Given 12,000 open invoices and 20 eligible ones, then the run lists and writes off exactly the 20…
    assert ids(listed["candidates"]) == eligible == ids(summary["written_off"])
    assert summary["failed"] == [] and summary["skipped"] == []
    # …without a Scan, reading items in proportion to the 20, one transaction each.
    for counter in (dry, real, again):
        assert "Scan" not in counter.calls, dict(counter.calls)
    assert dry.total_read <= budget, dict(dry.items_read)
    assert dry.calls["TransactWriteItems"] == 1 and dry.items_written == 1  # its summary only
    assert real.total_read <= budget, dict(real.items_read)
    assert real.calls["TransactWriteItems"] == ELIGIBLE + 1  # one per item, and the summary
    assert real.reads <= ELIGIBLE * 2 + 5, dict(real.calls)
    # Written off, the 20 leave the candidate index: running the date again reads next to nothing.
    assert repeated["written_off"] == [] and again.total_read <= OVERHEAD, dict(again.items_read)
    assert books(api.business_id) == after_run
    for written in summary["written_off"][:3]:
        assert_automatic_write_off(api, written, "ACCOUNTS_RECEIVABLE")
