"""SPEC §8 performance bar for the loans family: a mutating request makes at most 2 reads and exactly
one TransactWriteItems, and no Scan (an accrual run, a batch, one transaction per 24 instruments) — the rebooking payment too (instrument + transaction in one
BatchGetItem, then the profile and accounts in another). Counted from a cold container (nothing of
the chart remembered), the worst case.

Counts are of the calls the function makes. The authorizer's token lookup (one GetItem) happens
before the function on every request; it is measured on its own (a request the function refuses
before reading anything) and subtracted.
"""

from collections import Counter
from collections.abc import Callable

import pytest
from support import READS, CallCounter
from support.loans import Loans, ok

pytest_plugins = ["support.loans"]  # its fixtures: loans, unit_loans, pinned


@pytest.fixture
def counter(loans: Loans) -> CallCounter:
    return CallCounter()


def calls_of(counter: CallCounter, send: Callable[[], object]) -> Counter:
    counter.reset()
    send()
    return Counter(counter.calls)


def function_calls(loans: Loans, counter: CallCounter, send: Callable[[], object]) -> Counter:
    """The calls made by the function alone: the request's calls minus the authorizer's."""
    authorizer = calls_of(counter, lambda: loans.api.get(loans.schedule_path))  # 422 before any read
    assert authorizer == Counter({"GetItem": 1})
    return calls_of(counter, send) - authorizer


def assert_one_write_two_reads(calls: Counter) -> None:
    assert calls["TransactWriteItems"] == 1, calls
    assert sum(calls[op] for op in READS) <= 2, calls
    assert calls["Scan"] == 0, calls
    assert set(calls) <= {*READS, "TransactWriteItems"}, calls


def test_creating_an_instrument(loans, counter):
    body = {
        "name": "Loan",
        "lender": "Bank",
        "direction": "lend",
        "original_principal_cents": 1_000,
        "start_date": "2024-01-15",
        "maturity_date": "2025-01-15",
    }

    calls = function_calls(loans, counter, lambda: ok(loans.create(body)))
    assert_one_write_two_reads(calls)
    calls = function_calls(
        loans, counter, lambda: ok(loans.create({**body, "cash_ledger_id": loans.cash, "external_id": "loan-1"}))
    )
    assert_one_write_two_reads(calls)


def test_recording_a_payment(loans, counter):
    loan = loans.instrument("lend")
    ok(loans.accrue(loan["id"], {"through_date": "2024-03-31"}))

    assert_one_write_two_reads(function_calls(loans, counter, lambda: loans.payment(loan["id"], 20_000, "2024-04-30")))


def test_recording_a_payment_under_an_idempotency_key(loans, counter):
    loan = loans.instrument("lend")
    body = {"payment_amount_cents": 20_000, "cash_ledger_id": loans.cash, "payment_date": "2024-04-30"}

    assert_one_write_two_reads(
        function_calls(loans, counter, lambda: ok(loans.pay(loan["id"], body, headers={"Idempotency-Key": "k-1"})))
    )


def test_recording_a_payment_that_rebooks_a_bank_transaction_reads_both_in_one_batch(loans, counter):
    loan = loans.instrument("borrow")
    txn = ok(loans.import_transaction({"amount_cents": 20_000, "direction": "outflow", "date": "2024-04-30"}))

    calls = function_calls(loans, counter, lambda: ok(loans.pay(loan["id"], {"transaction_id": txn["id"]})))

    assert_one_write_two_reads(calls)
    # instrument + transaction in one batch, then the profile and every account (the transaction's too)
    assert calls == Counter({"BatchGetItem": 2, "TransactWriteItems": 1})


def test_disbursing(loans, counter):
    loan = loans.instrument("lend")
    body = {"amount_cents": 5_000, "cash_ledger_id": loans.cash, "disbursement_date": "2024-03-31"}

    assert_one_write_two_reads(function_calls(loans, counter, lambda: ok(loans.disburse(loan["id"], body))))


def test_accruing_one_instrument(loans, counter):
    loan = loans.instrument("borrow")

    assert_one_write_two_reads(
        function_calls(loans, counter, lambda: ok(loans.accrue(loan["id"], {"through_date": "2024-03-31"})))
    )


def assert_an_accrual_run(calls: Counter, *, transactions: int, reads: int) -> None:
    """An accrual run is a batch: one transaction per 24 instruments and one for the run; its reads are the
    chart, the business's instrument ids, the books lock (once: a closed date skips the run), the instruments
    of each transaction (and the key's record)."""
    assert calls["TransactWriteItems"] == transactions, calls
    assert sum(calls[op] for op in READS) <= reads, calls
    assert calls["Scan"] == 0, calls
    assert set(calls) <= {*READS, "TransactWriteItems"}, calls


def test_accruing_every_instrument(loans, counter):
    for _ in range(3):
        loans.instrument("lend")

    assert_an_accrual_run(
        function_calls(loans, counter, lambda: ok(loans.accrue_all({"through_date": "2024-03-31"}))),
        transactions=2,
        reads=4,
    )


def test_writing_off(loans, counter):
    partial, full = loans.instrument("lend"), loans.instrument("borrow")
    ok(loans.accrue(full["id"], {"through_date": "2024-03-31"}))

    assert_one_write_two_reads(
        function_calls(loans, counter, lambda: ok(loans.write_off(partial["id"], {"principal_cents": 100})))
    )
    assert_one_write_two_reads(function_calls(loans, counter, lambda: ok(loans.write_off(full["id"]))))


def test_importing_a_bank_transaction(loans, counter):
    body = {"amount_cents": 20_000, "direction": "inflow", "date": "2024-04-30", "external_id": "bank-1"}

    assert_one_write_two_reads(function_calls(loans, counter, lambda: ok(loans.import_transaction(body))))


def test_no_loans_read_scans(loans, counter):
    loan = loans.instrument("lend")
    txn = ok(loans.import_transaction({"amount_cents": 1, "direction": "inflow", "date": "2024-04-30"}))
    counter.reset()

    ok(loans.debt_schedule(), 200)
    loans.get(loan["id"])
    ok(loans.payment_schedule(loan["id"]), 200)
    ok(loans.transaction(txn["id"]), 200)

    assert counter.calls["Scan"] == 0


def test_accruing_every_instrument_under_an_idempotency_key(loans, counter):
    loans.instrument("lend")

    assert_an_accrual_run(
        function_calls(
            loans,
            counter,
            lambda: ok(loans.accrue_all({"through_date": "2024-03-31"}, headers={"Idempotency-Key": "month-end"})),
        ),
        transactions=2,
        reads=5,
    )
