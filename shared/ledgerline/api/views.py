"""Domain results -> JSON bodies, through the response models (one shape per resource)."""

from typing import Any

from ledgerline.domain.accounts import Account
from ledgerline.domain.journal import JournalEntry
from ledgerline.schemas.ledger import (
    AccountView,
    JournalEntryView,
    TrialBalance,
    TrialBalanceRow,
)
from ledgerline.services.ledger import Page, TrialBalanceReport


def _page(data: list[dict[str, Any]], cursor: str | None) -> dict[str, Any]:
    return {"data": data, "meta": {"pagination": {"cursor": cursor, "has_more": cursor is not None}}}


def account(value: Account) -> dict[str, Any]:
    return AccountView.of(value).model_dump(mode="json")


def account_list(accounts: list[Account]) -> dict[str, Any]:
    return _page([account(a) for a in accounts], None)


def entry(value: JournalEntry) -> dict[str, Any]:
    return JournalEntryView.of(value).model_dump(mode="json")


def entry_page(page: Page) -> dict[str, Any]:
    return _page([entry(e) for e in page.items], page.cursor)


def trial_balance(report: TrialBalanceReport) -> dict[str, Any]:
    return TrialBalance(
        business_id=report.business.id,
        currency=report.business.currency,
        generated_at=report.generated_at,
        accounts=[
            TrialBalanceRow(account_id=row.account.id, name=row.account.name, stable_name=row.account.stable_name,
                            account_type=row.account.account_type, normality=row.account.normality,
                            debit_balance=row.debit, credit_balance=row.credit)
            for row in report.rows
        ],
        total_debits=report.total_debits,
        total_credits=report.total_credits,
        balanced=report.total_debits == report.total_credits,
    ).model_dump(mode="json")
