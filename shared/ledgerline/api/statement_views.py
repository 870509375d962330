"""Financial statements -> JSON bodies (SPEC §10.3): balance sheet, profit and loss, an account's general
ledger, receivables aging. The trial balance is ``views.trial_balance``."""

from typing import Any

from ledgerline.domain.aging import AgedInvoice, Aging, Buckets
from ledgerline.domain.statements import BalanceSheet, Movement, ProfitAndLoss, ProfitAndLossColumn, Section
from ledgerline.schemas.ledger import AccountRef
from ledgerline.schemas.statements import (
    AccountLinesPage,
    AccountLineView,
    AgedInvoiceView,
    AgingBuckets,
    ArAgingView,
    BalanceSheetView,
    CustomerAgingView,
    EquitySectionView,
    ProfitAndLossColumnView,
    ProfitAndLossLineItem,
    ProfitAndLossView,
    StatementLineView,
    StatementSectionView,
)
from ledgerline.services.statements import GeneralLedgerPage, Statement

SECTION_NAMES = {
    "ASSET": ("ASSETS", "Assets"),
    "LIABILITY": ("LIABILITIES", "Liabilities"),
    "EQUITY": ("EQUITY", "Equity"),
}


def _section(section: Section) -> dict[str, Any]:
    name, display_name = SECTION_NAMES[section.account_type.value]
    return {
        "name": name,
        "display_name": display_name,
        "total": section.total,
        "lines": [
            StatementLineView(
                account_id=line.account.id,
                name=line.account.name,
                stable_name=line.account.stable_name,
                normality=line.account.normality,
                balance=line.account.balance,
                amount=line.amount,
            )
            for line in section.lines
        ],
    }


def balance_sheet(statement: Statement[BalanceSheet]) -> dict[str, Any]:
    sheet = statement.report
    liabilities_and_equity = sheet.liabilities.total + sheet.equity.total
    return BalanceSheetView(
        business_id=statement.business.id,
        currency=statement.business.currency,
        effective_date=sheet.effective_date,
        generated_at=statement.generated_at,
        assets=StatementSectionView(**_section(sheet.assets)),
        liabilities=StatementSectionView(**_section(sheet.liabilities)),
        equity=EquitySectionView(**_section(sheet.equity), net_income=sheet.equity.net_income),
        total_assets=sheet.assets.total,
        total_liabilities=sheet.liabilities.total,
        total_equity=sheet.equity.total,
        total_liabilities_and_equity=liabilities_and_equity,
        balanced=sheet.balanced,
    ).model_dump(mode="json")


def _line_item(name: str, display_name: str, movements: tuple[Movement, ...]) -> ProfitAndLossLineItem:
    return ProfitAndLossLineItem(
        name=name,
        display_name=display_name,
        value=sum(m.value for m in movements),
        line_items=[
            ProfitAndLossLineItem(name=m.account.stable_name, display_name=m.account.name, value=m.value)
            for m in movements
        ],
    )


def _column(column: ProfitAndLossColumn) -> dict[str, Any]:
    return {
        "start_date": column.start,
        "end_date": column.end,
        "income": _line_item("INCOME", "Income", column.income),
        "expenses": _line_item("EXPENSES", "Expenses", column.expenses),
        "net_profit": column.net_profit,
    }


def profit_and_loss(statement: Statement[ProfitAndLoss]) -> dict[str, Any]:
    report = statement.report
    return ProfitAndLossView(
        business_id=statement.business.id,
        currency=statement.business.currency,
        generated_at=statement.generated_at,
        **_column(report.total),
        group_by="month" if report.months is not None else None,
        months=None if report.months is None else [ProfitAndLossColumnView(**_column(m)) for m in report.months],
    ).model_dump(mode="json")


def account_lines(page: GeneralLedgerPage) -> dict[str, Any]:
    account = page.account
    return AccountLinesPage(
        account=AccountRef(
            id=account.id,
            name=account.name,
            stable_name=account.stable_name,
            account_type=account.account_type,
            normality=account.normality,
        ),
        start_date=page.start,
        end_date=page.end,
        opening_balance=page.opening_balance,
        closing_balance=page.closing_balance,
        data=[
            AccountLineView(
                entry_id=found.entry.id,
                entry_date=found.entry.entry_date,
                memo=found.entry.memo,
                line_memo=found.line.memo,
                direction=found.line.direction,
                amount=found.line.amount,
                balance=found.balance,
            )
            for found in page.lines
        ],
        meta={"pagination": {"cursor": page.cursor, "has_more": page.cursor is not None}},
    ).model_dump(mode="json")


def _buckets(buckets: Buckets) -> AgingBuckets:
    return AgingBuckets(**buckets.cents, total=buckets.total)


def _aged(aged: AgedInvoice) -> AgedInvoiceView:
    return AgedInvoiceView(
        invoice_id=aged.invoice.id,
        invoice_number=aged.invoice.invoice_number,
        due_date=aged.due_date,
        days_past_due=aged.days_past_due,
        bucket=aged.bucket,
        outstanding=aged.outstanding,
    )


def ar_aging(statement: Statement[Aging]) -> dict[str, Any]:
    report = statement.report
    return ArAgingView(
        business_id=statement.business.id,
        currency=statement.business.currency,
        effective_date=report.effective_date,
        generated_at=statement.generated_at,
        customers=[
            CustomerAgingView(
                customer_external_id=c.customer_external_id,
                buckets=_buckets(c.buckets),
                invoices=[_aged(i) for i in c.invoices],
            )
            for c in report.customers
        ],
        totals=_buckets(report.totals),
        accounts_receivable_balance=report.receivable,
        unallocated=report.unallocated,
    ).model_dump(mode="json")
