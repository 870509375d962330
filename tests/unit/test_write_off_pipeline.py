"""The scheduled path end to end on moto (SPEC §7): schedule event → scheduler function → SQS → worker
function → ledger, with SQS partial batch responses for messages that fail.

Both functions run as Lambda would run them (``ledgerline_tools.functions.invoke`` loads their
``app.py`` from template.yaml's CodeUri). The queue is a moto SQS queue; the worker's event is built
from the messages actually received from it. Each test gets its own table, because the scheduler
fans out to every business with an enabled policy in the table.
"""

import json
import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError
from support import MISSING_ID, books
from support.invoices import get_invoice
from support.write_offs import (
    AUTOMATIC_MEMO,
    SCHEDULED_TIME,
    assert_automatic_write_off,
    get_instrument,
    ids,
    instrument,
    invoice,
    set_policy,
)

from ledgerline.services import invoices as invoice_service
from ledgerline.store import queue
from ledgerline_tools import template
from ledgerline_tools.functions import LambdaContext, invoke

pytest_plugins = ["support.write_offs"]  # its fixture: business

SCHEDULE_EVENT = {"scheduled_time": SCHEDULED_TIME}
ELIGIBLE_DUE = "2026-03-03T10:00:00Z"


@pytest.fixture
def write_off_table(moto_table: str) -> str:
    return moto_table


@pytest.fixture
def queue_url(moto_table: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A moto SQS queue standing in for WriteOffQueue (created inside conftest's ``mock_aws``)."""
    url = boto3.client("sqs").create_queue(QueueName=f"write-offs-{uuid.uuid4().hex[:8]}")["QueueUrl"]
    monkeypatch.setenv("WRITE_OFF_QUEUE_URL", url)
    queue.sqs_client.cache_clear()
    yield url
    queue.sqs_client.cache_clear()


def run_function(logical_id: str, event: dict[str, Any]) -> Any:
    return invoke(template.functions()[logical_id], event, LambdaContext(logical_id, str(uuid.uuid4())))


def schedule_fires() -> dict[str, Any]:
    """What EventBridge Scheduler sends at 06:00 UTC (template: WriteOffSchedule's Input)."""
    return run_function("WriteOffSchedulerFunction", SCHEDULE_EVENT)


def receive_all(url: str) -> list[dict[str, Any]]:
    sqs, received = boto3.client("sqs"), []
    while messages := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["All"]).get("Messages"):
        received += messages
    return received


def sqs_record(body: str, message_id: str | None = None) -> dict[str, Any]:
    """One record of the event Lambda's SQS event source mapping delivers."""
    return {
        "messageId": message_id or str(uuid.uuid4()),
        "receiptHandle": f"handle-{uuid.uuid4()}",
        "body": body,
        "attributes": {
            "ApproximateReceiveCount": "1",
            "SentTimestamp": "1780293600000",
            "SenderId": "scheduler",
            "ApproximateFirstReceiveTimestamp": "1780293600000",
        },
        "messageAttributes": {},
        "md5OfBody": "",
        "eventSource": "aws:sqs",
        "eventSourceARN": "arn:aws:sqs:us-east-1:000000000000:WriteOffQueue",
        "awsRegion": "us-east-1",
    }


def from_queue(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [sqs_record(m["Body"], m["MessageId"]) for m in messages]


def worker(records: list[dict[str, Any]]) -> list[str]:
    """Runs the worker on one batch; the ids of the messages it reports failed."""
    response = run_function("WriteOffWorkerFunction", {"Records": records})
    return [failure["itemIdentifier"] for failure in response["batchItemFailures"]]


def runs(api) -> list[dict[str, Any]]:
    response = api.get(f"{api.base}/write-off-runs")
    assert response.status == 200, response.json()
    return response.json()["data"]


def overdue_business(business, name: str = "Overdue Co", timezone: str = "UTC") -> tuple[Any, dict[str, Any]]:
    """A business with the issue's policy, one eligible invoice and loan, and a long-matured borrow."""
    api = business(name, timezone)
    set_policy(api)
    return api, {
        "invoice": invoice(api, ELIGIBLE_DUE, 12_000),
        "loan": instrument(api, "lend", start_date="2026-01-15", maturity_date="2026-05-01"),
        "borrowed": instrument(api, "borrow", start_date="2015-01-01", maturity_date="2016-01-01"),
    }


# ---- the whole path -----------------------------------------------------------------------------------


def test_the_schedule_writes_off_eligible_items_of_businesses_with_an_enabled_policy(business, queue_url):
    api, items = overdue_business(business)
    no_policy = business("No Policy Co")
    forgotten = invoice(no_policy, "2020-01-01T00:00:00Z")
    disabled = business("Disabled Co")
    set_policy(disabled, enabled=False)
    untouched = {b.business_id: books(b.business_id) for b in (no_policy, disabled)}

    fanned_out = schedule_fires()
    messages = receive_all(queue_url)

    assert fanned_out == {"businesses": 1}
    assert [json.loads(m["Body"]) for m in messages] == [
        {"business_id": api.business_id, "scheduled_time": SCHEDULED_TIME, "trigger": "schedule"}
    ]
    assert worker(from_queue(messages)) == []
    (summary,) = runs(api)
    assert (summary["run_date"], summary["trigger"], summary["status"]) == ("2026-06-01", "schedule", "completed")
    written = {i["id"]: i for i in summary["written_off"]}
    assert set(written) == {items["invoice"]["id"], items["loan"]["id"]}
    assert_automatic_write_off(api, written[items["invoice"]["id"]], "ACCOUNTS_RECEIVABLE")
    assert_automatic_write_off(api, written[items["loan"]["id"]], "NOTES_RECEIVABLE")
    assert get_instrument(api, items["borrowed"]["id"])["status"] == "active"
    assert {b: books(b) for b in untouched} == untouched
    assert get_invoice(no_policy, forgotten["id"])["status"] == "SENT"
    assert runs(no_policy) == [] and runs(disabled) == []


def test_a_policy_with_both_sections_disabled_gets_no_message(business, queue_url):
    api = business()
    body_sections_off = {"enabled": True, "invoices": {"enabled": False}, "loans": {"enabled": False}}
    assert api.request("PUT", f"{api.base}/write-off-policy", json_body=body_sections_off).status == 200

    assert schedule_fires() == {"businesses": 0}
    assert receive_all(queue_url) == []


def test_the_scheduler_sends_one_message_per_business_in_batches_of_ten(business, queue_url):
    made = [business(f"Co {n}") for n in range(12)]
    for api in made:
        set_policy(api)

    assert schedule_fires() == {"businesses": 12}
    assert sorted(json.loads(m["Body"])["business_id"] for m in receive_all(queue_url)) == sorted(
        api.business_id for api in made
    )


def test_the_run_date_is_the_business_own_date_when_the_schedule_fired(business, queue_url):
    """06:00 UTC on 2026-06-01 is 23:00 on 2026-05-31 in Los Angeles: that business runs for the 31st."""
    pacific, _ = overdue_business(business, "Pacific Co", "America/Los_Angeles")
    utc, _ = overdue_business(business, "Utc Co")
    schedule_fires()

    assert worker(from_queue(receive_all(queue_url))) == []

    assert runs(pacific)[0]["run_date"] == "2026-05-31"
    assert runs(utc)[0]["run_date"] == "2026-06-01"


# ---- partial batch failures ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "poison",
    [
        "this is not JSON",
        json.dumps({"business_id": "{business_id}", "surprise": True}),
        json.dumps({"business_id": MISSING_ID}),
        json.dumps({"scheduled_time": SCHEDULED_TIME}),
        json.dumps({"business_id": "{business_id}", "run_date": "2026-06-02"}),
    ],
    ids=["bad-json", "unknown-field", "unknown-business", "no-business", "future-run-date"],
)
def test_a_poisoned_message_is_reported_failed_while_the_others_succeed(business, queue_url, poison):
    api, items = overdue_business(business)
    other, other_items = overdue_business(business, "Second Co")
    schedule_fires()
    good = from_queue(receive_all(queue_url))
    bad = sqs_record(poison.replace("{business_id}", api.business_id))

    failed = worker([good[0], bad, good[1]])

    assert failed == [bad["messageId"]]
    for client, owned in ((api, items), (other, other_items)):
        assert ids(runs(client)[0]["written_off"]) == {owned["invoice"]["id"], owned["loan"]["id"]}


def test_a_batch_whose_every_message_fails_fails_the_invocation(business, queue_url):
    """Powertools raises when the entire batch failed: Lambda then returns every message to the queue,
    which is what a full ``batchItemFailures`` list would do (and the DLQ still takes it after 3 receives)."""
    business()

    with pytest.raises(BatchProcessingError):
        worker([sqs_record("this is not JSON"), sqs_record(json.dumps({"business_id": MISSING_ID}))])


def test_a_redelivered_message_writes_nothing_new(business, queue_url):
    api, _items = overdue_business(business)
    schedule_fires()
    (message,) = receive_all(queue_url)
    assert worker(from_queue([message])) == []
    after_first = books(api.business_id)

    assert worker([sqs_record(message["Body"])]) == []  # SQS delivers the same body again

    assert books(api.business_id) == after_first
    latest, first = runs(api)
    assert latest["written_off"] == [] and latest["failed"] == []
    assert len(first["written_off"]) == 2


def test_a_run_with_a_failed_item_reports_its_message_failed_and_its_retry_finishes_the_job(
    business, queue_url, monkeypatch
):
    api, items = overdue_business(business)
    other, other_items = overdue_business(business, "Second Co")
    plan = invoice_service.plan_write_off

    def flaky(books, invoice, *args: Any, **kwargs: Any):  # noqa: ANN001, ANN202
        if invoice.id == items["invoice"]["id"]:
            raise RuntimeError("injected failure")
        return plan(books, invoice, *args, **kwargs)

    schedule_fires()
    records = {json.loads(r["body"])["business_id"]: r for r in from_queue(receive_all(queue_url))}
    with monkeypatch.context() as patch:
        patch.setattr(invoice_service, "plan_write_off", flaky)

        failed = worker(list(records.values()))

    assert failed == [records[api.business_id]["messageId"]]
    first = runs(api)[0]
    assert ids(first["failed"]) == {items["invoice"]["id"]} and ids(first["written_off"]) == {items["loan"]["id"]}
    assert ids(runs(other)[0]["written_off"]) == {other_items["invoice"]["id"], other_items["loan"]["id"]}
    entries_after_first = len(books(api.business_id)["entries"])

    assert worker([records[api.business_id]]) == []  # SQS redelivers the failed message

    retry = runs(api)[0]
    assert ids(retry["written_off"]) == {items["invoice"]["id"]} and retry["failed"] == []
    assert len(books(api.business_id)["entries"]) == entries_after_first + 1
    assert get_invoice(api, items["invoice"]["id"])["write_offs"][0]["memo"] == AUTOMATIC_MEMO


# ---- what template.yaml wires up ---------------------------------------------------------------------------


def test_the_queue_retries_three_times_then_dead_letters_and_the_worker_reports_partial_batches():
    resources = template.load()["Resources"]

    assert resources["WriteOffQueue"]["Properties"]["RedrivePolicy"]["maxReceiveCount"] == 3
    event = resources["WriteOffWorkerFunction"]["Properties"]["Events"]["Queue"]["Properties"]
    assert event["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    schedule = resources["WriteOffSchedule"]["Properties"]
    assert (schedule["ScheduleExpression"], schedule["ScheduleExpressionTimezone"]) == ("cron(0 6 * * ? *)", "UTC")
    assert json.loads(schedule["Target"]["Input"]) == {"scheduled_time": "<aws.scheduler.scheduled-time>"}
