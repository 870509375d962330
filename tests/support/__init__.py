"""What the tests share, defined once. Test modules import from here, never from one another.

``from support import ...`` gives the helpers every family uses:

- ``api``: the client that goes through the local API Gateway and the authorizer (``Api``, ``new_api``);
- ``books``: the books as stored and the checks each scenario ends with (``assert_books_balance``,
  ``unchanged``, ``balanced_after``);
- ``ledger``: ledger requests and answers as a caller sees them (``line``, ``entry_body``, ``get_entry``,
  ``balances``, ``assert_error``, ``MISSING_ID``);
- ``clock``, ``counting``, ``concurrency``: a pinned or moved "now", DynamoDB call counts, requests
  released together.

A family's own helpers are imported from its module: ``support.invoices``, ``support.loans``,
``support.write_offs`` (these three also hold fixtures, loaded with ``pytest_plugins = ["support.<module>"]``),
``support.faults`` (faults injected at the DynamoDB client) and ``support.fault_cases`` (the bench samples
as fault cases).
"""

from support.api import Api, gateway, new_api
from support.books import assert_balanced, assert_books_balance, balanced_after, books, unchanged
from support.clock import move_clock, pin_clock
from support.concurrency import all_at_once
from support.counting import READS, CallCounter, IndexReads, ItemCounter
from support.ledger import (
    MISSING_ID,
    assert_error,
    assert_invalid,
    balances,
    by_id,
    entry_body,
    error_fields,
    get_entry,
    line,
    lines,
    lines_of,
    list_entries,
    netted,
    post_entry,
    sale,
    stable,
)

__all__ = [
    "MISSING_ID",
    "READS",
    "Api",
    "CallCounter",
    "IndexReads",
    "ItemCounter",
    "all_at_once",
    "assert_balanced",
    "assert_books_balance",
    "assert_error",
    "assert_invalid",
    "balanced_after",
    "balances",
    "books",
    "by_id",
    "entry_body",
    "error_fields",
    "gateway",
    "get_entry",
    "line",
    "lines",
    "lines_of",
    "list_entries",
    "move_clock",
    "netted",
    "new_api",
    "pin_clock",
    "post_entry",
    "sale",
    "stable",
    "unchanged",
]
