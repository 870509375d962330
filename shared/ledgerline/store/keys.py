"""Every key of the single table, in one place (docs/table-design.md describes the items and access patterns).

PK ``BIZ#<business>`` holds a business's profile and chart (``CHART#…``, one Query loads both),
stable-name guards, journal entries, instruments and their events, bank transactions, invoices (a
header, its payments and write-offs under it), the write-off policy and run summaries, idempotency
and external-id records. Tokens live apart under ``TOKEN#<sha256>`` so the authorizer reads one item.
GSI1 lists entries by date and invoices by due date; GSI4 lists the same by source type and by status
(a filtered page reads what it returns); GSI2 and GSI3 are the sparse write-off candidate indexes (and
GSI2 the enabled policies).

Sort-key ranges end in ``LAST`` (``~``), which sorts after every character of a date or an id, so
``<prefix>~`` closes the range of every key that starts with ``<prefix>``.
"""

import hashlib

LAST = "~"

# ---- the business partition ---------------------------------------------------------------------

BUSINESS_PREFIX = "BIZ#"
CHART_PREFIX = "CHART#"
PROFILE_SK = "CHART#PROFILE"
ACCOUNT_PREFIX = "CHART#ACCOUNT#"
ENTRY_PREFIX = "ENTRY#"
INSTRUMENT_PREFIX = "INSTRUMENT#"
BANK_TRANSACTION_PREFIX = "BANKTXN#"
INVOICE_PREFIX = "INVOICE#"
POLICY_SK = "WRITE_OFF_POLICY"
RUN_PREFIX = "WRITEOFFRUN#"
RUN_CHUNK_PREFIX = "WRITEOFFRUNCHUNK#"
ACCRUAL_RUN_PREFIX = "ACCRUALRUN#"
ACCRUAL_RUN_CHUNK_PREFIX = "ACCRUALRUNCHUNK#"
ACCRUING_BUSINESSES_PK = "ACCRUING_BUSINESSES"
"""One item per business that ever had an interest-bearing instrument (sort key: its id): the monthly
accrual schedule's list, read with one Query instead of a Scan."""
PERIOD_PREFIX = "PERIOD#"
BOOKS_LOCK_SK = "BOOKS#LOCK"
BOOKS_LOCK_COPIES = 8
"""Copies of the lock date that postings check (one each, picked like a balance shard), so concurrent
postings of a business do not all meet on one item; the lock's own item is copy 0's source of truth."""
TOKEN_PK_PREFIX = "TOKEN#"
TOKEN_SK = "TOKEN"


def sha256_hex(value: str) -> str:
    """Hex SHA-256 of ``value``'s UTF-8 bytes: how tokens and caller-chosen keys are stored."""
    return hashlib.sha256(value.encode()).hexdigest()


def business_pk(business_id: str) -> str:
    """``BIZ#<business_id>``: the business's partition."""
    return f"{BUSINESS_PREFIX}{business_id}"


def business_id_of(pk: str) -> str:
    """The business whose partition ``pk`` is (``BIZ#<b>`` → ``<b>``)."""
    return pk.removeprefix(BUSINESS_PREFIX)


def account_sk(account_id: str) -> str:
    """``CHART#ACCOUNT#<account_id>``: next to the profile, so one Query loads profile and chart."""
    return f"{ACCOUNT_PREFIX}{account_id}"


def balance_shard_sk(account_id: str, shard: int) -> str:
    """``CHART#ACCOUNT#<account_id>#SHARD#<n>``: one more part of a sharded account's balance (shard 0
    is the account item itself); under the account's key, so the chart Query reads it too."""
    return f"{account_sk(account_id)}#SHARD#{shard}"


def stable_name_sk(stable_name: str) -> str:
    """``STABLE#<stable_name>``: the guard item that keeps an account's stable name unique in the business."""
    return f"STABLE#{stable_name}"


def entry_sk(entry_id: str) -> str:
    """``ENTRY#<entry_id>``: a journal entry."""
    return f"{ENTRY_PREFIX}{entry_id}"


def instrument_sk(instrument_id: str) -> str:
    """``INSTRUMENT#<instrument_id>``: a debt instrument."""
    return f"{INSTRUMENT_PREFIX}{instrument_id}"


def loan_event_prefix(instrument_id: str) -> str:
    """Every activity row of one instrument starts so."""
    return f"LOANEVENT#{instrument_id}#"


def loan_event_sk(instrument_id: str, event_id: str) -> str:
    """``LOANEVENT#<instrument_id>#<event_id>``: one activity row of an instrument."""
    return f"{loan_event_prefix(instrument_id)}{event_id}"


def bank_transaction_sk(transaction_id: str) -> str:
    """``BANKTXN#<transaction_id>``: an imported bank transaction."""
    return f"{BANK_TRANSACTION_PREFIX}{transaction_id}"


def invoice_sk(invoice_id: str) -> str:
    """``INVOICE#<invoice_id>``: an invoice's header (lines, totals, outstanding balance, counts)."""
    return f"{INVOICE_PREFIX}{invoice_id}"


def invoice_payment_sk(invoice_id: str, payment_id: str) -> str:
    """``INVOICE#<invoice_id>#PAYMENT#<payment_id>``: one payment, under its invoice's header."""
    return f"{invoice_sk(invoice_id)}#PAYMENT#{payment_id}"


def invoice_write_offs_prefix(invoice_id: str) -> str:
    """Every write-off of one invoice starts so."""
    return f"{invoice_sk(invoice_id)}#WRITE_OFF#"


def invoice_write_off_sk(invoice_id: str, write_off_id: str) -> str:
    """``INVOICE#<invoice_id>#WRITE_OFF#<write_off_id>``: one write-off (deleted ones stay), under its invoice's header."""
    return f"{invoice_write_offs_prefix(invoice_id)}{write_off_id}"


def invoice_children_prefix(invoice_id: str) -> str:
    """Every payment and write-off of one invoice starts so (its header does not)."""
    return f"{invoice_sk(invoice_id)}#"


def invoice_range(invoice_id: str) -> tuple[str, str]:
    """Sort keys of one invoice whole: its header, then its payments and write-offs. A range rather than
    a prefix, so no id can reach another invoice's items (``INVOICE#<id>`` alone prefixes every id it starts)."""
    return invoice_sk(invoice_id), f"{invoice_children_prefix(invoice_id)}{LAST}"


def run_sk(run_id: str) -> str:
    """``WRITEOFFRUN#<run_id>``: a write-off run's summary."""
    return f"{RUN_PREFIX}{run_id}"


def run_chunk_prefix(chunk_prefix: str, run_id: str) -> str:
    """``<chunk_prefix><run_id>#``: the chunk results of one queued run (``WRITEOFFRUNCHUNK#`` or
    ``ACCRUALRUNCHUNK#``; neither starts with its run's prefix, so listing runs never reads chunks)."""
    return f"{chunk_prefix}{run_id}#"


def run_chunk_sk(chunk_prefix: str, run_id: str, index: int) -> str:
    """``<chunk_prefix><run_id>#<index>``: what one chunk of a queued run did, zero-padded to sort in order."""
    return f"{run_chunk_prefix(chunk_prefix, run_id)}{index:06d}"


def period_sk(month: str, account_id: str, shard: int = 0) -> str:
    """``PERIOD#<YYYY-MM>#<account_id>[#<shard>]``: what one account moved in one month, day by day (a hot
    account's postings spread over its balance shards' rows). Month first, so a report reads a range
    of months with one Query."""
    return f"{PERIOD_PREFIX}{month}#{account_id}" + (f"#{shard}" if shard else "")


def period_entry_sk(month: str, entry_id: str) -> str:
    """``PERIOD#<YYYY-MM>#ENTRY#<entry_id>``: the moves of one entry too wide for a row per account in
    its transaction (SPEC §4's 100 items), kept as one item of that month."""
    return f"{PERIOD_PREFIX}{month}#ENTRY#{entry_id}"


def period_range(first_month: str | None, last_month: str) -> tuple[str, str]:
    """Sort keys of the period rows of ``first_month`` (None: the first there is) to ``last_month``."""
    return f"{PERIOD_PREFIX}{first_month or ''}", f"{PERIOD_PREFIX}{last_month}{LAST}"


def books_lock_copy_sk(copy: int) -> str:
    """``BOOKS#LOCK#COPY#<n>``: one of the lock date's copies that postings check."""
    return f"{BOOKS_LOCK_SK}#COPY#{copy}"


def books_lock_history_sk(number: int) -> str:
    """``BOOKS#LOCK#HISTORY#<n>``: the lock's ``n``-th change (zero-padded, so in order)."""
    return f"{BOOKS_LOCK_SK}#HISTORY#{number:08d}"


def idempotency_sk(key: str) -> str:
    """``IDEMPOTENCY#<sha256 of key>``: the record of an Idempotency-Key."""
    # Keys are caller-chosen strings of up to 255 characters; hashing keeps the sort key bounded.
    return f"IDEMPOTENCY#{sha256_hex(key)}"


def external_id_sk(kind: str, external_id: str) -> str:
    """``EXTERNAL#<kind>#<sha256 of external_id>``: the reservation of an ``external_id`` among objects of ``kind``."""
    return f"EXTERNAL#{kind}#{sha256_hex(external_id)}"


def token_pk(token_hash: str) -> str:
    """``TOKEN#<token_hash>``: a token's own partition, outside every business's."""
    return f"{TOKEN_PK_PREFIX}{token_hash}"


def key(pk: str, sk: str) -> dict[str, str]:
    """The table's primary key attributes: ``{"PK": pk, "SK": sk}``."""
    return {"PK": pk, "SK": sk}


# ---- GSI1: entries by date, invoices by due date; GSI4: the same, filtered ---------------------------

ENTRIES_INDEX = "GSI1"
INVOICES_INDEX = "GSI1"
FILTERED_INDEX = "GSI4"
"""Entries by source type and date, invoices by status and due date: every documented filter of a
listing is a key condition here, so a filtered page reads what it returns (never a FilterExpression)."""
NO_DUE_DATE = "9999-12-31"
"""The due date an invoice without ``due_at`` is listed under: after every real one."""


def index_key_names(index: str) -> tuple[str, str]:
    """The partition and sort key attributes of a global secondary index (``GSI1`` → ``GSI1PK``, ``GSI1SK``)."""
    return f"{index}PK", f"{index}SK"


def entries_by_date_pk(business_id: str) -> str:
    """GSI1 partition of a business's journal entries: ``BIZ#<business_id>#ENTRIES``."""
    return f"{business_pk(business_id)}#ENTRIES"


def entries_by_date_sk(entry_date: str, entry_id: str) -> str:
    """GSI1 sort key of an entry: ``<entry_date>#<entry_id>`` (ISO date first, so date order)."""
    return f"{entry_date}#{entry_id}"


def entries_by_source_pk(business_id: str, source_type: str) -> str:
    """GSI4 partition of a business's journal entries of one source type: ``BIZ#<b>#ENTRIES#<source_type>``."""
    return f"{entries_by_date_pk(business_id)}#{source_type}"


def entry_index_keys(business_id: str, entry_date: str, entry_id: str) -> dict[str, str]:
    """An entry item's GSI1 attributes, which list it by date."""
    pk, sk = index_key_names(ENTRIES_INDEX)
    return {pk: entries_by_date_pk(business_id), sk: entries_by_date_sk(entry_date, entry_id)}


def entry_source_keys(business_id: str, source_type: str, entry_date: str, entry_id: str) -> dict[str, str]:
    """An entry item's GSI4 attributes, which list it by date among the entries of its source type."""
    pk, sk = index_key_names(FILTERED_INDEX)
    return {pk: entries_by_source_pk(business_id, source_type), sk: entries_by_date_sk(entry_date, entry_id)}


def entries_by_date_range(start: str | None, end: str | None) -> tuple[str, str]:
    """GSI1 sort keys of entries dated ``start`` to ``end`` (inclusive ISO dates; None: open)."""
    return start or "0000", f"{end or '9999'}#{LAST}"


def invoices_by_due_pk(business_id: str) -> str:
    """GSI1 partition of a business's invoices: ``BIZ#<business_id>#INVOICES``."""
    return f"{business_pk(business_id)}#INVOICES"


def invoices_by_status_pk(business_id: str, status: str) -> str:
    """GSI4 partition of a business's invoices in one status: ``BIZ#<b>#INVOICES#<status>``."""
    return f"{invoices_by_due_pk(business_id)}#{status}"


def invoice_index_keys(business_id: str, due_date: str | None, invoice_id: str) -> dict[str, str]:
    """An invoice item's GSI1 attributes: listed by ``due_date`` (``NO_DUE_DATE`` without one), then id."""
    pk, sk = index_key_names(INVOICES_INDEX)
    return {pk: invoices_by_due_pk(business_id), sk: f"{due_date or NO_DUE_DATE}#{invoice_id}"}


def invoice_status_keys(business_id: str, status: str, due_date: str | None, invoice_id: str) -> dict[str, str]:
    """An invoice item's GSI4 attributes: listed as in GSI1 among the invoices of its status (rewritten
    with the item whenever the status changes)."""
    pk, sk = index_key_names(FILTERED_INDEX)
    return {pk: invoices_by_status_pk(business_id, status), sk: f"{due_date or NO_DUE_DATE}#{invoice_id}"}


def invoices_by_due_range(start: str | None, end: str | None) -> tuple[str, str]:
    """GSI1 sort keys of invoices due ``start`` to ``end`` (inclusive ISO dates; None: open). A start
    alone ends at ``NO_DUE_DATE``, which leaves out invoices without a due date."""
    if start and not end:
        return start, NO_DUE_DATE
    return start or "0000", f"{end or '9999-99'}#{LAST}"


# ---- GSI2 / GSI3: write-off candidates and enabled policies -----------------------------------------

BY_DUE_INDEX = "GSI2"
BY_ACTIVITY_INDEX = "GSI3"
POLICIES_PK = "WRITE_OFF_POLICIES"
INVOICE_CANDIDATE_PREFIX = "INVOICE#"
LOAN_CANDIDATE_PREFIX = "LOAN#"


def candidates_pk(business_id: str) -> str:
    """GSI2 / GSI3 partition of a business's write-off candidates."""
    return f"{business_pk(business_id)}#WRITE_OFF_CANDIDATES"


def invoice_candidate_keys(business_id: str, due_date: str, invoice_id: str) -> dict[str, str]:
    """An invoice's GSI2 attributes as a write-off candidate: sort key ``INVOICE#<due_date>#<invoice_id>``."""
    pk, sk = index_key_names(BY_DUE_INDEX)
    return {pk: candidates_pk(business_id), sk: f"{INVOICE_CANDIDATE_PREFIX}{due_date}#{invoice_id}"}


def loan_candidate_keys(business_id: str, maturity_date: str, last_activity: str, instrument_id: str) -> dict[str, str]:
    """A loan's write-off candidate attributes: GSI2 by ``maturity_date``, GSI3 by ``last_activity`` (ISO dates)."""
    due_pk, due_sk = index_key_names(BY_DUE_INDEX)
    activity_pk, activity_sk = index_key_names(BY_ACTIVITY_INDEX)
    pk = candidates_pk(business_id)
    return {
        due_pk: pk,
        due_sk: f"{LOAN_CANDIDATE_PREFIX}{maturity_date}#{instrument_id}",
        activity_pk: pk,
        activity_sk: f"{LOAN_CANDIDATE_PREFIX}{last_activity}#{instrument_id}",
    }


def policy_index_keys(business_id: str) -> dict[str, str]:
    """An enabled policy's GSI2 attributes: partition ``WRITE_OFF_POLICIES``, sort key the business id."""
    pk, sk = index_key_names(BY_DUE_INDEX)
    return {pk: POLICIES_PK, sk: business_id}


def up_to_range(prefix: str, up_to: str | None) -> tuple[str, str]:
    """Sort keys starting with ``prefix`` whose date (right after it) is ``up_to`` or earlier; every one
    without ``up_to``."""
    return prefix, f"{prefix}{up_to}#{LAST}" if up_to else f"{prefix}{LAST}"
