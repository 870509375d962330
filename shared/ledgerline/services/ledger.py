"""Ledger use cases: accounts, custom journal entries and their reversal, listings, trial balance."""

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime
from typing import Generic, TypeVar

from ledgerline import clock, cursors, idempotency
from ledgerline.domain import dates
from ledgerline.domain.accounts import NATURAL_NORMALITY, Account, CreateAccount, Direction
from ledgerline.domain.business import Business
from ledgerline.domain.ids import new_id
from ledgerline.domain.journal import JournalEntry, Line, PostCustomEntry, Source, check_entry, reversal_of
from ledgerline.errors import (
    AccountConflict,
    AlreadyReversed,
    BusinessNotFound,
    EntryNotFound,
    InvalidRequest,
    NotReversible,
)
from ledgerline.services import accounts
from ledgerline.services.posting import Posting, Scope, post, post_once
from ledgerline.store import chart as chart_store
from ledgerline.store import entries as entry_store
from ledgerline.store import periods, transactions

T = TypeVar("T")

CUSTOM_SOURCE = "CUSTOM_JOURNAL_ENTRY"
CUSTOM_REVERSAL_SOURCE = "CUSTOM_JOURNAL_ENTRY_REVERSAL"


class Books:
    """What most decisions need: the business (its timezone) and its accounts, looked up as named
    (``chart.by_id`` / ``chart.by_stable_name``; the whole chart only for reports, ``chart.accounts``).
    Nothing is read until the first of them is used; then the profile and every account named so far
    are read together (``store.chart.Accounts``)."""

    def __init__(self, business_id: str) -> None:
        self.chart = chart_store.Accounts(business_id)

    @property
    def business(self) -> Business:
        """The business; an unknown one → 404 (``BusinessNotFound``)."""
        return self.chart.business

    def verify(self) -> None:
        """Raise 404 for an unknown business: for reads that may not have used the books yet (an empty
        page, a missing item). No read if the profile came with the accounts already."""
        self.chart.business  # noqa: B018 - reading the property is the check


_run_books: ContextVar[dict[str, Books] | None] = ContextVar("run_books", default=None)


@contextmanager
def books_read_once() -> Iterator[None]:
    """Within a batch (a write-off run), share each business's books by all its postings.

    Postings never decide from balances (they move them with ``ADD``); they only name accounts,
    which never change, so sharing is safe. Nested, it shares the outer batch's books.
    """
    if _run_books.get() is not None:
        yield
        return
    token = _run_books.set({})
    try:
        yield
    finally:
        _run_books.reset(token)


def load_books(business_id: str, *, ids: Iterable[str] = (), stable_names: Iterable[str] = ()) -> Books:
    """The business and a lookup of its accounts, read when first used: the profile and the accounts
    named here (the ones the decision will use) together in one BatchGetItem, and only what this
    container has not read before (none of it ever changes). An unknown business → 404 when first
    used. Inside ``books_read_once`` the books are shared by a whole run."""
    cache = _run_books.get()
    if cache is not None and business_id in cache:
        cache[business_id].chart.want(ids=ids, stable_names=stable_names)
        return cache[business_id]
    books = Books(business_id)
    books.chart.want(ids=ids, stable_names=stable_names)
    if cache is not None:
        cache[business_id] = books
    return books


def require_business(business_id: str) -> None:
    """For reads that need nothing else of the business: its profile (one GetItem, or none if this
    container has read it before), 404 without one."""
    if chart_store.read(business_id, profile=True) is None:
        raise BusinessNotFound(business_id)


def local_day(books: Books, moment: datetime, field: str) -> date:
    """The business's calendar date of a date-time the caller gave, which must be in the window there too
    (SPEC §9.1; the schema has already checked it as written and in UTC, so the conversion cannot overflow)."""
    day = books.business.local_date(moment)
    if not dates.in_window(day):
        raise InvalidRequest(
            field,
            f"{moment.isoformat()} is {day} in the business's timezone "
            f"({books.business.timezone}), outside {dates.WINDOW}",
        )
    return day


# ---- accounts ---------------------------------------------------------------------------------


def list_accounts(scope: Scope) -> list[Account]:
    """Every account in the business's chart."""
    books = load_books(scope.business_id)
    found = list(books.chart.accounts)  # one Query: the profile and every account
    books.verify()
    return found


STABLE_NAME_PATTERN = re.compile(r"^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$")


def _stable_name_for(name: str) -> str:
    """The name in UPPER_SNAKE; a name that does not make a valid stable name needs an explicit one."""
    derived = re.sub(r"[^A-Z0-9]+", "_", name.upper()).strip("_")
    if len(derived) > 100 or not STABLE_NAME_PATTERN.match(derived):
        raise InvalidRequest(
            "stable_name",
            f"cannot be derived from the name {name!r}; give one explicitly "
            "(UPPER_SNAKE, starting with a letter, at most 100 characters)",
        )
    return derived


def create_account(scope: Scope, command: CreateAccount) -> tuple[Account, bool]:
    """A custom account; an existing stable_name returns that account (200) if it is the same kind."""
    stable_name = command.stable_name or _stable_name_for(command.name)
    normality = command.normality or NATURAL_NORMALITY[command.account_type]

    def same_kind(existing: Account) -> Account:
        if (existing.account_type, existing.normality) != (command.account_type, normality):
            raise AccountConflict(
                f"Account {stable_name} already exists as {existing.account_type} / {existing.normality}."
            )
        return existing

    def decide() -> Posting[Account]:
        books = load_books(scope.business_id)
        if (existing := books.chart.by_stable_name(stable_name)) is not None:  # answered with its balance
            existing = chart_store.get_account(scope.business_id, existing.id) or existing
            raise _AccountExists(same_kind(existing))
        account = Account(new_id(), command.name, stable_name, command.account_type, normality)
        now = clock.now().isoformat()
        return Posting(
            result=account,
            actions=(
                transactions.put(chart_store.stable_name_item(scope.business_id, account)),
                transactions.put(chart_store.account_item(scope.business_id, account, now)),
            ),
        )

    try:
        return post(scope, decide), True
    except _AccountExists as exists:
        if scope.idempotency is not None:  # a keyed duplicate gets the first answer (201), not this 200
            idempotency.raise_if_recorded(scope.business_id, scope.idempotency)
        return exists.account, False


class _AccountExists(Exception):
    def __init__(self, account: Account) -> None:
        super().__init__(account.stable_name)
        self.account = account


# ---- journal entries --------------------------------------------------------------------------


def post_custom_entry(scope: Scope, command: PostCustomEntry) -> tuple[JournalEntry, bool]:
    """A balanced entry of the caller's lines, dated ``entry_at`` (default now): (entry, created)."""
    loaded: list[Books] = []  # an external_id replay reuses the chart just read: ≤ 2 reads (SPEC §8)

    def decide(entry_id: str) -> Posting[JournalEntry]:
        books = load_books(scope.business_id, **accounts.wanted(line.account for line in command.lines))
        loaded.append(books)
        now = clock.now()
        entry_at = command.entry_at or now
        lines = tuple(
            Line(
                account=accounts.resolve(
                    books.chart, accounts.identifier(item.account), field=f"line_items.{index}.account_identifier"
                ),
                direction=item.direction,
                amount=item.amount,
                memo=item.memo,
            )
            for index, item in enumerate(command.lines)
        )
        check_entry(lines, business_accounts=books.chart.seen)
        entry_date = local_day(books, entry_at, "entry_at")
        entry = JournalEntry(
            id=entry_id,
            business_id=scope.business_id,
            entry_date=entry_date,
            entry_at=entry_at,
            created_at=now,
            memo=command.memo,
            source=Source(CUSTOM_SOURCE, entry_id),
            lines=lines,
            external_id=command.external_id,
            tags=command.tags,
        )
        return Posting(result=entry, entries=(entry,))

    return post_once(
        scope,
        kind="custom_journal_entry",
        external_id=command.external_id,
        content=command.content,
        decide=decide,
        existing=lambda entry_id: _load_entry(loaded[-1], scope.business_id, entry_id),
        new_id=new_id,
    )


@dataclass(frozen=True)
class Corrected(Generic[T]):
    """What a correction returns (the reversing entry, the voided invoice, the deleted write-off), and the
    first open day its reversing entry went to when the original's date is closed (SPEC §10.2)."""

    value: T
    moved_to: date | None = None


def reversal_moment(books: Books, original: date, moment: datetime) -> tuple[date, datetime]:
    """Where a reversal of what was dated ``original`` (at ``moment``) goes: the same day and moment, or,
    if that day is closed, the start of the first open day (SPEC §10.2)."""
    day = periods.first_open_day(books.chart.business_id, original)
    return (original, moment) if day == original else (day, books.business.start_of(day))


def reverse_custom_entry(scope: Scope, entry_id: str) -> Corrected[JournalEntry]:
    """Delete a custom entry the only way a ledger can: a reversing entry on the original's date (on the
    first open day if that date is closed)."""

    def decide() -> Posting[Corrected[JournalEntry]]:
        books = load_books(scope.business_id)
        original = _load_entry(books, scope.business_id, entry_id)
        if original.source.type != CUSTOM_SOURCE:
            raise NotReversible(
                f"Journal entry {entry_id} was posted by {original.source.type}; correct it through that resource."
            )
        if original.reversed_by is not None:
            raise AlreadyReversed(entry_id)
        day, moment = reversal_moment(books, original.entry_date, original.entry_at)
        reversal = reversal_of(
            original,
            reversal_id=new_id(),
            entry_date=day,
            entry_at=moment,
            created_at=clock.now(),
            source=Source(CUSTOM_REVERSAL_SOURCE, original.id),
        )
        return Posting(
            result=Corrected(reversal, moved_to=day if day != original.entry_date else None),
            entries=(reversal,),
            actions=(entry_store.mark_reversed(scope.business_id, original.id, reversal.id),),
        )

    return post(scope, decide)


def _load_entry(books: Books, business_id: str, entry_id: str) -> JournalEntry:
    entry = entry_store.get(business_id, entry_id, books.chart)  # then the profile, with its lines' accounts
    books.verify()
    if entry is None:
        raise EntryNotFound(entry_id)
    return entry


def get_entry(scope: Scope, entry_id: str) -> JournalEntry:
    """One journal entry of the business; unknown → 404."""
    return _load_entry(load_books(scope.business_id), scope.business_id, entry_id)


@dataclass(frozen=True)
class Page:
    """One page of a listing, and the cursor of the next (None on the last page)."""

    items: list
    cursor: str | None


def list_entries(
    scope: Scope,
    *,
    start: date | None,
    end: date | None,
    source_type: str | None,
    limit: int,
    cursor: str | None,
) -> Page:
    """A page of journal entries by date, optionally of one source type; ``end`` before ``start`` is refused."""
    if start and end and end < start:
        raise InvalidRequest("end_date", "must be on or after start_date")
    listing = f"entries|{scope.business_id}|{start}|{end}|{source_type}"
    position = cursors.decode(listing, cursor)
    books = load_books(scope.business_id)
    entries, last = entry_store.query_by_date(
        scope.business_id, books.chart, start=start, end=end, source_type=source_type, limit=limit, start_key=position
    )
    books.verify()
    return Page(entries, cursors.encode(listing, last))


# ---- reports ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrialBalanceRow:
    """An account's balance in cents on the side it stands; the other side is 0."""

    account: Account
    debit: int
    credit: int


@dataclass(frozen=True)
class TrialBalanceReport:
    """One row per account of the chart: as of ``generated_at``, or of the end of ``effective_date``."""

    business: Business
    generated_at: datetime
    rows: list[TrialBalanceRow]
    effective_date: date | None = None

    @property
    def total_debits(self) -> int:
        """The debit column's total, in cents."""
        return sum(row.debit for row in self.rows)

    @property
    def total_credits(self) -> int:
        """The credit column's total, in cents."""
        return sum(row.credit for row in self.rows)


def trial_balance(scope: Scope, effective_date: date | None = None) -> TrialBalanceReport:
    """Every account's balance on the side it stands (a negative normal balance flips sides): the balances
    as they stand (one Query), or as of the end of ``effective_date`` from the period rows (one more)."""
    books = load_books(scope.business_id)
    accounts = books.chart.accounts
    if effective_date is not None:
        from ledgerline.domain import statements  # only this report needs it: off every other cold start

        accounts = statements.as_of(
            accounts, periods.month_moves(scope.business_id, None, effective_date), effective_date
        )
    rows = []
    for account in accounts:
        debit_side = (account.normality is Direction.DEBIT) == (account.balance >= 0)
        amount = abs(account.balance)
        rows.append(TrialBalanceRow(account, amount if debit_side else 0, 0 if debit_side else amount))
    return TrialBalanceReport(books.business, clock.now(), rows, effective_date)
