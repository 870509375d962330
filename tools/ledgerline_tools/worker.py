"""The write-off queue and its worker, in-process: what SQS and the event source mapping do in AWS.

While a :class:`LocalQueue` is open, every message Ledgerline sends to the queue (a scheduled
business's run, a chunk of a queued run) goes to worker threads here instead of SQS; each thread
hands one message at a time to the real ``WriteOffWorkerFunction`` handler as an SQS event, as
Lambda would. A message the handler reports failed is delivered again with its receive count
raised, and after the queue's ``maxReceiveCount`` it is parked in :attr:`LocalQueue.dead`.
"""

import json
import queue as threads_queue
import threading
import time
import uuid
from types import TracebackType
from typing import Any

from ledgerline.observability import logger
from ledgerline.store import queue as ledger_queue
from ledgerline_tools import template
from ledgerline_tools.functions import LambdaContext, invoke

WORKER = "WriteOffWorkerFunction"
REDELIVERY_SECONDS = 0.05
"""How long a failed message waits before it is delivered again (SQS waits its visibility timeout)."""


def max_receives() -> int:
    """The queue's ``maxReceiveCount`` in template.yaml: deliveries before the dead-letter queue."""
    queue = template.load()["Resources"]["WriteOffQueue"]["Properties"]
    return int(queue["RedrivePolicy"]["maxReceiveCount"])


def sqs_event(body: str, receives: int) -> dict[str, Any]:
    """The event Lambda's SQS event source mapping delivers for one message."""
    now = str(int(time.time() * 1000))
    return {
        "Records": [
            {
                "messageId": str(uuid.uuid4()),
                "receiptHandle": f"local-{uuid.uuid4()}",
                "body": body,
                "attributes": {
                    "ApproximateReceiveCount": str(receives),
                    "SentTimestamp": now,
                    "SenderId": "ledgerline",
                    "ApproximateFirstReceiveTimestamp": now,
                },
                "messageAttributes": {},
                "md5OfBody": "",
                "eventSource": "aws:sqs",
                "eventSourceARN": "arn:aws:sqs:local:000000000000:WriteOffQueue",
                "awsRegion": "local",
            }
        ]
    }


class LocalQueue:
    """An in-process write-off queue drained by ``workers`` threads; ``with LocalQueue():`` installs it."""

    def __init__(self, workers: int = 2) -> None:
        self.workers = workers
        self.function = template.functions()[WORKER]
        self.max_receives = max_receives()
        self.dead: list[dict[str, Any]] = []
        """Messages that failed ``maxReceiveCount`` times (the dead-letter queue)."""
        self.delivered = 0
        self.invocations: list[float] = []
        """Seconds each handler invocation took (the worker's timeout bounds every one in AWS)."""
        self._messages: threads_queue.Queue[tuple[str, int] | None] = threads_queue.Queue()
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()

    def send(self, messages: list[dict[str, Any]]) -> None:
        """What ``store.queue.send_messages`` does while this queue is installed."""
        for message in messages:
            self._messages.put((json.dumps(message), 1))

    def drain(self) -> None:
        """Wait until every message sent so far (and every redelivery) has been handled."""
        self._messages.join()

    def _deliver(self, body: str, receives: int) -> None:
        context = LambdaContext(WORKER, f"local-worker-{uuid.uuid4()}")
        started = time.perf_counter()
        try:
            response = invoke(self.function, sqs_event(body, receives), context)
            failed = bool(response.get("batchItemFailures"))
        except Exception:  # noqa: BLE001 - Powertools raises when the whole batch failed; SQS redelivers
            logger.exception("local worker: message failed")
            failed = True
        with self._lock:
            self.delivered += 1
            self.invocations.append(time.perf_counter() - started)
        if not failed:
            return
        if receives >= self.max_receives:
            self.dead.append(json.loads(body) if body.startswith("{") else {"body": body})
            logger.error("local worker: message moved to the dead-letter queue", extra={"receives": receives})
            return
        time.sleep(REDELIVERY_SECONDS)
        self._messages.put((body, receives + 1))

    def _work(self) -> None:
        while (message := self._messages.get()) is not None:
            try:
                self._deliver(*message)
            finally:
                self._messages.task_done()
        self._messages.task_done()

    def __enter__(self) -> "LocalQueue":
        self._threads = [
            threading.Thread(target=self._work, name=f"ledgerline-worker-{n}", daemon=True) for n in range(self.workers)
        ]
        for thread in self._threads:
            thread.start()
        ledger_queue.deliver_locally(self.send)
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        ledger_queue.deliver_locally(None)
        for _ in self._threads:
            self._messages.put(None)
        for thread in self._threads:
            thread.join(timeout=30)
