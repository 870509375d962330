"""The posting writer: one ``TransactWriteItems`` per change, and what its cancellation means.

Every action carries the domain error its condition stands for, so a ``CancellationReasons`` entry
maps straight back to a meaningful answer; ``ALL_OLD`` returns the item that failed, which saves
a read (e.g. to replay an idempotent response).
"""

import hashlib
import json
import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from botocore.exceptions import BotoCoreError, ClientError, ConnectTimeoutError, EndpointConnectionError

from ledgerline.errors import OutcomeUnknown, ServiceBusy
from ledgerline.store import codec
from ledgerline.store.runtime import dynamodb_client, table_name

T = TypeVar("T")

OnConditionFailed = Callable[[dict[str, Any] | None], BaseException]

RETRYABLE_REASONS = {"TransactionConflict", "ProvisionedThroughputExceeded", "ThrottlingError"}
REJECTED_ERRORS = {
    "ProvisionedThroughputExceededException",
    "ThrottlingException",
    "RequestLimitExceeded",
}
"""Refused before DynamoDB ran the transaction: nothing was written, so reading again is safe."""
OUTCOME_UNKNOWN_ERRORS = {
    "InternalServerError",
    "TransactionInProgressException",
    "ServiceUnavailable",
}
"""The transaction may or may not have committed (SPEC §9.3): only resending it, identical and under
the same ClientRequestToken, can tell — DynamoDB answers a token it has committed with success and
writes nothing again."""
NOT_SENT_ERRORS = (EndpointConnectionError, ConnectTimeoutError)
"""Connection failures before the request left: as definite as a refusal."""
RESENDS = 6
"""Sends of one transaction (the first included) while its outcome is unknown; with the backoff below
at most ≈ 1.6 s, on top of the SDK's own same-token retries of each send."""
RESEND_BUDGET_SECONDS = 5.0
"""No new send after this long (slow sends: read timeouts), so a request ends well inside the
function's 10 s timeout with an answer instead of being killed without one."""
RESEND_BASE_SECONDS = 0.05
RESEND_CAP_SECONDS = 0.5
TOKEN_NAMESPACE = uuid.UUID("6f1c2a7e-5d44-4c1e-9a59-0b1d2c3e4f50")
MAX_ITEMS = 100
"""The most actions one TransactWriteItems may hold."""
MAX_ATTEMPTS = 10
"""Enough for ~two dozen concurrent writers on one hot item (e.g. payments on one loan: each round one
wins, the rest re-read) — 6 left 1–14 of 24 such payments with a 503 on DynamoDB Local. Worst case
≈ 2.6 s of backoff in total, well inside the functions' 10 s timeout."""
BACKOFF_BASE_SECONDS = 0.02
BACKOFF_CAP_SECONDS = 0.4


STORE_ERRORS = (ClientError, BotoCoreError)
"""Whatever the DynamoDB client raises."""


class Retryable(Exception):
    """The write lost a race (conflict, throttling, a version that moved): read again and retry."""


class NotSent(Retryable):
    """Refused or never sent (throttling, no connection): certainly not written, so decide again."""


class TokenReused(Exception):
    """DynamoDB saw this ClientRequestToken with other parameters: a duplicate of a keyed request."""


@dataclass(frozen=True)
class Action:
    """One write of a transaction, and the error its failed condition stands for (given the item as it was, if seen)."""

    request: dict[str, Any]
    on_condition_failed: OnConditionFailed


def _concurrent(_old: dict[str, Any] | None) -> BaseException:
    return Retryable("a guarded item changed since it was read")


def put(
    item: dict[str, Any],
    *,
    on_condition_failed: OnConditionFailed = _concurrent,
    condition: str | None = "attribute_not_exists(PK)",
    values: dict[str, Any] | None = None,
    names: dict[str, str] | None = None,
) -> Action:
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


def update(
    key: dict[str, str],
    expression: str,
    *,
    condition: str,
    values: dict[str, Any] | None = None,
    names: dict[str, str] | None = None,
    on_condition_failed: OnConditionFailed = _concurrent,
) -> Action:
    """An Update of the item at ``key``; unlike :func:`put`, always guarded (``condition`` is required)."""
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


def check(
    key: dict[str, str],
    condition: str,
    *,
    values: dict[str, Any] | None = None,
    on_condition_failed: OnConditionFailed = _concurrent,
) -> Action:
    """A ConditionCheck: the transaction commits only while the item at ``key`` (which may not exist)
    satisfies ``condition``; nothing is written to it."""
    request: dict[str, Any] = {
        "TableName": table_name(),
        "Key": codec.to_item(key),
        "ConditionExpression": condition,
        "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
    }
    if values:
        request["ExpressionAttributeValues"] = codec.to_item(values)
    return Action({"ConditionCheck": request}, on_condition_failed)


def token_for(seed: str, attempt: int, actions: list[Action]) -> str:
    """A ClientRequestToken unique to this request (``seed``), decision round and transaction content.

    Resends of one transaction reuse it (DynamoDB then answers a committed one with success and no
    second write); a new decision, or another transaction of the same request (e.g. the next chunk of
    a batch), gets its own — never one that another transaction already used.
    """
    content = json.dumps([action.request for action in actions], sort_keys=True, separators=(",", ":"))
    digest = hashlib.sha256(content.encode()).hexdigest()
    return str(uuid.uuid5(TOKEN_NAMESPACE, f"{seed}|{attempt}|{digest}"))


def commit(actions: list[Action], *, token: str) -> None:
    """Write ``actions`` atomically, or raise what stopped them.

    A definite cancellation raises the first failed condition's domain error (or :class:`Retryable`
    for a lost race); a refusal before running raises :class:`NotSent`. An outcome-unknown error is
    answered by sending the identical request again under the same token until DynamoDB gives a
    definite answer; if it never does, :class:`OutcomeUnknown` — never a guess.
    """
    request = {"TransactItems": [action.request for action in actions], "ClientRequestToken": token}
    unknown = False
    started = time.monotonic()
    for send in range(RESENDS):
        if send and time.monotonic() - started > RESEND_BUDGET_SECONDS:
            break
        if send:
            time.sleep(random.uniform(0, min(RESEND_CAP_SECONDS, RESEND_BASE_SECONDS * 2**send)))
        try:
            dynamodb_client().transact_write_items(**request)
            return
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code", "")
            if code in OUTCOME_UNKNOWN_ERRORS:
                unknown = True
                continue
            if code in REJECTED_ERRORS:
                if unknown:  # an earlier send may still have committed: only the same token can tell
                    continue
                raise NotSent(code) from None
            raise _meaning_of(error, actions) from None
        except NOT_SENT_ERRORS as error:
            if unknown:
                continue
            raise NotSent(type(error).__name__) from None
        except BotoCoreError:  # a read timeout or a dropped connection after sending
            unknown = True
    raise OutcomeUnknown()


def committed(actions: list[Action]) -> bool:
    """Whether a transaction whose outcome stayed unknown did commit, proven by reading back the first
    item it puts (items carry fresh ids and timestamps: found as written, it can only be this one's).

    ``False`` means "not proven": not committed yet, overwritten since, or DynamoDB unreachable.
    """
    put = next((action.request["Put"] for action in actions if "Put" in action.request), None)
    if put is None:
        return False
    written = codec.from_item(put["Item"])
    try:
        found = dynamodb_client().get_item(
            TableName=put["TableName"], ConsistentRead=True, Key={name: put["Item"][name] for name in ("PK", "SK")}
        )
    except STORE_ERRORS:
        return False
    return codec.from_item(found.get("Item")) == written


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
