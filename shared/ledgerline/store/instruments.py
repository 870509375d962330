"""Debt instrument items (versioned) and their activity (one event item per posting)."""

from dataclasses import fields
from datetime import date
from typing import Any

from ledgerline.domain.interest import DayCount
from ledgerline.domain.loans import DebtType, Instrument, InstrumentStatus, LoanDirection, LoanEvent
from ledgerline.domain.schedule import PaymentFrequency
from ledgerline.store import candidates, items, keys, transactions

_DATES = {"start_date", "maturity_date", "interest_through_date", "last_payment_date"}
_ENUMS = {
    "direction": LoanDirection,
    "debt_type": DebtType,
    "status": InstrumentStatus,
    "day_count": DayCount,
    "payment_frequency": PaymentFrequency,
}


def instrument_item(instrument: Instrument) -> dict[str, Any]:
    """An instrument's item: every field (dates ISO, enums by value) and its write-off candidate keys."""
    values: dict[str, Any] = {}
    for f in fields(Instrument):
        value = getattr(instrument, f.name)
        values[f.name] = value.isoformat() if isinstance(value, date) else (str(value) if f.name in _ENUMS else value)
    return {
        **keys.key(keys.business_pk(instrument.business_id), keys.instrument_sk(instrument.id)),
        "kind": "INSTRUMENT",
        **candidates.instrument_keys(instrument),
        **values,
    }


def instrument_from_item(item: dict[str, Any]) -> Instrument:
    """The instrument an item holds; a field absent from the item is None."""
    values = {}
    for f in fields(Instrument):
        value = item.get(f.name)
        if value is not None and f.name in _DATES:
            value = date.fromisoformat(value)
        elif value is not None and f.name in _ENUMS:
            value = _ENUMS[f.name](value)
        values[f.name] = value
    return Instrument(**values)


def get(business_id: str, instrument_id: str) -> Instrument | None:
    """One instrument (one consistent GetItem), or None if there is none."""
    item = items.get(business_id, keys.instrument_sk(instrument_id))
    return instrument_from_item(item) if item else None


def get_many(business_id: str, instrument_ids: list[str]) -> dict[str, Instrument]:
    """Several instruments by id (one consistent BatchGetItem per 100); those that do not exist are left out."""
    found = items.get_many(business_id, [keys.instrument_sk(i) for i in instrument_ids])
    return {item["SK"].removeprefix(keys.INSTRUMENT_PREFIX): instrument_from_item(item) for item in found.values()}


def save(
    instrument: Instrument,
    *,
    expected_version: int | None,
    on_condition_failed: transactions.OnConditionFailed | None = None,
) -> transactions.Action:
    """Put the instrument; a new one must not exist, an existing one must still be at the version read."""
    item = instrument_item(instrument)
    if expected_version is None:
        return transactions.put(item)
    kwargs = {"on_condition_failed": on_condition_failed} if on_condition_failed else {}
    return transactions.put(
        item,
        condition="#version = :expected",
        names={"#version": "version"},
        values={":expected": expected_version},
        **kwargs,
    )


def event_item(business_id: str, instrument_id: str, event: LoanEvent, created_at: str) -> dict[str, Any]:
    """One activity row of an instrument: the event's fields, its date as an ISO string."""
    return {
        **keys.key(keys.business_pk(business_id), keys.loan_event_sk(instrument_id, event.id)),
        "kind": "LOAN_EVENT",
        "event_id": event.id,
        **vars(event),
        "date": event.date.isoformat(),
        "created_at": created_at,
    }


def event_from_item(item: dict[str, Any]) -> LoanEvent:
    """The event an activity row holds; a principal or interest part absent from it is 0."""
    return LoanEvent(
        type=item["type"],
        id=item["event_id"],
        date=date.fromisoformat(item["date"]),
        amount_cents=item["amount_cents"],
        principal_cents=item.get("principal_cents", 0),
        interest_cents=item.get("interest_cents", 0),
        journal_entry_id=item.get("journal_entry_id"),
        memo=item.get("memo"),
    )


def events(business_id: str, instrument_id: str) -> list[LoanEvent]:
    """An instrument's activity, in sort-key order (one consistent Query, paginated internally)."""
    return [event_from_item(item) for item in items.query_prefix(business_id, keys.loan_event_prefix(instrument_id))]


def all_instruments(business_id: str) -> list[Instrument]:
    """Every instrument of a business (a small business has few; one Query, paginated internally)."""
    return [instrument_from_item(i) for i in items.query_prefix(business_id, keys.INSTRUMENT_PREFIX)]


def active_ids(business_id: str) -> list[str]:
    """Ids of the business's active instruments, in id order: one consistent Query (every page) that brings
    back only their keys. An accrual run over 10,000 instruments moves 10,000 ids, not 12 MB of instruments
    to decode (what it reads, and pays for, is the same: DynamoDB filters and projects after reading)."""
    found = items.query_prefix(
        business_id,
        keys.INSTRUMENT_PREFIX,
        ProjectionExpression="SK",
        FilterExpression="#status = :active",
        ExpressionAttributeNames={"#status": "status"},
        values={":active": InstrumentStatus.ACTIVE.value},
    )
    return sorted(item["SK"].removeprefix(keys.INSTRUMENT_PREFIX) for item in found)
