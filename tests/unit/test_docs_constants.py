"""The numbers the docs state for the code's constants are the code's numbers (as test_openapi.py is for
the API document).

Each row of STATED is one phrase of a doc, with ``{n}`` where the doc writes the number, and the code's
value in the doc's unit. A row fails when the doc states another number, when the code's value changes,
and when the phrase is no longer in the doc (a reworded sentence takes its row along). Line breaks and
runs of spaces in the doc do not matter. To pin another number, add a row.
"""

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from pydantic import TypeAdapter

from ledgerline import cursors, idempotency
from ledgerline.api import app
from ledgerline.domain import accounts, journal, money, runs, statements
from ledgerline.schemas import common
from ledgerline.schemas.ledger import CustomJournalEntryRequest
from ledgerline.services import accrual_runs, businesses, exports
from ledgerline.store import chart, entry_stream, runtime, statement_reads, transactions
from ledgerline_tools import template

ROOT = Path(__file__).resolve().parents[2]
KB = 1024
DAYS = timedelta(days=1)
NUMBER = r"(\d[\d,]*(?:\.\d+)?(?:\^\d+)?)"
"""A number as the docs write it: 10, 1,000, 0.5, 10^13."""


@dataclass(frozen=True)
class Stated:
    doc: str
    phrase: str
    code: Callable[[], float]

    def __str__(self) -> str:
        return f"{self.doc}: {self.phrase}"


# ---- where the code's values come from ------------------------------------------------------------------


@cache
def client_config() -> Any:
    """The DynamoDB client's botocore config (a fresh client: the per-container cache stays untouched)."""
    return runtime.dynamodb_client.__wrapped__().meta.config


def client_attempts() -> int:
    return client_config().retries["total_max_attempts"]  # the first attempt and its retries


@cache
def deployed() -> dict[str, Any]:
    return template.load()


@cache
def published_parameter(name: str, keyword: str) -> Any:
    """``keyword`` of parameter ``name``'s schema, the same on every operation of docs/openapi.json that
    takes it (the document is generated from the code; test_openapi.py keeps it so)."""
    document = json.loads((ROOT / "docs" / "openapi.json").read_text())
    found = {
        json.dumps(parameter["schema"].get(keyword))
        for operation in (op for path in document["paths"].values() for op in path.values())
        for parameter in operation.get("parameters", [])
        if parameter["name"].lower() == name.lower()
    }
    assert len(found) == 1, f"{name}.{keyword}: {found or 'no operation takes it'}"
    return json.loads(found.pop())


def max_length(annotated: Any) -> int:
    return TypeAdapter(annotated).json_schema()["maxLength"]


def line_items_max() -> int:
    return CustomJournalEntryRequest.model_json_schema()["properties"]["line_items"]["maxItems"]


def schedule_retry() -> dict[str, Any]:
    return deployed()["Resources"]["WriteOffSchedule"]["Properties"]["Target"]["RetryPolicy"]


# ---- the table ------------------------------------------------------------------------------------------

STATED = [
    # the posting writer: decisions retried, ambiguous commits resent (store/transactions.py)
    Stated("docs/architecture.md", "at most {n} attempts (`MAX_ATTEMPTS`)", lambda: transactions.MAX_ATTEMPTS),
    Stated("docs/architecture.md", "decide again from fresh reads (≤ {n} attempts", lambda: transactions.MAX_ATTEMPTS),
    Stated("docs/architecture.md", "on fresh data (at most {n} attempts", lambda: transactions.MAX_ATTEMPTS),
    Stated("docs/performance.md", "a few give up after their {n} attempts", lambda: transactions.MAX_ATTEMPTS),
    Stated(
        "docs/table-design.md",
        "ACCOUNTS_RECEIVABLE and SALES of the default chart have {n})",
        lambda: accounts.HOT_ACCOUNTS["CASH"],
    ),
    Stated("docs/decisions.md", "(`store/chart._known`, at most {n} entries", lambda: chart.KNOWN_LIMIT),
    Stated("docs/architecture.md", "full jitter ≤ {n} s", lambda: transactions.BACKOFF_CAP_SECONDS),
    Stated("docs/architecture.md", "a random sleep in `[0, min({n} s,", lambda: transactions.BACKOFF_CAP_SECONDS),
    Stated("docs/architecture.md", "{n} s × 2^attempt", lambda: transactions.BACKOFF_BASE_SECONDS),
    Stated("docs/architecture.md", "(up to {n} sends", lambda: transactions.RESENDS),
    Stated("docs/architecture.md", "under the same token (≤ {n} sends)", lambda: transactions.RESENDS),
    Stated("docs/decisions.md", "`ClientRequestToken` (≤ {n} sends", lambda: transactions.RESENDS),
    Stated("docs/architecture.md", "backoff capped at {n} s", lambda: transactions.RESEND_CAP_SECONDS),
    Stated("docs/architecture.md", "no new send after {n} s", lambda: transactions.RESEND_BUDGET_SECONDS),
    Stated("docs/decisions.md", "sends, ≤ {n} s)", lambda: transactions.RESEND_BUDGET_SECONDS),
    # the DynamoDB client (store/runtime.py)
    Stated("docs/architecture.md", "up to {n} retries per call", lambda: client_attempts() - 1),
    Stated("docs/architecture.md", "per call, so {n} attempts", client_attempts),
    Stated("docs/architecture.md", "{n} s to connect", lambda: client_config().connect_timeout),
    Stated("docs/architecture.md", "{n} s to answer", lambda: client_config().read_timeout),
    Stated("docs/decisions.md", "waits {n} s to connect", lambda: client_config().connect_timeout),
    Stated("docs/decisions.md", "and {n} s for an answer", lambda: client_config().read_timeout),
    Stated("docs/decisions.md", "for an answer, {n} retries", lambda: client_attempts() - 1),
    Stated("docs/decisions.md", "retries ({n} attempts)", client_attempts),
    Stated("docs/decisions.md", "the function's {n} s", lambda: deployed()["Globals"]["Function"]["Timeout"]),
    # run summaries (services/write_offs.py)
    Stated("docs/architecture.md", "(≤ {n} items listed each)", lambda: runs.MAX_LISTED),
    Stated("docs/decisions.md", "Run summaries list up to {n} items per category", lambda: runs.MAX_LISTED),
    Stated("docs/table-design.md", "a run summary lists at most {n} items per category", lambda: runs.MAX_LISTED),
    # what a body may be (api/app.py)
    Stated("docs/architecture.md", "a body over {n} KB is refused", lambda: app.MAX_BODY_BYTES / KB),
    Stated("docs/decisions.md", "Bodies over {n} KB", lambda: app.MAX_BODY_BYTES / KB),
    Stated("docs/decisions.md", "in this order: over {n} KB → 413", lambda: app.MAX_BODY_BYTES / KB),
    Stated("README.md", "bodies over {n} KB → 413", lambda: app.MAX_BODY_BYTES / KB),
    Stated("docs/decisions.md", "Nesting is capped at {n} levels", lambda: app.MAX_JSON_DEPTH),
    Stated("docs/decisions.md", "only ever sees JSON of at most {n} levels", lambda: app.MAX_JSON_DEPTH),
    Stated("docs/decisions.md", "A JSON integer of more than {n} digits", lambda: app.MAX_INT_DIGITS),
    # pages (the list functions' ``limit``, as docs/openapi.json publishes it)
    Stated("README.md", "`limit` 1–{n}", lambda: published_parameter("limit", "maximum")),
    Stated("README.md", "(default {n}) and an opaque", lambda: published_parameter("limit", "default")),
    # idempotency (idempotency.py, api/routes.py as published)
    Stated(
        "README.md", "`Idempotency-Key` (1–{n} characters)", lambda: published_parameter("Idempotency-Key", "maxLength")
    ),
    Stated(
        "docs/architecture.md",
        "`Idempotency-Key` (1–{n} characters",
        lambda: published_parameter("Idempotency-Key", "maxLength"),
    ),
    Stated("docs/decisions.md", "Idempotency records expire after {n} days", lambda: idempotency.RETENTION / DAYS),
    Stated("docs/architecture.md", "Records expire after {n} days", lambda: idempotency.RETENTION / DAYS),
    Stated("docs/architecture.md", "the {n}-day idempotency record", lambda: idempotency.RETENTION / DAYS),
    Stated("docs/table-design.md", "`ttl` = creation + **{n} days**", lambda: idempotency.RETENTION / DAYS),
    Stated("README.md", "transaction as the posting and kept {n} days", lambda: idempotency.RETENTION / DAYS),
    # the cursor key (cursors.py)
    Stated("docs/architecture.md", "caches it for {n} s", lambda: cursors.SECRET_MAX_AGE_SECONDS),
    Stated("docs/decisions.md", "cached {n} s per container", lambda: cursors.SECRET_MAX_AGE_SECONDS),
    Stated("README.md", "cached for {n} minutes", lambda: cursors.SECRET_MAX_AGE_SECONDS / 60),
    # entries and amounts (domain/journal.py, domain/money.py, schemas/)
    Stated("docs/accounting.md", "at most {n} distinct accounts per entry", lambda: journal.MAX_ACCOUNTS_PER_ENTRY),
    Stated("README.md", "at most {n} distinct accounts", lambda: journal.MAX_ACCOUNTS_PER_ENTRY),
    Stated("docs/table-design.md", "lines, at most {n} distinct", lambda: journal.MAX_ACCOUNTS_PER_ENTRY),
    Stated("docs/table-design.md", "(at most {n} lines", line_items_max),
    Stated("docs/decisions.md", "A custom entry accepts 1–{n} line items", line_items_max),
    Stated("docs/accounting.md", "caps it at {n}", lambda: money.MAX_CENTS),
    Stated("README.md", "integers of cents, 1 to {n}", lambda: money.MAX_CENTS),
    Stated("docs/decisions.md", "Totals are amounts too** (≤ {n} cents", lambda: money.MAX_CENTS),
    Stated("README.md", "memos ≤ {n} characters", lambda: max_length(common.Memo)),
    Stated("README.md", "names ≤ {n};", lambda: max_length(common.Name)),
    # tokens (services/businesses.py), accrue-all (services/loans.py), the schedule (template.yaml)
    Stated("docs/decisions.md", "over {n} characters is refused without a read", lambda: businesses.MAX_TOKEN_CHARS),
    Stated(
        "docs/table-design.md", "per transaction of ≤ {n} instruments", lambda: accrual_runs.ACCRUALS_PER_TRANSACTION
    ),
    Stated("docs/architecture.md", "UTC; {n} retries within 1 h", lambda: schedule_retry()["MaximumRetryAttempts"]),
    Stated("docs/architecture.md", "retries within {n} h", lambda: schedule_retry()["MaximumEventAgeInSeconds"] / 3600),
    Stated("README.md", "UTC, {n} retries within an hour", lambda: schedule_retry()["MaximumRetryAttempts"]),
    # journal exports (services/exports.py, store/entry_stream.py, template.yaml)
    Stated("docs/architecture.md", "`RESPONSE_BUDGET_BYTES` ({n})", lambda: exports.RESPONSE_BUDGET_BYTES),
    Stated("docs/decisions.md", "stays within {n} bytes", lambda: exports.RESPONSE_BUDGET_BYTES),
    Stated("docs/architecture.md", "`RESPONSE_BUDGET_SECONDS` ({n} s", lambda: exports.RESPONSE_BUDGET_SECONDS),
    Stated("docs/decisions.md", "the page has worked under {n} s", lambda: exports.RESPONSE_BUDGET_SECONDS),
    Stated(
        "docs/architecture.md",
        "the function's timeout is {n} s",
        lambda: deployed()["Resources"]["ExportJournalFunction"]["Properties"]["Timeout"],
    ),
    Stated("docs/architecture.md", "one Query page ({n}) at a time", lambda: entry_stream.PAGE_SIZE),
    Stated("docs/table-design.md", "1 index Query per {n} entries written", lambda: entry_stream.PAGE_SIZE),
    Stated(
        "docs/table-design.md",
        "(eventually consistent), `Limit = {n}`, page after page",
        lambda: entry_stream.PAGE_SIZE + 1,
    ),
    # financial statements (domain/statements.py, store/statement_reads.py)
    Stated("README.md", "at most {n} months; `group_by=month`", lambda: statements.MAX_MONTHS),
    Stated("docs/decisions.md", "capped at {n} calendar months", lambda: statements.MAX_MONTHS),
    Stated("docs/table-design.md", "{n} entries at a time (`Limit", lambda: statement_reads.ENTRIES_PER_QUERY),
    Stated("docs/table-design.md", "at most {n} entries per request", lambda: statement_reads.ENTRIES_PER_PAGE),
    Stated("docs/decisions.md", "a page stops after {n} entries read", lambda: statement_reads.ENTRIES_PER_PAGE),
]


# ---- the check ------------------------------------------------------------------------------------------


def as_number(text: str) -> Decimal:
    base, _, power = text.replace(",", "").partition("^")
    return Decimal(base) ** int(power) if power else Decimal(base)


def stated_numbers(text: str, phrase: str) -> list[Decimal]:
    """Every number ``text`` states where ``phrase`` has ``{n}`` (whitespace-insensitive)."""
    before, _, after = phrase.partition("{n}")
    pattern = r"\s+".join(map(re.escape, before.split())) + (r"\s+" if before[-1:].isspace() else "")
    pattern += NUMBER + (r"\s+" if after[:1].isspace() else "") + r"\s+".join(map(re.escape, after.split()))
    return [as_number(found) for found in re.findall(pattern, text)]


def drift(text: str, row: Stated) -> str | None:
    """What is wrong with ``row`` in ``text``, or None."""
    stated = stated_numbers(text, row.phrase)
    code = Decimal(str(row.code()))
    if not stated:
        return f"{row.doc} no longer says {row.phrase!r}: update the doc's sentence or this row"
    if any(number != code for number in stated):
        return f"{row.doc} says {row.phrase!r} with {sorted(set(map(str, stated)))}; the code has {code.normalize():f}"
    return None


@cache
def read(doc: str) -> str:
    return (ROOT / doc).read_text()


@pytest.mark.parametrize("row", STATED, ids=str)
def test_the_docs_state_the_codes_number(row: Stated) -> None:
    assert drift(read(row.doc), row) is None


def test_every_row_names_a_doc_and_one_number() -> None:
    assert all((ROOT / row.doc).is_file() and row.phrase.count("{n}") == 1 for row in STATED)


# ---- the check itself fails on either side's change -----------------------------------------------------

SENTENCE = "- at most\n  10 attempts (`MAX_ATTEMPTS`);"
ROW = Stated("docs/architecture.md", "at most {n} attempts (`MAX_ATTEMPTS`)", lambda: 10)


def test_a_number_that_agrees_across_a_line_break_is_no_drift() -> None:
    assert drift(SENTENCE, ROW) is None


def test_a_doc_that_states_another_number_is_drift() -> None:
    assert "says" in drift(SENTENCE.replace("10", "6"), ROW)


def test_a_code_value_that_changed_is_drift() -> None:
    assert "the code has 12" in drift(SENTENCE, Stated(ROW.doc, ROW.phrase, lambda: 12))


def test_a_reworded_sentence_is_drift() -> None:
    assert "no longer says" in drift("- no more than 10 attempts", ROW)


@pytest.mark.parametrize(("written", "value"), [("1,000", 1000), ("0.4", 0.4), ("10^13", 10**13), ("256", 256.0)])
def test_numbers_are_read_as_the_docs_write_them(written: str, value: float) -> None:
    assert stated_numbers(f"up to {written} items", "up to {n} items") == [Decimal(str(value))]
