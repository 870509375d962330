"""Ledger results -> JSON bodies, through the response models (one shape per resource).

Every domain-to-response conversion lives in ``api/*views.py`` (this module: accounts, entries,
tags and the trial balance; ``invoice_views``: invoices, write-offs, runs, the policy; the loans
family's ``instrument_views``, ``loan_payment_views``, ``loan_write_off_views``, ``accrual_views`` and
``bank_transaction_views``, one per schema module); the schemas only declare shapes.
"""

from typing import Any

from ledgerline.domain.accounts import Account
from ledgerline.domain.journal import JournalEntry, Tag
from ledgerline.domain.tags import tag_ids
from ledgerline.schemas.ledger import (
    AccountRef,
    AccountView,
    ApiTag,
    JournalEntryView,
    LineItemView,
    SourceView,
    TrialBalance,
    TrialBalanceRow,
)
from ledgerline.services.ledger import Corrected, Page, TrialBalanceReport


def _page(data: list[dict[str, Any]], cursor: str | None) -> dict[str, Any]:
    return {"data": data, "meta": {"pagination": {"cursor": cursor, "has_more": cursor is not None}}}


def api_tags(business_id: str, owner_id: str, tags: tuple[Tag, ...]) -> list[ApiTag]:
    """Seed 001's ApiTag for each tag of an object (ids stable per key / value within a business)."""
    result = []
    for tag in tags:
        ids = tag_ids(business_id, owner_id, tag)
        result.append(
            ApiTag(
                id=ids.id,
                key=tag.key,
                dimension_display_name=tag.dimension_display_name,
                value=tag.value,
                value_display_name=tag.value_display_name,
                dimension_id=ids.dimension_id,
                definition_id=ids.definition_id,
            )
        )
    return result


def account(value: Account) -> dict[str, Any]:
    return AccountView(
        id=value.id,
        name=value.name,
        stable_name=value.stable_name,
        account_type=value.account_type,
        normality=value.normality,
        balance=value.balance,
    ).model_dump(mode="json")


def account_list(accounts: list[Account]) -> dict[str, Any]:
    return _page([account(a) for a in accounts], None)


def entry(value: JournalEntry) -> dict[str, Any]:
    return JournalEntryView(
        id=value.id,
        business_id=value.business_id,
        entry_date=value.entry_date,
        entry_at=value.entry_at,
        created_at=value.created_at,
        memo=value.memo,
        source=SourceView(type=value.source.type, id=value.source.id),
        line_items=[
            LineItemView(
                account=AccountRef(
                    id=line.account.id,
                    name=line.account.name,
                    stable_name=line.account.stable_name,
                    account_type=line.account.account_type,
                    normality=line.account.normality,
                ),
                direction=line.direction,
                amount=line.amount,
                memo=line.memo,
            )
            for line in value.lines
        ],
        total_amount=value.total,
        reverses=value.reverses,
        reversed_by=value.reversed_by,
        external_id=value.external_id,
        transaction_tags=api_tags(value.business_id, value.id, value.tags),
    ).model_dump(mode="json")


def moved(value: Corrected[Any]) -> dict[str, Any]:
    """``reversal_date`` when a correction's reversal went to the first open day (SPEC §10.2); nothing
    otherwise, so an open period's answer is seed 001's exactly."""
    return {"reversal_date": value.moved_to.isoformat()} if value.moved_to else {}


def reversal(value: Corrected[JournalEntry]) -> dict[str, Any]:
    """The reversing entry (``reversal_date`` only when it went to the first open day: ``ReversalView``)."""
    return {**entry(value.value), **moved(value)}


def entry_page(page: Page) -> dict[str, Any]:
    return _page([entry(e) for e in page.items], page.cursor)


def trial_balance(report: TrialBalanceReport) -> dict[str, Any]:
    return TrialBalance(
        business_id=report.business.id,
        currency=report.business.currency,
        generated_at=report.generated_at,
        effective_date=report.effective_date,
        accounts=[
            TrialBalanceRow(
                account_id=row.account.id,
                name=row.account.name,
                stable_name=row.account.stable_name,
                account_type=row.account.account_type,
                normality=row.account.normality,
                debit_balance=row.debit,
                credit_balance=row.credit,
            )
            for row in report.rows
        ],
        total_debits=report.total_debits,
        total_credits=report.total_credits,
        balanced=report.total_debits == report.total_credits,
    ).model_dump(mode="json")
