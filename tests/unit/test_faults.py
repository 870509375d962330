"""SPEC §9.3: every mutating route under every fault DynamoDB or the network can produce.

Each case runs one route's bench sample (bench/samples.py: the same requests the bench sends) twice,
in two businesses set up alike: once cleanly (the twin) and once with a fault injected at the DynamoDB
client. The faulty run must answer truthfully and leave the books exactly as the twin's: the same
number of new items of each kind and the same balance moves — one posting, never two, never a lost one.

- outcome unknown *after a real commit* (InternalServerError, TransactionInProgress, read timeout,
  dropped connection): the identical transaction is resent under the same ClientRequestToken, which
  DynamoDB answers with success and no second write; the answer is the twin's.
- definite failures before anything is written (TransactionConflict cancellation, throttling, no
  connection): decided again from fresh reads; the answer is the twin's.
(The faults that never resolve are in test_faults_unknown.py; the cases in tests/support/fault_cases.py.)
"""

from typing import Any

import pytest
from support import assert_books_balance
from support.fault_cases import ROUTE_KEYS, ROUTES, Case, Through, change, install, rotating, samples, snapshot, twin
from support.faults import OUTCOME_UNKNOWN, definite, unknown

from ledgerline.store.runtime import dynamodb_client


@pytest.mark.parametrize(("route", "index"), ROUTES)
def test_faults_in_a_row_end_in_one_posting_and_the_clean_answer(table, monkeypatch, route, index):
    """Conflict, throttling and no connection (decided again), then an outcome unknown twice after the
    commit (resent under its token): exactly what the clean run posted, and its answer."""
    status, expected = twin(route, index, monkeypatch)
    case = Case(route, index)
    position = ROUTE_KEYS.index((route, index))
    plan = [
        definite("TransactionConflict"),
        definite("Throttling"),
        definite("NoConnection"),
        unknown(rotating(position)),
        unknown(rotating(position + 1)),
    ]
    injected = install(monkeypatch, plan)

    answer = case.send()

    assert injected.injected == len(plan)
    assert answer.status == status, answer.body
    assert case.change() == expected
    assert_books_balance(case.api.business_id)


@pytest.mark.parametrize("fault", OUTCOME_UNKNOWN)
@pytest.mark.parametrize(("route", "index"), [ROUTES[0], *[r for r in ROUTES if "payment" in r.values[0]][:1]])
def test_each_outcome_unknown_error_is_resent_under_its_token(table, monkeypatch, route, index, fault):
    status, expected = twin(route, index, monkeypatch)
    case = Case(route, index)
    injected = install(monkeypatch, [unknown(fault)])

    answer = case.send()

    assert injected.injected == 1
    assert answer.status == status, answer.body
    assert case.change() == expected


def test_a_resend_reuses_the_token_and_content_of_the_first_send(unit_api, monkeypatch):
    sent: list[dict[str, Any]] = []
    injected = install(monkeypatch, [unknown("ReadTimeout")])
    real = injected.real

    def record(**request: Any) -> Any:
        sent.append(request)
        return real(**request)

    injected.real = record
    response = unit_api.post(f"{unit_api.base}/custom-journal-entries", samples.entry())

    assert response.status == 201
    assert len(sent) == 2
    assert sent[0] == sent[1]


def test_every_transaction_of_a_request_has_its_own_token(unit_api, monkeypatch):
    """An accrual run posts 24 instruments to a transaction, then the run: no transaction may reuse another's
    token (issue 8: keyed runs burned them)."""
    tokens: list[str] = []
    client = dynamodb_client()
    real = client.transact_write_items

    def record(**request: Any) -> Any:
        tokens.append(request["ClientRequestToken"])
        return real(**request)

    api = unit_api
    books = samples.Books(Through(), api.business_id, api.token)  # type: ignore[arg-type]
    for _ in range(30):
        books.new_instrument()
    monkeypatch.setattr(client, "transact_write_items", record)
    response = books.send(
        "POST",
        "/api/v1/loans/accrue-interest",
        body={"through_date": samples.EVENT_DAY},
        headers={"idempotency-key": "month-end"},
    ).response

    assert response.status == 201, response.body
    assert len(response.json()["data"]["accrued"]) == 30
    assert len(tokens) == 3 and len(set(tokens)) == 3  # 24 accruals, 6 accruals, the run


def test_a_keyed_accrue_all_that_stops_part_way_says_so_and_the_same_key_completes_it(unit_api, monkeypatch):
    api = unit_api
    books = samples.Books(Through(), api.business_id, api.token)  # type: ignore[arg-type]
    for _ in range(30):  # two transactions: 24 + 6
        books.new_instrument()
    before = snapshot(api.business_id)

    def accrue_all() -> Any:
        return books.send(
            "POST",
            "/api/v1/loans/accrue-interest",
            body={"through_date": samples.EVENT_DAY},
            headers={"idempotency-key": "month-end"},
        ).response

    with monkeypatch.context() as faulty:
        install(faulty, [definite("TransactionConflict")], skip=1, forever=True)  # the second chunk never gets in
        stopped = accrue_all()
    assert stopped.status == 503, stopped.body
    assert stopped.json()["code"] == "PARTLY_POSTED"
    assert "24 accrual(s)" in stopped.json()["detail"]
    assert "nothing was posted" not in stopped.json()["detail"]
    assert change(before, snapshot(api.business_id))["kinds"]["ENTRY"] == 24

    completed = accrue_all()

    assert completed.status == 201, completed.body
    assert change(before, snapshot(api.business_id))["kinds"]["ENTRY"] == 30
    assert accrue_all().json() == completed.json()  # and the key now replays
    assert_books_balance(api.business_id)
