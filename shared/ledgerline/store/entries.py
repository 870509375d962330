"""Journal entry items: the entry with its lines in one item, listed by date through GSI1."""

from datetime import date, datetime
from typing import Any

from ledgerline.domain.accounts import Account, AccountType, Chart, Direction
from ledgerline.domain.journal import JournalEntry, Line, Source, Tag
from ledgerline.errors import AlreadyReversed
from ledgerline.store import codec, keys, transactions
from ledgerline.store import items as item_reads
from ledgerline.store.runtime import dynamodb_client, table_name

ENTRIES_INDEX = "GSI1"


def entry_item(entry: JournalEntry) -> dict[str, Any]:
    return {
        **keys.key(keys.business_pk(entry.business_id), keys.entry_sk(entry.id)),
        "GSI1PK": keys.entries_by_date_pk(entry.business_id),
        "GSI1SK": keys.entries_by_date_sk(entry.entry_date.isoformat(), entry.id),
        "kind": "ENTRY",
        "entry_id": entry.id,
        "entry_date": entry.entry_date.isoformat(),
        "entry_at": entry.entry_at.isoformat(),
        "created_at": entry.created_at.isoformat(),
        "memo": entry.memo,
        "source_type": entry.source.type,
        "source_id": entry.source.id,
        "external_id": entry.external_id,
        "reverses": entry.reverses,
        "lines": [
            {"account_id": line.account.id, "direction": line.direction.value, "amount": line.amount,
             **({"memo": line.memo} if line.memo is not None else {})}
            for line in entry.lines
        ],
        "tags": [
            {k: v for k, v in vars(tag).items() if v is not None} for tag in entry.tags
        ],
    }


def _missing_account(account_id: str) -> Account:
    # An entry always references accounts of its business; this only shows up if data was damaged.
    return Account(account_id, "(unknown account)", "UNKNOWN", AccountType.ASSET, Direction.DEBIT)


def entry_from_item(item: dict[str, Any], chart: Chart) -> JournalEntry:
    return JournalEntry(
        id=item["entry_id"],
        business_id=item["PK"].removeprefix("BIZ#"),
        entry_date=date.fromisoformat(item["entry_date"]),
        entry_at=datetime.fromisoformat(item["entry_at"]),
        created_at=datetime.fromisoformat(item["created_at"]),
        memo=item.get("memo"),
        source=Source(item["source_type"], item.get("source_id")),
        lines=tuple(
            Line(
                account=chart.by_id(line["account_id"]) or _missing_account(line["account_id"]),
                direction=Direction(line["direction"]),
                amount=line["amount"],
                memo=line.get("memo"),
            )
            for line in item["lines"]
        ),
        external_id=item.get("external_id"),
        tags=tuple(Tag(**tag) for tag in item.get("tags", [])),
        reverses=item.get("reverses"),
        reversed_by=item.get("reversed_by"),
    )


def get(business_id: str, entry_id: str) -> dict[str, Any] | None:
    response = dynamodb_client().get_item(
        TableName=table_name(),
        Key=codec.to_item(keys.key(keys.business_pk(business_id), keys.entry_sk(entry_id))),
        ConsistentRead=True,
    )
    return codec.from_item(response.get("Item"))


def mark_reversed(business_id: str, entry_id: str, reversal_id: str) -> transactions.Action:
    """The only change an entry ever sees: the link to its reversal, and only once."""
    return transactions.update(
        keys.key(keys.business_pk(business_id), keys.entry_sk(entry_id)),
        "SET reversed_by = :reversal",
        condition="attribute_exists(PK) AND attribute_not_exists(reversed_by)",
        values={":reversal": reversal_id},
        on_condition_failed=lambda _old: AlreadyReversed(entry_id),
    )


def query_by_date(
    business_id: str, *, start: date | None, end: date | None, source_type: str | None,
    limit: int, start_key: dict[str, Any] | None,
) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """One page of entries in date order; the date range is a key condition, the source a filter."""
    lower = start.isoformat() if start else "0000"
    upper = (end.isoformat() if end else "9999") + "#~"  # '~' sorts after every uuid character
    request: dict[str, Any] = {
        "TableName": table_name(),
        "IndexName": ENTRIES_INDEX,
        "KeyConditionExpression": "GSI1PK = :pk AND GSI1SK BETWEEN :lower AND :upper",
        "ExpressionAttributeValues": {":pk": keys.entries_by_date_pk(business_id), ":lower": lower, ":upper": upper},
        # One more than asked: DynamoDB hands back a LastEvaluatedKey whenever it stops at Limit, even
        # at the very end, which would promise a next page that is empty.
        "Limit": limit + 1,
    }
    if source_type:
        request["FilterExpression"] = "source_type = :source"
        request["ExpressionAttributeValues"][":source"] = source_type
    request["ExpressionAttributeValues"] = codec.to_item(request["ExpressionAttributeValues"])
    start_key = item_reads.start_key(
        start_key, equal={"PK": keys.business_pk(business_id), "GSI1PK": keys.entries_by_date_pk(business_id)},
        prefixed={"SK": keys.ENTRY_PREFIX, "GSI1SK": ""}, between=("GSI1SK", lower, upper))
    page = item_reads.query_page(request, start_key)
    items = [codec.from_item(item) for item in page.get("Items", [])]
    if len(items) > limit:  # more remain: resume right after the last item returned
        items = items[:limit]
        return items, {name: items[-1][name] for name in ("PK", "SK", "GSI1PK", "GSI1SK")}
    return items, codec.from_item(page.get("LastEvaluatedKey"))
