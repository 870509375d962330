"""A loan payment's and a disbursement's results -> response models."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ledgerline.schemas import loan_payments as schema

if TYPE_CHECKING:  # the results' types, for annotations only
    from ledgerline.services.loans import DisbursementResult, PaymentResult


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
