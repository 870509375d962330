"""The write-off queue (SQS): the scheduler's fan-out goes through here."""

import json
import os
from functools import lru_cache
from typing import Any

import boto3
from botocore.config import Config


@lru_cache(maxsize=1)
def sqs_client():
    """The SQS client, created once per container."""
    return boto3.client("sqs", config=Config(retries={"mode": "standard", "max_attempts": 4}))


def send_messages(messages: list[dict[str, Any]]) -> None:
    """Up to 10 messages in one SendMessageBatch; a partial failure raises so the schedule retries."""
    if not messages:
        return
    response = sqs_client().send_message_batch(
        QueueUrl=os.environ["WRITE_OFF_QUEUE_URL"],
        Entries=[{"Id": str(index), "MessageBody": json.dumps(message)} for index, message in enumerate(messages)],
    )
    if response.get("Failed"):
        raise RuntimeError(f"{len(response['Failed'])} write-off messages were not queued: {response['Failed']}")
