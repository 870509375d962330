"""The sparse write-off candidate index (GSI2 / GSI3), kept current by every posting.

Only open invoices and active ``lend`` instruments with principal outstanding carry these keys, so
a business's candidates are found with a Query that reads what is overdue, never the whole table:
GSI2 orders invoices by due date and loans by maturity; GSI3 orders loans by their last payment.
Enabled write-off policies carry GSI2 keys under one partition so the scheduler can find them.
"""

from __future__ import annotations

from datetime import UTC, date
from typing import TYPE_CHECKING, Any

from ledgerline.domain.loans import Instrument, InstrumentStatus, LoanDirection
from ledgerline.store import codec, items, keys
from ledgerline.store.runtime import table_name

if TYPE_CHECKING:  # annotations only: a loan function need not load the invoice model (cold start)
    from ledgerline.domain.invoices import Invoice


def invoice_keys(invoice: Invoice) -> dict[str, str]:
    """GSI2 keys of an invoice not voided, with a due date and a balance due; ``{}`` (off the index) otherwise."""
    if invoice.voided_at is not None or invoice.outstanding_balance <= 0 or invoice.due_at is None:
        return {}
    # The UTC due date; the worker re-checks each candidate in the business's own timezone.
    return keys.invoice_candidate_keys(
        invoice.business_id, invoice.due_at.astimezone(UTC).date().isoformat(), invoice.id
    )


def instrument_keys(instrument: Instrument) -> dict[str, str]:
    """GSI2 / GSI3 keys of an active ``lend`` instrument still owed principal; ``{}`` (off the index) otherwise."""
    if (
        instrument.direction is not LoanDirection.LEND
        or instrument.status is not InstrumentStatus.ACTIVE
        or instrument.current_balance_cents <= 0
    ):
        return {}
    return keys.loan_candidate_keys(
        instrument.business_id,
        instrument.maturity_date.isoformat(),
        instrument.last_activity.isoformat(),
        instrument.id,
    )


def policy_keys(business_id: str, enabled: bool) -> dict[str, str]:
    """The GSI2 keys that list the business for the scheduler when ``enabled``; ``{}`` otherwise."""
    return keys.policy_index_keys(business_id) if enabled else {}


def invoices_due_by(business_id: str, day: date) -> list[str]:
    """Ids of the business's open invoices due (UTC date) on or before ``day``."""
    found = query(keys.BY_DUE_INDEX, keys.candidates_pk(business_id), keys.INVOICE_CANDIDATE_PREFIX, day)
    return [item["SK"].removeprefix(keys.INVOICE_PREFIX) for item in found]


def loans_matured_by(business_id: str, day: date) -> list[str]:
    """Ids of the business's write-off-able loans that matured on or before ``day``."""
    found = query(keys.BY_DUE_INDEX, keys.candidates_pk(business_id), keys.LOAN_CANDIDATE_PREFIX, day)
    return [item["SK"].removeprefix(keys.INSTRUMENT_PREFIX) for item in found]


def loans_inactive_since(business_id: str, day: date) -> list[str]:
    """Ids of the business's write-off-able loans whose last payment (or start) is on or before ``day``."""
    found = query(keys.BY_ACTIVITY_INDEX, keys.candidates_pk(business_id), keys.LOAN_CANDIDATE_PREFIX, day)
    return [item["SK"].removeprefix(keys.INSTRUMENT_PREFIX) for item in found]


def query(index: str, pk: str, prefix: str, up_to: date | None = None) -> list[dict[str, Any]]:
    """Everything under ``pk`` whose sort key starts with ``prefix`` and sorts on or before ``up_to``."""
    pk_name, sk_name = keys.index_key_names(index)
    lower, upper = keys.up_to_range(prefix, up_to.isoformat() if up_to else None)
    request: dict[str, Any] = {
        "TableName": table_name(),
        "IndexName": index,
        # DynamoDB refuses an empty key value, so no prefix means "everything up to the upper bound".
        "KeyConditionExpression": f"{pk_name} = :pk AND "
        + (f"{sk_name} BETWEEN :lower AND :upper" if prefix else f"{sk_name} <= :upper"),
        "ExpressionAttributeValues": codec.to_item(
            {":pk": pk, ":upper": upper, **({":lower": lower} if prefix else {})}
        ),
    }
    return items.query_all(request)
