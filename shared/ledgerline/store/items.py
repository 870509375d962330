"""Reads of the single table as plain items: one item, several at once, every page of a Query, and one
page of a listing. The store modules turn what these return into domain objects, so no use case ever
sees an item.

Everything is strongly consistent except a listing on an index (global secondary indexes cannot be).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from ledgerline.errors import InvalidCursor
from ledgerline.store import codec, keys
from ledgerline.store.runtime import dynamodb_client, table_name

MAX_KEY_CHARS = 1024
"""DynamoDB's limit for a sort key (bytes); no key of this table comes near it."""
BATCH_GET_KEYS = 100
"""The most keys one BatchGetItem call may ask for."""


def get(business_id: str, sk: str) -> dict[str, Any] | None:
    """One item of the business's partition (one consistent GetItem)."""
    return get_key(keys.business_pk(business_id), sk)


def get_key(pk: str, sk: str) -> dict[str, Any] | None:
    """One item by its full key, in any partition (one consistent GetItem); None if there is none."""
    response = dynamodb_client().get_item(
        TableName=table_name(), Key=codec.to_item(keys.key(pk, sk)), ConsistentRead=True
    )
    return codec.from_item(response.get("Item"))


def get_many(business_id: str, sks: list[str]) -> dict[str, dict[str, Any]]:
    """Several items of the business's partition, keyed by sort key: one BatchGetItem per 100 keys
    (DynamoDB's limit; duplicates are read once), consistent, unprocessed keys read again."""
    unique = list(dict.fromkeys(sks))
    found: dict[str, dict[str, Any]] = {}
    for start in range(0, len(unique), BATCH_GET_KEYS):
        keys_ = [
            codec.to_item(keys.key(keys.business_pk(business_id), sk)) for sk in unique[start : start + BATCH_GET_KEYS]
        ]
        pending = {table_name(): {"Keys": keys_, "ConsistentRead": True}}
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


def query_prefix(
    business_id: str, prefix: str, *, values: dict[str, Any] | None = None, **options: Any
) -> list[dict[str, Any]]:
    """Every item of the business's partition whose sort key starts with ``prefix`` (consistent, every page).
    ``options`` are more Query parameters (``ProjectionExpression``, ``FilterExpression``, …), ``values``
    the plain values their expressions name."""
    return query_all(
        {
            "TableName": table_name(),
            "ConsistentRead": True,
            "KeyConditionExpression": "PK = :pk AND begins_with(SK, :prefix)",
            **options,
            "ExpressionAttributeValues": codec.to_item(
                {":pk": keys.business_pk(business_id), ":prefix": prefix, **(values or {})}
            ),
        }
    )


def query_between(business_id: str, lower: str, upper: str) -> list[dict[str, Any]]:
    """Every item of the business's partition whose sort key lies in ``lower`` … ``upper`` (consistent, every page)."""
    return query_all(
        {
            "TableName": table_name(),
            "ConsistentRead": True,
            "KeyConditionExpression": "PK = :pk AND SK BETWEEN :lower AND :upper",
            "ExpressionAttributeValues": codec.to_item(
                {":pk": keys.business_pk(business_id), ":lower": lower, ":upper": upper}
            ),
        }
    )


def write_batch(*, deletes: Sequence[dict[str, str]] = (), puts: Sequence[dict[str, Any]] = ()) -> None:
    """Delete the items at ``deletes`` (keys) and put ``puts`` (no key in both): BatchWriteItem, 25 at a
    time, unprocessed items sent again. Not atomic: for maintenance commands, never for a posting."""
    requests = [{"DeleteRequest": {"Key": codec.to_item(key)}} for key in deletes]
    requests += [{"PutRequest": {"Item": codec.to_item(item)}} for item in puts]
    for start in range(0, len(requests), 25):
        pending: dict[str, Any] = {table_name(): requests[start : start + 25]}
        while pending:
            pending = dynamodb_client().batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}


# ---- listings: one page at a time, resumed from a cursor -------------------------------------------


@dataclass(frozen=True)
class IndexRange:
    """What a listing on an index reads: ``<index>PK = pk AND <index>SK BETWEEN lower AND upper``."""

    index: str
    pk: str
    lower: str
    upper: str


def query_page(
    business_id: str,
    prefix: str,
    *,
    limit: int,
    position: dict[str, Any] | None,
    index: IndexRange | None = None,
    newest_first: bool = False,
    look_ahead: bool = False,
) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """One page of a listing of the business's items whose sort key starts with ``prefix``, and the
    position the next page starts after (None: nothing more). Every listing reads through here.

    - Without ``index``: the business's own partition, ``begins_with(SK, prefix)``, strongly consistent.
      With one: that index range, eventually consistent; ``prefix`` then only checks the cursor.
    - No ``FilterExpression``: DynamoDB applies one after ``Limit``, so a page would read items it does
      not return; every filter a listing documents is a key condition of its index instead.
    - ``newest_first``: the sort key descending.
    - ``look_ahead``: read one item more than ``limit``. DynamoDB hands back a ``LastEvaluatedKey``
      whenever it stops at ``Limit``, even at the very end, which would promise a next page that is
      empty; the extra item tells whether one really follows.
    - ``position``: where the previous page stopped (a cursor's content), checked to be a key of exactly
      this listing before DynamoDB sees it (:func:`start_key`).
    """
    values: dict[str, Any] = {}
    request: dict[str, Any] = {"TableName": table_name(), "Limit": limit + 1 if look_ahead else limit}
    if index is None:
        key_names: tuple[str, ...] = ("PK", "SK")
        request |= {"ConsistentRead": True, "KeyConditionExpression": "PK = :pk AND begins_with(SK, :prefix)"}
        values |= {":pk": keys.business_pk(business_id), ":prefix": prefix}
        position = start_key(position, equal={"PK": keys.business_pk(business_id)}, prefixed={"SK": prefix})
    else:
        index_pk, index_sk = keys.index_key_names(index.index)
        key_names = ("PK", "SK", index_pk, index_sk)
        request |= {
            "IndexName": index.index,
            "KeyConditionExpression": f"{index_pk} = :pk AND {index_sk} BETWEEN :lower AND :upper",
        }
        values |= {":pk": index.pk, ":lower": index.lower, ":upper": index.upper}
        position = start_key(
            position,
            equal={"PK": keys.business_pk(business_id), index_pk: index.pk},
            prefixed={"SK": prefix, index_sk: ""},
            between=(index_sk, index.lower, index.upper),
        )
    if newest_first:
        request["ScanIndexForward"] = False
    request["ExpressionAttributeValues"] = codec.to_item(values)
    page = _page(request, position)
    found = [codec.from_item(item) for item in page.get("Items", [])]
    if look_ahead and len(found) > limit:  # more remain: resume right after the last item returned
        found = found[:limit]
        return found, {name: found[-1][name] for name in key_names}
    return found, codec.from_item(page.get("LastEvaluatedKey"))


def start_key(
    position: dict[str, Any] | None,
    *,
    equal: dict[str, str],
    prefixed: dict[str, str],
    between: tuple[str, str, str] | None = None,
) -> dict[str, Any] | None:
    """A cursor's position, accepted only if it is exactly the kind of key this listing stops at: these
    attribute names, every value a string, ``equal`` ones equal, ``prefixed`` ones starting so and the
    query's sort key (``between``: name, lower, upper) inside its key condition.

    The signature proves the cursor was ours; this makes sure its content is too (SPEC §3: 400)."""
    if position is None:
        return None
    if set(position) != set(equal) | set(prefixed) or not all(
        isinstance(value, str) and 0 < len(value) <= MAX_KEY_CHARS for value in position.values()
    ):
        raise InvalidCursor()
    if any(position[name] != value for name, value in equal.items()) or any(
        not position[name].startswith(prefix) for name, prefix in prefixed.items()
    ):
        raise InvalidCursor()
    if between is not None and not between[1] <= position[between[0]] <= between[2]:
        raise InvalidCursor()
    return position


def _page(request: dict[str, Any], position: dict[str, Any] | None) -> dict[str, Any]:
    """One page of a Query resuming after ``position``; a start key DynamoDB refuses is a bad cursor."""
    if position:
        request = {**request, "ExclusiveStartKey": codec.to_item(position)}
    try:
        return dynamodb_client().query(**request)
    except ClientError as error:
        if position and error.response.get("Error", {}).get("Code") == "ValidationException":
            raise InvalidCursor() from None
        raise
