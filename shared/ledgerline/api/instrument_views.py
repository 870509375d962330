"""Debt instruments, their activity, the debt schedule and payment schedules -> response models."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ledgerline.schemas import instruments as schema

if TYPE_CHECKING:  # the results' types, for annotations only
    from ledgerline.domain.loans import Instrument
    from ledgerline.services.loan_queries import DebtSchedule, InstrumentDetail, ProjectedSchedule


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
