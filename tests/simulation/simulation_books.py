"""The simulation's view of one business's books: a snapshot of its partition, the invariants that must
hold after every step, and what changed between two snapshots.

A snapshot reads moto's table directly under the store's lock (a consistent cut, and ~100× cheaper than
a paginated Query through the client); elsewhere it falls back to a consistent Query.
"""

import os
from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import Any

from support.books import summed
from support.write_offs import AUTOMATIC_MEMO

from ledgerline.store import codec, keys
from ledgerline.store.runtime import dynamodb_client, table_name

ONE_SHOT_SOURCES = {
    # source type → posted at most once per source id (an accrual's source is its instrument: many)
    "CUSTOM_JOURNAL_ENTRY",
    "CUSTOM_JOURNAL_ENTRY_REVERSAL",
    "INVOICE",
    "INVOICE_VOID",
    "INVOICE_PAYMENT",
    "INVOICE_WRITE_OFF",
    "INVOICE_WRITE_OFF_DELETED",
    "LOAN_OPENING",
    "LOAN_PAYMENT",
    "LOAN_DISBURSEMENT",
    "LOAN_WRITE_OFF",
    "BANK_TRANSACTION",
    "BANK_TRANSACTION_REBOOKED",
}


class BooksViolation(AssertionError):
    """An invariant of SPEC §4/§8 does not hold."""


def _partition_from_moto(pk: str) -> list[dict[str, Any]] | None:
    try:
        from moto.core import DEFAULT_ACCOUNT_ID
        from moto.dynamodb.models import dynamodb_backends
        from moto.dynamodb.models.dynamo_type import DynamoType
    except ImportError:  # pragma: no cover - moto is a dev dependency
        return None
    region = os.environ.get("AWS_DEFAULT_REGION", "us-east-1")
    tables = dynamodb_backends[DEFAULT_ACCOUNT_ID][region].tables
    if "AWS_ENDPOINT_URL_DYNAMODB" in os.environ or table_name() not in tables:
        return None
    partition = tables[table_name()].items.get(DynamoType({"S": pk}), {})
    return [codec.from_item(item.to_json()["Attributes"]) for item in partition.values()]


def _partition_by_query(pk: str) -> list[dict[str, Any]]:
    request: dict[str, Any] = {
        "TableName": table_name(),
        "KeyConditionExpression": "PK = :pk",
        "ConsistentRead": True,
        "ExpressionAttributeValues": codec.to_item({":pk": pk}),
    }
    items: list[dict[str, Any]] = []
    while True:
        page = dynamodb_client().query(**request)
        items += [codec.from_item(item) for item in page["Items"]]
        if "LastEvaluatedKey" not in page:
            return items
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def snapshot(business_id: str, lock: Any) -> "Books":
    pk = keys.business_pk(business_id)
    with lock:
        found = _partition_from_moto(pk)
    if found is None:
        found = _partition_by_query(pk)
    return Books(business_id, {item["SK"]: _plain(item) for item in found})


def query_snapshot(business_id: str) -> "Books":
    """The same books read through the client (to check the direct read against)."""
    return Books(business_id, {i["SK"]: _plain(i) for i in _partition_by_query(keys.business_pk(business_id))})


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else value
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


@dataclass
class Books:
    business_id: str
    items: dict[str, dict[str, Any]]
    """Every item of the business's partition, by sort key."""

    def of_kind(self, kind: str) -> list[dict[str, Any]]:
        return [item for sk, item in sorted(self.items.items()) if item.get("kind") == kind]

    @cached_property
    def accounts(self) -> dict[str, dict[str, Any]]:
        return summed([item for sk, item in sorted(self.items.items()) if sk.startswith(keys.ACCOUNT_PREFIX)])

    @cached_property
    def account_ids(self) -> dict[str, str]:
        return {account["stable_name"]: account_id for account_id, account in self.accounts.items()}

    def balance(self, stable_name: str) -> int:
        return self.accounts[self.account_ids[stable_name]]["balance"]

    @cached_property
    def entries(self) -> dict[str, dict[str, Any]]:
        return {item["entry_id"]: item for item in self.of_kind("ENTRY")}

    @cached_property
    def invoices(self) -> dict[str, dict[str, Any]]:
        """Each invoice's header, its payments and write-offs (their own items, or embedded in a header
        written before they were) gathered in its ``payments`` and ``write_offs``."""
        found = {
            item["invoice_id"]: {
                **item,
                "payments": [*item.get("payments", [])],
                "write_offs": [*item.get("write_offs", [])],
            }
            for item in self.of_kind("INVOICE")
        }
        for kind, rows in (("INVOICE_PAYMENT", "payments"), ("INVOICE_WRITE_OFF", "write_offs")):
            for item in self.of_kind(kind):
                if item["invoice_id"] not in found:
                    self._fail(f"{kind} {item['id']} of invoice {item['invoice_id']}, which does not exist")
                found[item["invoice_id"]][rows].append(item)
        return found

    @cached_property
    def instruments(self) -> dict[str, dict[str, Any]]:
        return {item["id"]: item for item in self.of_kind("INSTRUMENT")}

    @cached_property
    def bank_transactions(self) -> dict[str, dict[str, Any]]:
        return {item["id"]: item for item in self.of_kind("BANK_TRANSACTION")}

    @cached_property
    def loan_events(self) -> list[dict[str, Any]]:
        return self.of_kind("LOAN_EVENT")

    def idempotency_record(self, key: str) -> dict[str, Any] | None:
        return self.items.get(keys.idempotency_sk(key))

    @cached_property
    def owners(self) -> dict[str, str]:
        """Entry id → the invoice or instrument whose activity names it (to attribute write-offs)."""
        found: dict[str, str] = {}
        for invoice_id, invoice in self.invoices.items():
            for row in [*invoice.get("payments", []), *invoice.get("write_offs", [])]:
                for name in ("journal_entry_id", "reversal_entry_id"):
                    if row.get(name):
                        found[row[name]] = invoice_id
        for event in self.loan_events:
            if event.get("journal_entry_id"):
                found[event["journal_entry_id"]] = event["SK"].split("#")[1]
        return found

    # ---- invariants ---------------------------------------------------------------------------

    def check(self) -> None:
        """SPEC §4 and §8 on this snapshot; raises :class:`BooksViolation` naming the first that fails."""
        self._check_entries()
        self._check_balances()
        self._check_invoices()
        self._check_instruments()
        self._check_postings_once()

    def _fail(self, message: str) -> None:
        raise BooksViolation(f"business {self.business_id}: {message}")

    def _check_entries(self) -> None:
        for entry_id, entry in self.entries.items():
            lines = entry["lines"]
            if len(lines) < 2 or any(line["amount"] <= 0 for line in lines):
                self._fail(f"entry {entry_id} has fewer than 2 lines or a line that is not positive: {lines}")
            debits = sum(line["amount"] for line in lines if line["direction"] == "DEBIT")
            credits = sum(line["amount"] for line in lines if line["direction"] == "CREDIT")
            if debits != credits:
                self._fail(f"entry {entry_id} ({entry['source_type']}) is unbalanced: {debits} ≠ {credits}")
            for line in lines:
                if line["account_id"] not in self.accounts:
                    self._fail(f"entry {entry_id} names account {line['account_id']}, not in the chart")
            if entry.get("reversed_by"):
                reversal = self.entries.get(entry["reversed_by"])
                if reversal is None or reversal.get("reverses") != entry_id:
                    self._fail(f"entry {entry_id} says reversed by {entry['reversed_by']}, which does not reverse it")
                swapped = sorted(
                    (x["account_id"], x["amount"], "CREDIT" if x["direction"] == "DEBIT" else "DEBIT") for x in lines
                )
                if sorted((x["account_id"], x["amount"], x["direction"]) for x in reversal["lines"]) != swapped:
                    self._fail(f"reversal {reversal['entry_id']} does not mirror entry {entry_id}")
            if entry.get("reverses"):
                original = self.entries.get(entry["reverses"])
                if original is None or original.get("reversed_by") != entry_id:
                    self._fail(f"entry {entry_id} reverses {entry['reverses']}, which is not linked back to it")

    def _check_balances(self) -> None:
        from_lines: Counter[str] = Counter()
        for entry in self.entries.values():
            for line in entry["lines"]:
                account = self.accounts.get(line["account_id"])
                if account is not None:
                    sign = 1 if line["direction"] == account["normality"] else -1
                    from_lines[line["account_id"]] += sign * line["amount"]
        for account_id, account in self.accounts.items():
            if account["balance"] != from_lines[account_id]:
                self._fail(
                    f"{account['stable_name']} balance {account['balance']} ≠ the sum of its lines "
                    f"{from_lines[account_id]}"
                )
        debit_side = sum(a["balance"] for a in self.accounts.values() if a["normality"] == "DEBIT")
        credit_side = sum(a["balance"] for a in self.accounts.values() if a["normality"] == "CREDIT")
        if debit_side != credit_side:
            self._fail(f"trial balance: debit-normal {debit_side} ≠ credit-normal {credit_side}")

    def _check_invoices(self) -> None:
        receivable = 0
        for invoice_id, invoice in self.invoices.items():
            outstanding, total = invoice["outstanding_balance"], invoice["total_amount"]
            paid = sum(p["amount"] for p in invoice.get("payments", []))
            live = [w for w in invoice.get("write_offs", []) if not w.get("deleted_at")]
            written_off = sum(w["amount"] for w in live)
            if outstanding < 0:
                self._fail(f"invoice {invoice_id} outstanding {outstanding} < 0")
            if outstanding != total - paid - written_off:
                self._fail(
                    f"invoice {invoice_id} outstanding {outstanding} ≠ total {total} − payments {paid} − "
                    f"live write-offs {written_off}"
                )
            counts = (invoice.get("payment_count"), invoice.get("live_write_off_count"))
            if counts != (len(invoice["payments"]), len(live)):
                self._fail(
                    f"invoice {invoice_id} counts {counts} ≠ {len(invoice['payments'])} payments, "
                    f"{len(live)} live write-offs"
                )
            status = invoice["status"]
            if status == "VOIDED":
                if paid or live:
                    self._fail(f"invoice {invoice_id} is voided with live payments or write-offs")
                continue
            expected = (
                "SENT"
                if outstanding == total
                else ("PARTIALLY_WRITTEN_OFF" if live else "PARTIALLY_PAID")
                if outstanding
                else ("WRITTEN_OFF" if live else "PAID")
            )
            if status != expected:
                self._fail(
                    f"invoice {invoice_id} status {status}, expected {expected} (outstanding {outstanding} "
                    f"of {total}, {len(live)} live write-off(s))"
                )
            receivable += outstanding
        # Custom entries in the simulation never touch receivables: the account is the invoices' sum.
        if self.balance("ACCOUNTS_RECEIVABLE") != receivable:
            self._fail(
                f"ACCOUNTS_RECEIVABLE {self.balance('ACCOUNTS_RECEIVABLE')} ≠ Σ outstanding of live "
                f"invoices {receivable}"
            )

    def _check_instruments(self) -> None:
        sums: defaultdict[tuple[str, str], int] = defaultdict(int)
        for instrument_id, instrument in self.instruments.items():
            principal = instrument["current_balance_cents"]
            accrued, in_ledger = instrument["accrued_interest_cents"], instrument["ledger_accrued_interest_cents"]
            if principal < 0 or accrued < 0 or in_ledger < 0:
                self._fail(
                    f"instrument {instrument_id} below zero: principal {principal}, accrued {accrued}, "
                    f"in the ledger {in_ledger}"
                )
            if in_ledger > accrued:
                self._fail(f"instrument {instrument_id}: {in_ledger} accrued in the ledger > {accrued} accrued")
            if instrument["status"] in ("paid_off", "written_off") and (principal or accrued or in_ledger):
                self._fail(
                    f"instrument {instrument_id} is {instrument['status']} with principal {principal}, "
                    f"accrued interest {accrued}"
                )
            sums[instrument["direction"], "principal"] += principal
            sums[instrument["direction"], "interest"] += in_ledger
        for (direction, part), account in {
            ("lend", "principal"): "NOTES_RECEIVABLE",
            ("lend", "interest"): "INTEREST_RECEIVABLE",
            ("borrow", "principal"): "LONG_TERM_DEBT",
            ("borrow", "interest"): "INTEREST_PAYABLE",
        }.items():
            if self.balance(account) != sums[direction, part]:
                self._fail(
                    f"{account} {self.balance(account)} ≠ Σ {part} of {direction} instruments {sums[direction, part]}"
                )

    def _check_postings_once(self) -> None:
        sources = Counter(
            (e["source_type"], e.get("source_id"))
            for e in self.entries.values()
            if e["source_type"] in ONE_SHOT_SOURCES
        )
        twice = [source for source, count in sources.items() if count > 1]
        if twice:
            self._fail(f"posted more than once: {twice}")
        automatic = Counter(
            (self.owners.get(e["entry_id"]), e["entry_date"])
            for e in self.entries.values()
            if e.get("memo") == AUTOMATIC_MEMO and e["source_type"] in ("INVOICE_WRITE_OFF", "LOAN_WRITE_OFF")
        )
        if twice := [key for key, count in automatic.items() if count > 1]:
            self._fail(f"written off by policy more than once on one run date: {twice}")


@dataclass(frozen=True)
class Change:
    """What happened between two snapshots of the same business."""

    new: dict[str, dict[str, Any]]
    changed: dict[str, tuple[dict[str, Any], dict[str, Any]]]
    removed: list[str]

    @property
    def empty(self) -> bool:
        return not (self.new or self.changed or self.removed)

    @property
    def new_entries(self) -> list[dict[str, Any]]:
        return [item for sk, item in sorted(self.new.items()) if item.get("kind") == "ENTRY"]

    def describe(self) -> str:
        parts = [
            f"+{item.get('kind', sk.split('#')[0])}"
            + (f"({item['source_type']}:{item.get('source_id')})" if item.get("kind") == "ENTRY" else "")
            for sk, item in sorted(self.new.items())
        ]
        parts += [f"~{old.get('kind', sk.split('#')[0])}" for sk, (old, _new) in sorted(self.changed.items())]
        parts += [f"-{sk}" for sk in self.removed]
        return ", ".join(parts) or "nothing"


def change(before: Books, after: Books) -> Change:
    new = {sk: item for sk, item in after.items.items() if sk not in before.items}
    changed = {
        sk: (before.items[sk], item)
        for sk, item in after.items.items()
        if sk in before.items and before.items[sk] != item
    }
    removed = [sk for sk in before.items if sk not in after.items]
    return Change(new, changed, removed)


def check_change(change_: Change) -> None:
    """Nothing is ever deleted, and a journal entry only ever gains its ``reversed_by`` link."""
    if change_.removed:
        raise BooksViolation(f"items disappeared: {change_.removed}")
    for sk, (old, new) in change_.changed.items():
        if old.get("kind") == "ENTRY":
            if {k: v for k, v in new.items() if k != "reversed_by"} != old or old.get("reversed_by"):
                raise BooksViolation(f"journal entry {sk} changed: {old} → {new}")
