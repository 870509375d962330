"""The ledger endpoints' requests and responses (invoices & ledger family: bare objects)."""

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import Field, field_validator

from ledgerline.domain.accounts import AccountType, CreateAccount, Direction
from ledgerline.domain.journal import NewEntryLine, PostCustomEntry
from ledgerline.domain.money import MAX_CENTS
from ledgerline.schemas.common import (
    AccountIdentifier,
    Cents,
    ExternalId,
    ListMeta,
    Memo,
    Model,
    MovedReversal,
    Name,
    StableName,
    Strict,
    Tags,
    Timestamp,
)


class LineItemInput(Strict):
    account_identifier: AccountIdentifier
    amount: Cents
    direction: Direction
    memo: Memo | None = None

    def command(self) -> NewEntryLine:
        """The line as the use case's command takes it."""
        return NewEntryLine(
            account=self.account_identifier.model_dump(), direction=self.direction, amount=self.amount, memo=self.memo
        )


class CustomJournalEntryRequest(Strict):
    external_id: ExternalId | None = None
    entry_at: Timestamp | None = Field(default=None, description="When the entry is recognized; default now.")
    memo: Memo | None = None
    line_items: Annotated[list[LineItemInput], Field(min_length=1, max_length=100)]
    tags: Tags = []

    @field_validator("line_items")
    @classmethod
    def _total_within_limit(cls, lines: list[LineItemInput]) -> list[LineItemInput]:
        # SPEC §9.1: the entry's total (each side's sum) is an amount like any other, at most 10^13 cents.
        for side in Direction:
            if sum(line.amount for line in lines if line.direction is side) > MAX_CENTS:
                raise ValueError(f"the {side.value} lines total more than {MAX_CENTS} cents")
        return lines

    def command(self) -> PostCustomEntry:
        """The use case's command for this request."""
        return PostCustomEntry(
            lines=tuple(line.command() for line in self.line_items),
            entry_at=self.entry_at,
            memo=self.memo,
            external_id=self.external_id,
            tags=tuple(tag.tag() for tag in self.tags),
            content=self.model_dump(mode="json"),
        )


class CreateAccountRequest(Strict):
    name: Name
    stable_name: StableName | None = Field(default=None, description="Default: the name in UPPER_SNAKE.")
    account_type: AccountType
    normality: Direction | None = Field(default=None, description="Default: the type's natural side.")

    def command(self) -> CreateAccount:
        """The use case's command for this request."""
        return CreateAccount(
            name=self.name, account_type=self.account_type, stable_name=self.stable_name, normality=self.normality
        )


class AccountView(Model):
    id: str
    name: str
    stable_name: str
    account_type: AccountType
    normality: Direction
    balance: int = Field(description="Cents, positive in the account's normal direction.")


class AccountRef(Model):
    id: str
    name: str
    stable_name: str
    account_type: AccountType
    normality: Direction


class LineItemView(Model):
    account: AccountRef
    direction: Direction
    amount: int
    memo: str | None = None


class SourceView(Model):
    type: str
    id: str | None = None


class ApiTag(Model):
    """Seed 001's ApiTag: dimension and definition ids are stable per key / value within a business."""

    id: str = Field(description="ID for the tag.")
    key: str
    dimension_display_name: str | None = None
    value: str
    value_display_name: str | None = None
    dimension_id: str
    definition_id: str
    archived_at: datetime | None = None


class JournalEntryView(Model):
    id: str
    type: Literal["JournalEntry"] = "JournalEntry"
    business_id: str
    entry_date: date
    entry_at: datetime
    created_at: datetime
    memo: str | None
    source: SourceView
    line_items: list[LineItemView]
    total_amount: int
    reverses: str | None
    reversed_by: str | None
    external_id: str | None
    transaction_tags: list[ApiTag]


class ReversalView(MovedReversal, JournalEntryView):
    pass


class AccountList(Model):
    data: list[AccountView]
    meta: ListMeta


class JournalEntryList(Model):
    data: list[JournalEntryView]
    meta: ListMeta


class TrialBalanceRow(Model):
    account_id: str
    name: str
    stable_name: str
    account_type: AccountType
    normality: Direction
    debit_balance: int
    credit_balance: int


class TrialBalance(Model):
    business_id: str
    currency: str
    generated_at: datetime
    effective_date: date | None = Field(
        default=None,
        description="With ?effective_date=: the balances as of the end of that day (SPEC §10.3); "
        "null: the balances as they stand now.",
    )
    accounts: list[TrialBalanceRow]
    total_debits: int
    total_credits: int
    balanced: bool
