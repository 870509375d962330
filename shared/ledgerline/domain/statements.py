"""Financial statements as pure functions of the chart and its period rows (SPEC §10.3).

A statement never sums entries: balances as of a day and moves over a range come from the period rows
(:mod:`ledgerline.domain.periods`), so what a statement costs grows with accounts × months only.

Signs. An account's ``balance`` is, as everywhere in Ledgerline, positive in its normal direction. A
statement adds each account to a section in the **section's** direction — assets debit, liabilities,
equity and income credit, expenses debit — so a contra account (a debit-normal revenue such as
DISCOUNTS, a credit-normal asset) shows its ``balance`` as usual and takes away from the section's
total (its ``amount`` / ``value`` is negative).

Ledgerline posts no closing entries, so the net income of every period through a day — revenue less
expenses, from the first entry on — is still in the revenue and expense accounts: the balance sheet
shows it as its own line of equity, which is why ``assets == liabilities + equity`` holds on any day.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

from ledgerline.domain.accounts import Account, AccountType, Direction
from ledgerline.domain.periods import MonthMoves, balances_through, month_end, month_starts, moves_between

MAX_MONTHS = 120
"""The longest range a profit and loss covers: ten years of months (its cost grows with them)."""

SECTION_SIDE = {
    AccountType.ASSET: Direction.DEBIT,
    AccountType.LIABILITY: Direction.CREDIT,
    AccountType.EQUITY: Direction.CREDIT,
    AccountType.REVENUE: Direction.CREDIT,
    AccountType.EXPENSE: Direction.DEBIT,
}
"""The direction each account type adds to its section's total in."""


def toward(side: Direction, account: Account, cents: int) -> int:
    """``cents`` of ``account`` (signed in its normal direction) counted in ``side``'s direction."""
    return cents if account.normality is side else -cents


def as_of(accounts: Iterable[Account], rows: Iterable[MonthMoves], day: date) -> tuple[Account, ...]:
    """The chart with each balance as of the end of ``day`` (``rows``: the period rows through it)."""
    balances = balances_through(rows, day)
    return tuple(replace(account, balance=balances.get(account.id, 0)) for account in accounts)


def net_income(accounts: Iterable[Account]) -> int:
    """Revenue less expenses over these accounts' balances: what is not yet closed to retained earnings."""
    return sum(
        toward(Direction.CREDIT, a, a.balance)
        for a in accounts
        if a.account_type in (AccountType.REVENUE, AccountType.EXPENSE)
    )


# ---- balance sheet ------------------------------------------------------------------------------


@dataclass(frozen=True)
class StatementLine:
    """One account on a statement: its balance, and what it adds to its section (``amount``)."""

    account: Account
    amount: int


@dataclass(frozen=True)
class Section:
    """Assets, liabilities or equity: one line per account of the type, and their total."""

    account_type: AccountType
    lines: tuple[StatementLine, ...]
    net_income: int = 0
    """Equity only: the net income of every period through the date, as its own line."""

    @property
    def total(self) -> int:
        return sum(line.amount for line in self.lines) + self.net_income


@dataclass(frozen=True)
class BalanceSheet:
    effective_date: date
    assets: Section
    liabilities: Section
    equity: Section

    @property
    def balanced(self) -> bool:
        """Always true for books that balance: the ledger's invariant, shown."""
        return self.assets.total == self.liabilities.total + self.equity.total


def _section(accounts: Sequence[Account], account_type: AccountType, net: int = 0) -> Section:
    side = SECTION_SIDE[account_type]
    return Section(
        account_type,
        tuple(StatementLine(a, toward(side, a, a.balance)) for a in accounts if a.account_type is account_type),
        net,
    )


def balance_sheet(accounts: Iterable[Account], rows: Iterable[MonthMoves], day: date) -> BalanceSheet:
    """Every account's balance as of the end of ``day`` by section, equity with the net income through it."""
    chart = as_of(accounts, rows, day)
    return BalanceSheet(
        day,
        _section(chart, AccountType.ASSET),
        _section(chart, AccountType.LIABILITY),
        _section(chart, AccountType.EQUITY, net_income(chart)),
    )


# ---- profit and loss ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Movement:
    """What one revenue or expense account moved over a range, in its section's direction."""

    account: Account
    value: int


@dataclass(frozen=True)
class ProfitAndLossColumn:
    """Income and expenses over ``start`` … ``end`` (both included), per account."""

    start: date
    end: date
    income: tuple[Movement, ...]
    expenses: tuple[Movement, ...]

    @property
    def total_income(self) -> int:
        return sum(m.value for m in self.income)

    @property
    def total_expenses(self) -> int:
        return sum(m.value for m in self.expenses)

    @property
    def net_profit(self) -> int:
        return self.total_income - self.total_expenses


@dataclass(frozen=True)
class ProfitAndLoss:
    """The range's column, and with ``by_month`` one column per calendar month it touches (clipped to it)."""

    total: ProfitAndLossColumn
    months: tuple[ProfitAndLossColumn, ...] | None = None


def months_spanned(start: date, end: date) -> int:
    """How many calendar months ``start`` … ``end`` touches."""
    return (end.year - start.year) * 12 + end.month - start.month + 1


def _column(accounts: Sequence[Account], rows: Sequence[MonthMoves], start: date, end: date) -> ProfitAndLossColumn:
    moves = moves_between(rows, start, end)

    def of(account_type: AccountType) -> tuple[Movement, ...]:
        side = SECTION_SIDE[account_type]
        return tuple(
            Movement(a, toward(side, a, moves.get(a.id, 0))) for a in accounts if a.account_type is account_type
        )

    return ProfitAndLossColumn(start, end, of(AccountType.REVENUE), of(AccountType.EXPENSE))


def profit_and_loss(
    accounts: Iterable[Account], rows: Iterable[MonthMoves], start: date, end: date, *, by_month: bool = False
) -> ProfitAndLoss:
    """Every revenue and expense account's movement over ``start`` … ``end`` (``rows``: at least those months)."""
    chart, moved = tuple(accounts), tuple(rows)
    months = (
        tuple(
            _column(chart, moved, max(start, first), min(end, month_end(first))) for first in month_starts(start, end)
        )
        if by_month
        else None
    )
    return ProfitAndLoss(_column(chart, moved, start, end), months)


def day_before(day: date) -> date:
    return day - timedelta(days=1)
