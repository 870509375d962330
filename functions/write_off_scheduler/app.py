"""EventBridge Scheduler target (daily 06:00 UTC): one SQS message per business with an enabled policy."""

from typing import Any

from ledgerline.observability import logger, observed
from ledgerline.services import write_offs
from ledgerline.store import queue


@observed
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    count = write_offs.fan_out(queue.send_messages, (event or {}).get("scheduled_time"))
    logger.info("write-off run fanned out", extra={"businesses": count})
    return {"businesses": count}
