"""Exporting the journal (SPEC §10.4): beancount or CSV, read a page of entries at a time.

A Lambda response is capped at 6 MB, and an export has no size limit, so an export is answered in
pages of text: each response holds as many whole pieces (the header, one block per entry, the
footer) as fit in its budget, and, when more follow, a signed cursor to ask for them. The pieces of
all the pages, put together, are the same text whatever the budget (decision 116).

What is read: the chart (once per page), the entries in date order through GSI1, one Query page at a
time (``store/entry_stream.py``), nothing more held than the page being written; for a range, the
opening balances from the period rows (one Query of accounts × months, whatever came before); for a
range that ends before the last entry, one Query to tell so.
"""

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import chain
from typing import Any

from ledgerline import clock, cursors
from ledgerline.domain import periods
from ledgerline.domain.accounts import Direction
from ledgerline.domain.exports import FORMATS, Footer, Header, JournalFormat, Opening
from ledgerline.domain.journal import JournalEntry
from ledgerline.errors import InvalidCursor, InvalidRequest
from ledgerline.services.ledger import Books, load_books
from ledgerline.services.posting import Scope
from ledgerline.store import entry_stream
from ledgerline.store import periods as period_store

RESPONSE_BUDGET_BYTES = 5_000_000
"""The most text one page holds, counted as the escaped JSON string Lambda returns it in: well under
Lambda's 6 MB response limit (6,291,456 bytes), with room for the headers. One piece larger than this
on its own (never seen: an entry is at most 50 lines) still goes out whole, alone in its page."""
RESPONSE_BUDGET_SECONDS = 20.0
"""After this long, a page ends at the next piece: the function's timeout (29 s) and API Gateway's
(30 s) are never reached however slowly the entries are read."""


@dataclass(frozen=True)
class Budget:
    """How much one page may hold: bytes (as Lambda's JSON response carries them) and seconds of work."""

    bytes: int = field(default_factory=lambda: RESPONSE_BUDGET_BYTES)
    seconds: float = field(default_factory=lambda: RESPONSE_BUDGET_SECONDS)


@dataclass(frozen=True)
class ExportPage:
    """One page of an export: its text, the cursor of the next page (None: the export is complete)."""

    text: str
    cursor: str | None
    media_type: str
    filename: str


class _Page:
    """The pieces written so far, and whether another fits."""

    def __init__(self, budget: Budget) -> None:
        self.budget = budget
        self.deadline = time.monotonic() + budget.seconds
        self.pieces: list[str] = []
        self.size = 0

    def fits(self, piece: str) -> bool:
        # A page always takes its first piece, however large or late: every page moves the export on.
        if not self.pieces:
            return True
        return self.size + _sent_size(piece) <= self.budget.bytes and time.monotonic() < self.deadline

    def add(self, piece: str) -> None:
        self.pieces.append(piece)
        self.size += _sent_size(piece)


def _sent_size(text: str) -> int:
    """The bytes ``text`` takes inside the JSON that Lambda sends (escaped as ASCII: the worst case)."""
    return len(json.dumps(text)) - 2


def export_journal(
    scope: Scope, *, format: str, start: date | None, end: date | None, cursor: str | None, budget: Budget | None = None
) -> ExportPage:
    """One page of the journal of ``start`` … ``end`` in ``format`` (``beancount`` or ``csv``), from
    ``cursor`` (None: the first page). End before start → 400; unknown business → 404; a cursor of
    another export → 400."""
    if start and end and end < start:
        raise InvalidRequest("end_date", "must be on or after start_date")
    journal_format = FORMATS[format]
    listing = f"export|{scope.business_id}|{format}|{start}|{end}"
    resumed = _resume(cursors.decode(listing, cursor))
    books = load_books(scope.business_id)
    books.chart.accounts  # noqa: B018 - one Query: the profile and the chart, every page uses them
    business = books.business  # an unknown business: 404 before anything is written
    page = _Page(budget or Budget())
    if resumed is None:
        after, last = None, None
        entries = _first_page(books, journal_format, page, start=start, end=end)
    else:
        after, last = resumed
        entries = entry_stream.entries(scope.business_id, books.chart, start=start, end=end, position=after)
    filename = f"ledgerline-{scope.business_id}-journal.{journal_format.extension}"

    def stop_here() -> ExportPage:
        state = {"after": after, "last": last.isoformat() if last else None}
        return ExportPage("".join(page.pieces), cursors.encode(listing, state), journal_format.media_type, filename)

    for entry, position in entries:
        piece = journal_format.entry(entry, business)
        if not page.fits(piece):
            return stop_here()
        page.add(piece)
        after, last = position, entry.entry_date
    piece = journal_format.footer(_footer(books, start=start, end=end, last=last))
    if not page.fits(piece):
        return stop_here()  # the next page finds no entry after ``after`` and writes only the footer
    page.add(piece)
    return ExportPage("".join(page.pieces), None, journal_format.media_type, filename)


def _resume(state: dict[str, Any] | None) -> tuple[dict[str, Any] | None, date | None] | None:
    """A cursor's content: the position after the last entry written (None: none yet) and that entry's date."""
    if state is None:
        return None
    if set(state) != {"after", "last"} or not isinstance(state["after"], dict | None):
        raise InvalidCursor()
    try:
        last = date.fromisoformat(state["last"]) if state["last"] is not None else None
    except (TypeError, ValueError):
        raise InvalidCursor() from None
    return state["after"], last


def _first_page(
    books: Books, journal_format: JournalFormat, page: _Page, *, start: date | None, end: date | None
) -> Iterator[tuple[JournalEntry, dict[str, Any]]]:
    """Write the header, whose ``open`` date needs the first entry: read it first, then hand it back
    with the rest."""
    business_id = books.business.id
    entries = entry_stream.entries(business_id, books.chart, start=start, end=end)
    first = next(entries, None)
    opening = _opening(books, start) if start else None
    if opening is not None and any(cents for _account, cents in opening.balances):
        open_day = opening.day
    elif first is not None:
        open_day = first[0].entry_date
    else:
        open_day = start or end or books.business.local_date(clock.now())
    page.add(journal_format.header(Header(books.business, books.chart.accounts, start, end, open_day, opening)))
    return chain([first], entries) if first is not None else entries


def _opening(books: Books, start: date) -> Opening:
    """Each account's balance (debit +) as of the day before ``start``, from the period rows (SPEC §10.3):
    one Query of accounts × months, however many entries came before."""
    through = periods.balances_through(
        period_store.month_moves(books.business.id, None, start - timedelta(days=1)), start - timedelta(days=1)
    )
    return Opening(
        start,
        tuple(
            (account, through.get(account.id, 0) * (1 if account.normality is Direction.DEBIT else -1))
            for account in books.chart.accounts
        ),
    )


def _footer(books: Books, *, start: date | None, end: date | None, last: date | None) -> Footer:
    """Ledgerline's balances, asserted the day after the export's end: they are the balances at that
    end unless entries are dated after it."""
    business = books.business
    if end is not None:
        day = end + timedelta(days=1)
    elif last is not None:
        day = last + timedelta(days=1)
    else:
        day = start or business.local_date(clock.now())
    if end is not None and entry_stream.any_after(business.id, books.chart, end):
        return Footer(
            business,
            day,
            None,
            f"entries are dated after {end}, so Ledgerline's balances now are not the balances at the end of {end}.",
        )
    return Footer(business, day, books.chart.accounts)
