"""Races on DynamoDB Local: concurrent duplicates, writers on the same accounts and double deletes.

Each thread goes through the local API Gateway, which (like Lambda) gives concurrent requests their
own loaded copy of the function; a barrier releases them together.
"""

from collections import Counter

import pytest
from support import Api, all_at_once, assert_books_balance, books, entry_body, new_api

pytestmark = pytest.mark.integration


@pytest.fixture
def api(local_table: str) -> Api:
    return new_api()


def test_twenty_concurrent_duplicates_of_one_keyed_request_post_once(api):
    responses = all_at_once(
        20,
        lambda _: api.post(
            f"{api.base}/custom-journal-entries", entry_body(), headers={"Idempotency-Key": "same-request"}
        ),
    )

    assert [r.status for r in responses] == [201] * 20
    assert len({r.body for r in responses}) == 1
    after = books(api.business_id)
    assert after["entries"] == [responses[0].json()["id"]]
    assert after["balances"]["CASH"] == 10_000
    assert_books_balance(api.business_id)


def test_twenty_concurrent_entries_on_the_same_accounts_all_post_exactly(api):
    amounts = [1_000 + index for index in range(20)]

    responses = all_at_once(
        20, lambda index: api.post(f"{api.base}/custom-journal-entries", entry_body(amounts[index]))
    )

    assert [r.status for r in responses] == [201] * 20
    after = books(api.business_id)
    assert len(after["entries"]) == 20
    assert after["balances"]["CASH"] == sum(amounts)
    assert after["balances"]["OPENING_BALANCE_EQUITY"] == sum(amounts)
    assert_books_balance(api.business_id)


def test_ten_concurrent_reversals_of_one_entry_reverse_it_once(api):
    entry_id = api.post(f"{api.base}/custom-journal-entries", entry_body()).json()["id"]

    responses = all_at_once(10, lambda _: api.delete(f"{api.base}/custom-journal-entries/{entry_id}"))

    assert Counter(r.status for r in responses) == {200: 1, 409: 9}
    assert {r.json()["type"] for r in responses if r.status == 409} == {"Conflict"}
    reversal = next(r.json() for r in responses if r.status == 200)
    after = books(api.business_id)
    assert after["entries"] == sorted([entry_id, reversal["id"]])
    assert after["balances"]["CASH"] == 0
    assert_books_balance(api.business_id)


def test_ten_concurrent_creates_with_one_external_id_post_one_entry(api):
    body = entry_body(external_id="bank-import-42")

    responses = all_at_once(10, lambda _: api.post(f"{api.base}/custom-journal-entries", body))

    assert Counter(r.status for r in responses) == {201: 1, 200: 9}
    ids = {r.json()["id"] for r in responses}
    assert len(ids) == 1
    after = books(api.business_id)
    assert after["entries"] == sorted(ids)
    assert after["balances"]["CASH"] == 10_000
    assert_books_balance(api.business_id)
