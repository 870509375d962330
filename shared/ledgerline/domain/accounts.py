"""The chart of accounts and how a posting moves an account's balance."""

import hashlib
from dataclasses import dataclass
from enum import StrEnum


class AccountType(StrEnum):
    ASSET = "ASSET"
    LIABILITY = "LIABILITY"
    EQUITY = "EQUITY"
    REVENUE = "REVENUE"
    EXPENSE = "EXPENSE"


class Direction(StrEnum):
    DEBIT = "DEBIT"
    CREDIT = "CREDIT"

    @property
    def opposite(self) -> "Direction":
        """CREDIT for DEBIT, DEBIT for CREDIT."""
        return Direction.CREDIT if self is Direction.DEBIT else Direction.DEBIT


NATURAL_NORMALITY = {
    AccountType.ASSET: Direction.DEBIT,
    AccountType.EXPENSE: Direction.DEBIT,
    AccountType.LIABILITY: Direction.CREDIT,
    AccountType.EQUITY: Direction.CREDIT,
    AccountType.REVENUE: Direction.CREDIT,
}


@dataclass(frozen=True)
class Account:
    """One account of a business's chart, with its running balance."""

    id: str
    name: str
    stable_name: str
    account_type: AccountType
    normality: Direction
    balance: int = 0
    """Cents, positive in the account's normal direction."""
    balance_shards: int = 1
    """How many items the balance is spread over (1: the account item alone). A posting moves one of
    them, so concurrent postings to a hot account conflict only when they pick the same shard; a
    balance shown is their sum. Fixed when the account is created."""


@dataclass(frozen=True)
class CreateAccount:
    """A command: add an account to the chart (an existing ``stable_name`` of the same kind is that account)."""

    name: str
    account_type: AccountType
    stable_name: str | None = None
    """Default: the name in UPPER_SNAKE."""
    normality: Direction | None = None
    """Default: the type's natural side (``NATURAL_NORMALITY``)."""


def balance_delta(normality: Direction, direction: Direction, amount: int) -> int:
    """How much a line of ``amount`` on ``direction`` moves a balance kept in its normal direction."""
    return amount if direction is normality else -amount


def balance_shard(account: Account, spread: str) -> int:
    """Which of the account's balance shards a posting moves: 0 (the account item) for an unsharded
    account; otherwise spread by ``spread`` (the posting's first entry id), the same for the same posting."""
    if account.balance_shards <= 1:
        return 0
    return int.from_bytes(hashlib.sha256(f"{spread}|{account.id}".encode()).digest()[:8]) % account.balance_shards


HOT_ACCOUNTS = {"CASH": 8, "ACCOUNTS_RECEIVABLE": 8, "SALES": 8}
"""Default-chart accounts almost every cash or invoice event moves, and their balance shards: eight
concurrent postings can move CASH at once instead of one (docs/performance.md, "Production scale")."""

# (stable_name, name, type, normality) — SPEC §4's default chart for every new business.
DEFAULT_CHART: tuple[tuple[str, str, AccountType, Direction], ...] = (
    ("CASH", "Cash", AccountType.ASSET, Direction.DEBIT),
    ("ACCOUNTS_RECEIVABLE", "Accounts Receivable", AccountType.ASSET, Direction.DEBIT),
    ("NOTES_RECEIVABLE", "Notes Receivable", AccountType.ASSET, Direction.DEBIT),
    ("INTEREST_RECEIVABLE", "Interest Receivable", AccountType.ASSET, Direction.DEBIT),
    ("ACCOUNTS_PAYABLE", "Accounts Payable", AccountType.LIABILITY, Direction.CREDIT),
    ("INTEREST_PAYABLE", "Accrued Interest Payable", AccountType.LIABILITY, Direction.CREDIT),
    ("LONG_TERM_DEBT", "Long-Term Debt", AccountType.LIABILITY, Direction.CREDIT),
    ("OPENING_BALANCE_EQUITY", "Opening Balance Equity", AccountType.EQUITY, Direction.CREDIT),
    ("RETAINED_EARNINGS", "Retained Earnings", AccountType.EQUITY, Direction.CREDIT),
    ("SALES", "Sales", AccountType.REVENUE, Direction.CREDIT),
    ("DISCOUNTS", "Discounts (contra-revenue)", AccountType.REVENUE, Direction.DEBIT),
    ("UNCATEGORIZED_REVENUE", "Uncategorized Revenue", AccountType.REVENUE, Direction.CREDIT),
    ("INTEREST_INCOME", "Interest Income", AccountType.REVENUE, Direction.CREDIT),
    ("DEBT_FORGIVENESS_INCOME", "Debt Forgiveness Income", AccountType.REVENUE, Direction.CREDIT),
    ("BAD_DEBT", "Bad Debt Expense", AccountType.EXPENSE, Direction.DEBIT),
    ("INTEREST_EXPENSE", "Interest Expense", AccountType.EXPENSE, Direction.DEBIT),
    ("UNCATEGORIZED_EXPENSES", "Uncategorized Expenses", AccountType.EXPENSE, Direction.DEBIT),
    ("BANK_FEES", "Bank Fees", AccountType.EXPENSE, Direction.DEBIT),
)


@dataclass(frozen=True)
class Chart:
    """A business's accounts, addressable by id or stable name."""

    accounts: tuple[Account, ...]

    def by_id(self, account_id: str) -> Account | None:
        """The account with this id, or None."""
        return next((a for a in self.accounts if a.id == account_id), None)

    def by_stable_name(self, stable_name: str) -> Account | None:
        """The account with this stable name (e.g. ``CASH``), or None."""
        return next((a for a in self.accounts if a.stable_name == stable_name), None)
