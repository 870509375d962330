"""The simulation: random sequences of every kind of request, through the real handlers on moto, under
random store faults — in the spirit of TigerBeetle's VOPR, at our scale (docs/architecture.md,
"The simulation").

A hypothesis ``RuleBasedStateMachine`` sends custom entries and their reversals, invoices, payments,
write-offs and their deletion, voids, loans (creation, payments — also matched to bank transactions —,
draws, accruals one by one and all at once, write-offs), bank transactions, write-off policies and runs,
replays of earlier requests with their key, a key reused for another request, and concurrent copies
of one request (and concurrent rivals on one invoice or loan). Each request meets a :class:`FaultPlan`
drawn with it: no fault, faults at random (conflict, throttling on reads and writes, outcome unknown
after a commit or with the transaction lost, no connection, a read timeout), or a storm of one kind.

After every step the books of the business must hold (simulation_books.Books.check: every entry
balances, every balance is the sum of its lines, the trial balance balances, receivables and loan
accounts equal the sums of their invoices and instruments, no invoice or instrument below zero, each
posting at most once, entries immutable), and every answer must be true:

- a 2xx posted exactly the entries it names (simulation_requests.expected), and a keyed one left an
  idempotency record holding that very answer; a replay answers as the first did and posts nothing;
- a 4xx, and a 503 that says nothing was posted or changed, changed nothing at all;
- a 503 whose outcome is unknown (or that stopped part-way) is resent with its Idempotency-Key and no
  faults: the books then hold exactly one posting, the one the final answer names;
- a 500 is only acceptable as API Gateway's own answer when the authorizer's read failed — and then
  nothing changed.

The seed is printed; ``SIM_SEED`` and ``SIM_STEPS`` choose it and the number of steps
(``make soak SEED=… STEPS=…``). The same seed and steps replay the same requests and the same faults.
"""

import json
import math
import os
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any

from hypothesis import HealthCheck, Phase, settings
from hypothesis import seed as use_seed
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)
from simulation_books import Books, BooksViolation, change, check_change, query_snapshot, snapshot
from simulation_requests import (
    CREATIONS,
    DATES,
    INVOICE_DATES,
    LOAN_START,
    MATURITIES,
    MULTI_TRANSACTION,
    RUN_DATES,
    SAFE_ACCOUNTS,
    SETTLED_AT,
    SOURCES,
    Posted,
    Request,
    body_of,
    claim,
    data_of,
    expected,
    is_gateway_error,
    named_entries,
    success_statuses,
)
from support import all_at_once, gateway, new_api
from support.faults import NO_FAULTS, STORMS, FaultPlan, SimulatedStore

from ledgerline_tools.gateway import HttpResponse

SEED = int(os.environ.get("SIM_SEED", "1"))
STEPS = int(os.environ.get("SIM_STEPS", "150"))
"""Steps in all (``make test`` runs the default; ``make soak`` as many as asked)."""
STEPS_PER_RUN = max(1, min(STEPS, int(os.environ.get("SIM_STEPS_PER_RUN", "25"))))
"""Steps of one run (one business, one hypothesis example). Short runs, many of them: hypothesis enables a
different subset of the rules in each (swarm testing), which finds more than long runs of everything."""
RUNS = math.ceil(STEPS / STEPS_PER_RUN) + 1
"""Plus one: hypothesis's first example is its simplest, every step the first rule (``idle``)."""
SHRINK = os.environ.get("SIM_SHRINK", "1") != "0"

STATS: Counter[str] = Counter()


# ---- strategies -------------------------------------------------------------------------------

plans = st.one_of(
    st.just(NO_FAULTS),
    st.builds(
        FaultPlan,
        mode=st.just("random"),
        rate=st.sampled_from((0.1, 0.3, 0.6)),
        seed=st.integers(0, 2**32 - 1),
        authorizer=st.booleans(),
    ),
    st.builds(FaultPlan, mode=st.just("storm"), storm=st.sampled_from(STORMS), after=st.sampled_from((0, 0, 1, 2))),
)
keyed = st.integers(0, 3).map(lambda n: n != 3)
"""Three requests in four carry an Idempotency-Key (an unknown outcome is then resolved by resending it)."""
index = st.integers(0, 1_000)
external = st.sampled_from((None, None, None, "ext-a", "ext-b"))
"""Rarely, an external_id that an earlier request may already hold (same content → 200, other → 409)."""


def pick(items: list[Any], position: int) -> Any:
    return items[position % len(items)]


@dataclass
class Exchange:
    """One request of a step: the plan it met, its first answer, and its answer once resolved."""

    request: Request
    plan: FaultPlan
    first: HttpResponse
    faults: list[str]
    final: HttpResponse | None = None
    resent: bool = False

    def describe(self) -> str:
        final = f"\n    resent without faults → {_show(self.final)}" if self.resent else ""
        return (
            f"  {self.request}\n    faults {self.plan}: {', '.join(self.faults) or 'none injected'}\n"
            f"    → {_show(self.first)}{final}"
        )


def _show(response: HttpResponse | None) -> str:
    if response is None:
        return "(unresolved)"
    replayed = " (replayed)" if response.headers.get("idempotent-replayed") == "true" else ""
    return f"{response.status}{replayed} {response.body[:400].decode(errors='replace')}"


@dataclass(frozen=True)
class Recorded:
    request: Request
    status: int
    body: Any


class AnswerUntrue(AssertionError):
    """An answer that does not match what happened to the books."""


class LedgerSimulation(RuleBasedStateMachine):
    store: SimulatedStore
    """Installed by the test (the shared client, wrapped)."""

    def __init__(self) -> None:
        super().__init__()
        self.api = new_api("Simulated Co")
        self.business_id = self.api.business_id
        self.books = snapshot(self.business_id, self.store.lock)
        self.books.check()
        self.recorded: dict[str, Recorded] = {}
        self.serial = 0
        STATS["runs"] += 1

    # ---- sending and judging ------------------------------------------------------------------

    def next_key(self) -> str:
        self.serial += 1
        return f"sim-{self.serial}"

    def request(
        self,
        kind: str,
        method: str,
        path: str,
        body: Any = None,
        *,
        key: bool = True,
        loans: bool = False,
        target: str | None = None,
    ) -> Request:
        return Request(kind, method, path, body, self.next_key() if key else None, loans, target)

    @property
    def base(self) -> str:
        return f"/v1/businesses/{self.business_id}"

    def send(self, request: Request, plan: FaultPlan) -> tuple[HttpResponse, list[str]]:
        with self.store.faults(plan) as log:
            response = self.api.request(
                request.method, request.path, json_body=request.body, headers=request.headers(self.business_id)
            )
        STATS[f"{request.kind} {response.status}"] += 1
        STATS["requests"] += 1
        STATS["faults injected"] += len(log)
        return response, list(log)

    def step(self, requests: list[Request], step_plans: list[FaultPlan]) -> list[Exchange]:
        """Send (concurrently if several), judge every first answer, resolve the unsure ones, account."""
        STATS["steps"] += 1
        before = self.books
        if len(requests) == 1:
            sent = [self.send(requests[0], step_plans[0])]
        else:
            sent = all_at_once(len(requests), lambda i: self.send(requests[i], step_plans[i]))
        exchanges = [
            Exchange(r, p, response, log) for r, p, (response, log) in zip(requests, step_plans, sent, strict=True)
        ]
        try:
            mid = self.snapshot(before)
            for exchange in exchanges:
                self.judge_first(exchange)
            first_change = change(before, mid)
            claims = [self.first_claim(x) for x in exchanges]
            if all(c == "nothing" for c in claims) and not first_change.empty:
                raise AnswerUntrue(
                    f"every answer says nothing was posted or changed, but the books changed: {first_change.describe()}"
                )
            if len(exchanges) == 1 and claims[0] == "partly" and not first_change.new_entries:
                raise AnswerUntrue("the answer says part of the request was posted, but nothing was")
            for exchange in exchanges:
                self.resolve(exchange)
            after = self.snapshot(mid) if any(x.resent for x in exchanges) else mid
            self.account(before, after, exchanges)
            self.check_duplicates(exchanges)
            for exchange in exchanges:
                self.check_record(exchange, after)
        except (AssertionError, BooksViolation) as failure:
            details = "\n".join(x.describe() for x in exchanges)
            raise type(failure)(f"{failure}\n  step (seed {SEED}):\n{details}") from None
        self.books = after
        for exchange in exchanges:
            self.remember(exchange)
        return exchanges

    def snapshot(self, previous: Books) -> Books:
        books = snapshot(self.business_id, self.store.lock)
        books.check()
        check_change(change(previous, books))
        return books

    def first_claim(self, exchange: Exchange) -> str:
        """What the first answer says happened: "posted", "nothing", "unknown" or "partly"."""
        response = exchange.first
        if 200 <= response.status < 300:
            return "posted"
        if 400 <= response.status < 500 or is_gateway_error(response):
            return "nothing"
        return claim(response) or "unknown"

    def judge_first(self, exchange: Exchange) -> None:
        self.judge(exchange.request, exchange.first, exchange.faults)

    def judge(self, request: Request, response: HttpResponse, faults: list[str]) -> None:
        """The answer's status and shape alone (what it claims about the books is checked by accounting)."""
        status, body = response.status, body_of(response)
        STATS[f"answer {status} {claim(response) if status == 503 else ''}".strip()] += 1
        if request.key in self.recorded and 200 <= status < 300:
            first = self.recorded[request.key]
            if request != first.request:
                raise AnswerUntrue(
                    f"key {request.key}, first used for {first.request.kind}, reused for another "
                    f"request: answered {status}, not 409"
                )
            if (status, body) != (first.status, first.body):
                raise AnswerUntrue(
                    f"a replay of key {request.key} answered {status} {body}, not as the first "
                    f"request did: {first.status} {first.body}"
                )
            if response.headers.get("idempotent-replayed") != "true":
                raise AnswerUntrue("a replayed answer without the header Idempotent-Replayed: true")
            return
        if 200 <= status < 300:
            if status not in success_statuses(request):
                raise AnswerUntrue(f"{request.kind} answered {status}, expected one of {success_statuses(request)}")
            return
        if status in (401, 403):
            raise AnswerUntrue(f"a valid token for its own business was refused with {status}")
        if 400 <= status < 500:
            if not isinstance(body, dict) or not ("detail" in body or "description" in body):
                raise AnswerUntrue(f"a {status} not in its family's error shape: {body}")
            return
        if status == 503:
            if claim(response) is None:
                raise AnswerUntrue(f"a 503 that does not say what it knows: {body}")
            if int(response.headers.get("retry-after", "0")) < 1:
                raise AnswerUntrue("a 503 without Retry-After")
            return
        if is_gateway_error(response) and any(f.startswith("authorizer:") for f in faults):
            return  # API Gateway's own answer when the authorizer fails; accounting checks nothing changed
        raise AnswerUntrue(f"answered {status}: only 2xx, 4xx or 503 are acceptable here")

    def resolve(self, exchange: Exchange) -> None:
        """An answer that is not final (503, or API Gateway's 500) is resent as the client would: with its
        key and, here, no faults — or, without a key, only when it said nothing was posted."""
        first = exchange.first
        if not (first.status == 503 or is_gateway_error(first)):
            exchange.final = first
            return
        said = self.first_claim(exchange)
        if exchange.request.key is None and said != "nothing":
            STATS["unkeyed unknown outcomes (not resent)"] += 1
            return  # "check the books before retrying": the accounting allows at most one posting
        response, _ = self.send(exchange.request, NO_FAULTS)
        exchange.final, exchange.resent = response, True
        self.judge(exchange.request, response, [])
        if response.status == 503 or response.status >= 500:
            raise AnswerUntrue(f"resent without faults, still {response.status}")

    def account(self, before: Books, after: Books, exchanges: list[Exchange]) -> None:
        """The entries posted in this step are exactly those the final answers name, once each."""
        new = change(before, after).new_entries
        promised: list[tuple[Posted, Exchange]] = []
        allowances: list[tuple[set[str], int | None, set[str] | None]] = []
        counted: set[str] = set()
        for exchange in exchanges:
            request, final = exchange.request, exchange.final
            said = self.first_claim(exchange)
            if request.kind in MULTI_TRANSACTION and said in ("unknown", "partly"):
                # Its earlier transactions may have committed; the resend answers only for the rest.
                allowances.append((MULTI_TRANSACTION[request.kind], None, None))
            if final is None:  # an unkeyed unknown outcome: at most what one such request posts
                allowances.append((SOURCES[request.kind], 2 if request.kind == "loan_payment" else 1, None))
                continue
            if not 200 <= final.status < 300:
                continue
            body = body_of(final)
            if request.key in self.recorded or request.key in counted:
                for entry_id in named_entries(request, final.status, body):
                    if entry_id not in after.entries:
                        raise AnswerUntrue(f"a replayed answer names entry {entry_id}, which is not in the books")
                continue
            if request.key:
                counted.add(request.key)
            promised += [(posted, exchange) for posted in expected(request, final.status, body)]
            if request.kind == "run":
                unsure = {
                    item["id"]
                    for item in data_of(request, body).get("failed", [])
                    if "unknown" in (item.get("reason") or "").lower()
                }
                if unsure:
                    allowances.append((MULTI_TRANSACTION["run"], None, unsure))
        unmatched = list(new)
        for posted, exchange in promised:
            match = next((entry for entry in unmatched if posted.matches(entry)), None)
            if match is None:
                raise AnswerUntrue(
                    f"the answer to {exchange.request.kind} says it posted {posted}, "
                    f"but the books have no such new entry (new: {_entries(new)})"
                )
            unmatched.remove(match)
        for entry in unmatched:
            for position, (sources, count, owners) in enumerate(allowances):
                if (
                    entry["source_type"] in sources
                    and (count is None or count > 0)
                    and (owners is None or after.owners.get(entry["entry_id"]) in owners)
                ):
                    if count is not None:
                        allowances[position] = (sources, count - 1, owners)
                    STATS["postings whose answer was unsure"] += 1
                    break
            else:
                raise AnswerUntrue(
                    f"entry {entry['entry_id']} ({entry['source_type']} {entry.get('source_id')}) "
                    f"was posted, but no answer says so (new: {_entries(new)})"
                )
        for exchange in exchanges:
            request, final = exchange.request, exchange.final
            if (
                final is not None
                and 400 <= final.status < 500
                and len(exchanges) == 1
                and (self.first_claim(exchange) == "nothing" or request.kind not in MULTI_TRANSACTION)
            ):
                if not change(before, after).empty:  # nor did an earlier send whose outcome was unknown
                    raise AnswerUntrue(f"a {final.status} changed the books: {change(before, after).describe()}")
            if (
                final is not None
                and 200 <= final.status < 300
                and len(exchanges) == 1
                and request.key not in self.recorded
            ):
                self.check_objects(request, final, after)

    def check_objects(self, request: Request, response: HttpResponse, after: Books) -> None:
        """What a fresh answer says about the object it changed is what the books hold."""
        data = data_of(request, body_of(response))
        kind = request.kind
        if kind in ("invoice", "void"):
            stored = after.invoices[data["id"]]
            if (stored["outstanding_balance"], stored["status"]) != (data["outstanding_balance"], data["status"]):
                raise AnswerUntrue(
                    f"invoice answered {data['status']} {data['outstanding_balance']}, books hold "
                    f"{stored['status']} {stored['outstanding_balance']}"
                )
        if kind in ("loan_payment", "loan_write_off"):
            stored = after.instruments[request.target]
            if (stored["current_balance_cents"], stored["status"]) != (data["remaining_balance_cents"], data["status"]):
                raise AnswerUntrue(
                    f"{kind} answered remaining {data['remaining_balance_cents']} {data['status']}, "
                    f"books hold {stored['current_balance_cents']} {stored['status']}"
                )
        if kind == "disbursement":
            stored = after.instruments[request.target]
            if stored["current_balance_cents"] != data["current_balance_cents"]:
                raise AnswerUntrue(
                    f"disbursement answered balance {data['current_balance_cents']}, books hold "
                    f"{stored['current_balance_cents']}"
                )
        if kind == "delete_write_off":
            rows = [w for w in after.invoices[request.target]["write_offs"] if w["id"] == data["id"]]
            if not rows or not rows[0].get("deleted_at"):
                raise AnswerUntrue(f"write-off {data['id']} answered deleted, the books do not say so")

    def check_duplicates(self, exchanges: list[Exchange]) -> None:
        """Copies of one keyed request: if one succeeded, all answer exactly as it did."""
        by_key: dict[str, list[Exchange]] = {}
        for exchange in exchanges:
            if exchange.request.key:
                by_key.setdefault(exchange.request.key, []).append(exchange)
        for key, copies in by_key.items():
            finals = [(x.final.status, body_of(x.final)) for x in copies if x.final is not None]
            if any(200 <= status < 300 for status, _ in finals) and len({json.dumps(f) for f in finals}) > 1:
                raise AnswerUntrue(f"copies of key {key} were answered differently: {finals}")

    def check_record(self, exchange: Exchange, after: Books) -> None:
        """A keyed success is recorded with the very answer the client got (SPEC §3)."""
        request, final = exchange.request, exchange.final
        if request.key is None or final is None or not 200 <= final.status < 300 or not self.recordable(request, final):
            return
        record = after.idempotency_record(request.key)
        if record is None:
            raise AnswerUntrue(f"a keyed {final.status} left no idempotency record for key {request.key}")
        if (record["status"], json.loads(record["body"])) != (final.status, body_of(final)):
            raise AnswerUntrue(
                f"key {request.key} recorded {record['status']} {record['body']}, but the client was "
                f"answered {final.status} {final.body!r}"
            )

    @staticmethod
    def recordable(request: Request, response: HttpResponse) -> bool:
        # An existing external_id's object (200 from a creation route) is found again, not recorded.
        return not (response.status == 200 and request.kind in CREATIONS)

    def remember(self, exchange: Exchange) -> None:
        request, final = exchange.request, exchange.final
        if (
            request.key
            and final is not None
            and 200 <= final.status < 300
            and request.key not in self.recorded
            and self.recordable(request, final)
        ):
            self.recorded[request.key] = Recorded(request, final.status, body_of(final))

    def one(self, request: Request, plan: FaultPlan) -> Exchange:
        return self.step([request], [plan])[0]

    # ---- what the books hold, to choose from ----------------------------------------------------

    @property
    def custom_entries(self) -> list[dict[str, Any]]:
        return [e for e in self.books.entries.values() if e["source_type"] == "CUSTOM_JOURNAL_ENTRY"]

    @property
    def invoices(self) -> list[dict[str, Any]]:
        return list(self.books.invoices.values())

    @property
    def write_offs(self) -> list[tuple[str, dict[str, Any]]]:
        return [(invoice["invoice_id"], w) for invoice in self.invoices for w in invoice.get("write_offs", [])]

    @property
    def instruments(self) -> list[dict[str, Any]]:
        return list(self.books.instruments.values())

    def account_id(self, stable_name: str) -> str:
        return self.books.account_ids[stable_name]

    @staticmethod
    def event_date(instrument: dict[str, Any], shift: int) -> str:
        """A date relative to the instrument's interest date: ``shift`` < 0 is before it (a 409)."""
        through = instrument["interest_through_date"]
        later, earlier = [d for d in DATES if d >= through], [d for d in DATES if d < through]
        if shift < 0 and earlier:
            return earlier[-1]
        return later[min(shift, len(later) - 1)] if later else DATES[-1]

    @initialize(policy=st.booleans())
    def open_books(self, policy: bool) -> None:
        """Every run starts with one of each object, so that every rule has something to act on from its
        first step (half of them with a write-off policy, so write-off runs have candidates)."""
        self.post_entry(NO_FAULTS, True, 50_000, [0, 0, 0], "two lines", None)
        self.create_invoice(NO_FAULTS, True, True, [(100_000, "1")], None)
        self.write_off_invoice(NO_FAULTS, True, 0, "one", False, None)
        self.create_instrument(NO_FAULTS, True, True, True, 1_000_000, 500, True, None)
        self.create_instrument(NO_FAULTS, True, False, True, 1_000_000, 700, False, None)
        self.import_bank_transaction(NO_FAULTS, True, False, 80_000, DATES[3], None)
        if policy:
            self.put_policy(NO_FAULTS, True, "invoices and loans")

    @rule()
    def idle(self) -> None:
        """A step that sends nothing. Hypothesis's first example is its simplest: the first rule at every
        step, and rules without arguments sort first — so that example costs next to nothing.

        No rule has a precondition: a rule with nothing to act on yet returns. Which rules a step may
        choose must not depend on earlier outcomes, which thread interleaving in the concurrent steps
        makes nondeterministic (hypothesis stops with FlakyStrategyDefinition when they change)."""

    # ---- rules: the ledger ------------------------------------------------------------------------

    @rule(
        plan=plans,
        key=keyed,
        amount=st.integers(1, 2_000_000),
        accounts=st.lists(index, min_size=3, max_size=3),
        shape=st.sampled_from(("two lines", "three lines", "unbalanced", "unknown account", "zero")),
        external_id=external,
    )
    def post_entry(self, plan, key, amount, accounts, shape, external_id):
        names = [pick(list(SAFE_ACCOUNTS), a + i) for i, a in enumerate(accounts)]

        def line(name: str, cents: int, direction: str) -> dict[str, Any]:
            return {
                "account_identifier": {"type": "StableName", "stable_name": name},
                "amount": cents,
                "direction": direction,
            }

        lines = [line(names[0], amount, "DEBIT"), line(names[1], amount, "CREDIT")]
        if shape == "three lines":
            lines = [line(names[0], amount, "DEBIT"), line(names[1], amount // 2 + 1, "CREDIT")]
            if amount - (amount // 2 + 1) > 0:
                lines.append(line(names[2], amount - (amount // 2 + 1), "CREDIT"))
            else:
                lines[1]["amount"] = amount
        elif shape == "unbalanced":
            lines[1]["amount"] = amount + 1
        elif shape == "unknown account":
            lines[1]["account_identifier"]["stable_name"] = "NO_SUCH_ACCOUNT"
        elif shape == "zero":
            lines[0]["amount"] = lines[1]["amount"] = 0
        body = {"memo": "simulated", "entry_at": "2026-02-10T09:00:00Z", "line_items": lines}
        if external_id:
            body["external_id"] = external_id
        self.one(self.request("entry", "POST", f"{self.base}/custom-journal-entries", body, key=key), plan)

    @rule(plan=plans, key=keyed, which=index)
    def reverse_entry(self, plan, key, which):
        if not self.custom_entries:
            return  # nothing to act on yet (see idle)
        entry = pick(self.custom_entries, which)
        self.one(
            self.request(
                "reverse",
                "DELETE",
                f"{self.base}/custom-journal-entries/{entry['entry_id']}",
                key=key,
                target=entry["entry_id"],
            ),
            plan,
        )

    # ---- rules: invoices --------------------------------------------------------------------------

    @rule(
        plan=plans,
        key=keyed,
        overdue=st.booleans(),
        prices=st.lists(st.tuples(st.integers(1, 300_000), st.sampled_from(("1", "2", "1.5"))), min_size=1, max_size=3),
        external_id=external,
    )
    def create_invoice(self, plan, key, overdue, prices, external_id):
        sent_at, due_at = INVOICE_DATES["overdue" if overdue else "current"]
        body = {
            "invoice_number": f"SIM-{self.serial}",
            "customer_external_id": "customer",
            "sent_at": sent_at,
            "due_at": due_at,
            "line_items": [
                {"description": "Work", "unit_price": price, "quantity": quantity} for price, quantity in prices
            ],
        }
        if external_id:
            body["external_id"] = external_id
            body["invoice_number"] = "SIM-ext"
        self.one(self.request("invoice", "POST", f"{self.base}/invoices", body, key=key), plan)

    @rule(plan=plans, key=keyed, which=index)
    def void_invoice(self, plan, key, which):
        if not self.invoices:
            return  # nothing to act on yet (see idle)
        invoice = pick(self.invoices, which)
        self.one(
            self.request(
                "void",
                "POST",
                f"{self.base}/invoices/{invoice['invoice_id']}/void",
                key=key,
                target=invoice["invoice_id"],
            ),
            plan,
        )

    @staticmethod
    def portion(outstanding: int, share: str) -> int:
        return {"one": 1, "third": max(1, outstanding // 3), "all": max(1, outstanding), "more": outstanding + 1}[share]

    @rule(
        plan=plans, key=keyed, which=index, share=st.sampled_from(("third", "one", "all", "more")), external_id=external
    )
    def pay_invoice(self, plan, key, which, share, external_id):
        if not self.invoices:
            return  # nothing to act on yet (see idle)
        invoice = pick(self.invoices, which)
        body = {"amount": self.portion(invoice["outstanding_balance"], share), "paid_at": SETTLED_AT, "method": "ACH"}
        if external_id:
            body["external_id"] = external_id
        self.one(
            self.request(
                "invoice_payment",
                "POST",
                f"{self.base}/invoices/{invoice['invoice_id']}/payment",
                body,
                key=key,
                target=invoice["invoice_id"],
            ),
            plan,
        )

    @rule(
        plan=plans,
        key=keyed,
        which=index,
        share=st.sampled_from(("third", "whole (no body)", "one", "all", "more")),
        alias=st.booleans(),
        external_id=external,
    )
    def write_off_invoice(self, plan, key, which, share, alias, external_id):
        if not self.invoices:
            return  # nothing to act on yet (see idle)
        invoice = pick(self.invoices, which)
        body: dict[str, Any] | None = None
        if share != "whole (no body)":
            body = {"amount": self.portion(invoice["outstanding_balance"], share), "write_off_at": SETTLED_AT}
            if external_id:
                body["external_id"] = external_id
        path = f"{self.base}/invoices/{invoice['invoice_id']}/{'write-offs' if alias else 'write-off'}"
        self.one(self.request("invoice_write_off", "POST", path, body, key=key, target=invoice["invoice_id"]), plan)

    @rule(plan=plans, key=keyed, which=index)
    def delete_write_off(self, plan, key, which):
        if not self.write_offs:
            return  # nothing to act on yet (see idle)
        invoice_id, write_off = pick(self.write_offs, which)
        path = f"{self.base}/invoices/{invoice_id}/write-offs/{write_off['id']}"
        self.one(self.request("delete_write_off", "DELETE", path, key=key, target=invoice_id), plan)

    # ---- rules: loans -----------------------------------------------------------------------------

    @rule(
        plan=plans,
        key=keyed,
        lend=st.booleans(),
        in_cash=st.booleans(),
        principal=st.integers(1, 5_000_000),
        rate=st.integers(0, 1_500),
        matures_early=st.booleans(),
        external_id=external,
    )
    def create_instrument(self, plan, key, lend, in_cash, principal, rate, matures_early, external_id):
        body = {
            "name": "Simulated loan",
            "lender": "Counterparty",
            "direction": "lend" if lend else "borrow",
            "original_principal_cents": principal,
            "interest_rate_bps": rate,
            "start_date": LOAN_START,
            "maturity_date": MATURITIES[matures_early],
        }
        if in_cash:
            body["cash_ledger_id"] = self.account_id("CASH")
        if external_id:
            body["external_id"] = external_id
        self.one(
            self.request(
                "instrument",
                "POST",
                f"/api/v1/businesses/{self.business_id}/cfo-portal/debt-schedule/instruments",
                body,
                key=key,
                loans=True,
            ),
            plan,
        )

    @rule(
        plan=plans,
        key=keyed,
        which=index,
        amount=st.sampled_from((50_000, 1_000, 400_000, 20_000_000)),
        shift=st.integers(-1, 2),
        by_transaction=st.integers(0, 3),
        transaction=index,
    )
    def pay_loan(self, plan, key, which, amount, shift, by_transaction, transaction):
        if not self.instruments:
            return  # nothing to act on yet (see idle)
        instrument = pick(self.instruments, which)
        transactions = list(self.books.bank_transactions.values())
        if by_transaction == 3 and transactions:
            body: dict[str, Any] = {"transaction_id": pick(transactions, transaction)["id"]}
        else:
            body = {
                "payment_amount_cents": amount,
                "cash_ledger_id": self.account_id("CASH"),
                "payment_date": self.event_date(instrument, shift),
            }
        path = f"/api/v1/businesses/{self.business_id}/cfo-portal/debt-schedule/instruments/{instrument['id']}/payments"
        self.one(self.request("loan_payment", "POST", path, body, key=key, loans=True, target=instrument["id"]), plan)

    @rule(plan=plans, key=keyed, which=index, amount=st.integers(1, 500_000), shift=st.integers(-1, 2))
    def disburse(self, plan, key, which, amount, shift):
        if not self.instruments:
            return  # nothing to act on yet (see idle)
        instrument = pick(self.instruments, which)
        body = {
            "amount_cents": amount,
            "cash_ledger_id": self.account_id("CASH"),
            "disbursement_date": self.event_date(instrument, shift),
        }
        self.one(
            self.request(
                "disbursement",
                "POST",
                f"/api/v1/loans/{instrument['id']}/disbursements",
                body,
                key=key,
                loans=True,
                target=instrument["id"],
            ),
            plan,
        )

    @rule(plan=plans, key=keyed, which=index, shift=st.integers(-1, 2))
    def accrue(self, plan, key, which, shift):
        if not self.instruments:
            return  # nothing to act on yet (see idle)
        instrument = pick(self.instruments, which)
        body = {"through_date": self.event_date(instrument, shift)}
        self.one(
            self.request(
                "accrue",
                "POST",
                f"/api/v1/loans/{instrument['id']}/accrue-interest",
                body,
                key=key,
                loans=True,
                target=instrument["id"],
            ),
            plan,
        )

    @rule(plan=plans, key=keyed, through=st.sampled_from(DATES))
    def accrue_all(self, plan, key, through):
        self.one(
            self.request(
                "accrue_all", "POST", "/api/v1/loans/accrue-interest", {"through_date": through}, key=key, loans=True
            ),
            plan,
        )

    @rule(
        plan=plans,
        key=keyed,
        which=index,
        share=st.sampled_from(("partial", "full (no body)", "full", "more")),
        shift=st.integers(-1, 2),
    )
    def write_off_loan(self, plan, key, which, share, shift):
        if not self.instruments:
            return  # nothing to act on yet (see idle)
        instrument = pick(self.instruments, which)
        body: dict[str, Any] | None = None
        principal = instrument["current_balance_cents"]
        if share != "full (no body)":
            body = {"write_off_date": self.event_date(instrument, shift)}
            if share != "full":
                body["principal_cents"] = max(1, principal // 4) if share == "partial" else principal + 1
        self.one(
            self.request(
                "loan_write_off",
                "POST",
                f"/api/v1/loans/{instrument['id']}/write-off",
                body,
                key=key,
                loans=True,
                target=instrument["id"],
            ),
            plan,
        )

    @rule(
        plan=plans,
        key=keyed,
        inflow=st.booleans(),
        amount=st.integers(1, 300_000),
        day=st.sampled_from(DATES),
        external_id=external,
    )
    def import_bank_transaction(self, plan, key, inflow, amount, day, external_id):
        body = {
            "amount_cents": amount,
            "direction": "inflow" if inflow else "outflow",
            "date": day,
            "description": "simulated ACH",
        }
        if external_id:
            body["external_id"] = external_id
        self.one(self.request("bank_transaction", "POST", "/api/v1/transactions", body, key=key, loans=True), plan)

    # ---- rules: write-off policy and runs ---------------------------------------------------------

    @rule(plan=plans, key=keyed, variant=st.sampled_from(("invoices and loans", "invoices only", "disabled")))
    def put_policy(self, plan, key, variant):
        body = {
            "enabled": variant != "disabled",
            "invoices": {"enabled": True, "days_past_due": 90},
            "loans": {"enabled": variant == "invoices and loans", "days_past_maturity": 30},
        }
        self.one(self.request("policy", "PUT", f"{self.base}/write-off-policy", body, key=key), plan)

    @rule(plan=plans, key=keyed, run_date=st.sampled_from(RUN_DATES), dry_run=st.booleans())
    def run_write_offs(self, plan, key, run_date, dry_run):
        self.one(
            self.request(
                "run", "POST", f"{self.base}/write-off-runs", {"run_date": run_date, "dry_run": dry_run}, key=key
            ),
            plan,
        )

    # ---- rules: replays, reused keys, concurrency -------------------------------------------------

    @rule(plan=plans, which=index)
    def replay(self, plan, which):
        """The same key, the same request: the first answer again, nothing posted."""
        if not self.recorded:
            return  # nothing to act on yet (see idle)
        first = pick(list(self.recorded.values()), which)
        exchange = self.one(first.request, plan)
        if exchange.final is None or exchange.final.status != first.status:
            raise AnswerUntrue(
                f"a replay of key {first.request.key} was not answered as the first request\n" + exchange.describe()
            )

    @rule(plan=plans, which=index)
    def reuse_key(self, plan, which):
        """The same key with another request: 409, nothing posted."""
        if not self.recorded:
            return  # nothing to act on yet (see idle)
        key = pick(list(self.recorded), which)
        body = {
            "memo": f"another request under key {key}",
            "line_items": [
                {
                    "account_identifier": {"type": "StableName", "stable_name": "CASH"},
                    "amount": 1,
                    "direction": "DEBIT",
                },
                {
                    "account_identifier": {"type": "StableName", "stable_name": "RETAINED_EARNINGS"},
                    "amount": 1,
                    "direction": "CREDIT",
                },
            ],
        }
        exchange = self.one(Request("entry", "POST", f"{self.base}/custom-journal-entries", body, key), plan)
        if exchange.final is not None and exchange.final.status != 409:
            raise AnswerUntrue(
                f"key {key} reused for another request answered {exchange.final.status}, not 409\n"
                + exchange.describe()
            )

    @rule(
        copies=st.integers(2, 3),
        which=st.sampled_from(
            ("entry", "reverse", "invoice payment", "invoice write-off", "loan payment", "void", "delete write-off")
        ),
        one=index,
        step_plans=st.lists(plans, min_size=3, max_size=3),
    )
    def concurrent_duplicates(self, copies, which, one, step_plans):
        """The same keyed request several times at once (a double click, a client retrying on a timeout)."""
        request = self.duplicable(which, one)
        if request is None:
            return
        self.step([request] * copies, step_plans[:copies])

    def duplicable(self, which: str, target: int) -> Request | None:
        if which == "entry":
            body = {
                "memo": "double click",
                "line_items": [
                    {
                        "account_identifier": {"type": "StableName", "stable_name": "CASH"},
                        "amount": 777,
                        "direction": "DEBIT",
                    },
                    {
                        "account_identifier": {"type": "StableName", "stable_name": "OPENING_BALANCE_EQUITY"},
                        "amount": 777,
                        "direction": "CREDIT",
                    },
                ],
            }
            return self.request("entry", "POST", f"{self.base}/custom-journal-entries", body)
        if which == "reverse" and self.custom_entries:
            entry = pick(self.custom_entries, target)
            return self.request(
                "reverse", "DELETE", f"{self.base}/custom-journal-entries/{entry['entry_id']}", target=entry["entry_id"]
            )
        if which in ("invoice payment", "invoice write-off", "void") and self.invoices:
            invoice = pick(self.invoices, target)
            if which == "void":
                return self.request(
                    "void", "POST", f"{self.base}/invoices/{invoice['invoice_id']}/void", target=invoice["invoice_id"]
                )
            amount = max(1, invoice["outstanding_balance"] // 2)
            if which == "invoice payment":
                return self.request(
                    "invoice_payment",
                    "POST",
                    f"{self.base}/invoices/{invoice['invoice_id']}/payment",
                    {"amount": amount, "paid_at": SETTLED_AT},
                    target=invoice["invoice_id"],
                )
            return self.request(
                "invoice_write_off",
                "POST",
                f"{self.base}/invoices/{invoice['invoice_id']}/write-off",
                {"amount": amount, "write_off_at": SETTLED_AT},
                target=invoice["invoice_id"],
            )
        if which == "delete write-off" and self.write_offs:
            invoice_id, write_off = pick(self.write_offs, target)
            return self.request(
                "delete_write_off",
                "DELETE",
                f"{self.base}/invoices/{invoice_id}/write-offs/{write_off['id']}",
                target=invoice_id,
            )
        if which == "loan payment" and self.instruments:
            instrument = pick(self.instruments, target)
            body = {
                "payment_amount_cents": 30_000,
                "cash_ledger_id": self.account_id("CASH"),
                "payment_date": self.event_date(instrument, 0),
            }
            return self.request(
                "loan_payment",
                "POST",
                f"/api/v1/businesses/{self.business_id}/cfo-portal/"
                f"debt-schedule/instruments/{instrument['id']}/payments",
                body,
                loans=True,
                target=instrument["id"],
            )
        return None

    @rule(
        one=index,
        loan=st.booleans(),
        step_plans=st.lists(plans, min_size=3, max_size=3),
        shares=st.lists(st.sampled_from(("half", "all", "third")), min_size=2, max_size=3),
    )
    def concurrent_rivals(self, one, loan, step_plans, shares):
        """Different requests on one invoice or loan at once: no lost update, no overpayment."""
        if not (self.invoices or self.instruments):
            return  # nothing to act on yet (see idle)
        requests = []
        if loan and self.instruments or not self.invoices:
            instrument = pick(self.instruments, one)
            day = self.event_date(instrument, 0)
            for share in shares:
                if share == "all":
                    requests.append(
                        self.request(
                            "loan_write_off",
                            "POST",
                            f"/api/v1/loans/{instrument['id']}/write-off",
                            {"write_off_date": day},
                            loans=True,
                            target=instrument["id"],
                        )
                    )
                else:
                    amount = max(1, instrument["current_balance_cents"] // (2 if share == "half" else 3))
                    requests.append(
                        self.request(
                            "loan_payment",
                            "POST",
                            f"/api/v1/businesses/{self.business_id}/cfo-portal/debt-schedule/"
                            f"instruments/{instrument['id']}/payments",
                            {
                                "payment_amount_cents": amount,
                                "cash_ledger_id": self.account_id("CASH"),
                                "payment_date": day,
                            },
                            loans=True,
                            target=instrument["id"],
                        )
                    )
        else:
            invoice = pick(self.invoices, one)
            for position, share in enumerate(shares):
                amount = self.portion(invoice["outstanding_balance"], "all" if share == "all" else "third")
                kind, path = ("invoice_payment", "payment") if position % 2 == 0 else ("invoice_write_off", "write-off")
                body = {"amount": amount, ("paid_at" if kind == "invoice_payment" else "write_off_at"): SETTLED_AT}
                requests.append(
                    self.request(
                        kind,
                        "POST",
                        f"{self.base}/invoices/{invoice['invoice_id']}/{path}",
                        body,
                        target=invoice["invoice_id"],
                    )
                )
        self.step(requests, step_plans[: len(requests)])

    # ---- after every step -------------------------------------------------------------------------

    @invariant()
    def books_hold(self) -> None:
        # Each step already checked its snapshots; this re-reads the books cold, so nothing slipped in
        # between steps either.
        snapshot(self.business_id, self.store.lock).check()

    def teardown(self) -> None:
        # Once per run: the direct read of moto's table agrees with a Query through the client.
        direct, queried = snapshot(self.business_id, self.store.lock), query_snapshot(self.business_id)
        assert direct.items == queried.items, "the simulation's direct snapshot disagrees with a Query"


def _entries(entries: list[dict[str, Any]]) -> str:
    return ", ".join(f"{e['entry_id'][-8:]} {e['source_type']}" for e in entries) or "none"


def test_simulation(moto_table, monkeypatch, capsys):
    store = SimulatedStore().install(monkeypatch, moto=True)
    local = gateway()
    authorize = local._authorize

    def authorize_in_phase(event: dict[str, Any]) -> Any:
        with store.authorizing():
            return authorize(event)

    monkeypatch.setattr(local, "_authorize", authorize_in_phase)
    monkeypatch.setattr(LedgerSimulation, "store", store, raising=False)
    config = settings(
        max_examples=RUNS,
        stateful_step_count=STEPS_PER_RUN,
        deadline=None,
        database=None,
        derandomize=False,
        suppress_health_check=list(HealthCheck),
        print_blob=False,
        phases=[Phase.generate, Phase.shrink] if SHRINK else [Phase.generate],
    )
    replay = (
        f"make soak SEED={SEED} STEPS={STEPS} (SIM_SEED={SEED} SIM_STEPS={STEPS} SIM_STEPS_PER_RUN={STEPS_PER_RUN})"
    )
    with capsys.disabled():
        print(f"\nsimulation seed {SEED}: {RUNS} run(s) of {STEPS_PER_RUN} steps; replay with {replay}")
    STATS.clear()
    started = time.monotonic()
    try:
        run_state_machine_as_test(use_seed(SEED)(LedgerSimulation), settings=config)
    except BaseException as failure:
        failure.add_note(f"simulation seed {SEED}: replay with {replay}")
        raise
    finally:
        summary = ", ".join(f"{name}: {count}" for name, count in sorted(STATS.items()))
        with capsys.disabled():
            print(f"\nsimulation seed {SEED}: {time.monotonic() - started:.0f} s; {summary}")


def test_a_run_whose_summary_cannot_be_saved_does_not_say_nothing_was_posted(moto_table, monkeypatch):
    """Found with the simulation's machine: an overdue invoice, a policy, and a run whose first write (the
    invoice's write-off) commits while every later one (the run summary) meets conflicts and throttling.
    The run used to answer 503 "nothing was posted" with the invoice written off."""
    store = SimulatedStore().install(monkeypatch, moto=True)
    monkeypatch.setattr(LedgerSimulation, "store", store, raising=False)
    simulation = LedgerSimulation()
    simulation.put_policy(NO_FAULTS, True, "invoices only")
    simulation.create_invoice(NO_FAULTS, True, True, [(1_000, "1")], None)

    run = simulation.one(
        simulation.request(
            "run", "POST", f"{simulation.base}/write-off-runs", {"run_date": "2026-06-30", "dry_run": False}
        ),
        FaultPlan("storm", storm="definite", after=1),
    )

    assert run.first.status == 503 and claim(run.first) == "partly", run.describe()
    assert [i["status"] for i in simulation.books.invoices.values()] == ["WRITTEN_OFF"]


def test_a_run_reports_an_item_it_wrote_off_under_an_unknown_outcome_as_written_off(moto_table, monkeypatch):
    """Found by the simulation (a soak of 1,000 steps): every send of the item's write-off is
    outcome-unknown although the first committed; the run used to find the item's own derived record and
    list the invoice it had just written off as skipped ("already written off for this run date")."""
    store = SimulatedStore().install(monkeypatch, moto=True)
    monkeypatch.setattr(LedgerSimulation, "store", store, raising=False)
    simulation = LedgerSimulation()
    simulation.put_policy(NO_FAULTS, True, "invoices only")
    simulation.create_invoice(NO_FAULTS, True, True, [(1_000, "1")], None)

    run = simulation.one(
        simulation.request(
            "run", "POST", f"{simulation.base}/write-off-runs", {"run_date": "2026-06-30", "dry_run": False}
        ),
        FaultPlan("storm", storm="unknown-committed"),
    )

    (invoice_id,) = simulation.books.invoices
    assert [item["id"] for item in body_of(run.final)["written_off"]] == [invoice_id], run.describe()
