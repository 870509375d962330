"""Journal exports as a caller reads them (SPEC §10.4): the pages, and what beancount and a CSV reader
make of them, next to the trial balance."""

import csv
import io
import re
import subprocess
import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

from support.api import Api

NEXT_CURSOR = "ledgerline-next-cursor"
BEAN_CHECK = Path(sys.executable).with_name("bean-check")


def export(client: Api, query: str = "format=beancount", cursor: str | None = None):
    """One page of the export (the raw answer)."""
    if cursor is not None:
        query = f"{query}&cursor={cursor}"
    return client.get(f"{client.base}/exports/journal", query=query)


def export_pages(client: Api, query: str = "format=beancount") -> list[str]:
    """Every page's text, following ``Ledgerline-Next-Cursor`` until a page comes without one."""
    pages, cursor = [], None
    while True:
        response = export(client, query, cursor)
        assert response.status == 200, response.body[:500]
        pages.append(response.body.decode())
        cursor = response.headers.get(NEXT_CURSOR)
        if cursor is None:
            return pages
        assert len(pages) < 1_000, "an export that never ends"


def exported(client: Api, query: str = "format=beancount") -> str:
    """The whole export's text."""
    return "".join(export_pages(client, query))


def trial_balances(client: Api) -> dict[str, int]:
    """Each account's balance by stable name as the trial balance reports it: debits minus credits, in cents."""
    report = client.get(f"{client.base}/reports/trial-balance")
    assert report.status == 200, report.json()
    return {row["stable_name"]: row["debit_balance"] - row["credit_balance"] for row in report.json()["accounts"]}


def load_beancount(text: str) -> tuple[list[Any], list[Any], dict[str, Any]]:
    """What beancount's own loader makes of ``text`` (the checks bean-check runs included): entries, errors, options."""
    from beancount import loader

    return loader.load_string(text)


def stable_name_of(account: str) -> str:
    """The stable name a beancount account name was made from, read back independently of the code that
    made it: ``Assets:AccountsReceivable`` → ``ACCOUNTS_RECEIVABLE``, ``Assets:Note-2024`` → ``NOTE_2024``."""
    component = account.split(":", 1)[1]
    words = re.findall(r"[A-Z][a-z0-9]*|-[0-9][a-z0-9]*", component)
    assert "".join(words) == component, f"{account} is not a CamelCase stable name"
    return "_".join(word.lstrip("-").upper() for word in words)


def beancount_balances(text: str, places: int = 2) -> dict[str, int]:
    """Every opened account's final balance in beancount's own arithmetic, in cents, by stable name."""
    from beancount.core import data

    entries, errors, _options = load_beancount(text)
    assert not errors, [str(error.message) for error in errors[:5]]
    sums: dict[str, Decimal] = {entry.account: Decimal(0) for entry in entries if isinstance(entry, data.Open)}
    for entry in entries:
        if isinstance(entry, data.Transaction):
            for posting in entry.postings:
                sums[posting.account] += posting.units.number
    return {stable_name_of(name): int(total.scaleb(places)) for name, total in sums.items()}


def bean_check(path: Path) -> subprocess.CompletedProcess[str]:
    """``bean-check FILE``, the command a user runs (exit 0 and no output when the file is valid)."""
    return subprocess.run([str(BEAN_CHECK), str(path)], capture_output=True, text=True, timeout=120, check=False)


def csv_rows(text: str) -> list[dict[str, str]]:
    """The rows of a CSV export (RFC 4180, as Python's csv module reads it)."""
    return list(csv.DictReader(io.StringIO(text, newline="")))


def csv_balances(text: str) -> dict[str, int]:
    """Σ debit − Σ credit per account stable name over the CSV's rows, in cents."""
    sums: Counter[str] = Counter()
    for row in csv_rows(text):
        sums[row["account_stable_name"]] += int(row["debit"]) - int(row["credit"])
    return dict(sums)
