"""Debt instrument items (versioned) and their activity (one event item per posting)."""

from dataclasses import fields
from datetime import date
from typing import Any

from ledgerline.domain.interest import DayCount
from ledgerline.domain.loans import DebtType, Instrument, InstrumentStatus, LoanDirection
from ledgerline.domain.schedule import PaymentFrequency
from ledgerline.store import candidates, items, keys, transactions

INSTRUMENT_PREFIX = "INSTRUMENT#"
_DATES = {"start_date", "maturity_date", "interest_through_date", "last_payment_date"}
_ENUMS = {"direction": LoanDirection, "debt_type": DebtType, "status": InstrumentStatus,
          "day_count": DayCount, "payment_frequency": PaymentFrequency}


def instrument_sk(instrument_id: str) -> str:
    return f"{INSTRUMENT_PREFIX}{instrument_id}"


def event_prefix(instrument_id: str) -> str:
    return f"LOANEVENT#{instrument_id}#"


def instrument_item(instrument: Instrument) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for f in fields(Instrument):
        value = getattr(instrument, f.name)
        values[f.name] = value.isoformat() if isinstance(value, date) else (str(value) if f.name in _ENUMS else value)
    return {**keys.key(keys.business_pk(instrument.business_id), instrument_sk(instrument.id)),
            "kind": "INSTRUMENT", **candidates.instrument_keys(instrument), **values}


def instrument_from_item(item: dict[str, Any]) -> Instrument:
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
    item = items.get(business_id, instrument_sk(instrument_id))
    return instrument_from_item(item) if item else None


def save(instrument: Instrument, *, expected_version: int | None,
         on_condition_failed: transactions.OnConditionFailed | None = None) -> transactions.Action:
    """Put the instrument; a new one must not exist, an existing one must still be at the version read."""
    item = instrument_item(instrument)
    if expected_version is None:
        return transactions.put(item)
    kwargs = {"on_condition_failed": on_condition_failed} if on_condition_failed else {}
    return transactions.put(item, condition="#version = :expected", names={"#version": "version"},
                            values={":expected": expected_version}, **kwargs)


def event_item(business_id: str, instrument_id: str, event_id: str, event: dict[str, Any]) -> dict[str, Any]:
    return {**keys.key(keys.business_pk(business_id), f"{event_prefix(instrument_id)}{event_id}"),
            "kind": "LOAN_EVENT", "event_id": event_id, **event}


def events(business_id: str, instrument_id: str) -> list[dict[str, Any]]:
    return items.query_prefix(business_id, event_prefix(instrument_id))


def all_instruments(business_id: str) -> list[Instrument]:
    """Every instrument of a business (a small business has few; one Query, paginated internally)."""
    return [instrument_from_item(i) for i in items.query_prefix(business_id, INSTRUMENT_PREFIX)]
