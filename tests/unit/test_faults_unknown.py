"""SPEC §9.3, the faults that never resolve: an outcome that stays unknown, and reads that fail.

- every send commits yet fails: the request proves its commit by reading back an item only its own
  transaction could have written, and answers as committed — one posting;
- every send fails ambiguously without committing: 503 with Retry-After saying the outcome is unknown,
  nothing posted, and the same Idempotency-Key sent again posts it once and answers as the clean run;
- a read that outlives the SDK's retries: 503 with Retry-After, nothing changed.
"""

import json

import pytest
from support import assert_books_balance
from support.fault_cases import ROUTES, Case, ReadFaults, install, on_moto, twin
from support.faults import OUTCOME_UNKNOWN, Fault, Faults, unknown

from ledgerline.store import transactions


def keyed_change(case: Case, expected: dict) -> tuple[dict, dict]:
    """What the keyed case changed and what the (unkeyed) twin did, both without idempotency records."""
    changed, expected = case.change(), {**expected, "kinds": dict(expected["kinds"])}
    assert changed["kinds"].pop("IDEMPOTENCY") == 1  # the key's own record, once
    expected["kinds"].pop("IDEMPOTENCY", None)  # samples sent with a key of their own
    return changed, expected


def send_again_cleanly(case: Case, monkeypatch: pytest.MonkeyPatch):
    with monkeypatch.context() as clean:
        Faults(clean).install(moto=on_moto())
        return case.send()


@pytest.mark.parametrize(("route", "index"), ROUTES)
def test_a_commit_never_confirmed_is_proven_by_reading_it_back(table, monkeypatch, route, index):
    """Every send commits (or is answered by its token) and still fails: the request reads back an item
    only its own transaction could have written, finds it, and answers as committed."""
    status, expected = twin(route, index, monkeypatch)
    case = Case(route, index, key=f"fault-{route}-{index}")
    with monkeypatch.context() as faulty:
        injected = install(faulty, [unknown("InternalServerError")], forever=True)
        answer = case.send()
        assert injected.injected >= transactions.RESENDS
    assert answer.status == status, answer.body

    again = send_again_cleanly(case, monkeypatch)

    assert again.status == status and again.json() == answer.json()  # the key replays the same answer
    changed, expected = keyed_change(case, expected)
    assert changed == expected
    assert_books_balance(case.api.business_id)


@pytest.mark.parametrize(("route", "index"), ROUTES)
def test_an_outcome_that_stays_unknown_is_a_truthful_503_and_the_same_key_completes_it(
    table, monkeypatch, route, index
):
    """Every send fails ambiguously without committing: nothing proves a commit, so the answer says the
    outcome is unknown (never "nothing was posted"), and the same key then posts it exactly once."""
    status, expected = twin(route, index, monkeypatch)
    case = Case(route, index, key=f"fault-{route}-{index}")
    with monkeypatch.context() as faulty:
        injected = install(faulty, [Fault(OUTCOME_UNKNOWN["TransactionInProgress"])], forever=True)
        answer = case.send()
        assert injected.injected >= transactions.RESENDS
    body = answer.json()
    assert answer.status == 503, body
    assert (body.get("code") or "OUTCOME_UNKNOWN") == "OUTCOME_UNKNOWN"
    assert "unknown" in (body.get("detail") or body.get("description")), body
    assert "nothing was posted" not in json.dumps(body)
    assert int(answer.headers["retry-after"]) >= 1
    assert case.change() == {"kinds": {}, "moves": {}}

    again = send_again_cleanly(case, monkeypatch)

    assert again.status == status, again.body
    changed, expected = keyed_change(case, expected)
    assert changed == expected
    assert_books_balance(case.api.business_id)


@pytest.mark.parametrize(("route", "index"), ROUTES)
def test_a_read_that_outlives_the_sdk_retries_is_a_503_and_changes_nothing(table, monkeypatch, route, index):
    case = Case(route, index)
    faults = ReadFaults(monkeypatch, at=2)  # the first read is the authorizer's token; then the function's

    answer = case.send()

    assert faults.injected == 1
    assert answer.status == 503, answer.body
    assert int(answer.headers["retry-after"]) >= 1
    assert case.change() == {"kinds": {}, "moves": {}}
