"""Plain Python values <-> DynamoDB attribute values, for the low-level client."""

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

