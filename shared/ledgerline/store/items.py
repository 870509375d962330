"""Strongly consistent reads of a business's items: one item, several at once, or a key prefix."""

from typing import Any

from ledgerline.store import codec, keys
from ledgerline.store.runtime import dynamodb_client, table_name


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
