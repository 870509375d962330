"""Invoices that many payers hit at once, for as long as they live (issue 12 §3).

1. ``writers`` payers pay one invoice at the same moment through the gateway, under real DynamoDB's
   transaction conflicts (``contention.ConflictingTransactions``), with room in its balance for every
   one of them: how many answered 201 and 503, the conflicts behind them, and whether the invoice
   agrees with what was paid.
2. What one payment's ``TransactWriteItems`` consumed (``ReturnConsumedCapacity``, as DynamoDB Local
   computes it: 2 units per KB of each item written, table and indexes) for an invoice's first payment
   and for its ``history``-th, the payments in between written straight to the table
   (:func:`seed_payments`) to keep it quick.
"""

import json
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any

from bench.contention import ConflictingTransactions
from bench.harness import quiet
from ledgerline.domain.accounts import Direction
from ledgerline.domain.ids import new_id
from ledgerline.domain.invoices import InvoicePayment
from ledgerline.domain.journal import JournalEntry, Line, Source, balance_moves
from ledgerline.services.businesses import create_business
from ledgerline.store import chart as chart_store
from ledgerline.store import codec, keys
from ledgerline.store import entries as entry_store
from ledgerline.store import invoices as invoice_store
from ledgerline.store.runtime import dynamodb_client, table_name
from ledgerline_tools.gateway import HttpResponse, LocalGateway

PAID_AT = "2024-02-01T12:00:00+00:00"


class Payer:
    """Sends invoice requests for one business through the local gateway, as a caller would."""

    def __init__(self, business_id: str, token: str) -> None:
        self.gateway, self.business_id, self.token = LocalGateway(), business_id, token

    def send(self, method: str, path: str, body: Any = None) -> HttpResponse:
        headers = {"authorization": f"Bearer {self.token}", "content-type": "application/json"}
        raw = json.dumps(body).encode() if body is not None else b""
        return self.gateway.handle(method, f"/v1/businesses/{self.business_id}/invoices{path}", "", headers, raw)

    def invoice(self, total: int) -> str:
        answer = self.send(
            "POST",
            "",
            {
                "sent_at": "2024-01-15T10:00:00Z",
                "due_at": "2024-03-15T10:00:00Z",
                "line_items": [{"unit_price": total, "quantity": "1"}],
            },
        )
        if answer.status != 201:
            raise RuntimeError(f"could not create the bench invoice: {answer.status} {answer.body!r}")
        return answer.json()["id"]

    def pay(self, invoice_id: str, amount: int) -> HttpResponse:
        return self.send("POST", f"/{invoice_id}/payment", {"amount": amount, "paid_at": PAID_AT, "method": "ACH"})


class WriteCapacity:
    """While open, every ``TransactWriteItems`` of the shared client asks for its consumed capacity
    (``INDEXES``: table and each index); ``units`` keeps each one's total, in order."""

    def __init__(self) -> None:
        self.units: list[float] = []

    def __enter__(self) -> "WriteCapacity":
        events = dynamodb_client().meta.events
        events.register("before-parameter-build.dynamodb.TransactWriteItems", self._ask)
        events.register("after-call.dynamodb.TransactWriteItems", self._count)
        return self

    def __exit__(self, *_: Any) -> None:
        events = dynamodb_client().meta.events
        events.unregister("before-parameter-build.dynamodb.TransactWriteItems", self._ask)
        events.unregister("after-call.dynamodb.TransactWriteItems", self._count)

    @staticmethod
    def _ask(params: dict[str, Any], **_: Any) -> None:
        params["ReturnConsumedCapacity"] = "INDEXES"

    def _count(self, parsed: dict[str, Any], **_: Any) -> None:
        if "ConsumedCapacity" in parsed:  # moto does not report it
            self.units.append(sum(table.get("CapacityUnits", 0) for table in parsed["ConsumedCapacity"]))


def _write(items: list[dict[str, Any]]) -> None:
    """Items straight into the table, 25 per BatchWriteItem (setup only: no ledger rule applies)."""
    client = dynamodb_client()
    for start in range(0, len(items), 25):
        pending = {table_name(): [{"PutRequest": {"Item": codec.to_item(item)}} for item in items[start : start + 25]]}
        while pending:
            pending = client.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}


def seed_payments(business_id: str, invoice_id: str, count: int, *, amount: int = 1, memo: str | None = None) -> None:
    """``count`` payments of ``amount`` cents towards the invoice, each as its posting leaves it — its item and
    its journal entry (Dr CASH / Cr ACCOUNTS_RECEIVABLE) — written straight to the table, then the balances
    and the invoice's header moved by their sum: a long history in seconds, the books still balanced and
    receivable still the invoices' outstanding sum. The invoice must have that much outstanding."""
    _business, chart = chart_store.load(business_id)
    cash, receivable = chart.by_stable_name("CASH"), chart.by_stable_name("ACCOUNTS_RECEIVABLE")
    assert cash is not None and receivable is not None
    moment = datetime.fromisoformat(PAID_AT)
    rows: list[dict[str, Any]] = []
    for _ in range(count):
        payment_id = new_id()
        entry = JournalEntry(
            id=new_id(),
            business_id=business_id,
            entry_date=moment.date(),
            entry_at=moment,
            created_at=moment,
            memo=memo,
            source=Source("INVOICE_PAYMENT", payment_id),
            lines=(Line(cash, Direction.DEBIT, amount), Line(receivable, Direction.CREDIT, amount)),
        )
        payment = InvoicePayment(payment_id, amount, moment, "ACH", cash, None, memo, entry.id)
        rows += [invoice_store.payment_item(business_id, invoice_id, payment), entry_store.entry_item(entry)]
    _write(rows)
    client, pk = dynamodb_client(), keys.business_pk(business_id)
    client.update_item(
        TableName=table_name(),
        Key=codec.to_item(keys.key(pk, keys.invoice_sk(invoice_id))),
        UpdateExpression="ADD outstanding_balance :paid, payment_count :count",
        ExpressionAttributeValues=codec.to_item({":paid": -amount * count, ":count": count}),
    )
    total = (Line(cash, Direction.DEBIT, amount * count), Line(receivable, Direction.CREDIT, amount * count))
    month, day = f"{moment.year:04d}-{moment.month:02d}", f"d{moment.day:02d}"
    for account_id, delta in balance_moves(total).items():
        client.update_item(
            TableName=table_name(),
            Key=codec.to_item(keys.key(pk, keys.account_sk(account_id))),
            UpdateExpression="ADD balance :delta",
            ExpressionAttributeValues=codec.to_item({":delta": delta}),
        )
        client.update_item(  # and the account's period row, as a posting moves it (store/periods.py)
            TableName=table_name(),
            Key=codec.to_item(keys.key(pk, keys.period_sk(month, account_id))),
            UpdateExpression=f"ADD {day} :delta SET #kind = :kind, account_id = :account, #month = :month",
            ExpressionAttributeNames={"#kind": "kind", "#month": "month"},
            ExpressionAttributeValues=codec.to_item(
                {":delta": delta, ":kind": "PERIOD_MOVES", ":account": account_id, ":month": month}
            ),
        )


def concurrent_payers(writers: int = 24, *, amount: int = 100, hold_seconds: float = 0.01) -> dict[str, Any]:
    """``writers`` payments of ``amount`` sent at once to one invoice of ``writers + 1`` times that: 201s,
    503s, the conflicts seen, and whether outstanding = total − what was paid."""
    created = create_business(f"Bench payers {writers}")
    payer = Payer(created.business.id, created.token)
    total = amount * (writers + 1)
    barrier = threading.Barrier(writers)

    def pay(_: int) -> int:
        barrier.wait(timeout=30)
        return payer.pay(invoice_id, amount).status

    with quiet():
        invoice_id = payer.invoice(total)
        with ConflictingTransactions(hold_seconds) as conflicts, ThreadPoolExecutor(max_workers=writers) as pool:
            started = time.perf_counter()
            statuses = Counter(pool.map(pay, range(writers)))
            elapsed = time.perf_counter() - started
        after = payer.send("GET", f"/{invoice_id}").json()
    return {
        "writers": writers,
        "answers": dict(statuses),
        "answered_201": statuses.get(201, 0),
        "answered_503": statuses.get(503, 0),
        "transactions_sent": conflicts.sent,
        "conflicts": conflicts.conflicts,
        "hold_ms": hold_seconds * 1000,
        "seconds": round(elapsed, 2),
        "payments_listed": len(after["payments"]),
        "status": after["status"],
        "outstanding_agrees": after["outstanding_balance"] == total - amount * statuses.get(201, 0),
    }


def payment_cost(history: int = 5_000, *, amount: int = 100) -> dict[str, Any]:
    """Capacity units one payment's transaction consumed: the invoice's first (which also moves it from SENT
    to PARTIALLY_PAID in GSI4), its second, and its ``history``-th (none of them settles it)."""
    created = create_business(f"Bench payment cost {history}")
    payer = Payer(created.business.id, created.token)
    units: dict[str, float] = {}

    def pay(name: str) -> None:
        with WriteCapacity() as capacity:
            answer = payer.pay(invoice_id, amount)
        if answer.status != 201:
            raise RuntimeError(f"the {name} payment was refused: {answer.status} {answer.body!r}")
        units[name] = capacity.units[-1]  # the one that committed

    with quiet():
        invoice_id = payer.invoice(amount * (history + 1))
        pay("first")
        pay("second")
        started = time.perf_counter()
        seed_payments(created.business.id, invoice_id, history - 3, amount=amount)
        seeded_s = time.perf_counter() - started
        pay(f"payment_{history}")
        read_back = payer.send("GET", f"/{invoice_id}").json()
    return {
        "history": history,
        "wcu": units,
        "seed_seconds": round(seeded_s, 1),
        "payments_read_back": len(read_back["payments"]),
        "status": read_back["status"],
    }


def measure(writers: int = 24, history: int = 5_000) -> dict[str, Any]:
    """Both figures, each on a business of its own (the table and environment are ``bench/run.py``'s)."""
    return {"concurrent_payers": concurrent_payers(writers), "payment_cost": payment_cost(history)}
