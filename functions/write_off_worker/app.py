"""SQS worker: one business's write-off run per ``run`` message, one chunk of a queued run (write-offs or
accruals) per chunk message, one business's monthly accrual per ``accrual-run`` message.

Partial batch failures: a message whose items failed is reported failed, so SQS delivers it again —
items already written off (or accrued) write nothing new, the failed ones are retried; on the last
receive a chunk's failures are recorded in its run (which then finishes ``completed_with_failures``)
and the message still goes to the dead-letter queue, where the alarm sees it.
"""

from ledgerline import cold_start  # noqa: F401 - first: no garbage collection while the container starts

# isort: split
import json
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from ledgerline.domain.runs import Tally
from ledgerline.observability import observed
from ledgerline.schemas.accruals import AccrualChunkMessage, AccrualScheduleMessage
from ledgerline.schemas.policy import WriteOffChunkMessage, WriteOffMessage
from ledgerline.services import accrual_runs, write_offs

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


def _last(record: SQSRecord) -> bool:
    """Whether this is the message's last receive before the dead-letter queue."""
    return int(record.attributes.approximate_receive_count or 1) >= LAST_RECEIVE


def _park_failures(tally: Tally, index: int, run_id: str) -> None:
    """A chunk whose failures were recorded in its run on this last receive still goes to the dead-letter
    queue, where the alarm sees it."""
    if tally.count("failed"):
        raise ItemsFailed(f"{tally.count('failed')} items failed in chunk {index} of run {run_id}")


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
    chunk = write_offs.WriteOffChunk(
        message.business_id, message.run_id, message.index, message.run_date, message.dry_run, tuple(message.items)
    )
    _park_failures(write_offs.process_chunk(chunk, last_attempt=_last(record)), message.index, message.run_id)


def _accrual_chunk(record: SQSRecord) -> None:
    message = AccrualChunkMessage.model_validate_json(record.body)
    chunk = accrual_runs.AccrualChunk(
        message.business_id,
        message.run_id,
        message.index,
        message.through_date,
        message.memo,
        tuple(message.instrument_ids),
    )
    _park_failures(accrual_runs.process_chunk(chunk, last_attempt=_last(record)), message.index, message.run_id)


def _month_end_accrual(record: SQSRecord) -> None:
    message = AccrualScheduleMessage.model_validate_json(record.body)
    run = accrual_runs.month_end_run(message.business_id, message.scheduled_time)
    if run is not None and run.tally.count("failed"):
        raise ItemsFailed(f"{run.tally.count('failed')} accruals failed in run {run.id}")


HANDLERS = {
    "run": _run,
    write_offs.CHUNK_MESSAGE: _write_off_chunk,
    accrual_runs.CHUNK_MESSAGE: _accrual_chunk,
    accrual_runs.SCHEDULE_MESSAGE: _month_end_accrual,
}


def record_handler(record: SQSRecord) -> None:
    kind = _type(record.body)
    handler = HANDLERS.get(kind)
    if handler is None:
        raise ValueError(f"unknown message type {kind!r}")
    handler(record)


@observed
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return process_partial_response(event=event, record_handler=record_handler, processor=processor, context=context)
