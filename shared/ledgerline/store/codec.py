"""Plain Python values <-> DynamoDB attribute values, for the low-level client."""

import json
from decimal import Decimal
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


def _plain(value: Any) -> Any:
    # DynamoDB numbers come back as Decimal; every number we store is an integer (cents, epochs).
    if isinstance(value, Decimal):
        return int(value)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def to_item(values: dict[str, Any]) -> dict[str, Any]:
    """``values`` as DynamoDB attribute values; a ``None`` value is left out, not stored as NULL."""
    return {k: _serializer.serialize(v) for k, v in values.items() if v is not None}


def to_attr(value: Any) -> dict[str, Any]:
    """One value as a DynamoDB attribute value (``None`` becomes NULL here)."""
    return _serializer.serialize(value)


def from_item(item: dict[str, Any] | None) -> dict[str, Any] | None:
    """An item as plain values, every number an ``int``; None for None."""
    if item is None:
        return None
    return {k: _plain(_deserializer.deserialize(v)) for k, v in item.items()}


def encoded_size(values: dict[str, Any]) -> int:
    """Bytes of ``values`` as DynamoDB attribute values, written as compact JSON.

    An upper bound of DynamoDB's own item size (which counts names and values but not the JSON's type
    tags, quotes and braces), so a limit checked with it holds for the stored item.
    """
    return len(json.dumps(to_item(values), separators=(",", ":"), ensure_ascii=False, default=str).encode())
