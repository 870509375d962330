"""GET /ledger/entries: date order, filters and opaque signed cursors (SPEC §3 Pagination, §6.6).

A listing is ``{"data": [...], "meta": {"pagination": {"cursor", "has_more"}}}``; a cursor only works
for the business and filters it came from, and a tampered or foreign one is a 400 ``PaginationCursor``.
"""

import pytest
from support import Api, IndexReads, balanced_after, books, list_entries, new_api, sale

# Seven entries over five days, posted out of date order on purpose.
DATES = ["2024-01-03", "2024-01-01", "2024-01-05", "2024-01-02", "2024-01-03", "2024-01-04", "2024-01-01"]


def post_dated(client: Api, entry_date: str, amount: int = 1_000) -> dict:
    """An entry dated noon UTC of ``entry_date`` (201)."""
    response = client.post(f"{client.base}/custom-journal-entries", sale(amount, entry_at=f"{entry_date}T12:00:00Z"))
    assert response.status == 201
    return response.json()


def page(client: Api, query: str) -> tuple[list[dict], str | None, bool]:
    response = list_entries(client, query)
    assert response.status == 200, response.json()
    body = response.json()
    return body["data"], body["meta"]["pagination"]["cursor"], body["meta"]["pagination"]["has_more"]


def walk(client: Api, query: str) -> tuple[list[dict], list[int]]:
    """Every entry of a listing, following cursors; and the size of each page."""
    entries, sizes, cursor = [], [], None
    while True:
        data, cursor, has_more = page(client, query + (f"&cursor={cursor}" if cursor else ""))
        entries += data
        sizes.append(len(data))
        assert has_more is (cursor is not None)
        if not has_more:
            return entries, sizes
        assert len(sizes) <= 20, "the listing does not end"


def assert_bad_cursor(response) -> None:
    assert response.status == 400
    body = response.json()
    assert set(body) == {"type", "description", "error_enum", "meta"}
    assert body["type"] == "PaginationCursor"
    assert body["description"]


def tampered(cursor: str, at: int) -> str:
    """The cursor with one character changed (a different base64url character of the same position)."""
    swapped = "B" if cursor[at] != "B" else "C"
    return cursor[:at] + swapped + cursor[at + 1 :]


# SPEC §4: after every scenario the books balance and the trial balance agrees.
books_stay_balanced = balanced_after("api")


@pytest.fixture
def seven(api) -> list[dict]:
    """Given seven entries over 2024-01-01 … 2024-01-05."""
    return [post_dated(api, entry_date) for entry_date in DATES]


def test_a_business_without_entries_lists_an_empty_last_page(api):
    assert page(api, "") == ([], None, False)


def test_pages_of_three_walk_every_entry_once_in_date_order(api, seven):
    first, cursor, has_more = page(api, "limit=3")
    assert (len(first), has_more) == (3, True) and cursor

    entries, sizes = walk(api, "limit=3")

    assert sizes == [3, 3, 1]
    assert sorted(e["id"] for e in entries) == sorted(e["id"] for e in seven)
    assert [e["entry_date"] for e in entries] == sorted(DATES)


def test_without_a_limit_one_page_holds_up_to_fifty(api, seven):
    data, cursor, has_more = page(api, "")

    assert (len(data), cursor, has_more) == (7, None, False)


def test_a_last_page_that_is_exactly_full_says_there_is_no_more(api, seven):
    entries, sizes = walk(api, "limit=7")

    assert sizes == [7]


def test_the_limit_may_change_from_one_page_to_the_next(api, seven):
    first, cursor, _ = page(api, "limit=2")

    rest, _, has_more = page(api, f"limit=5&cursor={cursor}")

    assert has_more is False
    assert [e["id"] for e in first + rest] == [e["id"] for e in walk(api, "limit=100")[0]]


def test_date_filters_include_both_ends(api, seven):
    entries, _ = walk(api, "start_date=2024-01-02&end_date=2024-01-04")

    assert [e["entry_date"] for e in entries] == ["2024-01-02", "2024-01-03", "2024-01-03", "2024-01-04"]


def test_date_filters_hold_across_pages(api, seven):
    entries, sizes = walk(api, "start_date=2024-01-03&limit=2")

    assert sizes == [2, 2]
    assert [e["entry_date"] for e in entries] == ["2024-01-03", "2024-01-03", "2024-01-04", "2024-01-05"]


def test_an_end_date_alone_lists_everything_up_to_it(api, seven):
    entries, _ = walk(api, "end_date=2024-01-01")

    assert [e["entry_date"] for e in entries] == ["2024-01-01", "2024-01-01"]


def test_a_range_that_ends_before_it_starts_is_rejected_naming_end_date(api, seven):
    before = books(api.business_id)

    response = list_entries(api, "start_date=2024-01-04&end_date=2024-01-02")

    assert response.status == 400
    assert response.json()["type"] == "InvalidParameters"
    assert [e["field"] for e in response.json()["meta"]["errors"]] == ["end_date"]
    assert books(api.business_id) == before


def test_a_one_day_range_lists_that_day(api, seven):
    entries, _ = walk(api, "start_date=2024-01-03&end_date=2024-01-03")

    assert [e["entry_date"] for e in entries] == ["2024-01-03", "2024-01-03"]


def test_source_type_lists_only_entries_of_that_source(api, seven):
    reversal = api.delete(f"{api.base}/custom-journal-entries/{seven[2]['id']}").json()

    reversals, _ = walk(api, "source_type=CUSTOM_JOURNAL_ENTRY_REVERSAL&limit=2")
    originals, _ = walk(api, "source_type=CUSTOM_JOURNAL_ENTRY&limit=2")

    assert [e["id"] for e in reversals] == [reversal["id"]]
    assert sorted(e["id"] for e in originals) == sorted(e["id"] for e in seven)


def test_a_source_type_page_reads_only_what_it_returns(api, seven):
    # Issue 12 §4: the filter is a key condition (GSI4), not a FilterExpression over every date.
    reversal = api.delete(f"{api.base}/custom-journal-entries/{seven[-1]['id']}").json()

    with IndexReads() as reads:
        entries, cursor, has_more = page(api, "source_type=CUSTOM_JOURNAL_ENTRY_REVERSAL&limit=5")

    assert [e["id"] for e in entries] == [reversal["id"]] and (cursor, has_more) == (None, False)
    assert dict(reads.scanned) == {"GSI4": 1}, "a filtered page read entries of other sources"


def test_an_unknown_source_type_lists_nothing(api, seven):
    entries, _ = walk(api, "source_type=LOAN_PAYMENT")

    assert entries == []


def test_entries_of_another_business_are_never_listed(api, seven):
    other = new_api("Other Co")
    post_dated(other, "2024-01-02")

    entries, _ = walk(api, "limit=100")

    assert {e["business_id"] for e in entries} == {api.business_id}
    assert len(entries) == 7


# ---- cursors a caller cannot forge or carry elsewhere ------------------------------------------------------


@pytest.mark.parametrize("where", ["payload", "signature"])
def test_a_tampered_cursor_is_refused(api, seven, where):
    _, cursor, _ = page(api, "limit=3")
    at = 5 if where == "payload" else cursor.index(".") + 5
    before = books(api.business_id)

    response = list_entries(api, f"limit=3&cursor={tampered(cursor, at)}")

    assert_bad_cursor(response)
    assert books(api.business_id) == before


@pytest.mark.parametrize("garbage", ["abc", "a.b", "a.b.c", "....", "%E2%98%83.%E2%98%83", "eyJzIjoieCJ9.AAAA"])
def test_a_garbage_cursor_is_refused(api, garbage):
    before = books(api.business_id)

    response = list_entries(api, f"cursor={garbage}")

    assert_bad_cursor(response)
    assert books(api.business_id) == before


def test_a_cursor_of_another_business_is_refused(api, seven):
    other = new_api("Other Co")
    for entry_date in DATES[:4]:
        post_dated(other, entry_date)
    _, theirs, _ = page(other, "limit=2")
    before = books(api.business_id)

    response = list_entries(api, f"limit=2&cursor={theirs}")

    assert_bad_cursor(response)
    assert books(api.business_id) == before


@pytest.mark.parametrize(
    "other_filter", ["start_date=2024-01-02", "end_date=2024-01-04", "source_type=CUSTOM_JOURNAL_ENTRY"]
)
def test_a_cursor_from_another_filter_is_refused(api, seven, other_filter):
    _, cursor, _ = page(api, "limit=3")
    before = books(api.business_id)

    response = list_entries(api, f"limit=3&{other_filter}&cursor={cursor}")

    assert_bad_cursor(response)
    assert books(api.business_id) == before
