"""EventBridge Scheduler target: one SQS message per business for the job the schedule names.

- daily at 06:00 UTC (``WriteOffSchedule``, no ``job``): each business with an enabled write-off policy;
- monthly on the 1st at 12:00 UTC (``MonthlyAccrualSchedule``, ``"job": "month-end-accruals"``): each
  business with interest-bearing instruments, accrued through the last day of the month before its own
  date (at 12:00 UTC every timezone is on the 1st or the 2nd, so that is the same month everywhere).
"""

from ledgerline import cold_start  # noqa: F401 - first: no garbage collection while the container starts

# isort: split
from typing import Any

from ledgerline.observability import logger, observed
from ledgerline.services import accrual_runs, write_offs
from ledgerline.store import queue

JOBS = {"write-offs": write_offs.fan_out, "month-end-accruals": accrual_runs.fan_out}


@observed
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    event = event or {}
    job = event.get("job", "write-offs")
    if job not in JOBS:
        raise ValueError(f"unknown job {job!r}; one of {sorted(JOBS)}")
    count = JOBS[job](queue.send_messages, event.get("scheduled_time"))
    logger.info("schedule fanned out", extra={"job": job, "businesses": count})
    return {"businesses": count} if job == "write-offs" else {"job": job, "businesses": count}
