"""Issue 12 §2: runs of any size finish within their functions' timeouts, near the floor, and scale out.

One business with ``total`` overdue invoices (and another with ``total`` accruing loans), seeded straight
into the table, then one run each the way production does it: the API function plans the run and queues
its chunks (its time must stay under the API functions' timeout), and ``workers`` in-process queue
workers — the real worker handler, fed the same messages SQS would carry — finish it (every invocation
must stay under the worker's timeout). Reported: the planning time, the longest worker invocation, the
run's wall time and items per second.

The floor: one chunk's DynamoDB calls recorded while a single worker processes it, then made again
directly with a plain client — reads verbatim, each TransactWriteItems as the same number of Puts of
items of the same size under fresh keys (a replayed condition would fail). Goal: ≥ 0.8× the floor's items
per second with one worker. Scale-out: the same run with 1, 2 and 4 workers (DynamoDB Local, which
serialises transactions on these 2 cores, is the ceiling they share).

The seeded invoices' receivables were never posted, so the write-offs drive ACCOUNTS_RECEIVABLE negative;
every entry still balances, and nothing here is a ledger check (the test suite's job).
"""

import copy
import time
import uuid
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import boto3
from botocore import xform_name
from botocore.config import Config

from bench.scale import _write
from ledgerline.domain import loans as loan_rules
from ledgerline.domain import runs as run_rules
from ledgerline.domain.ids import new_id
from ledgerline.domain.interest import DayCount
from ledgerline.domain.invoices import Invoice, InvoiceLine
from ledgerline.domain.policy import INVOICE_RULE_OFF, LOAN_RULE_OFF, WriteOffPolicy
from ledgerline.domain.schedule import PaymentFrequency
from ledgerline.services import accrual_runs, loans, write_offs
from ledgerline.services.businesses import create_business
from ledgerline.services.posting import Scope
from ledgerline.store import accrual_runs as accrual_run_store
from ledgerline.store import chart as chart_store
from ledgerline.store import policies, transactions
from ledgerline.store.instruments import instrument_item
from ledgerline.store.invoices import invoice_item
from ledgerline.store.runtime import dynamodb_client
from ledgerline_tools import template
from ledgerline_tools.worker import LocalQueue

SENT = datetime(2025, 1, 2, tzinfo=UTC)
DUE = datetime(2025, 2, 1, tzinfo=UTC)


def _timeouts() -> dict[str, int]:
    resources = template.load()
    default = resources["Globals"]["Function"]["Timeout"]
    worker = resources["Resources"]["WriteOffWorkerFunction"]["Properties"].get("Timeout", default)
    return {"api_s": default, "worker_s": worker}


# ---- seeding ------------------------------------------------------------------------------------------


def _overdue_invoices(business_id: str, total: int) -> None:
    _business, chart = chart_store.load(business_id)
    sales = chart.by_stable_name("SALES")
    items = []
    for n in range(total):
        line = InvoiceLine(new_id(), "Bench", None, 5_000, Decimal(1), sales, 5_000)
        invoice = Invoice(
            id=new_id(),
            business_id=business_id,
            external_id=None,
            invoice_number=f"B-{n}",
            customer_external_id=None,
            sent_at=SENT,
            due_at=DUE,
            lines=(line,),
            memo=None,
            tags=(),
            journal_entry_id=new_id(),
            created_at=SENT.isoformat(),
            updated_at=SENT.isoformat(),
            outstanding_balance=5_000,
        )
        items.append(invoice_item(invoice))
    _write(items)
    policy = WriteOffPolicy(
        business_id,
        True,
        replace(INVOICE_RULE_OFF, enabled=True, days_past_due=30),
        LOAN_RULE_OFF,
        datetime.now(UTC).isoformat(),
    )
    transactions.commit([policies.save_policy(policy)], token=str(uuid.uuid4()))


def _accruing_loans(business_id: str, total: int) -> None:
    command = loan_rules.CreateInstrument(
        name="Bench note",
        lender="Bench Borrower",
        direction=loan_rules.LoanDirection.LEND,
        debt_type=loan_rules.DebtType.TERM_LOAN,
        original_principal_cents=1_000_000,
        current_balance_cents=None,
        interest_rate_bps=500,
        day_count=DayCount.ACTUAL_365_FIXED,
        start_date=date(2025, 1, 1),
        maturity_date=date(2030, 1, 1),
        payment_frequency=PaymentFrequency.MONTHLY,
    )
    model, _ = loans.create_instrument(Scope(business_id), command)
    _write([instrument_item(replace(model, id=new_id())) for _ in range(total - 1)])


# ---- the floor: one chunk's calls, made again directly ------------------------------------------------


class CallLog:
    """The DynamoDB calls of the shared client while ``recording``: (operation, parameters)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.recording = False
        dynamodb_client().meta.events.register("before-parameter-build.dynamodb.*", self._on_call)

    def _on_call(self, params: dict[str, Any], model: Any, **_: Any) -> None:
        if self.recording:
            self.calls.append((model.name, copy.deepcopy(params)))


def _as_puts(request: dict[str, Any]) -> dict[str, Any]:
    """A TransactWriteItems of as many plain Puts, each as large as the action it stands for, under new keys."""
    puts = []
    for action in request["TransactItems"]:
        ((kind, body),) = action.items()
        item = dict(body.get("Item") or {**body["Key"], **(body.get("ExpressionAttributeValues") or {})})
        item = {k.lstrip(":"): v for k, v in item.items()}
        item.update(PK={"S": f"FLOOR#{uuid.uuid4()}"}, SK={"S": "FLOOR"})
        puts.append({"Put": {"TableName": body["TableName"], "Item": item}})
    return {"TransactItems": puts}


def floor_seconds(calls: list[tuple[str, dict[str, Any]]]) -> float:
    """The time the same calls take made directly with a plain client (writes as fresh Puts)."""
    config = Config(retries={"mode": "standard", "max_attempts": 4}, connect_timeout=3, read_timeout=10)
    client = boto3.client("dynamodb", config=config)
    started = time.perf_counter()
    for operation, params in calls:
        if operation == "TransactWriteItems":
            client.transact_write_items(**_as_puts(params))
        else:
            getattr(client, xform_name(operation))(**params)
    return time.perf_counter() - started


# ---- one run, measured ----------------------------------------------------------------------------------


def _run(kind: str, business_id: str, workers: int) -> dict[str, Any]:
    """Plan the run as the API function does, let ``workers`` finish it; how long each part took."""
    with LocalQueue(workers) as local:
        started = time.perf_counter()
        if kind == "write-offs":
            run = write_offs.run_for_business(business_id, trigger="bench")
        else:
            run = accrual_runs.start(
                Scope(business_id), loan_rules.AccrueInterest(date.today() - timedelta(days=1)), trigger="bench"
            )
        planned = time.perf_counter() - started
        local.drain()
        wall = time.perf_counter() - started
    finished = (
        policies.get_run(business_id, run.id) if kind == "write-offs" else accrual_run_store.get(business_id, run.id)
    )
    done = finished.totals.written_off if kind == "write-offs" else finished.tally.count("accrued")
    return {
        "workers": workers,
        "status": finished.status,
        "items": done,
        "plan_s": round(planned, 2),
        "longest_worker_invocation_s": round(max(local.invocations, default=0.0), 2),
        "invocations": len(local.invocations),
        "wall_s": round(wall, 1),
        "items_per_s": round(done / wall, 1) if wall else None,
        "dead_letters": len(local.dead),
    }


def _floor(kind: str, business_id: str, log: CallLog) -> dict[str, Any]:
    """One chunk processed by one worker with its calls recorded, against those calls made directly."""
    with LocalQueue(1) as local:
        log.calls.clear()
        log.recording = True
        started = time.perf_counter()
        _planned = (
            write_offs.run_for_business(business_id, trigger="bench")
            if kind == "write-offs"
            else accrual_runs.start(
                Scope(business_id), loan_rules.AccrueInterest(date.today() - timedelta(days=1)), trigger="bench"
            )
        )
        local.drain()
        ours = time.perf_counter() - started
        log.recording = False
    items = run_rules.CHUNK_ITEMS
    floor = floor_seconds(log.calls)
    ours_rate, floor_rate = items / ours, items / floor
    return {
        "items": items,
        "ours_items_per_s": round(ours_rate, 1),
        "floor_items_per_s": round(floor_rate, 1),
        "ratio_to_floor": round(ours_rate / floor_rate, 2),
        "calls": len(log.calls),
    }


def measure(total: int = 10_000, scale_total: int = 2_000, worker_counts: tuple[int, ...] = (1, 2, 4)) -> dict:
    """Write-off and accrual runs of ``total`` items with 2 workers; the floor; scale-out at ``scale_total``."""
    log = CallLog()
    timeouts = _timeouts()
    results: dict[str, Any] = {"timeouts": timeouts, "total": total}
    for kind, seed in (("write-offs", _overdue_invoices), ("accruals", _accruing_loans)):
        business = create_business(f"Bench {kind} run").business.id
        seed(business, total)
        headline = _run(kind, business, workers=2)
        floor_business = create_business(f"Bench {kind} floor").business.id
        seed(floor_business, run_rules.CHUNK_ITEMS)
        floor = _floor(kind, floor_business, log)
        scaling = []
        for workers in worker_counts:
            scaled = create_business(f"Bench {kind} x{workers}").business.id
            seed(scaled, scale_total)
            scaling.append(_run(kind, scaled, workers))
        one = scaling[0]["wall_s"]
        for row in scaling:
            row["speedup"] = round(one / row["wall_s"], 2) if row["wall_s"] else None
        results[kind] = {
            "run": headline,
            "floor": floor,
            "scale_out": scaling,
            "pass": (
                headline["plan_s"] < timeouts["api_s"]
                and headline["longest_worker_invocation_s"] < timeouts["worker_s"]
                and headline["status"] == "completed"
                and headline["items"] == total
            ),
        }
    return results
