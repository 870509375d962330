"""Which request the bench sends to each route of template.yaml, and how its DynamoDB calls are judged.

Every route is first sent its own sample: the ``sample=`` its function declares, the same request
``events/`` holds and the event tests send (one set of sample bodies). SAMPLES adds the variants
worth measuring besides it (with an Idempotency-Key, an external_id, a replay…); a route whose
declaration has no sample and whose path parameters are all in PATH_PARAMETERS is sent without one.

Objects that samples read (an instrument, a bank transaction, an invoice, a write-off, a run) are
made once per bench, through the API, by the ``Books.shared_*`` helpers. A sample whose request uses
its object up (a reversal, a void, a full write-off, a rebooking payment) or moves its dates gets a
fresh one from a ``Books.new_*`` helper. Setup requests go through the gateway too, but only the
sample's own request is counted. Every date is fixed and in the past: dates after today are refused.
"""

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any
from urllib.parse import urlencode

from bench.harness import READ_OPERATIONS, Exchange, Recorder
from ledgerline.api import routes
from ledgerline_tools import events

LOAN_START, LOAN_MATURITY = "2025-01-15", "2028-01-15"
EVENT_DAY = "2026-03-31"
"""Loan payments, disbursements, accruals and bank transactions: after LOAN_START, before today."""
ACCRUE_ALL_THROUGH = "2026-10-31"
"""After every bench instrument's last event, so accruing them all posts interest on each."""
INVOICE_SENT, INVOICE_DUE = "2025-01-15T10:00:00Z", "2026-09-30T00:00:00Z"
"""Sent when the routes' own invoice samples say (their payment and write-off follow it)."""
SETTLED_AT = "2026-04-15T12:00:00Z"
"""Invoice payments and write-offs."""
RUN_DATE = "2026-06-30"
"""Write-off runs. Under POLICY (90 days past due) only invoices due by 2026-04-01 qualify that day:
bench invoices (due 2026-09-30) never do, ``Books.overdue_invoice`` does. No bench loan matures
before 2028, so no loan qualifies."""
OVERDUE_SENT, OVERDUE_DUE = "2026-01-05T12:00:00Z", "2026-02-04T00:00:00Z"
POLICY = {
    "enabled": True,
    "invoices": {"enabled": True, "days_past_due": 90},
    "loans": {"enabled": True, "days_past_maturity": 30},
}


@dataclass
class Books:
    """The business the bench works in, with one posted entry to read, and the objects samples need."""

    recorder: Recorder
    business_id: str
    token: str
    entry_id: str = ""
    shared: dict[str, str] = field(default_factory=dict, repr=False)
    """Objects made once (see the ``shared_*`` helpers) and account ids, by name."""

    def send(self, method: str, path: str, *, headers: dict[str, str] | None = None, **kwargs: Any) -> Exchange:
        # The loans family requires x-business-id; the ledger family accepts it when it matches the path.
        headers = {"x-business-id": self.business_id, **(headers or {})}
        return self.recorder.request(method, path, token=self.token, headers=headers, **kwargs)

    @property
    def base(self) -> str:
        return f"/v1/businesses/{self.business_id}"

    @property
    def schedule(self) -> str:
        return f"/api/v1/businesses/{self.business_id}/cfo-portal/debt-schedule"

    def _create(self, what: str, path: str, body: Any = None, *, key: str = "id") -> str:
        """POST a setup object and return its id (the loans family answers in an envelope's ``data``)."""
        exchange = self.send("POST", path, body=body)
        if not 200 <= exchange.response.status < 300:
            raise RuntimeError(
                f"could not create a bench {what}: {exchange.response.status} {exchange.response.body!r}"
            )
        answer = exchange.response.json()
        return (answer["data"] if "success" in answer else answer)[key]

    def _once(self, name: str, make: Callable[[], str]) -> str:
        if name not in self.shared:
            self.shared[name] = make()
        return self.shared[name]

    def account_id(self, stable_name: str) -> str:
        """A ledger account's id (the loans family's ``*_ledger_id`` fields take ids)."""
        if f"account:{stable_name}" not in self.shared:
            exchange = self.send("GET", f"{self.base}/ledger/accounts", query="limit=100")
            self.shared.update({f"account:{a['stable_name']}": a["id"] for a in exchange.response.json()["data"]})
        return self.shared[f"account:{stable_name}"]

    # ---- ledger ----
    def new_entry(self) -> str:
        """A fresh custom entry (for the DELETE route, which can reverse an entry only once)."""
        return self._create("entry", f"{self.base}/custom-journal-entries", entry())

    # ---- loans ----
    def new_instrument(self, direction: str = "lend") -> str:
        """A fresh instrument: payments, disbursements, accruals and write-offs each move one on."""
        return self._create("instrument", f"{self.schedule}/instruments", instrument(self, direction))

    def new_borrowing(self) -> str:
        return self.new_instrument("borrow")

    def new_bank_transaction(self, direction: str = "outflow") -> str:
        """A fresh bank transaction (a payment can rebook one only once); outflows pay what we borrowed."""
        return self._create("bank transaction", "/api/v1/transactions", bank_transaction(direction))

    def shared_instrument(self) -> str:
        """One lend instrument with a payment in its activity, for the GET routes."""

        def make() -> str:
            instrument_id = self.new_instrument("lend")
            self._create(
                "loan payment", f"{self.schedule}/instruments/{instrument_id}/payments", payment(self), key="payment_id"
            )
            return instrument_id

        return self._once("instrument", make)

    def shared_bank_transaction(self) -> str:
        return self._once("bank transaction", lambda: self.new_bank_transaction("inflow"))

    # ---- invoices ----
    def new_invoice(self) -> str:
        """A fresh open invoice of 1,000,000 cents (a void or a full write-off uses one up)."""
        return self._create("invoice", f"{self.base}/invoices", invoice())

    def shared_invoice(self) -> str:
        """One invoice that the routes' samples (a 200,000 payment, 50,000 write-offs) and payments and
        partial write-offs of 1,000 cents each keep open."""
        return self._once("invoice", self.new_invoice)

    def new_write_off(self) -> str:
        """A fresh 1,000-cent write-off of the shared invoice (a write-off can be deleted only once)."""
        return self._create(
            "invoice write-off", f"{self.base}/invoices/{self.shared_invoice()}/write-offs", write_off()
        )

    def shared_write_off(self) -> str:
        return self._once("write-off", self.new_write_off)

    def overdue_invoice(self) -> str:
        """The one invoice POLICY writes off on RUN_DATE (the dry run lists it, the real run writes it off)."""
        return self._once(
            "overdue invoice",
            lambda: self._create(
                "overdue invoice", f"{self.base}/invoices", invoice(sent_at=OVERDUE_SENT, due_at=OVERDUE_DUE)
            ),
        )

    def shared_run(self) -> str:
        """One write-off run, for GET .../write-off-runs/{runId}: a dry run, so it writes nothing off."""
        return self._once(
            "run",
            lambda: self._create(
                "write-off run", f"{self.base}/write-off-runs", {"run_date": RUN_DATE, "dry_run": True}
            ),
        )


def entry(**extra: Any) -> dict[str, Any]:
    """A 2-line custom entry: the shape the latency and floor measurements use."""

    def line(stable_name: str, direction: str) -> dict[str, Any]:
        return {
            "account_identifier": {"type": "StableName", "stable_name": stable_name},
            "amount": 12_345,
            "direction": direction,
        }

    return {"memo": "bench", "line_items": [line("CASH", "DEBIT"), line("OPENING_BALANCE_EQUITY", "CREDIT")], **extra}


def instrument(books: Books, direction: str = "lend", **extra: Any) -> dict[str, Any]:
    """A term loan of 1,000,000 cents at 5 %, paid out (lend) or received (borrow) in cash."""
    return {
        "name": "Bench term loan",
        "lender": "Bench Bank",
        "direction": direction,
        "original_principal_cents": 1_000_000,
        "interest_rate_bps": 500,
        "start_date": LOAN_START,
        "maturity_date": LOAN_MATURITY,
        "cash_ledger_id": books.account_id("CASH"),
        **extra,
    }


def payment(books: Books, **extra: Any) -> dict[str, Any]:
    """100,000 cents on EVENT_DAY: the interest since LOAN_START (about 60,300), then principal."""
    return {
        "payment_amount_cents": 100_000,
        "cash_ledger_id": books.account_id("CASH"),
        "payment_date": EVENT_DAY,
        **extra,
    }


def bank_transaction(direction: str, **extra: Any) -> dict[str, Any]:
    return {"amount_cents": 100_000, "direction": direction, "date": EVENT_DAY, "description": "bench ACH", **extra}


def invoice(**extra: Any) -> dict[str, Any]:
    """1,000,000 cents on SALES (2 × 500,000), sent INVOICE_SENT, due INVOICE_DUE."""
    return {
        "invoice_number": f"BENCH-{uuid.uuid4().hex[:8]}",
        "customer_external_id": "bench-customer",
        "sent_at": INVOICE_SENT,
        "due_at": INVOICE_DUE,
        "line_items": [{"description": "Consulting", "unit_price": 500_000, "quantity": "2"}],
        **extra,
    }


def write_off(**extra: Any) -> dict[str, Any]:
    return {"amount": 1_000, "write_off_at": SETTLED_AT, **extra}


@dataclass
class Sample:
    variant: str = "default"
    body: Callable[[Books], Any] | None = None
    query: str = ""
    headers: Callable[[Books], dict[str, str]] = lambda books: {}
    path: dict[str, Callable[[Books], str]] = field(default_factory=dict)
    """Path parameters to set for this sample (others come from PATH_PARAMETERS)."""
    repeat: bool = False
    """Send the same request twice and measure the second (idempotent replays)."""


PATH_PARAMETERS: dict[str, Callable[[Books], str]] = {
    "businessId": lambda books: books.business_id,
    "business_id": lambda books: books.business_id,
    "entryId": lambda books: books.entry_id,
    "accountId": lambda books: books.account_id("CASH"),
    # Shared objects for the routes that only read them; a sample that uses one up sets its own.
    "instrument_id": Books.shared_instrument,
    "transaction_id": Books.shared_bank_transaction,
    "invoiceId": Books.shared_invoice,
    "writeOffId": Books.shared_write_off,
    "runId": Books.shared_run,
}

_key = lambda books: {"idempotency-key": str(uuid.uuid4())}  # noqa: E731
_fresh_loan = {"instrument_id": Books.new_instrument}
_fresh_invoice = {"invoiceId": Books.new_invoice}

SAMPLES: dict[str, list[Sample]] = {
    # ---- ledger ----
    "POST /v1/businesses/{businessId}/ledger/accounts": [
        Sample(body=lambda books: {"name": f"Bench {uuid.uuid4().hex[:8]}", "account_type": "EXPENSE"}),
    ],
    "GET /v1/businesses/{businessId}/ledger/entries": [Sample(query="limit=50")],
    "POST /v1/businesses/{businessId}/custom-journal-entries": [
        Sample("plain", body=lambda books: entry()),
        Sample("Idempotency-Key", body=lambda books: entry(), headers=_key),
        Sample("external_id", body=lambda books: entry(external_id=f"bench-{uuid.uuid4()}")),
        Sample("Idempotency-Key replay", body=lambda books: entry(), headers=_key, repeat=True),
    ],
    "DELETE /v1/businesses/{businessId}/custom-journal-entries/{entryId}": [
        Sample(path={"entryId": Books.new_entry}),
    ],
    # ---- loans ----
    "POST /api/v1/businesses/{business_id}/cfo-portal/debt-schedule/instruments": [
        Sample("lend, paid in cash", body=lambda books: instrument(books, "lend")),
        Sample(
            "borrow, existing loan (opening equity)",
            body=lambda books: {k: v for k, v in instrument(books, "borrow").items() if k != "cash_ledger_id"},
        ),
        Sample("external_id", body=lambda books: instrument(books, external_id=f"bench-{uuid.uuid4()}")),
        Sample(
            "external_id replay", body=lambda books: instrument(books, external_id=f"bench-{uuid.uuid4()}"), repeat=True
        ),
    ],
    "POST /api/v1/businesses/{business_id}/cfo-portal/debt-schedule/instruments/{instrument_id}/payments": [
        Sample("cash", path=_fresh_loan, body=payment),
        Sample("Idempotency-Key", path=_fresh_loan, body=payment, headers=_key),
        Sample(
            "rebooks a bank transaction",
            path={"instrument_id": Books.new_borrowing},
            body=lambda books: {"transaction_id": books.new_bank_transaction("outflow")},
        ),
    ],
    "POST /api/v1/loans/{instrument_id}/disbursements": [
        Sample(
            path=_fresh_loan,
            body=lambda books: {
                "amount_cents": 5_000,
                "cash_ledger_id": books.account_id("CASH"),
                "disbursement_date": EVENT_DAY,
            },
        ),
    ],
    "POST /api/v1/loans/{instrument_id}/accrue-interest": [
        Sample("lend", path=_fresh_loan, body=lambda books: {"through_date": EVENT_DAY}),
        Sample("borrow", path={"instrument_id": Books.new_borrowing}, body=lambda books: {"through_date": EVENT_DAY}),
    ],
    "POST /api/v1/loans/accrue-interest": [
        # Every active bench instrument so far (about a dozen): one transaction of accruals, then the run.
        Sample(body=lambda books: {"through_date": ACCRUE_ALL_THROUGH}),
    ],
    "POST /api/v1/loans/{instrument_id}/write-off": [
        Sample("full (no body)", path=_fresh_loan),
        Sample(
            "partial principal",
            path=_fresh_loan,
            body=lambda books: {"principal_cents": 100_000, "write_off_date": EVENT_DAY},
        ),
        Sample(
            "borrow, after an accrual",
            path={"instrument_id": lambda books: _accrued(books, "borrow")},
            body=lambda books: {"write_off_date": EVENT_DAY, "memo": "bench"},
        ),
    ],
    "POST /api/v1/transactions": [
        Sample("inflow", body=lambda books: bank_transaction("inflow")),
        Sample(
            "outflow, named accounts, external_id",
            body=lambda books: bank_transaction(
                "outflow",
                cash_ledger_id=books.account_id("CASH"),
                category_ledger_id=books.account_id("BANK_FEES"),
                external_id=f"bench-{uuid.uuid4()}",
            ),
        ),
    ],
    # ---- invoices ----
    "POST /v1/businesses/{businessId}/invoices": [
        Sample("1 line", body=lambda books: invoice()),
        Sample(
            "3 lines, tags, external_id",
            body=lambda books: invoice(
                external_id=f"bench-{uuid.uuid4()}",
                memo="bench",
                tags=[{"key": "region", "value": "emea"}],
                line_items=[
                    {"unit_price": 10_000, "quantity": "1.5", "product": "hours"},
                    {"unit_price": 2_500, "account_identifier": {"type": "StableName", "stable_name": "SALES"}},
                    {"unit_price": 999, "quantity": "3", "description": "materials"},
                ],
            ),
        ),
        Sample("Idempotency-Key", body=lambda books: invoice(), headers=_key),
    ],
    "POST /v1/businesses/{businessId}/invoices/{invoiceId}/void": [
        Sample(path=_fresh_invoice),
    ],
    "POST /v1/businesses/{businessId}/invoices/{invoiceId}/payment": [
        Sample("partial", body=lambda books: {"amount": 1_000, "paid_at": SETTLED_AT}),
        Sample(
            "ACH, external_id",
            body=lambda books: {
                "amount": 1_000,
                "paid_at": SETTLED_AT,
                "method": "ACH",
                "external_id": f"bench-{uuid.uuid4()}",
            },
        ),
        Sample("whole balance", path=_fresh_invoice, body=lambda books: {"amount": 1_000_000, "paid_at": SETTLED_AT}),
    ],
    "POST /v1/businesses/{businessId}/invoices/{invoiceId}/write-off": [
        Sample("whole balance (no body)", path=_fresh_invoice),
        Sample("partial, external_id", body=lambda books: write_off(external_id=f"bench-{uuid.uuid4()}")),
    ],
    "POST /v1/businesses/{businessId}/invoices/{invoiceId}/write-offs": [
        Sample("partial", body=lambda books: write_off(memo="bench")),
    ],
    "DELETE /v1/businesses/{businessId}/invoices/{invoiceId}/write-offs/{writeOffId}": [
        Sample(path={"writeOffId": Books.new_write_off}),
    ],
    # ---- write-off policy and runs ----
    "PUT /v1/businesses/{businessId}/write-off-policy": [
        Sample(body=lambda books: POLICY),
    ],
    "PUT /v1/businesses/{businessId}/books/lock": [
        Sample(body=lambda books: {"locked_through": "2019-12-31"}),  # before every other sample's date
    ],
    "POST /v1/businesses/{businessId}/write-off-runs": [
        Sample("nothing due", body=lambda books: {"run_date": RUN_DATE}),
        Sample("dry run, 1 invoice due", body=lambda books: _due(books, dry_run=True)),
        Sample("1 invoice written off", body=lambda books: _due(books, dry_run=False)),
    ],
}


def _accrued(books: Books, direction: str) -> str:
    """A fresh instrument with interest accrued through EVENT_DAY (its write-off clears that interest too)."""
    instrument_id = books.new_instrument(direction)
    books._create(
        "accrual", f"/api/v1/loans/{instrument_id}/accrue-interest", {"through_date": EVENT_DAY}, key="instrument_id"
    )
    return instrument_id


def _due(books: Books, *, dry_run: bool) -> dict[str, Any]:
    books.overdue_invoice()
    return {"run_date": RUN_DATE, "dry_run": dry_run}


MUTATING = {"POST", "PUT", "PATCH", "DELETE"}
BATCH_ROUTES = {"POST /v1/businesses/{businessId}/write-off-runs", "POST /api/v1/loans/accrue-interest"}
"""Routes that run a batch of changes (write-off runs: one transaction per item written off, SPEC §7;
accrual runs: one per 24 instruments, §10.1) rather than one change: judged for Scan only; each item
inside obeys the per-change rule (docs/performance.md)."""


def _parameters(path: str) -> list[str]:
    return [part[1:-1] for part in path.split("/") if part.startswith("{") and part.endswith("}")]


@cache
def declarations() -> dict[str, routes.Declaration]:
    """Every route's declaration, by route key (the functions' own ``app.get/post/…``)."""
    return {d.route_key: d for f in events.routed_functions() for d in events.declarations(f)}


def _with_bench_ids(body: Any, books: Books) -> Any:
    """A declared sample body with the bench's CASH account in place of the placeholder, and its
    external_id made unique (the bench sends one function's sample to each of its routes)."""
    body = json.loads(json.dumps(body).replace(events.CASH, books.account_id("CASH")))
    if "external_id" in body:
        body["external_id"] = f"{body['external_id']}-{uuid.uuid4().hex[:8]}"
    return body


def declared_sample(route_key: str, path: dict[str, Callable[[Books], str]]) -> Sample | None:
    """The route's own sample, on the objects ``path`` names (or the shared ones), its Idempotency-Key
    made unique like its external_id."""
    declared = declarations().get(route_key)
    if declared is None or declared.sample == routes.Sample():
        return None
    sample = declared.sample
    return Sample(
        "declared sample",
        body=None if sample.body is None else lambda books: _with_bench_ids(sample.body, books),
        query=urlencode(sample.query),
        headers=lambda books: {"idempotency-key": f"{sample.idempotency_key}-{uuid.uuid4()}"}
        if sample.idempotency_key
        else {},
        path=path,
    )


def samples_for(method: str, path: str, route_key: str) -> list[Sample] | str:
    """The samples of a route, or why it cannot be exercised yet (to fix in its declaration or SAMPLES)."""
    variants = SAMPLES.get(route_key, [])
    declared = declared_sample(route_key, variants[0].path if variants else {})
    if declared or variants:
        return [*([declared] if declared else []), *variants]
    if method in ("POST", "PUT", "PATCH"):
        return "no request body: declare the route's sample= (or add variants to bench/samples.py SAMPLES)"
    unknown = [name for name in _parameters(path) if name not in PATH_PARAMETERS]
    if unknown:
        return f"no value for path parameter(s) {', '.join(unknown)}: add a Sample(path=...) in SAMPLES"
    return [Sample()]


def fill_path(path: str, sample: Sample, books: Books) -> str:
    for name in _parameters(path):
        path = path.replace(f"{{{name}}}", (sample.path.get(name) or PATH_PARAMETERS[name])(books))
    return path


def checks(method: str, counts: dict[str, int]) -> dict[str, bool]:
    """SPEC §8: no Scan anywhere; a mutating request makes ≤ 2 reads and exactly 1 TransactWriteItems."""
    result = {"no_scan": counts.get("Scan", 0) == 0}
    if method in MUTATING:
        reads = sum(n for op, n in counts.items() if op in READ_OPERATIONS)
        writes = sum(n for op, n in counts.items() if op not in READ_OPERATIONS)
        result["max_2_reads"] = reads <= 2
        result["one_transact_write"] = counts.get("TransactWriteItems", 0) == 1 and writes == 1
    return result


def measure_route(method: str, path: str, route_key: str, books: Books) -> list[dict[str, Any]]:
    """DynamoDB calls of every sample of one route, function and authorizer counted apart."""
    found = samples_for(method, path, route_key)
    if isinstance(found, str):
        return [{"variant": "-", "skipped": found}]
    rows = []
    for sample in found:
        url = fill_path(path, sample, books)
        body = sample.body(books) if sample.body else None
        headers = sample.headers(books)
        exchange = books.send(method, url, body=body, query=sample.query, headers=headers)
        if sample.repeat:
            exchange = books.send(method, url, body=body, query=sample.query, headers=headers)
        counts = exchange.counts("function")
        ok = 200 <= exchange.response.status < 300
        rows.append(
            {
                "variant": sample.variant,
                "status": exchange.response.status,
                "function_calls": counts,
                "authorizer_calls": exchange.counts("authorizer"),
                # Judged on successful requests only (a refused one proves nothing), except Scan: never.
                "checks": checks(method, counts)
                if ok and route_key not in BATCH_ROUTES
                else {"no_scan": "Scan" not in counts},
                "event": exchange.events,  # dropped from results.json; the cold-start runs replay it
            }
        )
    return rows
