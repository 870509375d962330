"""The reads of the statements that cannot come from the period rows alone (SPEC §10.3): an account's
lines for its general ledger, and every invoice with its history for the receivables aging.

Both grow with what they report — the entries of the range, the invoices of the business — which SPEC
§10.3 allows for these two; the balance sheet and the profit and loss read the chart and the period
rows only (``store.periods.month_moves``).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from ledgerline.domain.accounts import Account
from ledgerline.domain.invoices import Invoice
from ledgerline.domain.journal import JournalEntry, Line
from ledgerline.store import entries as entry_store
from ledgerline.store import invoices as invoice_store
from ledgerline.store import items as item_reads
from ledgerline.store import keys
from ledgerline.store.chart import Accounts

ENTRIES_PER_QUERY = 100
"""Entries one Query of the general ledger reads (GSI1, date order)."""
ENTRIES_PER_PAGE = 1_000
"""Entries one page of an account's lines reads at most: a rare account's page may come back short (even
empty) with a cursor, so no request reads the whole history looking for its lines."""


# ---- an account's lines -------------------------------------------------------------------------


@dataclass(frozen=True)
class LinesPosition:
    """Where a page of an account's lines stopped: entries are read again after the entry key ``after``
    (None: from the range's start), and the first ``skip`` of the account's lines of entry ``entry_id``
    (when it is the one met first) were already on the page before."""

    after: dict[str, str] | None
    entry_id: str | None = None
    skip: int = 0


def _entry_key(business_id: str, entry: JournalEntry) -> dict[str, str]:
    """An entry's position in the GSI1 listing: the key a Query resumes after."""
    return {
        **keys.key(keys.business_pk(business_id), keys.entry_sk(entry.id)),
        **keys.entry_index_keys(business_id, entry.entry_date.isoformat(), entry.id),
    }


def account_lines(
    business_id: str,
    chart: Accounts,
    account_id: str,
    *,
    start: date | None,
    end: date | None,
    limit: int,
    position: LinesPosition | None,
) -> tuple[list[tuple[JournalEntry, Line]], LinesPosition | None]:
    """Up to ``limit`` lines of one account, in date order (entry by entry, each entry's lines in order),
    from the entries dated ``start`` … ``end`` after ``position``; and where the next page starts (None:
    no line follows). Entries come from GSI1 (``entries.query_by_date``), a page of 100 at a time, at
    most :data:`ENTRIES_PER_PAGE` per call."""
    after = position.after if position else None
    skip_in, skip = (position.entry_id, position.skip) if position else (None, 0)
    found: list[tuple[JournalEntry, Line]] = []
    read = 0
    while True:
        entries, last = entry_store.query_by_date(
            business_id, chart, start=start, end=end, source_type=None, limit=ENTRIES_PER_QUERY, start_key=after
        )
        before = after
        for entry in entries:
            mine = [line for line in entry.lines if line.account.id == account_id]
            for index in range(skip if entry.id == skip_in else 0, len(mine)):
                if len(found) == limit:  # one more line follows: the next page starts at it
                    return found, LinesPosition(before, entry.id, index)
                found.append((entry, mine[index]))
            before = _entry_key(business_id, entry)
        read += len(entries)
        if last is None:
            return found, None
        after = last
        if read >= ENTRIES_PER_PAGE:
            return found, LinesPosition(after)


# ---- invoices with their history -----------------------------------------------------------------


class _Chart:
    """The whole chart, already read, as invoice decoding looks accounts up (no read of its own)."""

    def __init__(self, accounts: Iterable[Account]) -> None:
        self._by_id = {account.id: account for account in accounts}

    def by_id(self, account_id: str) -> Account | None:
        return self._by_id.get(account_id)


def invoices_with_history(business_id: str, accounts: Sequence[Account]) -> list[Invoice]:
    """Every invoice of the business whole — header, payments and write-offs (deleted ones too) — in one
    consistent Query of ``INVOICE#`` (every page): the children's sort keys extend their header's."""
    found = item_reads.query_prefix(business_id, keys.INVOICE_PREFIX)
    headers = [item for item in found if item.get("kind") == "INVOICE"]
    children: dict[str, list[dict[str, Any]]] = {}
    for item in found:
        if item.get("kind") != "INVOICE" and "invoice_id" in item:
            children.setdefault(item["invoice_id"], []).append(item)
    chart = cast(Accounts, _Chart(accounts))
    return [
        invoice_store.invoice_from_item(header, chart, children.get(header["invoice_id"], [])) for header in headers
    ]


def entry_dates(business_id: str, entry_ids: Iterable[str]) -> dict[str, date]:
    """The date of each of these journal entries that exists (one BatchGetItem per 100, consistent)."""
    found = item_reads.get_many(business_id, [keys.entry_sk(entry_id) for entry_id in entry_ids])
    return {item["entry_id"]: date.fromisoformat(item["entry_date"]) for item in found.values()}
