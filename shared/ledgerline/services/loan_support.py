"""What every loan use case needs: books, the instrument, its accounts, dates, entries and events."""

from dataclasses import replace
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from ledgerline import clock
from ledgerline.domain.accounts import Account, AccountType
from ledgerline.domain.ids import new_id
from ledgerline.domain.journal import JournalEntry, Line, Source, check_entry
from ledgerline.domain.loans import STABLE_NAMES, Instrument, LoanAccounts, LoanDirection, LoanEvent
from ledgerline.errors import InstrumentNotFound, InvalidRequest, UnknownAccount
from ledgerline.services import accounts
from ledgerline.services.ledger import Books, load_books
from ledgerline.store import instruments as instrument_store
from ledgerline.store import transactions
from ledgerline.store.chart import Accounts

LOAN_ACCOUNTS = (
    *STABLE_NAMES[LoanDirection.LEND],
    *STABLE_NAMES[LoanDirection.BORROW],
    "OPENING_BALANCE_EQUITY",
    "CASH",
)
"""Every account a loan posting names by stable name, whatever its direction (9 items)."""


def books(business_id: str, *account_ids: str | None) -> Books:
    """The books, with every loan account and the accounts ``account_ids`` read together at first use."""
    return load_books(business_id, ids=[each for each in account_ids if each], stable_names=LOAN_ACCOUNTS)


def today(books: Books) -> date:
    """Today's date in the business's timezone."""
    return books.business.local_date(clock.now())


def not_after_today(books: Books, day: date, field: str) -> date:
    """``day`` itself; after today in the business's timezone is refused, naming ``field``."""
    if day > today(books):
        raise InvalidRequest(field, f"{day} is after today ({today(books)}) in the business's timezone")
    return day


def loan_accounts(chart: Accounts, direction: LoanDirection) -> LoanAccounts:
    """The direction's loan accounts and OPENING_BALANCE_EQUITY; a chart missing any → UnknownAccount."""
    names = (*STABLE_NAMES[direction], "OPENING_BALANCE_EQUITY")
    chart.want(stable_names=names)
    found = [chart.by_stable_name(name) for name in names]
    if any(account is None for account in found):
        raise UnknownAccount("direction")  # a chart without the default loan accounts
    principal, accrued, interest, write_off, equity = found
    return LoanAccounts(principal, accrued, interest, write_off, equity)  # type: ignore[arg-type]


def cash_account(chart: Accounts, account_id: str, field: str) -> Account:
    """The account ``account_id`` names, which must be an asset (bank or cash); otherwise refused, naming ``field``."""
    account = accounts.resolve_id(chart, account_id, field=field)
    if account.account_type is not AccountType.ASSET:
        raise InvalidRequest(field, "must be an asset (bank or cash) account")
    return account


def instrument(business_id: str, instrument_id: str) -> Instrument:
    """The business's instrument; unknown → 404."""
    found = instrument_store.get(business_id, instrument_id)
    if found is None:
        raise InstrumentNotFound(instrument_id)
    return found


def entry(
    books: Books, *, source: Source, day: date, lines: list[Line], memo: str | None, entry_id: str | None = None
) -> JournalEntry:
    """A dated entry (recognized at the start of ``day`` in the business's timezone), checked."""
    check_entry(lines, business_accounts=books.chart.seen)
    zone = ZoneInfo(books.business.timezone)
    return JournalEntry(
        id=entry_id or new_id(),
        business_id=books.business.id,
        entry_date=day,
        entry_at=datetime.combine(day, time(0), zone),
        created_at=clock.now(),
        memo=memo,
        source=source,
        lines=tuple(lines),
    )


Event = LoanEvent
"""A row of an instrument's activity."""


def save_with_event(before: Instrument, after: Instrument, event: LoanEvent) -> tuple[transactions.Action, ...]:
    """The instrument at its next version (guarded by the one read) and the activity row."""
    now = clock.now().isoformat()
    saved = instrument_store.save(
        replace(after, version=before.version + 1, updated_at=now), expected_version=before.version
    )
    return saved, save_event(after.business_id, after.id, event)


def save_event(business_id: str, instrument_id: str, event: LoanEvent) -> transactions.Action:
    """The activity row, new, written in the event's own posting."""
    return transactions.put(instrument_store.event_item(business_id, instrument_id, event, clock.now().isoformat()))
