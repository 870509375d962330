"""Request validation of the ledger endpoints (SPEC §3), through the handlers.

Bad input is refused with 400 ``ApiError`` type ``InvalidParameters`` / error_enum ``InvalidPayload``
and ``meta.errors[{field, message}]`` naming what was wrong — never a 500 — and nothing is written.
Long matrices run on moto only (``unit_api``); one representative of each rule also runs on DynamoDB
Local (``api``).
"""

import json

import pytest
from support import Api, assert_invalid, balanced_after, books, line, list_entries, post_entry, sale

LIMIT_BYTES = 256 * 1024


def post_raw(client: Api, raw: str | bytes, **kwargs):
    return client.request("POST", f"{client.base}/custom-journal-entries", body=raw, **kwargs)


# SPEC §4: after every scenario the books balance and the trial balance agrees.
books_stay_balanced = balanced_after("api", "unit_api")


@pytest.fixture
def unchanged(request):
    """Asserts, after the test, that the books of the test's business are exactly as they were before it."""
    client = request.getfixturevalue("api" if "api" in request.fixturenames else "unit_api")
    before = books(client.business_id)
    yield
    assert books(client.business_id) == before


# ---- money: a JSON integer number of cents, 1 ≤ amount ≤ 10^13 -----------------------------------------


@pytest.mark.parametrize(
    "amount",
    [10.5, 10.0, "10", True, None, [10], {"cents": 10}, 0, -10, 10**13 + 1, 1e400],
    ids=[
        "fraction",
        "float",
        "string",
        "boolean",
        "null",
        "list",
        "object",
        "zero",
        "negative",
        "over-ten-trillion",
        "infinity",
    ],
)
def test_an_amount_must_be_a_json_integer_from_one_to_ten_trillion_cents(unit_api, unchanged, amount):
    response = post_entry(unit_api, {"line_items": [line("CASH", amount, "DEBIT"), line("SALES", 10, "CREDIT")]})

    assert_invalid(response, "line_items.0.amount")


def test_a_fractional_amount_is_refused(api, unchanged):
    assert_invalid(post_entry(api, sale(10.5)), "line_items.0.amount", "line_items.1.amount")


def test_an_amount_of_exactly_ten_trillion_cents_is_accepted(api):
    response = post_entry(api, sale(10**13))

    assert response.status == 201
    assert response.json()["total_amount"] == 10**13


# ---- unknown fields are rejected ------------------------------------------------------------------------


def test_an_unknown_top_level_field_is_rejected(api, unchanged):
    assert_invalid(post_entry(api, sale(currency="USD")), "currency")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"line_items": [line("CASH", 10, "DEBIT", note="x"), line("SALES", 10, "CREDIT")]}, "line_items.0.note"),
        (
            {
                "line_items": [
                    line("CASH", 10, "DEBIT"),
                    {
                        "account_identifier": {"type": "StableName", "stable_name": "SALES", "id": "x"},
                        "amount": 10,
                        "direction": "CREDIT",
                    },
                ]
            },
            "line_items.1.account_identifier.StableName.id",
        ),
        (sale(tags=[{"key": "k", "value": "v", "colour": "red"}]), "tags.0.colour"),
    ],
    ids=["line-item", "account-identifier", "tag"],
)
def test_an_unknown_nested_field_is_rejected(unit_api, unchanged, body, field):
    assert_invalid(post_entry(unit_api, body), field)


# ---- the body must be a JSON object ---------------------------------------------------------------------


def test_malformed_json_is_rejected_with_a_clear_message(api, unchanged):
    body = assert_invalid(post_raw(api, '{"line_items": [}'), "body")

    assert "not valid JSON" in body["meta"]["errors"][0]["message"]


def test_a_body_that_is_a_json_array_is_rejected(api, unchanged):
    assert_invalid(post_raw(api, json.dumps([sale()])), "body")


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"null",
        b'"text"',
        b"42",
        b"NaN",
        b"\xef\xbb\xbf{}",
        b"\xff\xfe{\x00}\x00",
        b"[" * 5000 + b"]" * 5000,
        b'{"a":' * 5000 + b"1" + b"}" * 5000,
    ],
    ids=["empty", "null", "string", "number", "nan", "utf8-bom", "not-utf8", "deep-array", "deep-object"],
)
def test_a_body_that_is_not_a_json_object_is_a_400_never_a_500(unit_api, unchanged, raw):
    assert_invalid(post_raw(unit_api, raw), "body")


def test_a_body_of_another_content_type_is_a_415_never_a_500(unit_api, unchanged):
    """SPEC §9.1: only application/json bodies; tests/unit/test_hostile_input.py covers the variants."""
    response = post_raw(unit_api, json.dumps(sale()), headers={"content-type": "text/plain"})

    assert response.status == 415
    assert response.json()["type"] == "InvalidParameters"


def test_line_items_are_required(api, unchanged):
    assert_invalid(post_entry(api, {"memo": "nothing to post"}), "line_items")


@pytest.mark.parametrize(
    ("line_items", "field"),
    [
        (None, "line_items"),
        ([], "line_items"),
        ({"0": line("CASH", 1, "DEBIT")}, "line_items"),
        ([line("CASH", 1, "DEBIT")] * 101, "line_items"),
        ([{"amount": 1, "direction": "DEBIT"}, line("SALES", 1, "CREDIT")], "line_items.0.account_identifier"),
        ([line("CASH", 1, "DEBIT"), line("SALES", 1, "SIDEWAYS")], "line_items.1.direction"),
        ([line("CASH", 1, "debit"), line("SALES", 1, "CREDIT")], "line_items.0.direction"),
        (
            [
                {**line("CASH", 1, "DEBIT"), "account_identifier": {"type": "Nickname", "name": "till"}},
                line("SALES", 1, "CREDIT"),
            ],
            "line_items.0.account_identifier",
        ),
        (
            [{**line("CASH", 1, "DEBIT"), "account_identifier": "CASH"}, line("SALES", 1, "CREDIT")],
            "line_items.0.account_identifier",
        ),
    ],
    ids=[
        "null",
        "empty",
        "object",
        "over-100",
        "no-account",
        "bad-direction",
        "lowercase-direction",
        "unknown-identifier-type",
        "bare-string-identifier",
    ],
)
def test_line_items_must_be_well_formed(unit_api, unchanged, line_items, field):
    response = post_entry(unit_api, {"line_items": line_items})

    assert_invalid(response, field)


# ---- size ------------------------------------------------------------------------------------------------


def test_a_body_over_256_kb_is_refused_with_413(api, unchanged):
    raw = json.dumps(sale(memo="x" * LIMIT_BYTES))

    response = post_raw(api, raw)

    assert response.status == 413
    body = response.json()
    assert set(body) == {"type", "description", "error_enum", "meta"}
    assert (body["type"], body["error_enum"]) == ("InvalidParameters", "InvalidPayload")
    assert "256 KB" in body["description"]


def test_a_body_of_exactly_256_kb_is_judged_on_its_content(unit_api):
    raw = json.dumps(sale(memo=""))
    raw = raw[:-1] + " " * (LIMIT_BYTES - len(raw)) + "}"  # JSON whitespace pads it to the limit
    assert len(raw.encode()) == LIMIT_BYTES

    response = post_raw(unit_api, raw)

    assert response.status == 201


# ---- dates and date-times ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "entry_at",
    ["2024-03-01T03:00:00", "2024-03-01", "yesterday", "2024-02-30T00:00:00Z", "2024-03-01T25:00:00Z", 1709262000, ""],
    ids=["no-offset", "date-only", "words", "no-such-day", "no-such-hour", "epoch-number", "empty"],
)
def test_entry_at_must_be_an_iso_8601_date_time_with_offset(unit_api, unchanged, entry_at):
    assert_invalid(post_entry(unit_api, sale(entry_at=entry_at)), "entry_at")


def test_entry_at_without_an_offset_is_rejected(api, unchanged):
    assert_invalid(post_entry(api, sale(entry_at="2024-03-01T03:00:00")), "entry_at")


# ---- string caps -------------------------------------------------------------------------------------------


def test_a_memo_over_1000_characters_is_rejected(api, unchanged):
    assert_invalid(post_entry(api, sale(memo="m" * 1001)), "memo")


def test_a_memo_of_1000_characters_is_accepted(unit_api):
    response = post_entry(unit_api, sale(memo="m" * 1000))

    assert response.status == 201
    assert response.json()["memo"] == "m" * 1000


def test_a_line_item_memo_over_1000_characters_is_rejected(unit_api, unchanged):
    body = {"line_items": [line("CASH", 1, "DEBIT", memo="m" * 1001), line("SALES", 1, "CREDIT")]}

    assert_invalid(post_entry(unit_api, body), "line_items.0.memo")


@pytest.mark.parametrize("external_id", ["", "e" * 256, 42], ids=["empty", "over-255", "number"])
def test_an_external_id_is_a_string_of_1_to_255_characters(unit_api, unchanged, external_id):
    assert_invalid(post_entry(unit_api, sale(external_id=external_id)), "external_id")


# ---- tags ---------------------------------------------------------------------------------------------------


def test_a_tag_key_over_100_characters_is_rejected(api, unchanged):
    assert_invalid(post_entry(api, sale(tags=[{"key": "k" * 101, "value": "v"}])), "tags.0.key")


@pytest.mark.parametrize(
    ("tag", "field"),
    [
        ({"key": "k", "value": "v" * 101}, "tags.0.value"),
        ({"key": "", "value": "v"}, "tags.0.key"),
        ({"value": "v"}, "tags.0.key"),
        ({"key": "k", "value": "v", "dimension_display_name": "d" * 101}, "tags.0.dimension_display_name"),
        ({"key": "k", "value": "v", "value_display_name": "d" * 101}, "tags.0.value_display_name"),
    ],
    ids=["long-value", "empty-key", "missing-key", "long-dimension-name", "long-value-name"],
)
def test_a_tag_is_a_key_and_value_of_up_to_100_characters(unit_api, unchanged, tag, field):
    assert_invalid(post_entry(unit_api, sale(tags=[tag])), field)


def test_more_than_20_tags_are_rejected(api, unchanged):
    tags = [{"key": f"k{n}", "value": "v"} for n in range(21)]

    assert_invalid(post_entry(api, sale(tags=tags)), "tags")


def test_20_tags_of_100_characters_are_accepted(unit_api):
    tags = [{"key": f"{n:02d}" + "k" * 98, "value": "v" * 100} for n in range(20)]

    response = post_entry(unit_api, sale(tags=tags))

    assert response.status == 201
    assert len(response.json()["transaction_tags"]) == 20


# ---- query parameters of GET /ledger/entries --------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("limit=abc", "limit"),
        ("limit=1.5", "limit"),
        ("limit=", "limit"),
        ("start_date=2024-13-01", "start_date"),
        ("start_date=2024-02-30", "start_date"),
        ("end_date=01%2F02%2F2024", "end_date"),
        ("end_date=tomorrow", "end_date"),
        ("source_type=" + "S" * 65, "source_type"),
        ("cursor=" + "c" * 2049, "cursor"),
    ],
    ids=[
        "limit-0",
        "limit-101",
        "limit-text",
        "limit-fraction",
        "limit-empty",
        "month-13",
        "february-30",
        "us-date",
        "date-words",
        "long-source-type",
        "long-cursor",
    ],
)
def test_bad_query_parameters_are_rejected_naming_the_parameter(unit_api, unchanged, query, field):
    assert_invalid(list_entries(unit_api, query), field)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("limit=abc", "limit"),
        ("start_date=2024-13-01", "start_date"),
    ],
)
def test_the_documented_bad_query_parameters_are_400(api, unchanged, query, field):
    assert_invalid(list_entries(api, query), field)


@pytest.mark.parametrize("limit", [1, 100])
def test_limits_of_1_and_100_are_accepted(unit_api, limit):
    assert list_entries(unit_api, f"limit={limit}").status == 200
