"""Concurrent postings to one account under real DynamoDB's transaction conflicts (issue 12 §5).

DynamoDB Local serialises transactions and never answers ``TransactionConflict``; the double in
``bench/contention.py`` puts that behaviour back at the client, so these races lose as they would in
a region. Whatever wins or gives up, nothing is posted twice or lost, and the books balance.
"""

import threading
import time

import pytest
from botocore.exceptions import ClientError
from support import Api, all_at_once, assert_books_balance, books, entry_body, new_api

from bench.contention import ConflictingTransactions
from ledgerline.store import codec, keys
from ledgerline.store.runtime import dynamodb_client, table_name

pytestmark = pytest.mark.integration


@pytest.fixture
def api(local_table: str) -> Api:
    return new_api()


def put(pk: str) -> dict:
    return {
        "TransactItems": [{"Put": {"TableName": table_name(), "Item": codec.to_item({**keys.key(pk, "HOT"), "n": 1})}}]
    }


def test_a_transaction_touching_an_item_in_flight_is_cancelled_as_a_conflict(local_table):
    pk = "TEST#hot-item"
    client = dynamodb_client()
    with ConflictingTransactions(hold_seconds=1.0) as conflicts:
        first = threading.Thread(target=lambda: client.transact_write_items(**put(pk)))
        first.start()
        deadline = time.monotonic() + 5
        while not conflicts._held and time.monotonic() < deadline:  # noqa: SLF001 - wait until it holds the item
            time.sleep(0.005)
        with pytest.raises(ClientError) as refused:
            client.transact_write_items(**put(pk))
        first.join(5)
        conflicts.hold_seconds = 0.0
        client.transact_write_items(**put("TEST#another-item"))  # other items are free
        client.transact_write_items(**put(pk))  # and this one again, once the first is done

    error = refused.value.response
    assert error["Error"]["Code"] == "TransactionCanceledException"
    assert [reason["Code"] for reason in error["CancellationReasons"]] == ["TransactionConflict"]
    assert (conflicts.sent, conflicts.conflicts, conflicts.committed) == (4, 1, 3)


def test_concurrent_postings_to_one_account_post_each_once_or_answer_503(api):
    with ConflictingTransactions() as conflicts:
        responses = all_at_once(
            12,
            lambda index: [api.post(f"{api.base}/custom-journal-entries", entry_body(1_000 + index)) for _ in range(3)],
        )

    answers = [response for batch in responses for response in batch]
    assert {response.status for response in answers} <= {201, 503}
    assert all(int(r.headers["retry-after"]) >= 1 for r in answers if r.status == 503)
    posted = [response.json() for response in answers if response.status == 201]
    after = books(api.business_id)
    assert sorted(after["entries"]) == sorted(entry["id"] for entry in posted)
    assert after["balances"]["CASH"] == sum(entry["line_items"][0]["amount"] for entry in posted)
    assert conflicts.conflicts > 0, "the writers never overlapped: the test proves nothing"
    assert_books_balance(api.business_id)
