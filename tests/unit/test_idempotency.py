"""SPEC §3 Idempotency: one Idempotency-Key, one effect, one answer — for at least 7 days."""

import json
from datetime import timedelta
from typing import Any

import pytest
from support import Api, assert_books_balance, books, entry_body, move_clock, new_api


def post_keyed(api: Api, key: str, body: Any = None):
    return api.post(f"{api.base}/custom-journal-entries", body or entry_body(), headers={"Idempotency-Key": key})


def assert_conflict(response) -> None:
    assert response.status == 409
    body = response.json()
    assert set(body) == {"type", "description", "error_enum", "meta"}
    assert body["type"] == "Conflict"


def test_the_same_key_and_body_returns_the_first_response_and_posts_once(unit_api):
    first = post_keyed(unit_api, "key-1")
    after_first = books(unit_api.business_id)

    again = post_keyed(unit_api, "key-1")

    assert first.status == again.status == 201
    assert again.body == first.body
    assert books(unit_api.business_id) == after_first
    assert len(after_first["entries"]) == 1
    assert_books_balance(unit_api.business_id)


def test_a_replay_says_it_is_one(unit_api):
    first = post_keyed(unit_api, "key-1")

    again = post_keyed(unit_api, "key-1")

    assert "idempotent-replayed" not in first.headers
    assert again.headers.get("idempotent-replayed") == "true"


def test_json_key_order_and_spacing_do_not_make_a_different_body(unit_api):
    body = entry_body()
    compact = json.dumps(body, separators=(",", ":"))
    reordered = json.dumps(dict(reversed(list(body.items()))), indent=4)
    path = f"{unit_api.base}/custom-journal-entries"

    first = unit_api.request("POST", path, body=compact, headers={"Idempotency-Key": "key-1"})
    again = unit_api.request("POST", path, body=reordered, headers={"Idempotency-Key": "key-1"})

    assert (first.status, again.status) == (201, 201)
    assert again.body == first.body
    assert len(books(unit_api.business_id)["entries"]) == 1


def test_the_same_key_with_a_different_body_is_409_and_posts_nothing(unit_api):
    post_keyed(unit_api, "key-1", entry_body(amount=10_000))
    before = books(unit_api.business_id)

    response = post_keyed(unit_api, "key-1", entry_body(amount=20_000))

    assert_conflict(response)
    assert books(unit_api.business_id) == before


def test_the_same_key_on_a_different_path_is_409_and_creates_nothing(unit_api):
    post_keyed(unit_api, "key-1")
    before = books(unit_api.business_id)

    response = unit_api.post(
        f"{unit_api.base}/ledger/accounts",
        {"name": "Petty Cash", "account_type": "ASSET"},
        headers={"Idempotency-Key": "key-1"},
    )

    assert_conflict(response)
    assert books(unit_api.business_id) == before


def test_the_same_key_on_a_different_method_is_409_and_reverses_nothing(unit_api):
    entry_id = post_keyed(unit_api, "key-1").json()["id"]
    before = books(unit_api.business_id)

    response = unit_api.delete(
        f"{unit_api.base}/custom-journal-entries/{entry_id}", headers={"Idempotency-Key": "key-1"}
    )

    assert_conflict(response)
    assert books(unit_api.business_id) == before


def test_keys_belong_to_one_business(unit_api):
    other = new_api("Other Co")

    mine = post_keyed(unit_api, "shared-key")
    theirs = post_keyed(other, "shared-key")

    assert (mine.status, theirs.status) == (201, 201)
    assert mine.json()["id"] != theirs.json()["id"]
    assert len(books(unit_api.business_id)["entries"]) == 1
    assert len(books(other.business_id)["entries"]) == 1


@pytest.mark.parametrize("key", ["", "k" * 256], ids=["empty", "256 chars"])
def test_a_key_outside_1_to_255_characters_is_400_and_posts_nothing(unit_api, key):
    before = books(unit_api.business_id)

    response = post_keyed(unit_api, key)

    assert response.status == 400
    body = response.json()
    assert (body["type"], body["error_enum"]) == ("InvalidParameters", "InvalidPayload")
    assert "Idempotency-Key" in body["description"]
    assert books(unit_api.business_id) == before


def test_a_key_of_255_characters_is_accepted(unit_api):
    key = "k" * 255

    first = post_keyed(unit_api, key)
    again = post_keyed(unit_api, key)

    assert first.status == 201
    assert again.body == first.body
    assert len(books(unit_api.business_id)["entries"]) == 1


def test_a_replayed_reversal_returns_the_first_200_not_already_reversed(unit_api):
    entry_id = unit_api.post(f"{unit_api.base}/custom-journal-entries", entry_body()).json()["id"]
    path = f"{unit_api.base}/custom-journal-entries/{entry_id}"
    first = unit_api.delete(path, headers={"Idempotency-Key": "reverse-1"})
    after_first = books(unit_api.business_id)

    again = unit_api.delete(path, headers={"Idempotency-Key": "reverse-1"})

    assert first.status == again.status == 200
    assert again.body == first.body
    assert books(unit_api.business_id) == after_first
    assert len(after_first["entries"]) == 2
    assert_books_balance(unit_api.business_id)


def test_a_second_reversal_under_a_new_key_is_409(unit_api):
    entry_id = unit_api.post(f"{unit_api.base}/custom-journal-entries", entry_body()).json()["id"]
    path = f"{unit_api.base}/custom-journal-entries/{entry_id}"
    unit_api.delete(path, headers={"Idempotency-Key": "reverse-1"})
    before = books(unit_api.business_id)

    response = unit_api.delete(path, headers={"Idempotency-Key": "reverse-2"})

    assert_conflict(response)
    assert books(unit_api.business_id) == before


def test_a_key_still_replays_after_6_days(unit_api, monkeypatch):
    first = post_keyed(unit_api, "key-1")

    move_clock(monkeypatch, timedelta(days=6, hours=23))
    again = post_keyed(unit_api, "key-1")

    assert again.body == first.body
    assert len(books(unit_api.business_id)["entries"]) == 1


def test_a_key_older_than_7_days_no_longer_replays(unit_api, monkeypatch):
    first = post_keyed(unit_api, "key-1")

    move_clock(monkeypatch, timedelta(days=7, seconds=1))
    later = post_keyed(unit_api, "key-1")

    assert later.status == 201
    assert later.json()["id"] != first.json()["id"]
    assert len(books(unit_api.business_id)["entries"]) == 2
    assert_books_balance(unit_api.business_id)


def test_requests_without_a_key_are_not_deduplicated(unit_api):
    first = unit_api.post(f"{unit_api.base}/custom-journal-entries", entry_body())
    second = unit_api.post(f"{unit_api.base}/custom-journal-entries", entry_body())

    assert (first.status, second.status) == (201, 201)
    assert len(books(unit_api.business_id)["entries"]) == 2
