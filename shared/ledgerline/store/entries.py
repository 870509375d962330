"""Journal entry items: the entry with its lines in one item, listed by date through GSI1 (GSI4 by source type)."""

from datetime import date, datetime
from typing import Any

from ledgerline.domain.accounts import Account, AccountType, Direction
from ledgerline.domain.journal import JournalEntry, Line, Source, Tag
from ledgerline.errors import AlreadyReversed
from ledgerline.store import items as item_reads
from ledgerline.store import keys, transactions
from ledgerline.store.chart import Accounts


def entry_item(entry: JournalEntry) -> dict[str, Any]:
    """An entry's one item: lines and tags embedded, and the GSI1 keys that list it by date."""
    return {
        **keys.key(keys.business_pk(entry.business_id), keys.entry_sk(entry.id)),
        **keys.entry_index_keys(entry.business_id, entry.entry_date.isoformat(), entry.id),
        **keys.entry_source_keys(entry.business_id, entry.source.type, entry.entry_date.isoformat(), entry.id),
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
            {
                "account_id": line.account.id,
                "direction": line.direction.value,
                "amount": line.amount,
                **({"memo": line.memo} if line.memo is not None else {}),
            }
            for line in entry.lines
        ],
        "tags": [{k: v for k, v in vars(tag).items() if v is not None} for tag in entry.tags],
    }


def _missing_account(account_id: str) -> Account:
    # An entry always references accounts of its business; this only shows up if data was damaged.
    return Account(account_id, "(unknown account)", "UNKNOWN", AccountType.ASSET, Direction.DEBIT)


def entry_from_item(item: dict[str, Any], chart: Accounts) -> JournalEntry:
    """The entry an item holds, its lines' accounts from ``chart`` (a placeholder for one not in it)."""
    return JournalEntry(
        id=item["entry_id"],
        business_id=keys.business_id_of(item["PK"]),
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


def _entries(found: list[dict[str, Any]], chart: Accounts) -> list[JournalEntry]:
    """The entries these items hold, the accounts of all their lines looked up at once."""
    chart.want(ids=[line["account_id"] for item in found for line in item["lines"]])
    return [entry_from_item(item, chart) for item in found]


def get(business_id: str, entry_id: str, chart: Accounts) -> JournalEntry | None:
    """One entry (one consistent GetItem), its lines' accounts from ``chart``."""
    item = item_reads.get(business_id, keys.entry_sk(entry_id))
    return _entries([item], chart)[0] if item else None


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
    business_id: str,
    chart: Accounts,
    *,
    start: date | None,
    end: date | None,
    source_type: str | None,
    limit: int,
    start_key: dict[str, Any] | None,
) -> tuple[list[JournalEntry], dict[str, Any] | None]:
    """One page of entries in date order; the date range and the source type are key conditions (GSI1, or
    GSI4 with a source type), so the page reads what it returns."""
    lower, upper = keys.entries_by_date_range(start.isoformat() if start else None, end.isoformat() if end else None)
    index = (
        item_reads.IndexRange(keys.FILTERED_INDEX, keys.entries_by_source_pk(business_id, source_type), lower, upper)
        if source_type
        else item_reads.IndexRange(keys.ENTRIES_INDEX, keys.entries_by_date_pk(business_id), lower, upper)
    )
    found, last = item_reads.query_page(
        business_id, keys.ENTRY_PREFIX, limit=limit, position=start_key, index=index, look_ahead=True
    )
    return _entries(found, chart), last
