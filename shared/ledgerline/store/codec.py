"""Plain Python values <-> DynamoDB attribute values, for the low-level client.

Written here rather than taken from ``boto3.dynamodb.types``: importing that module imports the
whole ``boto3`` package (sessions, resources, their docs), ~80 ms of every cold start that the ledger,
which only uses botocore's low-level client, never needs (docs/decisions.md, issue 10). It follows
boto3's ``TypeSerializer``/``TypeDeserializer`` for every type the ledger stores, and a property test
(tests/unit/test_codec.py) holds it to them.
"""

from collections.abc import Mapping, Set
from decimal import Clamped, Context, Decimal, Inexact, Overflow, Rounded, Underflow
from typing import Any

_DYNAMODB = Context(Emin=-128, Emax=126, prec=38, traps=[Clamped, Overflow, Inexact, Rounded, Underflow])
"""DynamoDB's numbers, as boto3 checks them: 38 significant digits, nothing rounded."""


def _number(value: int | Decimal) -> str:
    text = str(_DYNAMODB.create_decimal(value))
    if text in ("Infinity", "NaN"):
        raise TypeError("Infinity and NaN not supported")
    return text


def to_attr(value: Any) -> dict[str, Any]:
    """One value as a DynamoDB attribute value (``None`` becomes NULL here)."""
    if value is None:
        return {"NULL": True}
    if isinstance(value, bool):  # before int: a bool is an int
        return {"BOOL": value}
    if isinstance(value, int | Decimal):
        return {"N": _number(value)}
    if isinstance(value, str):
        return {"S": value}
    if isinstance(value, bytes | bytearray):
        return {"B": bytes(value)}
    if isinstance(value, Set):
        if all(isinstance(v, int | Decimal) and not isinstance(v, bool) for v in value):
            return {"NS": [_number(v) for v in value]}
        if all(isinstance(v, str) for v in value):
            return {"SS": list(value)}
        if all(isinstance(v, bytes | bytearray) for v in value):
            return {"BS": [bytes(v) for v in value]}
        raise TypeError(f"Unsupported set: {value!r}")
    if isinstance(value, Mapping):
        return {"M": {k: to_attr(v) for k, v in value.items()}}
    if isinstance(value, list | tuple):
        return {"L": [to_attr(v) for v in value]}
    raise TypeError(f"Unsupported type {type(value).__name__!r} for value {value!r}")


def to_item(values: dict[str, Any]) -> dict[str, Any]:
    """``values`` as DynamoDB attribute values; a ``None`` value is left out, not stored as NULL."""
    return {k: to_attr(v) for k, v in values.items() if v is not None}


def _int(text: str) -> int:
    # Every number the ledger stores is an integer (cents, epochs); as before, a fraction is truncated.
    return int(text) if text.lstrip("-").isdigit() else int(Decimal(text))


def _plain(attr: dict[str, Any]) -> Any:
    ((kind, value),) = attr.items()
    if kind == "S":
        return value
    if kind == "N":
        return _int(value)
    if kind == "M":
        return {k: _plain(v) for k, v in value.items()}
    if kind == "L":
        return [_plain(v) for v in value]
    if kind == "BOOL":
        return value
    if kind == "NULL":
        return None
    if kind == "B":
        return value
    if kind == "SS":
        return set(value)
    if kind == "NS":
        return {Decimal(v) for v in value}
    if kind == "BS":
        return set(value)
    raise TypeError(f"Unknown DynamoDB type {kind!r}")


def from_item(item: dict[str, Any] | None) -> dict[str, Any] | None:
    """An item as plain values, every number an ``int``; None for None."""
    if item is None:
        return None
    return {k: _plain(v) for k, v in item.items()}
