"""Batch write-offs on DynamoDB Local (SPEC §7): the run for real, duplicate runs racing, and what
each written-off item costs.

The cost test prints its measurements (``-s``) as the table in docs/performance.md ("Batch
write-offs: cost per written-off item"):

    .venv/bin/python -m pytest tests/integration/test_write_off_runs.py -k cost -s -q
"""

import statistics
import threading
import time
from typing import Any

import pytest
from support import ItemCounter, books
from support.invoices import get_invoice
from support.write_offs import (
    RUN_DATE,
    assert_automatic_write_off,
    get_instrument,
    ids,
    instrument,
    invoice,
    run,
    set_policy,
)

from ledgerline.services import write_offs
from ledgerline.store import policies

pytest_plugins = ["support.write_offs"]  # its fixture: business

pytestmark = pytest.mark.integration

ELIGIBLE_DUE = "2026-03-03T10:00:00Z"
ITEMS = 20
ROUNDS = 3


@pytest.fixture
def write_off_table(local_table: str) -> str:
    return local_table


def test_a_dry_run_then_a_run_then_the_same_date_again(business):
    api = business()
    set_policy(api)
    overdue = invoice(api, ELIGIBLE_DUE, 10_000)
    invoice(api, "2026-03-04T10:00:00Z", 20_000)  # 89 days overdue
    loan = instrument(api, "lend", start_date="2026-01-15", maturity_date="2026-05-01")
    borrowed = instrument(api, "borrow", start_date="2015-01-01", maturity_date="2016-01-01")
    before = books(api.business_id)

    listed = run(api, dry_run=True)
    assert books(api.business_id) == before
    summary = run(api)
    after = books(api.business_id)
    again = run(api)

    assert ids(listed["candidates"]) == ids(summary["written_off"]) == {overdue["id"], loan["id"]}
    for written in summary["written_off"]:
        assert_automatic_write_off(
            api, written, "ACCOUNTS_RECEIVABLE" if written["type"] == "invoice" else "NOTES_RECEIVABLE"
        )
    assert again["written_off"] == [] and books(api.business_id) == after
    assert get_invoice(api, overdue["id"])["status"] == "WRITTEN_OFF"
    assert get_instrument(api, borrowed["id"])["status"] == "active"


def test_two_runs_of_the_same_date_at_once_write_each_item_off_once(business):
    """SQS delivers at least once: two workers may run one business's date together."""
    api = business()
    set_policy(api)
    eligible = {invoice(api, ELIGIBLE_DUE, 1_000 + n)["id"] for n in range(5)}
    eligible.add(instrument(api, "lend", start_date="2026-01-15", maturity_date="2026-05-01")["id"])
    barrier, summaries = threading.Barrier(2), []

    def worker() -> None:
        barrier.wait(timeout=30)
        summaries.append(
            policies.run_document(write_offs.run_for_business(api.business_id, RUN_DATE, trigger="schedule"))
        )

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert len(summaries) == 2
    written = [i["id"] for s in summaries for i in s["written_off"]]
    assert sorted(written) == sorted(eligible)  # each exactly once, whichever worker got it
    assert all(s["failed"] == [] for s in summaries)
    for item_id in eligible & {i["id"] for s in summaries for i in s["written_off"] if i["type"] == "invoice"}:
        assert len(get_invoice(api, item_id)["write_offs"]) == 1


# ---- cost per written-off item ---------------------------------------------------------------------------


def measure(api, make_item) -> dict[str, Any]:
    """Runs the date with ``ITEMS`` eligible items (made fresh for each round); counts and times the run."""
    rounds = []
    for _ in range(ROUNDS):
        for _ in range(ITEMS):
            make_item()
        with ItemCounter() as counter:
            started = time.perf_counter()
            summary = policies.run_document(write_offs.run_for_business(api.business_id, RUN_DATE, trigger="cli"))
            elapsed = time.perf_counter() - started
        assert len(summary["written_off"]) == ITEMS and summary["failed"] == [] == summary["skipped"]
        rounds.append((elapsed, counter))
    median_seconds = statistics.median(seconds for seconds, _ in rounds)
    counter = rounds[-1][1]
    return {
        "seconds_per_item": median_seconds / ITEMS,
        "run_seconds": median_seconds,
        "calls": dict(counter.calls),
        "items_read": counter.total_read,
        "items_written": counter.items_written,
    }


def test_cost_per_written_off_item_on_dynamodb_local(business, capsys):
    invoices_api, loans_api = business("Invoices Co"), business("Loans Co")
    for api in (invoices_api, loans_api):
        set_policy(api)
    # Different eligible items each round: written off, the previous round's leave the index.
    counts = {"n": 0}

    def overdue_invoice() -> None:
        counts["n"] += 1
        invoice(invoices_api, ELIGIBLE_DUE, 1_000 + counts["n"])

    def matured_loan() -> None:
        instrument(loans_api, "lend", start_date="2026-01-15", maturity_date="2026-05-01")

    measured = {"invoice": measure(invoices_api, overdue_invoice), "loan": measure(loans_api, matured_loan)}

    with capsys.disabled():
        print(f"\n{ITEMS} eligible items per run, median of {ROUNDS} runs, DynamoDB Local (in memory)")
        print("| item | calls per item | items read per item | items written per item | ms per item |")
        print("|---|---|---|---|---|")
        for kind, m in measured.items():
            per_item = {op: round(n / ITEMS, 2) for op, n in sorted(m["calls"].items())}
            print(
                f"| {kind} | {per_item} | {m['items_read'] / ITEMS:.1f} | {m['items_written'] / ITEMS:.2f} "
                f"| {1000 * m['seconds_per_item']:.1f} |"
            )
        print("whole runs:", {kind: m for kind, m in measured.items()})
    for kind, m in measured.items():
        # One TransactWriteItems per item and one for the summary; the item read per item plus the
        # run's own reads (the chart is read once per run).
        assert m["calls"]["TransactWriteItems"] == ITEMS + 1, (kind, m)
        assert m["calls"]["Query"] + m["calls"]["GetItem"] <= 2 * ITEMS + 6, (kind, m)
        assert "Scan" not in m["calls"]
        # + the books lock check and two period rows per item (SPEC §10.2, §10.3)
        assert m["items_written"] <= 10 * ITEMS + 1, (kind, m)
