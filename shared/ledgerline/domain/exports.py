"""The journal as text another tool reads (SPEC §10.4): beancount and CSV, pure functions of the books.

An export is a header, one block per journal entry, and a footer, each a complete piece of text: a
response may end after any block and the next one carry on, and the pieces put together are the same
text whatever the pages were (decision 116). What goes into the header and the footer (the accounts
to open and when, the opening balances of a range, the balances to assert) is decided by
``services/exports.py``; here they are only written.

Beancount (``text/plain``): ``option "operating_currency"``; one ``open`` per account of the chart;
for a range that does not start at the beginning, one opening transaction the day before it; one
transaction per entry (its date, memo as narration, ``entry-id``, ``source-type``, ``source-id``,
``external-id``, ``reverses``, ``reversed-by`` as metadata, a line's memo as the posting's ``memo``);
and, where Ledgerline's balances are those of the export's end, one ``balance`` assertion per
account. Amounts are in the business currency's major unit with its minor-unit places, debits
positive, credits negative.

CSV (``text/csv``, RFC 4180): a header row, then one row per line: entry id, entry date, the account's
stable name and name, debit and credit in integer cents (the other side 0), the line's memo or else
the entry's.
"""

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from ledgerline.domain.accounts import Account, AccountType, Direction
from ledgerline.domain.business import Business
from ledgerline.domain.currencies import major_units
from ledgerline.domain.journal import JournalEntry, Line

# ---- what a header and a footer say ---------------------------------------------------------------


@dataclass(frozen=True)
class Opening:
    """A range's opening balances: each account's signed balance (debit +) from the entries before ``start``."""

    start: date
    balances: tuple[tuple[Account, int], ...]

    @property
    def day(self) -> date:
        """The opening transaction's date: the day before the range, so the range's own income and
        expenses are only its entries'."""
        return date.fromordinal(self.start.toordinal() - 1)


@dataclass(frozen=True)
class Header:
    """The first piece of an export."""

    business: Business
    accounts: tuple[Account, ...]
    """The chart, in its order: every account gets an ``open``."""
    start: date | None
    end: date | None
    open_day: date
    """No later than the first transaction of the file (entries may predate their accounts)."""
    opening: Opening | None = None


@dataclass(frozen=True)
class Footer:
    """The last piece of an export: Ledgerline's balances, asserted on ``day``, or why they are not."""

    business: Business
    day: date
    accounts: tuple[Account, ...] | None
    """The chart with Ledgerline's balances; None: they are not the export's end's (``unasserted``)."""
    unasserted: str = ""


class JournalFormat(Protocol):
    """One export format: its media type, file extension and the three kinds of piece."""

    name: str
    media_type: str
    extension: str

    def header(self, header: Header) -> str: ...

    def entry(self, entry: JournalEntry, business: Business) -> str: ...

    def footer(self, footer: Footer) -> str: ...


def signed(line: Line) -> int:
    """A line's amount, debits positive and credits negative (cents)."""
    return line.amount if line.direction is Direction.DEBIT else -line.amount


def signed_balance(account: Account) -> int:
    """An account's balance as debits minus credits (Ledgerline keeps it positive in its normal direction)."""
    return account.balance if account.normality is Direction.DEBIT else -account.balance


# ---- beancount ----------------------------------------------------------------------------------------

ROOTS = {
    AccountType.ASSET: "Assets",
    AccountType.LIABILITY: "Liabilities",
    AccountType.EQUITY: "Equity",
    AccountType.REVENUE: "Income",
    AccountType.EXPENSE: "Expenses",
}
STABLE_NAME = re.compile(r"^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$")
AMOUNT_COLUMN = 60
"""Where amounts line up (a longer account name pushes its own amount right)."""


def account_component(account: Account) -> str:
    """The account's name under its root, from its stable name, in beancount's CamelCase:
    ``ACCOUNTS_RECEIVABLE`` → ``AccountsReceivable``. A word that starts with a digit keeps a hyphen
    before it (``NOTE_2024`` → ``Note-2024``, ``NOTE2024`` → ``Note2024``): every word then starts with
    an upper-case letter or a hyphen, and nothing else does, so the words — and the stable name — can be
    read back, and two accounts never get one name. A stable name not in UPPER_SNAKE (none should be)
    becomes ``Account--<id>``, which no UPPER_SNAKE name makes (it never has two hyphens in a row)."""
    if not STABLE_NAME.match(account.stable_name):
        return "Account--" + re.sub(r"[^0-9a-z]", "", account.id.lower())
    return "".join(
        word.capitalize() if word[0].isalpha() else f"-{word.lower()}" for word in account.stable_name.split("_")
    )


def beancount_account(account: Account) -> str:
    """``Assets:Cash``, ``Income:InterestIncome``…: the root from the account type, then its stable name."""
    return f"{ROOTS[account.account_type]}:{account_component(account)}"


def quoted(text: str) -> str:
    """A beancount string literal that reads back as ``text`` exactly (its lexer unescapes C-style)."""
    escaped = (
        text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
    )
    return f'"{escaped}"'


def _posting(account: Account, cents: int, currency: str) -> str:
    name = beancount_account(account)
    amount = major_units(cents, currency)
    return f"  {name}{' ' * max(2, AMOUNT_COLUMN - len(name) - len(amount))}{amount} {currency}\n"


def _period(start: date | None, end: date | None) -> str:
    if start and end:
        return f"entries dated {start} through {end}"
    if start:
        return f"entries dated {start} onwards"
    if end:
        return f"entries dated up to {end}"
    return "every entry"


class Beancount:
    """Plain-text accounting that ``bean-check`` verifies (https://beancount.github.io)."""

    name = "beancount"
    media_type = "text/plain; charset=utf-8"
    extension = "beancount"

    def header(self, header: Header) -> str:
        currency = header.business.currency
        text = (
            f"; Ledgerline journal export of business {header.business.id}: {_period(header.start, header.end)}.\n"
            f"; Amounts in {currency}, debits positive and credits negative.\n"
            f'option "title" {quoted(header.business.name)}\n'
            f'option "operating_currency" {quoted(currency)}\n\n'
        )
        text += "".join(f"{header.open_day} open {beancount_account(a)} {currency}\n" for a in header.accounts)
        if header.opening is not None and any(cents for _account, cents in header.opening.balances):
            text += (
                f"\n{header.opening.day} * {quoted(f'Opening balances: every entry before {header.opening.start}')}\n"
                + "".join(_posting(account, cents, currency) for account, cents in header.opening.balances if cents)
            )
        return text

    def entry(self, entry: JournalEntry, business: Business) -> str:
        meta = {
            "entry-id": entry.id,
            "source-type": entry.source.type,
            "source-id": entry.source.id,
            "external-id": entry.external_id,
            "reverses": entry.reverses,
            "reversed-by": entry.reversed_by,
        }
        text = f"\n{entry.entry_date} * {quoted(entry.memo or '')}\n"
        text += "".join(f"  {key}: {quoted(value)}\n" for key, value in meta.items() if value is not None)
        for line in entry.lines:
            text += _posting(line.account, signed(line), business.currency)
            if line.memo is not None:
                text += f"    memo: {quoted(line.memo)}\n"
        return text

    def footer(self, footer: Footer) -> str:
        if footer.accounts is None:
            return f"\n; No balance assertions: {footer.unasserted}\n"
        currency = footer.business.currency
        return (
            "\n; Ledgerline's balances when this was exported: bean-check proves the entries above add up to them.\n"
            + "".join(
                f"{footer.day} balance {_posting(a, signed_balance(a), currency).lstrip()}" for a in footer.accounts
            )
        )


# ---- CSV ------------------------------------------------------------------------------------------------

CSV_COLUMNS = ("entry_id", "entry_date", "account_stable_name", "account_name", "debit", "credit", "memo")


def _rows(rows: Sequence[Sequence[object]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)  # RFC 4180: quoted as needed, CRLF
    return out.getvalue()


class Csv:
    """One row per journal line, amounts in integer cents as everywhere in the API."""

    name = "csv"
    media_type = "text/csv; charset=utf-8"
    extension = "csv"

    def header(self, header: Header) -> str:
        return _rows([CSV_COLUMNS])

    def entry(self, entry: JournalEntry, business: Business) -> str:
        return _rows(
            [
                (
                    entry.id,
                    entry.entry_date.isoformat(),
                    line.account.stable_name,
                    line.account.name,
                    line.amount if line.direction is Direction.DEBIT else 0,
                    line.amount if line.direction is Direction.CREDIT else 0,
                    line.memo if line.memo is not None else entry.memo or "",
                )
                for line in entry.lines
            ]
        )

    def footer(self, footer: Footer) -> str:
        return ""


FORMATS: dict[str, JournalFormat] = {"beancount": Beancount(), "csv": Csv()}
