"""SPEC §3: conflicts and throttling are retried within bounds; what outlives the bounds is a 503.

moto never raises TransactionConflict (FACTS.md), so the cancellations are injected into the shared
client's ``transact_write_items``; everything else still runs against the moto table.
"""

from typing import Any

import pytest
from botocore.exceptions import ClientError
from support import assert_books_balance, books, post_entry

from ledgerline.store import runtime, transactions

ALWAYS = 10**6


class FlakyWrites:
    """The first ``failures`` TransactWriteItems calls are cancelled; the rest go through."""

    def __init__(
        self,
        monkeypatch: pytest.MonkeyPatch,
        *,
        failures: int,
        reason: str | None = None,
        error_code: str = "TransactionCanceledException",
    ) -> None:
        self.failures = failures
        self.reason = reason
        self.error_code = error_code
        self.calls = 0
        self.sleeps: list[float] = []
        client = runtime.dynamodb_client()
        self._real = client.transact_write_items
        monkeypatch.setattr(client, "transact_write_items", self)
        monkeypatch.setattr(transactions.time, "sleep", self.sleeps.append)

    def __call__(self, **request: Any) -> Any:
        self.calls += 1
        if self.calls <= self.failures:
            raise self._error(len(request["TransactItems"]))
        return self._real(**request)

    def _error(self, actions: int) -> ClientError:
        response: dict[str, Any] = {"Error": {"Code": self.error_code, "Message": "injected by the test"}}
        if self.reason is not None:
            # One reason per action, in order, as DynamoDB reports them; the last action lost the race.
            response["CancellationReasons"] = [{"Code": "None"}] * (actions - 1) + [
                {"Code": self.reason, "Message": "injected by the test"}
            ]
        return ClientError(response, "TransactWriteItems")


def assert_busy(response) -> None:
    assert response.status == 503
    assert int(response.headers["retry-after"]) >= 1
    body = response.json()
    assert set(body) == {"type", "description", "error_enum", "meta"}
    assert body["description"]


RETRYABLE_REASONS = ["TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded"]


@pytest.mark.parametrize("reason", RETRYABLE_REASONS)
def test_a_write_cancelled_twice_for_a_retryable_reason_succeeds_once(unit_api, monkeypatch, reason):
    writes = FlakyWrites(monkeypatch, failures=2, reason=reason)

    response = post_entry(unit_api)

    assert response.status == 201
    assert writes.calls == 3
    assert len(writes.sleeps) == 2
    after = books(unit_api.business_id)
    assert after["entries"] == [response.json()["id"]]
    assert after["balances"]["CASH"] == 10_000
    assert_books_balance(unit_api.business_id)


@pytest.mark.parametrize("reason", RETRYABLE_REASONS)
def test_a_write_that_keeps_losing_is_503_with_retry_after_and_posts_nothing(unit_api, monkeypatch, reason):
    before = books(unit_api.business_id)
    writes = FlakyWrites(monkeypatch, failures=ALWAYS, reason=reason)

    response = post_entry(unit_api)

    assert_busy(response)
    assert writes.calls == transactions.MAX_ATTEMPTS
    assert books(unit_api.business_id) == before


@pytest.mark.parametrize(
    "code", ["ThrottlingException", "ProvisionedThroughputExceededException", "TransactionInProgressException"]
)
def test_a_throttled_call_is_retried_like_a_conflict(unit_api, monkeypatch, code):
    writes = FlakyWrites(monkeypatch, failures=2, error_code=code)

    response = post_entry(unit_api)

    assert response.status == 201
    assert writes.calls == 3
    assert len(books(unit_api.business_id)["entries"]) == 1
    assert_books_balance(unit_api.business_id)


def test_backoff_between_attempts_is_bounded(unit_api, monkeypatch):
    writes = FlakyWrites(monkeypatch, failures=ALWAYS, reason="TransactionConflict")

    post_entry(unit_api)

    assert len(writes.sleeps) == transactions.MAX_ATTEMPTS
    assert all(0 <= pause <= transactions.BACKOFF_CAP_SECONDS for pause in writes.sleeps)


def test_a_503_records_no_idempotency_key_so_the_same_request_can_be_retried(unit_api, monkeypatch):
    writes = FlakyWrites(monkeypatch, failures=transactions.MAX_ATTEMPTS, reason="TransactionConflict")
    busy = post_entry(unit_api, headers={"Idempotency-Key": "retry-me"})
    assert_busy(busy)

    retried = post_entry(unit_api, headers={"Idempotency-Key": "retry-me"})

    assert retried.status == 201
    assert writes.calls == transactions.MAX_ATTEMPTS + 1
    assert len(books(unit_api.business_id)["entries"]) == 1
    assert_books_balance(unit_api.business_id)


def test_a_reversal_retries_a_conflict_and_reverses_once(unit_api, monkeypatch):
    entry_id = post_entry(unit_api).json()["id"]
    writes = FlakyWrites(monkeypatch, failures=2, reason="TransactionConflict")

    response = unit_api.delete(f"{unit_api.base}/custom-journal-entries/{entry_id}")

    assert response.status == 200
    assert writes.calls == 3
    assert len(books(unit_api.business_id)["entries"]) == 2
    assert books(unit_api.business_id)["balances"]["CASH"] == 0
    assert_books_balance(unit_api.business_id)


def test_a_cancellation_for_a_non_retryable_reason_is_not_retried(unit_api, monkeypatch):
    before = books(unit_api.business_id)
    writes = FlakyWrites(monkeypatch, failures=ALWAYS, reason="ValidationError")

    response = post_entry(unit_api)

    assert response.status == 500
    assert writes.calls == 1
    assert "Traceback" not in response.body.decode()
    assert books(unit_api.business_id) == before
