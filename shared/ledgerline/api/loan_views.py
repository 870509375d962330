"""Loans-family results -> the ``data`` of their SuccessEnvelope, through the response models."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ledgerline.schemas import loans as schema
from ledgerline.schemas.common import RunProgress

if TYPE_CHECKING:  # the results' types, for annotations: each function imports the services it calls (cold start)
    from ledgerline.domain.bank_transactions import BankTransaction
    from ledgerline.domain.loans import Instrument
    from ledgerline.domain.runs import AccrualRun, RunItem
    from ledgerline.services.ledger import Page
    from ledgerline.services.loan_queries import DebtSchedule, InstrumentDetail, ProjectedSchedule
    from ledgerline.services.loans import AccrualResult, DisbursementResult, PaymentResult, WriteOffResult


def _instrument(value: Instrument) -> schema.DebtInstrument:
    return schema.DebtInstrument(
        id=value.id,
        name=value.name,
        lender=value.lender,
        direction=value.direction,
        debt_type=value.debt_type,
        status=value.status,
        original_principal_cents=value.original_principal_cents,
        current_balance_cents=value.current_balance_cents,
        accrued_interest_cents=value.accrued_interest_cents,
        interest_rate_bps=value.interest_rate_bps,
        day_count=value.day_count,
        start_date=value.start_date,
        maturity_date=value.maturity_date,
        payment_frequency=value.payment_frequency,
        payment_amount_cents=value.payment_amount_cents,
        interest_through_date=value.interest_through_date,
        written_off_principal_cents=value.written_off_principal_cents,
        principal_ledger_id=value.principal_account_id,
        interest_ledger_id=value.interest_account_id,
        external_id=value.external_id,
        created_at=value.created_at,
        updated_at=value.updated_at,
    )


def instrument(value: Instrument) -> dict[str, Any]:
    return _instrument(value).model_dump(mode="json")


def instrument_detail(value: InstrumentDetail) -> dict[str, Any]:
    base = _instrument(value.instrument).model_dump()
    activity = [
        schema.InstrumentEvent(
            type=e.type,
            id=e.id,
            date=e.date,
            amount_cents=e.amount_cents,
            principal_cents=e.principal_cents,
            interest_cents=e.interest_cents,
            journal_entry_id=e.journal_entry_id,
            memo=e.memo,
        )
        for e in value.activity
    ]
    return schema.DebtInstrumentDetail(**base, activity=activity).model_dump(mode="json")


def debt_schedule(value: DebtSchedule) -> dict[str, Any]:
    return schema.DebtSchedule(
        instruments=[_instrument(i) for i in value.instruments],
        totals={d: schema.DirectionTotals(**t) for d, t in value.totals.items()},
        cursor=value.cursor,
        has_more=value.cursor is not None,
    ).model_dump(mode="json")


def payment_schedule(value: ProjectedSchedule) -> dict[str, Any]:
    return schema.PaymentSchedule(
        instrument_id=value.instrument_id,
        as_of=value.as_of,
        payment_cents=value.payment_cents,
        rows=[schema.ScheduledPaymentRow(**vars(row)) for row in value.rows],
    ).model_dump(mode="json")


def payment(value: PaymentResult) -> dict[str, Any]:
    return schema.DebtPaymentResponse(
        payment_id=value.payment_id,
        journal_entry_id=value.entry.id,
        principal_cents=value.split.principal_cents,
        interest_cents=value.split.interest_cents,
        remaining_balance_cents=value.instrument.current_balance_cents,
        name=value.instrument.name,
        direction=value.instrument.direction,
        payment_date=value.payment_date,
        payment_amount_cents=value.amount_cents,
        accrued_interest_cents=value.instrument.accrued_interest_cents,
        status=value.instrument.status,
        transaction_id=value.transaction_id,
    ).model_dump(mode="json")


def disbursement(value: DisbursementResult) -> dict[str, Any]:
    return schema.DisbursementResponse(
        disbursement_id=value.disbursement_id,
        instrument_id=value.instrument.id,
        journal_entry_id=value.entry.id,
        amount_cents=value.amount_cents,
        disbursement_date=value.disbursement_date,
        current_balance_cents=value.instrument.current_balance_cents,
        accrued_interest_cents=value.instrument.accrued_interest_cents,
        status=value.instrument.status,
    ).model_dump(mode="json")


def _accrual(value: AccrualResult) -> schema.AccrualResponse:
    return schema.AccrualResponse(
        instrument_id=value.instrument.id,
        journal_entry_id=value.entry.id if value.entry else None,
        accrued_interest_cents=value.posted_cents,
        total_accrued_interest_cents=value.instrument.accrued_interest_cents,
        through_date=value.through_date,
    )


def accrual(value: AccrualResult) -> dict[str, Any]:
    return _accrual(value).model_dump(mode="json")


def _not_accrued(items: tuple[RunItem, ...]) -> list[schema.InstrumentNotAccrued]:
    return [schema.InstrumentNotAccrued(instrument_id=i.id, reason=i.reason or "") for i in items]


def _accrual_run(value: AccrualRun) -> schema.AccrualRun:
    tally, progress = value.tally, value.progress
    return schema.AccrualRun(
        run_id=value.id,
        through_date=value.through_date,
        memo=value.memo,
        trigger=value.trigger,
        status=value.status,
        started_at=value.started_at,
        finished_at=value.finished_at,  # type: ignore[arg-type]
        accrued=[
            schema.AccruedInstrument(
                instrument_id=i.id, accrued_interest_cents=i.amount or 0, journal_entry_id=i.journal_entry_id or ""
            )
            for i in tally.listed("accrued")
        ],
        skipped=_not_accrued(tally.listed("skipped")),
        failed=_not_accrued(tally.listed("failed")),
        totals=schema.AccrualRunTotals(
            instruments=sum(tally.counts.values()),
            accrued=tally.count("accrued"),
            accrued_interest_cents=tally.cents,
            skipped=tally.count("skipped"),
            failed=tally.count("failed"),
        ),
        progress=RunProgress(**vars(progress)) if progress else None,
    )


def accrual_run(value: AccrualRun) -> dict[str, Any]:
    return _accrual_run(value).model_dump(mode="json")


def accrual_run_page(page: Page) -> dict[str, Any]:
    return schema.AccrualRunList(
        runs=[_accrual_run(run) for run in page.items], cursor=page.cursor, has_more=page.cursor is not None
    ).model_dump(mode="json")


def write_off(value: WriteOffResult) -> dict[str, Any]:
    return schema.LoanWriteOffResponse(
        instrument_id=value.instrument.id,
        journal_entry_id=value.entry.id if value.entry else None,
        write_off_date=value.write_off_date,
        principal_written_off_cents=value.plan.principal_cents,
        accrued_interest_cleared_cents=value.plan.interest_cleared_cents,
        remaining_balance_cents=value.instrument.current_balance_cents,
        status=value.instrument.status,
        account=schema.LedgerAccountRef(
            id=value.account.id, name=value.account.name, stable_name=value.account.stable_name
        ),
        memo=value.memo,
    ).model_dump(mode="json")


def bank_transaction(value: BankTransaction) -> dict[str, Any]:
    matched = None
    if value.matched_payment_id:
        matched = schema.MatchedPayment(instrument_id=value.matched_instrument_id, payment_id=value.matched_payment_id)
    return schema.BankTransaction(
        id=value.id,
        amount_cents=value.amount_cents,
        direction=value.direction,
        date=value.date,
        description=value.description,
        cash_ledger_id=value.cash_ledger_id,
        category_ledger_id=value.category_ledger_id,
        external_id=value.external_id,
        journal_entry_id=value.journal_entry_id,
        original_journal_entry_id=value.original_journal_entry_id,
        matched_payment=matched,
        created_at=value.created_at,
    ).model_dump(mode="json")
