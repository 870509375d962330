"""The write-off queue (SQS): the scheduler's fan-out and the chunks of queued runs go through here.

Locally (``make run``, the tests) a sender can be installed with :func:`deliver_locally`: the
messages then go to an in-process worker instead of SQS, the same messages the SQS worker gets.
"""

import json
import os
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from botocore.config import Config

from ledgerline.store.runtime import session

BATCH = 10
"""Messages per SendMessageBatch (SQS's limit)."""

_local: Callable[[list[dict[str, Any]]], None] | None = None


def deliver_locally(sender: Callable[[list[dict[str, Any]]], None] | None) -> None:
    """Send every message to ``sender`` (an in-process worker) instead of SQS; ``None`` to stop."""
    global _local  # noqa: PLW0603 - one queue per process, like the one SQS queue per deployment
    _local = sender


@lru_cache(maxsize=1)
def sqs_client():
    """The SQS client, created once per container."""
    return session().create_client("sqs", config=Config(retries={"mode": "standard", "max_attempts": 4}))


def send_messages(messages: list[dict[str, Any]]) -> None:
    """Up to 10 messages in one SendMessageBatch; a partial failure raises so the schedule retries."""
    if not messages:
        return
    if _local is not None:
        _local(messages)
        return
    response = sqs_client().send_message_batch(
        QueueUrl=os.environ["WRITE_OFF_QUEUE_URL"],
        Entries=[{"Id": str(index), "MessageBody": json.dumps(message)} for index, message in enumerate(messages)],
    )
    if response.get("Failed"):
        raise RuntimeError(f"{len(response['Failed'])} write-off messages were not queued: {response['Failed']}")
