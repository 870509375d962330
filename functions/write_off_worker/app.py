"""SQS worker: one business's run per ``run`` message, one chunk of a queued run per chunk message.

Partial batch failures: a message whose items failed is reported failed, so SQS delivers it again —
items already written off (or accrued) write nothing new, the failed ones are retried; on the last
receive a chunk's failures are recorded in its run (which then finishes ``completed_with_failures``)
and the message still goes to the dead-letter queue, where the alarm sees it.
"""

import json
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from ledgerline.observability import observed
from ledgerline.schemas.policy import WriteOffChunkMessage, WriteOffMessage
from ledgerline.services import write_offs

processor = BatchProcessor(event_type=EventType.SQS)

LAST_RECEIVE = 3
"""The receive after which SQS moves a message to the dead-letter queue (template.yaml: the
WriteOffQueue's ``maxReceiveCount``)."""


class ItemsFailed(Exception):
    """Some items of this business's run failed; the message goes back to the queue."""


def _type(body: str) -> str:
    """The message's ``type`` (``run`` when absent: the scheduler's messages); the body is validated later."""
    try:
        value = json.loads(body)
    except ValueError:
        return "run"
    return str(value.get("type", "run")) if isinstance(value, dict) else "run"


def _run(record: SQSRecord) -> None:
    message = WriteOffMessage.model_validate_json(record.body)
    summary = write_offs.run_for_business(
        message.business_id,
        message.run_date,
        dry_run=message.dry_run,
        trigger=message.trigger,
        as_of=message.scheduled_time,
    )
    if summary.failed:
        raise ItemsFailed(f"{len(summary.failed)} items failed in run {summary.id}")


def _write_off_chunk(record: SQSRecord) -> None:
    message = WriteOffChunkMessage.model_validate_json(record.body)
    chunk = write_offs.WriteOffChunk(message.business_id, message.run_id, message.index, message.run_date,
                                     message.dry_run, tuple(message.items))
    last = int(record.attributes.approximate_receive_count or 1) >= LAST_RECEIVE
    tally = write_offs.process_chunk(chunk, last_attempt=last)
    if tally.count("failed"):  # recorded in the run on this last receive; parked for the alarm as well
        raise ItemsFailed(f"{tally.count('failed')} items failed in chunk {message.index} of run {message.run_id}")


HANDLERS = {"run": _run, write_offs.CHUNK_MESSAGE: _write_off_chunk}


def record_handler(record: SQSRecord) -> None:
    kind = _type(record.body)
    handler = HANDLERS.get(kind)
    if handler is None:
        raise ValueError(f"unknown message type {kind!r}")
    handler(record)


@observed
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return process_partial_response(event=event, record_handler=record_handler, processor=processor, context=context)
