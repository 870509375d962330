"""SQS worker: runs one business's write-offs per message, reporting partial batch failures.

A message whose run had item failures is reported failed, so SQS delivers it again: the items
already written off are skipped (their idempotency records), the failed ones retried; after three
receives the message goes to the dead-letter queue.
"""

from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from ledgerline.observability import observed
from ledgerline.schemas.policy import WriteOffMessage
from ledgerline.services import write_offs

processor = BatchProcessor(event_type=EventType.SQS)


class ItemsFailed(Exception):
    """Some items of this business's run failed; the message goes back to the queue."""


def record_handler(record: SQSRecord) -> None:
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


@observed
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return process_partial_response(event=event, record_handler=record_handler, processor=processor, context=context)
