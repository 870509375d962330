"""Races on one loan, on DynamoDB Local (SPEC §8): concurrent payments never overpay and never lose an
update; concurrent duplicates under one Idempotency-Key pay once.

Each thread goes through the local API Gateway (its own loaded copy of the function, as in Lambda);
a barrier releases them together. Losers of a race retry from fresh reads with bounded jittered
backoff (store/transactions.py); a request still losing after that would get 503, which these tests
count as a failure.
"""

from collections import Counter

import pytest
from support import all_at_once, assert_books_balance, books, new_api, pin_clock
from support.loans import TODAY, Loans, ok

pytestmark = pytest.mark.integration


@pytest.fixture
def loans(local_table: str, monkeypatch: pytest.MonkeyPatch) -> Loans:
    pin_clock(monkeypatch, TODAY)
    client = Loans(new_api())
    yield client
    assert_books_balance(client.api.business_id)


def zero_rate_loan(loans: Loans) -> dict:
    return loans.instrument("lend", interest_rate_bps=0, original_principal_cents=1_000_000)


def test_twenty_four_concurrent_payments_pay_exactly_what_is_owed_and_no_more(loans):
    loan = zero_rate_loan(loans)
    body = {"payment_amount_cents": 60_000, "cash_ledger_id": loans.cash, "payment_date": "2024-03-31"}

    responses = all_at_once(24, lambda _: loans.pay(loan["id"], body))

    statuses = Counter(r.status for r in responses)
    assert statuses == {201: 16, 400: 8}, {s: [r.json() for r in responses if r.status == s][:1] for s in statuses}
    assert {r.json()["code"] for r in responses if r.status == 400} == {"OVERPAYMENT"}
    remaining = sorted(r.json()["data"]["remaining_balance_cents"] for r in responses if r.status == 201)
    assert remaining == list(range(40_000, 1_000_000, 60_000))  # each success saw the one before it
    state = loans.get(loan["id"])
    assert (state["current_balance_cents"], state["status"]) == (40_000, "active")
    assert len([e for e in state["activity"] if e["type"] == "payment"]) == 16
    after = books(loans.api.business_id)
    assert after["balances"]["NOTES_RECEIVABLE"] == 40_000
    assert after["balances"]["CASH"] == -1_000_000 + 16 * 60_000
    assert len(after["entries"]) == 1 + 16


def test_twenty_concurrent_duplicates_under_one_idempotency_key_pay_once(loans):
    loan = zero_rate_loan(loans)
    body = {"payment_amount_cents": 60_000, "cash_ledger_id": loans.cash, "payment_date": "2024-03-31"}

    responses = all_at_once(20, lambda _: loans.pay(loan["id"], body, headers={"Idempotency-Key": "pay-once"}))

    assert [r.status for r in responses] == [201] * 20
    assert len({r.body for r in responses}) == 1
    state = loans.get(loan["id"])
    assert state["current_balance_cents"] == 940_000
    assert len([e for e in state["activity"] if e["type"] == "payment"]) == 1
    assert len(books(loans.api.business_id)["entries"]) == 2


def test_concurrent_write_offs_write_off_once(loans):
    loan = loans.instrument("lend")

    responses = all_at_once(10, lambda _: loans.write_off(loan["id"], {"write_off_date": "2024-03-31"}))

    assert Counter(r.status for r in responses) == {201: 1, 409: 9}
    assert loans.get(loan["id"])["written_off_principal_cents"] == 1_000_000
    assert books(loans.api.business_id)["balances"]["BAD_DEBT"] == 1_000_000


def test_one_bank_transaction_rebooked_concurrently_is_matched_once(loans):
    loan = loans.instrument("lend", interest_rate_bps=0)
    txn = ok(loans.import_transaction({"amount_cents": 10_000, "direction": "inflow", "date": "2024-03-31"}))

    responses = all_at_once(8, lambda _: loans.pay(loan["id"], {"transaction_id": txn["id"]}))

    assert Counter(r.status for r in responses) == {201: 1, 409: 7}
    assert loans.get(loan["id"])["current_balance_cents"] == 990_000
    assert books(loans.api.business_id)["balances"].get("UNCATEGORIZED_REVENUE", 0) == 0
