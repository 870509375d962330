"""Period rows and the books lock: what each posting adds beside its balances, and what reports read.

**Period rows** (``PERIOD#<YYYY-MM>#<account>[#<shard>]``): every posting ADDs each account's move to
the row of the entry's month, under the attribute of the entry's day (``d01`` … ``d31``), in the same
transaction as the balances. A hot account's rows follow its balance shards, so concurrent postings
meet on the same items no more than their balances already do. An entry too wide for one row per
account within DynamoDB's 100 items (§4 allows 50 accounts) keeps its moves as one item of its own
(``PERIOD#<YYYY-MM>#ENTRY#<entry>``). A report reads a range of months with one Query; its cost grows
with accounts × months, never with entries.

**The lock** (``BOOKS#LOCK``, its history under it): every posting's transaction checks one of
:data:`~ledgerline.store.keys.BOOKS_LOCK_COPIES` copies of the lock date (picked by the posting, like a
balance shard), so the lock can never be crossed by a race, and a business that never locked pays one
ConditionCheck of an item that does not exist. Each container remembers the last lock it saw
(:func:`known_lock`) as a hint: a posting is refused only after a fresh read agrees.
"""

import hashlib
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from ledgerline.domain.accounts import balance_shard
from ledgerline.domain.journal import JournalEntry, balance_moves
from ledgerline.domain.periods import BooksLock, LockChange, MonthMoves, merged, month_of
from ledgerline.errors import PeriodLocked
from ledgerline.store import items as item_reads
from ledgerline.store import keys, transactions
from ledgerline.store.chart import Accounts
from ledgerline.store.entries import entry_from_item

ROW = "PERIOD_MOVES"
ENTRY_ROW = "PERIOD_ENTRY"


# ---- period rows --------------------------------------------------------------------------------


def _day(number: int) -> str:
    return f"d{number:02d}"


def posting_actions(
    business_id: str, entries: Sequence[JournalEntry], *, spread: str, room: int
) -> list[transactions.Action]:
    """The period-row writes of a posting's ``entries``: one ADD per (account, month, shard), or, if those
    would not fit in ``room`` items, one item per entry."""
    rows: dict[tuple[str, str, int], dict[int, int]] = {}
    for entry in entries:
        accounts = {line.account.id: line.account for line in entry.lines}
        for account_id, delta in balance_moves(entry.lines).items():
            key = (month_of(entry.entry_date), account_id, balance_shard(accounts[account_id], spread))
            days = rows.setdefault(key, {})
            days[entry.entry_date.day] = days.get(entry.entry_date.day, 0) + delta
    rows = {key: {d: c for d, c in days.items() if c} for key, days in rows.items()}
    rows = {key: days for key, days in rows.items() if days}
    if len(rows) <= room:
        return [
            _add_to_row(business_id, month, account_id, shard, days)
            for (month, account_id, shard), days in rows.items()
        ]
    return [_entry_row(entry) for entry in entries if balance_moves(entry.lines)]


def _add_to_row(business_id: str, month: str, account_id: str, shard: int, days: dict[int, int]) -> transactions.Action:
    adds = ", ".join(f"{_day(number)} :{_day(number)}" for number in sorted(days))
    return transactions.update(
        keys.key(keys.business_pk(business_id), keys.period_sk(month, account_id, shard)),
        f"ADD {adds} SET #kind = :kind, account_id = :account, #month = :month",
        condition="attribute_not_exists(PK) OR account_id = :account",  # new, or this account's already
        names={"#kind": "kind", "#month": "month"},
        values={
            **{f":{_day(number)}": cents for number, cents in days.items()},
            ":kind": ROW,
            ":account": account_id,
            ":month": month,
        },
    )


def _entry_row(entry: JournalEntry) -> transactions.Action:
    month = month_of(entry.entry_date)
    return transactions.put(
        {
            **keys.key(keys.business_pk(entry.business_id), keys.period_entry_sk(month, entry.id)),
            "kind": ENTRY_ROW,
            "month": month,
            "day": entry.entry_date.day,
            "entry_id": entry.id,
            "moves": balance_moves(entry.lines),
        }
    )


def _rows(found: Iterable[dict[str, Any]]) -> list[MonthMoves]:
    rows: list[MonthMoves] = []
    for item in found:
        if item.get("kind") == ROW:
            rows.append(
                MonthMoves(
                    item["account_id"],
                    item["month"],
                    {
                        int(name[1:]): int(value)
                        for name, value in item.items()
                        if len(name) == 3 and name[0] == "d" and name[1:].isdigit()
                    },
                )
            )
        elif item.get("kind") == ENTRY_ROW:
            rows += [
                MonthMoves(account_id, item["month"], {int(item["day"]): int(cents)})
                for account_id, cents in item["moves"].items()
            ]
    return rows


def month_moves(business_id: str, first: date | None, last: date) -> list[MonthMoves]:
    """Every account's moves in the months of ``first`` (None: from the beginning) to ``last``, one row per
    (account, month): one consistent Query (every page)."""
    lower, upper = keys.period_range(month_of(first) if first else None, month_of(last))
    return merged(_rows(item_reads.query_between(business_id, lower, upper)))


def rebuild(business_id: str, chart: Accounts) -> int:
    """Rewrite the business's period rows from its journal entries: every existing row (and wide-entry
    item) deleted, then one row per (account, month) with each day's sum. For books whose entries predate
    the rows (SPEC §10.3); run it while the business does not post (it is not one transaction). The
    number of rows written."""
    pk = keys.business_pk(business_id)
    rows: dict[tuple[str, str], dict[int, int]] = {}
    for item in item_reads.query_prefix(business_id, keys.ENTRY_PREFIX):
        entry = entry_from_item(item, chart)
        for account_id, delta in balance_moves(entry.lines).items():
            days = rows.setdefault((month_of(entry.entry_date), account_id), {})
            days[entry.entry_date.day] = days.get(entry.entry_date.day, 0) + delta
    fresh = [
        {
            **keys.key(pk, keys.period_sk(month, account_id)),
            "kind": ROW,
            "account_id": account_id,
            "month": month,
            **{_day(number): cents for number, cents in days.items() if cents},
        }
        for (month, account_id), days in sorted(rows.items())
        if any(days.values())
    ]
    kept = {item["SK"] for item in fresh}  # a Put replaces these whole
    stale = [
        keys.key(pk, item["SK"])
        for item in item_reads.query_prefix(business_id, keys.PERIOD_PREFIX)
        if item["SK"] not in kept
    ]
    item_reads.write_batch(deletes=stale, puts=fresh)
    return len(fresh)


# ---- the lock -----------------------------------------------------------------------------------

_known: dict[str, BooksLock] = {}
"""The last lock this container saw per business: a hint, never the reason for a refusal by itself."""


def known_lock(business_id: str) -> BooksLock:
    """The lock as this container last saw it (nothing locked if it never looked)."""
    return _known.get(business_id, BooksLock())


def forget() -> None:
    """Drop the hints (tests that rewrite items behind the store's back)."""
    _known.clear()


def remember(business_id: str, lock: BooksLock) -> BooksLock:
    if len(_known) >= 50_000:
        _known.clear()
    _known[business_id] = lock
    return lock


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def read_lock(business_id: str, *, history: bool = False) -> BooksLock:
    """The lock as it stands (one consistent GetItem; with ``history``, one Query of the lock and its changes)."""
    if history:
        found = item_reads.query_prefix(business_id, keys.BOOKS_LOCK_SK)
        item = next((i for i in found if i["SK"] == keys.BOOKS_LOCK_SK), None)
        changes = tuple(
            LockChange(_date(i.get("locked_through")), _date(i.get("previous")), i["changed_at"])
            for i in found
            if i.get("kind") == "BOOKS_LOCK_CHANGE"
        )
    else:
        item, changes = item_reads.get(business_id, keys.BOOKS_LOCK_SK), ()
    lock = BooksLock(_date(item.get("locked_through")), item.get("updated_at"), changes) if item else BooksLock()
    remember(business_id, BooksLock(lock.locked_through, lock.updated_at))
    return lock


def refusal_for(business_id: str, day: date) -> PeriodLocked | None:
    """Why an entry dated ``day`` cannot be posted, if it cannot: the hint says the day may be closed, so
    a fresh read decides (a day the hint says is open is left to the transaction's check)."""
    if not known_lock(business_id).closes(day):
        return None
    lock = read_lock(business_id)
    return PeriodLocked(lock.locked_through) if lock.closes(day) and lock.locked_through else None


def first_open_day(business_id: str, day: date) -> date:
    """Where a reversal of an entry dated ``day`` goes: ``day`` itself unless it is closed, then the first
    open day (a fresh read confirms a day the hint says is closed)."""
    if not known_lock(business_id).closes(day):
        return day
    return read_lock(business_id).first_open_day(day)


def _copy(spread: str) -> int:
    return int.from_bytes(hashlib.sha256(spread.encode()).digest()[:8]) % keys.BOOKS_LOCK_COPIES


def open_check(business_id: str, earliest: date, *, spread: str) -> transactions.Action:
    """The posting's guard: nothing dated ``earliest`` or later is closed. If the lock moved under the
    posting, the container learns the new lock and the posting decides again (and is refused, or a
    reversal moves to the first open day)."""
    return transactions.check(
        keys.key(keys.business_pk(business_id), keys.books_lock_copy_sk(_copy(spread))),
        "attribute_not_exists(locked_through) OR locked_through < :day",
        values={":day": earliest.isoformat()},
        on_condition_failed=lambda old: _learn(business_id, old),
    )


def _learn(business_id: str, old: dict[str, Any] | None) -> BaseException:
    locked = _date((old or {}).get("locked_through"))
    remember(business_id, BooksLock(locked))
    return transactions.Retryable("the books lock moved")


def moved_lock(before: BooksLock, locked_through: date | None, now: str) -> BooksLock:
    """The lock after moving ``before`` to ``locked_through`` at ``now``, its history one change longer."""
    change = LockChange(locked_through, before.locked_through, now)
    return BooksLock(locked_through, now, (*before.history, change))


def lock_actions(
    business_id: str, before: BooksLock, locked_through: date | None, now: str
) -> tuple[transactions.Action, ...]:
    """Move the lock from ``before`` (as read) to ``locked_through``: the lock, its history item and every
    copy postings check, guarded by what was read (a concurrent move → read again and decide again)."""
    value = {"locked_through": locked_through.isoformat()} if locked_through else {}  # never NULL: see open_check
    previous = {"previous": before.locked_through.isoformat()} if before.locked_through else {}
    pk = keys.business_pk(business_id)
    seen = (
        {"condition": "updated_at = :seen", "values": {":seen": before.updated_at}}
        if before.updated_at
        else {"condition": "attribute_not_exists(PK)"}
    )
    return (
        transactions.put(
            {**keys.key(pk, keys.BOOKS_LOCK_SK), "kind": "BOOKS_LOCK", **value, "updated_at": now}, **seen
        ),
        transactions.put(
            {
                **keys.key(pk, keys.books_lock_history_sk(len(before.history) + 1)),
                "kind": "BOOKS_LOCK_CHANGE",
                **value,
                **previous,
                "changed_at": now,
            }
        ),
        *(
            transactions.put(
                {**keys.key(pk, keys.books_lock_copy_sk(copy)), "kind": "BOOKS_LOCK_COPY", **value}, condition=None
            )
            for copy in range(keys.BOOKS_LOCK_COPIES)
        ),
    )
