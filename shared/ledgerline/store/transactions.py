"""The posting writer: one ``TransactWriteItems`` per change, and what its cancellation means.

Every action carries the domain error its condition stands for, so a ``CancellationReasons`` entry
maps straight back to a meaningful answer; ``ALL_OLD`` returns the item that failed, which saves
a read (e.g. to replay an idempotent response).
"""

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from botocore.exceptions import ClientError

from ledgerline.errors import ServiceBusy
from ledgerline.store import codec
from ledgerline.store.runtime import dynamodb_client, table_name

T = TypeVar("T")

OnConditionFailed = Callable[[dict[str, Any] | None], BaseException]

RETRYABLE_REASONS = {"TransactionConflict", "ProvisionedThroughputExceeded", "ThrottlingError"}
RETRYABLE_ERRORS = {
    "TransactionInProgressException",
    "ProvisionedThroughputExceededException",
    "ThrottlingException",
    "RequestLimitExceeded",
    "InternalServerError",
}
MAX_ATTEMPTS = 10
"""Enough for ~two dozen concurrent writers on one hot item (e.g. payments on one loan: each round one
wins, the rest re-read) — 6 left 1–14 of 24 such payments with a 503 on DynamoDB Local. Worst case
≈ 2.6 s of backoff in total, well inside the functions' 10 s timeout."""
BACKOFF_BASE_SECONDS = 0.02
BACKOFF_CAP_SECONDS = 0.4


class Retryable(Exception):
    """The write lost a race (conflict, throttling, a version that moved): read again and retry."""


class TokenReused(Exception):
    """DynamoDB saw this ClientRequestToken with other parameters: a duplicate of a keyed request."""


@dataclass(frozen=True)
class Action:
    request: dict[str, Any]
    on_condition_failed: OnConditionFailed


def _concurrent(_old: dict[str, Any] | None) -> BaseException:
    return Retryable("a guarded item changed since it was read")


def put(item: dict[str, Any], *, on_condition_failed: OnConditionFailed = _concurrent,
        condition: str | None = "attribute_not_exists(PK)", values: dict[str, Any] | None = None,
        names: dict[str, str] | None = None) -> Action:
    """A Put guarded by ``condition`` (default: the item is new); ``None`` for an unconditional replace."""
    request: dict[str, Any] = {"TableName": table_name(), "Item": codec.to_item(item)}
    if condition is not None:
        request["ConditionExpression"] = condition
        request["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
    if values:
        request["ExpressionAttributeValues"] = codec.to_item(values)
    if names:
        request["ExpressionAttributeNames"] = names
    return Action({"Put": request}, on_condition_failed)


def update(key: dict[str, str], expression: str, *, condition: str, values: dict[str, Any] | None = None,
           names: dict[str, str] | None = None, on_condition_failed: OnConditionFailed = _concurrent) -> Action:
    request: dict[str, Any] = {
        "TableName": table_name(),
        "Key": codec.to_item(key),
        "UpdateExpression": expression,
        "ConditionExpression": condition,
        "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
    }
    if values:
        request["ExpressionAttributeValues"] = codec.to_item(values)
    if names:
        request["ExpressionAttributeNames"] = names
    return Action({"Update": request}, on_condition_failed)


def commit(actions: list[Action], *, token: str) -> None:
    """Write ``actions`` atomically, or raise the first failed condition's domain error."""
    try:
        dynamodb_client().transact_write_items(
            TransactItems=[action.request for action in actions], ClientRequestToken=token
        )
    except ClientError as error:
        raise _meaning_of(error, actions) from None


def _meaning_of(error: ClientError, actions: list[Action]) -> BaseException:
    code = error.response.get("Error", {}).get("Code", "")
    if code == "TransactionCanceledException":
        reasons = error.response.get("CancellationReasons") or []
        # Actions are ordered by priority (idempotency record first), so the first failed
        # condition is the answer that matters most.
        for action, reason in zip(actions, reasons, strict=False):
            if reason.get("Code") == "ConditionalCheckFailed":
                return action.on_condition_failed(codec.from_item(reason.get("Item")))
        if any(reason.get("Code") in RETRYABLE_REASONS for reason in reasons):
            return Retryable(code)
        return error
    if code == "IdempotentParameterMismatchException":
        return TokenReused(code)
    if code in RETRYABLE_ERRORS:
        return Retryable(code)
    return error


def with_retries(operation: Callable[[int], T], *, on_retry: Callable[[], None] | None = None) -> T:
    """Run ``operation(attempt)`` (read, decide, write) until it stops losing races, then give up: 503."""
    for attempt in range(MAX_ATTEMPTS):
        try:
            return operation(attempt)
        except Retryable:
            if on_retry:
                on_retry()
            # Full jitter: concurrent writers spread out instead of colliding again in lockstep.
            time.sleep(random.uniform(0, min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2**attempt)))
    raise ServiceBusy()
