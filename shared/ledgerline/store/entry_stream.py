"""Journal entries in date order, one Query page at a time, each with the position right after it.

An export writes entries until its response is full, which is rarely at the end of a Query page: it
needs to resume right after any entry. :func:`entries` hands each entry with that position (a GSI1
key, the same kind ``items.query_page`` resumes from), and reads the next page only when the one
before is used up, so no more than one page is ever in memory.
"""

from collections.abc import Iterator
from datetime import date
from typing import Any

from ledgerline.domain.journal import JournalEntry
from ledgerline.store import entries as entry_store
from ledgerline.store import keys
from ledgerline.store.chart import Accounts

PAGE_SIZE = 100
"""Entries per Query: what one Query may read anyway (at most 1 MB of items)."""


def position_after(entry: JournalEntry) -> dict[str, Any]:
    """The key a listing of entries by date resumes after ``entry`` from (GSI1's and the table's)."""
    return {
        **keys.key(keys.business_pk(entry.business_id), keys.entry_sk(entry.id)),
        **keys.entry_index_keys(entry.business_id, entry.entry_date.isoformat(), entry.id),
    }


def entries(
    business_id: str,
    chart: Accounts,
    *,
    start: date | None,
    end: date | None,
    position: dict[str, Any] | None = None,
    page_size: int = PAGE_SIZE,
) -> Iterator[tuple[JournalEntry, dict[str, Any]]]:
    """Every entry dated ``start`` … ``end`` (None: open) after ``position``, in date order (GSI1,
    eventually consistent), each with the position right after it; a foreign or damaged position is
    ``InvalidCursor`` (400)."""
    while True:
        page, last = entry_store.query_by_date(
            business_id, chart, start=start, end=end, source_type=None, limit=page_size, start_key=position
        )
        for entry in page:
            yield entry, position_after(entry)
        if last is None:
            return
        position = last


def any_after(business_id: str, chart: Accounts, day: date) -> bool:
    """Whether any entry is dated after ``day`` (one Query of at most two items)."""
    if day >= date.max:
        return False
    page, _last = entry_store.query_by_date(
        business_id,
        chart,
        start=date.fromordinal(day.toordinal() + 1),
        end=None,
        source_type=None,
        limit=1,
        start_key=None,
    )
    return bool(page)
