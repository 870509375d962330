"""Strongly consistent reads of a business's items: one item, several at once, or a key prefix."""

from typing import Any

from botocore.exceptions import ClientError

from ledgerline.errors import InvalidCursor
from ledgerline.store import codec, keys
from ledgerline.store.runtime import dynamodb_client, table_name

MAX_KEY_CHARS = 1024
"""DynamoDB's limit for a sort key (bytes); no key of this table comes near it."""


def get(business_id: str, sk: str) -> dict[str, Any] | None:
    response = dynamodb_client().get_item(
        TableName=table_name(), Key=codec.to_item(keys.key(keys.business_pk(business_id), sk)), ConsistentRead=True,
    )
    return codec.from_item(response.get("Item"))


def get_many(business_id: str, sks: list[str]) -> dict[str, dict[str, Any]]:
    """Several items in one BatchGetItem call (one read), keyed by sort key."""
    pending = {table_name(): {"Keys": [codec.to_item(keys.key(keys.business_pk(business_id), sk)) for sk in sks],
                              "ConsistentRead": True}}
    found: dict[str, dict[str, Any]] = {}
    while pending:
        response = dynamodb_client().batch_get_item(RequestItems=pending)
        for item in response.get("Responses", {}).get(table_name(), []):
            plain = codec.from_item(item)
            found[plain["SK"]] = plain
        pending = response.get("UnprocessedKeys") or {}
    return found


def query_all(request: dict[str, Any]) -> list[dict[str, Any]]:
    """Every page of a Query, as plain items."""
    request = dict(request)
    found: list[dict[str, Any]] = []
    while True:
        page = dynamodb_client().query(**request)
        found += [codec.from_item(item) for item in page.get("Items", [])]
        if "LastEvaluatedKey" not in page:
            return found
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def query_prefix(business_id: str, prefix: str) -> list[dict[str, Any]]:
    return query_all({
        "TableName": table_name(), "ConsistentRead": True,
        "KeyConditionExpression": "PK = :pk AND begins_with(SK, :prefix)",
        "ExpressionAttributeValues": codec.to_item({":pk": keys.business_pk(business_id), ":prefix": prefix}),
    })


def start_key(position: dict[str, Any] | None, *, equal: dict[str, str], prefixed: dict[str, str],
              between: tuple[str, str, str] | None = None) -> dict[str, Any] | None:
    """A cursor's position, accepted only if it is exactly the kind of key this listing stops at: these
    attribute names, every value a string, ``equal`` ones equal, ``prefixed`` ones starting so and the
    query's sort key (``between``: name, lower, upper) inside its key condition.

    The signature proves the cursor was ours; this makes sure its content is too (SPEC §3: 400)."""
    if position is None:
        return None
    if set(position) != set(equal) | set(prefixed) or not all(
            isinstance(value, str) and 0 < len(value) <= MAX_KEY_CHARS for value in position.values()):
        raise InvalidCursor()
    if any(position[name] != value for name, value in equal.items()) or any(
            not position[name].startswith(prefix) for name, prefix in prefixed.items()):
        raise InvalidCursor()
    if between is not None and not between[1] <= position[between[0]] <= between[2]:
        raise InvalidCursor()
    return position


def query_page(request: dict[str, Any], start_key: dict[str, Any] | None) -> dict[str, Any]:
    """One page of a Query resuming after ``start_key``; a start key DynamoDB refuses is a bad cursor."""
    if start_key:
        request = {**request, "ExclusiveStartKey": codec.to_item(start_key)}
    try:
        return dynamodb_client().query(**request)
    except ClientError as error:
        if start_key and error.response.get("Error", {}).get("Code") == "ValidationException":
            raise InvalidCursor() from None
        raise
