"""Runs of any size (issue 12 §2; SPEC §7 write-off runs, §10.1 accrual runs): past ``INLINE_ITEMS``
candidates a run answers 202 ``running`` and the queue worker finishes it in idempotent chunks; GET shows
its progress, then its result.

The limits are made small here (2 inline, chunks of 3) so a handful of invoices exercises every path;
the real ones are in ``ledgerline.domain.runs``. Messages go to the in-process queue of
``ledgerline_tools.worker`` — the real worker handler, fed the same messages SQS would carry — or
are captured and delivered by hand to replay SQS's redeliveries. Runs on moto and DynamoDB Local.
"""

import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from support import Api, books
from support.fault_cases import install
from support.faults import OUTCOME_UNKNOWN, definite, unknown
from support.invoices import get_invoice
from support.write_offs import assert_automatic_write_off, ids, instrument, invoice, set_policy, start_run

from ledgerline.domain import runs as run_rules
from ledgerline.services import invoices as invoice_service
from ledgerline.store import queue
from ledgerline_tools.functions import LambdaContext, invoke
from ledgerline_tools.template import functions
from ledgerline_tools.worker import LocalQueue, sqs_event

pytest_plugins = ["support.write_offs"]  # its fixture: business

OVERDUE = "2026-01-05T10:00:00Z"
INVOICES = 7  # three chunks: 3 + 3 + 1


@pytest.fixture
def write_off_table(table: str) -> str:
    return table


@pytest.fixture(autouse=True)
def small_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(run_rules, "INLINE_ITEMS", 2)
    monkeypatch.setattr(run_rules, "CHUNK_ITEMS", 3)


@pytest.fixture
def workers(request: pytest.FixtureRequest) -> int:
    """Worker threads: moto is not thread-safe (a transaction deep-copies the table while another thread
    writes to it), so one there; DynamoDB Local takes two, as Lambda would run them in parallel."""
    return 2 if request.node.callspec.params.get("table") == "dynamodb_local" else 1


@pytest.fixture
def captured() -> Iterator[list[dict[str, Any]]]:
    """Messages sent to the queue, kept here instead of delivered."""
    sent: list[dict[str, Any]] = []
    queue.deliver_locally(sent.extend)
    yield sent
    queue.deliver_locally(None)


def overdue_invoices(api: Api, count: int = INVOICES) -> list[dict[str, Any]]:
    set_policy(api)
    return [invoice(api, OVERDUE, 1_000 * (n + 1)) for n in range(count)]


def get_run(api: Api, run_id: str) -> dict[str, Any]:
    response = api.get(f"{api.base}/write-off-runs/{run_id}")
    assert response.status == 200, response.json()
    return response.json()


def deliver(message: dict[str, Any], receives: int = 1) -> list[dict[str, Any]]:
    """One message through the real worker handler, as SQS delivers it; the failures it reports."""
    worker = functions()["WriteOffWorkerFunction"]
    response = invoke(worker, sqs_event(json.dumps(message), receives), LambdaContext("worker", "test"))
    return response["batchItemFailures"]


def test_a_run_past_the_inline_limit_answers_202_and_the_worker_finishes_it(business, workers):
    api = business()
    made = overdue_invoices(api)

    with LocalQueue(workers) as local:
        response = start_run(api, {})
        accepted = response.json()
        local.drain()
    finished = get_run(api, accepted["id"])

    assert response.status == 202, accepted
    assert accepted["status"] == "running" and accepted["finished_at"] is None
    assert accepted["progress"] == {"total": INVOICES, "done": 0, "chunks": 3, "chunks_done": 0}
    assert finished["status"] == "completed" and finished["finished_at"] is not None
    assert finished["progress"] == {"total": INVOICES, "done": INVOICES, "chunks": 3, "chunks_done": 3}
    assert ids(finished["written_off"]) == ids(finished["candidates"]) == {i["id"] for i in made}
    assert finished["totals"] == {
        "candidates": INVOICES,
        "written_off": INVOICES,
        "written_off_cents": sum(i["total_amount"] for i in made),
        "skipped": 0,
        "failed": 0,
    }
    for written in finished["written_off"]:
        assert_automatic_write_off(api, written, "ACCOUNTS_RECEIVABLE")
    assert {get_invoice(api, i["id"])["status"] for i in made} == {"WRITTEN_OFF"}
    listed = api.get(f"{api.base}/write-off-runs").json()["data"]
    assert [run["id"] for run in listed] == [accepted["id"]] and listed[0]["status"] == "completed"


def test_get_shows_progress_chunk_by_chunk_and_a_redelivered_chunk_counts_once(business, captured):
    api = business()
    made = overdue_invoices(api)
    accepted = start_run(api, {}).json()
    chunks = [m for m in captured if m["type"] == "write-off-chunk"]

    assert [len(m["items"]) for m in chunks] == [3, 3, 1]
    assert deliver(chunks[0]) == []
    halfway = get_run(api, accepted["id"])
    assert deliver(chunks[0]) == []  # SQS delivers at least once
    again = get_run(api, accepted["id"])
    before = books(api.business_id)
    assert deliver(chunks[1]) == [] and deliver(chunks[2]) == []

    assert halfway["status"] == "running" and halfway["progress"]["done"] == 3
    assert halfway["totals"]["written_off"] == 3 and halfway["totals"]["written_off_cents"] == 1_000 + 2_000 + 3_000
    assert again == halfway and books(api.business_id) != before
    finished = get_run(api, accepted["id"])
    assert finished["status"] == "completed" and finished["totals"]["written_off"] == INVOICES
    assert len(finished["written_off"]) == INVOICES and ids(finished["written_off"]) == {i["id"] for i in made}
    assert deliver(chunks[2]) == []  # a chunk delivered after the run finished changes nothing
    assert get_run(api, accepted["id"]) == finished


def test_a_queued_dry_run_lists_the_candidates_and_posts_nothing(business, workers):
    api = business()
    made = overdue_invoices(api)
    before = books(api.business_id)

    with LocalQueue(workers) as local:
        accepted = start_run(api, {"dry_run": True}).json()
        local.drain()
    finished = get_run(api, accepted["id"])

    assert accepted["status"] == "running" and finished["status"] == "completed" and finished["dry_run"] is True
    assert ids(finished["candidates"]) == {i["id"] for i in made} and finished["written_off"] == []
    assert finished["totals"]["candidates"] == INVOICES and finished["totals"]["written_off_cents"] == 0
    assert books(api.business_id) == before


def test_a_failing_item_is_retried_with_its_chunk_and_the_rest_are_not_written_twice(business, workers, monkeypatch):
    api = business()
    made = overdue_invoices(api)
    flaky, calls = made[4]["id"], {"n": 0}
    real = invoice_service.load_invoice

    def fails_twice(books_, invoice_id):
        if invoice_id == flaky and calls["n"] < 2:
            calls["n"] += 1
            raise RuntimeError("injected: DynamoDB hiccup")
        return real(books_, invoice_id)

    monkeypatch.setattr(invoice_service, "load_invoice", fails_twice)
    with LocalQueue(workers) as local:
        accepted = start_run(api, {}).json()
        local.drain()
    finished = get_run(api, accepted["id"])

    assert calls["n"] == 2 and local.dead == []
    assert finished["status"] == "completed" and finished["failed"] == []
    assert ids(finished["written_off"]) == {i["id"] for i in made}  # the chunk's others: written off, not skipped
    assert finished["totals"]["written_off"] == INVOICES and finished["totals"]["skipped"] == 0


def test_an_item_that_fails_every_delivery_is_reported_and_the_message_parked(business, workers, monkeypatch):
    api = business()
    made = overdue_invoices(api)
    broken = made[0]["id"]
    real = invoice_service.load_invoice

    def always_fails(books_, invoice_id):
        if invoice_id == broken:
            raise RuntimeError("injected: this invoice cannot be read")
        return real(books_, invoice_id)

    monkeypatch.setattr(invoice_service, "load_invoice", always_fails)
    with LocalQueue(workers) as local:
        accepted = start_run(api, {}).json()
        local.drain()
    finished = get_run(api, accepted["id"])

    assert [m["index"] for m in local.dead] == [0]  # its chunk went to the dead-letter queue after 3 receives
    assert finished["status"] == "completed_with_failures"
    assert [(f["id"], f["reason"]) for f in finished["failed"]] == [(broken, "injected: this invoice cannot be read")]
    assert ids(finished["written_off"]) == {i["id"] for i in made} - {broken}
    assert finished["totals"]["failed"] == 1 and finished["totals"]["written_off"] == INVOICES - 1


def test_the_same_idempotency_key_answers_the_same_queued_run(business, captured):
    api = business()
    overdue_invoices(api)
    headers = {"Idempotency-Key": "month-end-write-offs"}

    first = start_run(api, {}, headers=headers)
    second = start_run(api, {}, headers=headers)

    assert first.status == second.status == 202
    assert second.json() == first.json()
    assert len([m for m in captured if m["type"] == "write-off-chunk"]) == 3  # queued once


def test_chunks_that_could_not_be_queued_fail_and_the_run_still_finishes(business, monkeypatch):
    api = business()
    made = overdue_invoices(api)
    sent: list[dict[str, Any]] = []

    def first_batch_only(messages):
        if sent:
            raise ConnectionError("injected: SQS unreachable")
        sent.extend(messages)

    queue.deliver_locally(first_batch_only)
    monkeypatch.setattr(queue, "BATCH", 1)  # one chunk per SendMessageBatch: the second call fails
    try:
        accepted = start_run(api, {}).json()
    finally:
        queue.deliver_locally(None)
    assert deliver(sent[0]) == []
    finished = get_run(api, accepted["id"])

    assert finished["status"] == "completed_with_failures"
    assert finished["totals"] == {
        "candidates": 3,
        "written_off": 3,
        "skipped": 0,
        "failed": INVOICES - 3,
        "written_off_cents": 6_000,
    }
    assert {f["reason"] for f in finished["failed"]} == {"not queued: injected: SQS unreachable"}
    assert ids(finished["failed"]) == {i["id"] for i in made[3:]}


def test_running_the_same_date_again_after_a_queued_run_writes_nothing_new(business, workers):
    api = business()
    overdue_invoices(api)

    with LocalQueue(workers) as local:
        first = start_run(api, {}).json()
        local.drain()
        after = books(api.business_id)
        second = start_run(api, {})

    assert get_run(api, first["id"])["totals"]["written_off"] == INVOICES
    # Written-off invoices leave the candidate index: nothing to queue, so the run finishes in its request.
    assert second.status == 201 and second.json()["status"] == "completed"
    assert second.json()["totals"]["candidates"] == 0 and books(api.business_id) == after


# ---- accrual runs (SPEC §10.1) --------------------------------------------------------------------

LOANS = 7


def accruing_loans(api: Api, count: int = LOANS) -> list[dict[str, Any]]:
    return [
        instrument(
            api,
            "lend" if n % 2 else "borrow",
            start_date="2026-01-01",
            maturity_date="2027-01-01",
            principal=1_000_000 + n,
            interest_rate_bps=500,
        )
        for n in range(count)
    ]


def accrue_all(api: Api, body: dict[str, Any], **kwargs: Any):
    return api.post("/api/v1/loans/accrue-interest", body, headers={"x-business-id": api.business_id, **kwargs})


def get_accrual_run(api: Api, run_id: str) -> dict[str, Any]:
    response = api.get(f"/api/v1/loans/accrual-runs/{run_id}", headers={"x-business-id": api.business_id})
    assert response.status == 200, response.json()
    return response.json()["data"]


def test_an_accrual_run_past_the_inline_limit_answers_202_and_accrues_each_as_its_own_accrual(business, workers):
    api = business()
    made = accruing_loans(api)
    through = {"through_date": "2026-05-31", "memo": "May interest"}

    with LocalQueue(workers) as local:
        response = accrue_all(api, through)
        local.drain()
    accepted = response.json()["data"]
    finished = get_accrual_run(api, accepted["run_id"])

    assert response.status == 202 and accepted["status"] == "running" and accepted["finished_at"] is None
    assert accepted["progress"] == {"total": LOANS, "done": 0, "chunks": 3, "chunks_done": 0}
    assert finished["status"] == "completed" and finished["progress"]["chunks_done"] == 3
    accrued = {a["instrument_id"]: a for a in finished["accrued"]}
    assert set(accrued) == {loan["id"] for loan in made}
    # Each as its own accrual would post: actual/365 from 2026-01-01 to 05-31 (150 days) at 5 %, half-even.
    for loan in made:
        expected = round(Decimal(loan["original_principal_cents"]) * Decimal("0.05") * 150 / 365)
        assert accrued[loan["id"]]["accrued_interest_cents"] == expected
    assert finished["totals"] == {
        "instruments": LOANS,
        "accrued": LOANS,
        "skipped": 0,
        "failed": 0,
        "accrued_interest_cents": sum(a["accrued_interest_cents"] for a in accrued.values()),
    }
    listed = api.get("/api/v1/loans/accrual-runs", headers={"x-business-id": api.business_id}).json()["data"]
    assert [run["run_id"] for run in listed["runs"]] == [accepted["run_id"]] and listed["has_more"] is False


def test_a_redelivered_accrual_chunk_posts_nothing_and_counts_once(business, captured):
    api = business()
    accruing_loans(api)
    accepted = accrue_all(api, {"through_date": "2026-05-31"}).json()["data"]
    chunks = [m for m in captured if m["type"] == "accrual-chunk"]

    assert [len(m["instrument_ids"]) for m in chunks] == [3, 3, 1]
    assert deliver(chunks[0]) == []
    after_one = books(api.business_id)
    assert deliver(chunks[0]) == []  # SQS delivers at least once: the dates moved, so nothing to accrue
    assert books(api.business_id) == after_one
    halfway = get_accrual_run(api, accepted["run_id"])
    assert deliver(chunks[1]) == [] and deliver(chunks[2]) == []

    assert halfway["status"] == "running" and halfway["totals"]["accrued"] == 3 and halfway["progress"]["done"] == 3
    finished = get_accrual_run(api, accepted["run_id"])
    assert finished["status"] == "completed" and finished["totals"]["accrued"] == LOANS


def test_accruing_through_the_same_date_again_posts_nothing_new(business, workers):
    api = business()
    accruing_loans(api)

    with LocalQueue(workers) as local:
        first = accrue_all(api, {"through_date": "2026-05-31"}).json()["data"]
        local.drain()
        after = books(api.business_id)
        second = accrue_all(api, {"through_date": "2026-05-31"}).json()["data"]
        local.drain()
    again = get_accrual_run(api, second["run_id"])

    assert get_accrual_run(api, first["run_id"])["totals"]["accrued"] == LOANS
    assert again["totals"] == {
        "instruments": LOANS,
        "accrued": 0,
        "accrued_interest_cents": 0,
        "skipped": LOANS,
        "failed": 0,
    }
    assert {s["reason"] for s in again["skipped"]} == {"already accrued through 2026-05-31"}
    assert books(api.business_id) == after


@pytest.mark.parametrize("run_id", ["01a22dd0-0000-7000-8000-000000000000", "not-a-uuid"])
def test_an_unknown_accrual_run_is_not_found(business, run_id):
    api = business()

    response = api.get(f"/api/v1/loans/accrual-runs/{run_id}", headers={"x-business-id": api.business_id})

    assert response.status == 404, response.json()


def test_the_monthly_schedule_accrues_each_business_through_its_month_end_once(business, workers):
    """SPEC §10.1: on the 1st at 12:00 UTC every business with interest-bearing instruments is accrued through
    the last day of the previous month in its own timezone (UTC+14 is already on the 2nd, UTC-11 on the 1st)."""
    east, west, idle = business("East", "Pacific/Kiritimati"), business("West", "Pacific/Pago_Pago"), business("Idle")
    loans = {api.business_id: accruing_loans(api, 1)[0] for api in (east, west)}
    instrument(idle, "lend", start_date="2026-01-01", maturity_date="2027-01-01")  # 0 %: not on the list
    scheduler = functions()["WriteOffSchedulerFunction"]
    fire = {"job": "month-end-accruals", "scheduled_time": "2026-06-01T12:00:00Z"}

    with LocalQueue(workers) as local:
        fanned = invoke(scheduler, fire, LambdaContext("scheduler", "test"))
        local.drain()
        after = {api.business_id: books(api.business_id) for api in (east, west)}
        invoke(scheduler, fire, LambdaContext("scheduler", "test-retry"))  # the schedule's retry, or a redelivery
        local.drain()

    assert fanned == {"job": "month-end-accruals", "businesses": 2} and local.dead == []
    for api in (east, west):
        runs = api.get("/api/v1/loans/accrual-runs", headers={"x-business-id": api.business_id}).json()["data"]["runs"]
        assert len(runs) == 1, runs  # once per month, however often the message comes
        assert (runs[0]["through_date"], runs[0]["trigger"], runs[0]["status"]) == (
            "2026-05-31",
            "schedule",
            "completed",
        )
        assert [a["instrument_id"] for a in runs[0]["accrued"]] == [loans[api.business_id]["id"]]
        assert books(api.business_id) == after[api.business_id]
    assert api_runs(idle) == []


def api_runs(api: Api) -> list[dict[str, Any]]:
    return api.get("/api/v1/loans/accrual-runs", headers={"x-business-id": api.business_id}).json()["data"]["runs"]


@pytest.mark.parametrize(
    "fault",
    [*(unknown(name) for name in OUTCOME_UNKNOWN), *(definite(name) for name in ("TransactionConflict", "Throttling"))],
    ids=[*OUTCOME_UNKNOWN, "TransactionConflict", "Throttling"],
)
def test_a_chunk_recording_that_meets_a_fault_counts_once(business, captured, monkeypatch, fault):
    """SPEC §9.3 on the worker's own write: the chunk's result commits and the client hears an outcome-unknown
    error (sent again under its token), or it is refused before committing (sent again); the chunk counts once."""
    api = business()
    overdue_invoices(api, 3 + 1)  # chunk 0: three write-offs, then the recording transaction
    accepted = start_run(api, {}).json()
    chunk = next(m for m in captured if m["type"] == "write-off-chunk" and m["index"] == 0)

    with monkeypatch.context() as faulty:
        injected = install(faulty, [fault], skip=3)  # the fourth transaction: the chunk's recording
        assert deliver(chunk) == []
    halfway = get_run(api, accepted["id"])
    assert deliver(chunk) == []  # and SQS delivering it again changes nothing either

    assert injected.injected == 1
    assert halfway["progress"]["chunks_done"] == 1 and halfway["totals"]["written_off"] == 3
    assert get_run(api, accepted["id"]) == halfway
