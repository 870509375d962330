"""The sparse write-off candidate index (GSI2 / GSI3), kept current by every posting.

Only open invoices and active ``lend`` instruments with principal outstanding carry these keys, so
a business's candidates are found with a Query that reads what is overdue, never the whole table:
GSI2 orders invoices by due date and loans by maturity; GSI3 orders loans by their last payment.
Enabled write-off policies carry GSI2 keys under one partition so the scheduler can find them.
"""

from datetime import UTC, date
from typing import Any

from ledgerline.domain.invoices import Invoice
from ledgerline.domain.loans import Instrument, InstrumentStatus, LoanDirection
from ledgerline.domain.policy import last_activity
from ledgerline.store import codec, items
from ledgerline.store.runtime import table_name

BY_DUE_INDEX = "GSI2"
BY_ACTIVITY_INDEX = "GSI3"
POLICIES_PK = "WRITE_OFF_POLICIES"


def candidates_pk(business_id: str) -> str:
    return f"BIZ#{business_id}#WRITE_OFF_CANDIDATES"


def invoice_keys(invoice: Invoice) -> dict[str, str]:
    if invoice.voided_at is not None or invoice.outstanding_balance <= 0 or invoice.due_at is None:
        return {}
    # The UTC due date; the worker re-checks each candidate in the business's own timezone.
    return {"GSI2PK": candidates_pk(invoice.business_id),
            "GSI2SK": f"INVOICE#{invoice.due_at.astimezone(UTC).date().isoformat()}#{invoice.id}"}


def instrument_keys(instrument: Instrument) -> dict[str, str]:
    if (instrument.direction is not LoanDirection.LEND or instrument.status is not InstrumentStatus.ACTIVE
            or instrument.current_balance_cents <= 0):
        return {}
    pk = candidates_pk(instrument.business_id)
    return {"GSI2PK": pk, "GSI2SK": f"LOAN#{instrument.maturity_date.isoformat()}#{instrument.id}",
            "GSI3PK": pk, "GSI3SK": f"LOAN#{last_activity(instrument).isoformat()}#{instrument.id}"}


def policy_keys(business_id: str, enabled: bool) -> dict[str, str]:
    return {"GSI2PK": POLICIES_PK, "GSI2SK": business_id} if enabled else {}


def query(index: str, pk: str, prefix: str, up_to: date | None = None) -> list[dict[str, Any]]:
    """Everything under ``pk`` whose sort key starts with ``prefix`` and sorts on or before ``up_to``."""
    key = "GSI2" if index == BY_DUE_INDEX else "GSI3"
    upper = f"{prefix}{up_to.isoformat()}#~" if up_to else f"{prefix}~"
    request: dict[str, Any] = {
        "TableName": table_name(), "IndexName": index,
        # DynamoDB refuses an empty key value, so no prefix means "everything up to the upper bound".
        "KeyConditionExpression": f"{key}PK = :pk AND "
                                  + (f"{key}SK BETWEEN :lower AND :upper" if prefix else f"{key}SK <= :upper"),
        "ExpressionAttributeValues": codec.to_item({":pk": pk, ":upper": upper, **({":lower": prefix} if prefix else {})}),
    }
    return items.query_all(request)
