"""A loan write-off's result -> its response model."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ledgerline.schemas import loan_write_offs as schema

if TYPE_CHECKING:  # the result's type, for annotations only
    from ledgerline.services.loans import WriteOffResult


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
