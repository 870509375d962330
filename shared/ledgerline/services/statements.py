"""Financial statements (SPEC §10.3): balance sheet, profit and loss, an account's general ledger and the
receivables aging. The trial balance as of a date is ``services.ledger.trial_balance``.

Each reads the whole chart (one Query: the business, its timezone and every account) and the period
rows of the months it needs (one Query, ``store.periods.month_moves``): the balance sheet and the
profit and loss read nothing else, so their cost grows with accounts × months, never with entries.
The general ledger adds the range's entries (paged), the aging every invoice with its history.
"""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Generic, TypeVar

from ledgerline import clock, cursors
from ledgerline.domain import dates
from ledgerline.domain import statements as rules
from ledgerline.domain.accounts import Account, AccountType, balance_delta
from ledgerline.domain.aging import Aging, aging
from ledgerline.domain.business import Business
from ledgerline.domain.journal import JournalEntry, Line
from ledgerline.domain.periods import balances_through
from ledgerline.errors import AccountNotFound, InvalidCursor, InvalidRequest
from ledgerline.services.ledger import Books, load_books
from ledgerline.services.posting import Scope
from ledgerline.store import periods, statement_reads
from ledgerline.store.statement_reads import LinesPosition

T = TypeVar("T")


@dataclass(frozen=True)
class Statement(Generic[T]):
    """A statement of one business, in its currency, as computed at ``generated_at``."""

    business: Business
    generated_at: datetime
    report: T


def _today(books: Books) -> date:
    """Today in the business's timezone: a statement's default date."""
    return books.business.local_date(clock.now())


def _chart(books: Books) -> tuple[Account, ...]:
    accounts = books.chart.accounts  # one Query: the profile and every account
    books.verify()
    return accounts


def _check_range(start: date, end: date) -> None:
    if end < start:
        raise InvalidRequest("end_date", "must be on or after start_date")
    if rules.months_spanned(start, end) > rules.MAX_MONTHS:
        raise InvalidRequest(
            "end_date",
            f"the range may span at most {rules.MAX_MONTHS} calendar months "
            f"(10 years); {start} to {end} spans {rules.months_spanned(start, end)}",
        )


# ---- balance sheet and profit and loss ----------------------------------------------------------


def balance_sheet(scope: Scope, effective_date: date | None) -> Statement[rules.BalanceSheet]:
    """Assets, liabilities and equity (with the net income of every period) as of the end of
    ``effective_date`` (default today in the business's timezone)."""
    books = load_books(scope.business_id)
    accounts = _chart(books)
    day = effective_date or _today(books)
    rows = periods.month_moves(scope.business_id, None, day)
    return Statement(books.business, clock.now(), rules.balance_sheet(accounts, rows, day))


def profit_and_loss(
    scope: Scope, start: date | None, end: date | None, *, by_month: bool
) -> Statement[rules.ProfitAndLoss]:
    """Income and expenses per account over ``start`` … ``end`` (default: the year to date of ``end``,
    itself default today), optionally one column per month; at most :data:`rules.MAX_MONTHS` months."""
    if start and end:
        _check_range(start, end)
    books = load_books(scope.business_id)
    accounts = _chart(books)
    end = end or max(_today(books), start or dates.EARLIEST)
    start = start or end.replace(month=1, day=1)
    _check_range(start, end)
    rows = periods.month_moves(scope.business_id, start, end)
    return Statement(books.business, clock.now(), rules.profit_and_loss(accounts, rows, start, end, by_month=by_month))


# ---- an account's general ledger ----------------------------------------------------------------


@dataclass(frozen=True)
class AccountLine:
    """One line of the account, and the account's balance right after it (signed like its balance)."""

    entry: JournalEntry
    line: Line
    balance: int


@dataclass(frozen=True)
class GeneralLedgerPage:
    account: Account
    start: date | None
    end: date | None
    opening_balance: int
    """As of the end of the day before ``start`` (0 without a start)."""
    closing_balance: int
    """As of the end of ``end`` (without an end: every entry's)."""
    lines: list[AccountLine]
    cursor: str | None


def _position(listing: str, cursor: str | None) -> tuple[LinesPosition | None, int | None]:
    """The cursor's place in the account's lines and the running balance there (None, None: the start)."""
    found = cursors.decode(listing, cursor)
    if found is None:
        return None, None
    after, entry_id, skip, balance = (found.get(name) for name in ("after", "entry", "skip", "balance"))
    if (
        set(found) != {"after", "entry", "skip", "balance"}
        or not (after is None or isinstance(after, dict))
        or not (entry_id is None or isinstance(entry_id, str))
        or type(skip) is not int
        or skip < 0
        or type(balance) is not int
    ):
        raise InvalidCursor()
    return LinesPosition(after, entry_id, skip), balance


def account_lines(
    scope: Scope, account_id: str, *, start: date | None, end: date | None, limit: int, cursor: str | None
) -> GeneralLedgerPage:
    """A page of one account's lines dated ``start`` … ``end`` in date order, each with the running balance,
    between the opening and closing balances; an unknown account → 404."""
    if start and end and end < start:
        raise InvalidRequest("end_date", "must be on or after start_date")
    listing = f"account-lines|{scope.business_id}|{account_id}|{start}|{end}"
    position, balance = _position(listing, cursor)
    books = load_books(scope.business_id, ids=[account_id])
    account = books.chart.by_id(account_id)  # one BatchGetItem: the profile and the account
    books.verify()
    if account is None:
        raise AccountNotFound(account_id)
    moves = periods.month_moves(scope.business_id, None, end or dates.LATEST)
    opening = balances_through(moves, rules.day_before(start)).get(account_id, 0) if start else 0
    closing = balances_through(moves, end or dates.LATEST).get(account_id, 0)
    found, following = statement_reads.account_lines(
        scope.business_id, books.chart, account_id, start=start, end=end, limit=limit, position=position
    )
    running = opening if balance is None else balance
    lines = []
    for entry, line in found:
        running += balance_delta(account.normality, line.direction, line.amount)
        lines.append(AccountLine(entry, line, running))
    next_cursor = (
        None
        if following is None
        else cursors.encode(
            listing, {"after": following.after, "entry": following.entry_id, "skip": following.skip, "balance": running}
        )
    )
    return GeneralLedgerPage(account, start, end, opening, closing, lines, next_cursor)


# ---- receivables aging --------------------------------------------------------------------------


def ar_aging(scope: Scope, effective_date: date | None) -> Statement[Aging]:
    """The invoices open at the end of ``effective_date`` (default today) by customer and days past due,
    beside ACCOUNTS_RECEIVABLE's balance that day."""
    books = load_books(scope.business_id)
    accounts = _chart(books)
    day = effective_date or _today(books)
    invoices = statement_reads.invoices_with_history(scope.business_id, accounts)
    reversals = [invoice.void_entry_id for invoice in invoices if invoice.void_entry_id] + [
        w.reversal_entry_id for invoice in invoices for w in invoice.write_offs if w.reversal_entry_id
    ]
    reversal_dates = statement_reads.entry_dates(scope.business_id, reversals)
    rows = periods.month_moves(scope.business_id, None, day)
    receivable = next(
        (a for a in accounts if a.stable_name == "ACCOUNTS_RECEIVABLE" and a.account_type is AccountType.ASSET), None
    )
    balance = balances_through(rows, day).get(receivable.id, 0) if receivable else 0
    return Statement(
        books.business,
        clock.now(),
        aging(invoices, day, books.business, reversal_dates=reversal_dates, receivable=balance),
    )
