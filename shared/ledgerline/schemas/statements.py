"""The financial statements' responses (SPEC §10.3, invoices & ledger family: bare objects, cents)."""

from datetime import date, datetime
from typing import Literal

from pydantic import Field

from ledgerline.domain.accounts import Direction
from ledgerline.schemas.common import ListMeta, Model
from ledgerline.schemas.ledger import AccountRef

# ---- balance sheet ------------------------------------------------------------------------------


class StatementLineView(Model):
    account_id: str
    name: str
    stable_name: str
    normality: Direction
    balance: int = Field(description="The account's balance as of the date, positive in its normal direction.")
    amount: int = Field(
        description="What the account adds to its section's total: its balance, negative for a "
        "contra account (one whose normality is not the section's)."
    )


class StatementSectionView(Model):
    name: str = Field(description="ASSETS, LIABILITIES or EQUITY.")
    display_name: str
    lines: list[StatementLineView]
    total: int


class EquitySectionView(StatementSectionView):
    net_income: int = Field(
        description="Its own line of equity: revenue less expenses of every period through "
        "the date, which Ledgerline never closes to retained earnings. In total."
    )


class BalanceSheetView(Model):
    business_id: str
    currency: str
    effective_date: date = Field(
        description="Balances as of the end of this day (default today in the business's timezone)."
    )
    generated_at: datetime
    assets: StatementSectionView
    liabilities: StatementSectionView
    equity: EquitySectionView
    total_assets: int
    total_liabilities: int
    total_equity: int
    total_liabilities_and_equity: int
    balanced: bool = Field(description="total_assets == total_liabilities_and_equity: always true.")


# ---- profit and loss ----------------------------------------------------------------------------


class ProfitAndLossLineItem(Model):
    """Layer's line item: a section (INCOME, EXPENSES) or an account (``name`` its stable name)."""

    name: str
    display_name: str
    value: int = Field(
        description="Cents in the section's direction: income credit, expenses debit (a contra "
        "account's movement is negative)."
    )
    line_items: list["ProfitAndLossLineItem"] = []


class ProfitAndLossColumnView(Model):
    start_date: date
    end_date: date
    income: ProfitAndLossLineItem
    expenses: ProfitAndLossLineItem
    net_profit: int


class ProfitAndLossView(Model):
    business_id: str
    currency: str
    start_date: date
    end_date: date
    generated_at: datetime
    income: ProfitAndLossLineItem
    expenses: ProfitAndLossLineItem
    net_profit: int = Field(description="income.value − expenses.value")
    group_by: Literal["month"] | None = None
    months: list[ProfitAndLossColumnView] | None = Field(
        default=None,
        description="With group_by=month: one column per calendar month of the range, each "
        "clipped to it, in order; they add up to the totals.",
    )


# ---- an account's general ledger ----------------------------------------------------------------


class AccountLineView(Model):
    entry_id: str
    entry_date: date
    memo: str | None = Field(description="The journal entry's memo.")
    line_memo: str | None = None
    direction: Direction
    amount: int
    balance: int = Field(description="The account's balance right after this line, positive in its normal direction.")


class AccountLinesPage(Model):
    account: AccountRef
    start_date: date | None
    end_date: date | None
    opening_balance: int = Field(description="As of the end of the day before start_date (0 without one).")
    closing_balance: int = Field(description="As of the end of end_date (without one: after every entry).")
    data: list[AccountLineView] = Field(
        description="In date order. A page may hold fewer lines than limit "
        "(even none) when the account is rare among the entries: "
        "follow the cursor while has_more."
    )
    meta: ListMeta


# ---- receivables aging --------------------------------------------------------------------------


class AgingBuckets(Model):
    current: int = Field(description="Not yet due, or without a due date.")
    days_1_30: int
    days_31_60: int
    days_61_90: int
    days_over_90: int
    total: int


class AgedInvoiceView(Model):
    invoice_id: str
    invoice_number: str | None
    due_date: date | None
    days_past_due: int
    bucket: Literal["current", "days_1_30", "days_31_60", "days_61_90", "days_over_90"]
    outstanding: int = Field(description="What it still owed at the end of effective_date.")


class CustomerAgingView(Model):
    customer_external_id: str | None
    buckets: AgingBuckets
    invoices: list[AgedInvoiceView]


class ArAgingView(Model):
    business_id: str
    currency: str
    effective_date: date
    generated_at: datetime
    customers: list[CustomerAgingView]
    totals: AgingBuckets
    accounts_receivable_balance: int = Field(description="ACCOUNTS_RECEIVABLE as of the end of effective_date.")
    unallocated: int = Field(
        description="accounts_receivable_balance − totals.total: what entries other than "
        "invoices, payments and write-offs moved it by."
    )
