"""The requests the simulation sends, and what a true answer to each says was posted.

Every route that changes the books is here. :func:`expected` reads a 2xx answer and returns the journal
entries it claims were posted (by source, and by id where the answer names it); the simulation then
checks the books changed by exactly those entries.
"""

import json
from dataclasses import dataclass
from typing import Any

from ledgerline_tools.gateway import HttpResponse

LOAN_START = "2025-01-15"
MATURITIES = ("2028-01-15", "2026-01-31")
"""The second is past due for a 30-days-past-maturity policy on every run date below."""
DATES = ("2025-03-31", "2025-06-30", "2025-09-30", "2025-12-31", "2026-03-31", "2026-06-30", "2026-09-30")
"""Loan events, accruals and bank transactions: after LOAN_START, before today."""
RUN_DATES = ("2026-03-31", "2026-06-30", "2026-09-30")
INVOICE_DATES = {
    "current": ("2026-03-01T12:00:00Z", "2026-09-30T00:00:00Z"),
    "overdue": ("2026-01-05T12:00:00Z", "2026-02-04T00:00:00Z"),
}
"""(sent_at, due_at): an overdue invoice qualifies for a 90-days-past-due policy from 2026-05-05."""
SETTLED_AT = "2026-04-15T12:00:00Z"
SAFE_ACCOUNTS = (
    "CASH",
    "OPENING_BALANCE_EQUITY",
    "BANK_FEES",
    "UNCATEGORIZED_REVENUE",
    "UNCATEGORIZED_EXPENSES",
    "RETAINED_EARNINGS",
)
"""Custom entries stay off receivables and loan accounts, so those equal the sums of their objects."""

CREATIONS = {"entry", "invoice", "invoice_payment", "invoice_write_off", "instrument", "bank_transaction"}
"""Routes whose fresh answer is 201 and whose answer for an existing external_id is 200 (nothing posted)."""
MULTI_TRANSACTION = {"accrue_all": {"LOAN_INTEREST_ACCRUAL"}, "run": {"INVOICE_WRITE_OFF", "LOAN_WRITE_OFF"}}
"""Requests made of several transactions, and what their earlier transactions may have posted when an
answer says the outcome is unknown or the request stopped part-way."""
SOURCES = {
    "entry": {"CUSTOM_JOURNAL_ENTRY"},
    "reverse": {"CUSTOM_JOURNAL_ENTRY_REVERSAL"},
    "invoice": {"INVOICE"},
    "void": {"INVOICE_VOID"},
    "invoice_payment": {"INVOICE_PAYMENT"},
    "invoice_write_off": {"INVOICE_WRITE_OFF"},
    "delete_write_off": {"INVOICE_WRITE_OFF_DELETED"},
    "instrument": {"LOAN_OPENING"},
    "loan_payment": {"LOAN_PAYMENT", "BANK_TRANSACTION_REBOOKED"},
    "disbursement": {"LOAN_DISBURSEMENT"},
    "accrue": {"LOAN_INTEREST_ACCRUAL"},
    "accrue_all": {"LOAN_INTEREST_ACCRUAL"},
    "loan_write_off": {"LOAN_WRITE_OFF"},
    "bank_transaction": {"BANK_TRANSACTION"},
    "policy": set(),
    "run": {"INVOICE_WRITE_OFF", "LOAN_WRITE_OFF"},
}
"""What each route may post: an answer whose outcome is unknown can only have posted these."""
FRESH_STATUS = {"reverse": 200, "void": 200, "delete_write_off": 200, "policy": 200}
"""The status of a fresh success, where it is not 201."""


@dataclass(frozen=True)
class Request:
    kind: str
    method: str
    path: str
    body: Any = None
    key: str | None = None
    loans_family: bool = False
    target: str | None = None
    """The object the request acts on (entry, invoice, instrument), if any."""

    def headers(self, business_id: str) -> dict[str, str]:
        headers = {"x-business-id": business_id} if self.loans_family else {}
        if self.key is not None:
            headers["idempotency-key"] = self.key
        return headers

    def __str__(self) -> str:
        body = "" if self.body is None else " " + json.dumps(self.body, separators=(",", ":"))[:300]
        return f"{self.method} {self.path}{body}" + (f" [key {self.key}]" if self.key else "")


@dataclass(frozen=True)
class Posted:
    """One journal entry a true answer says was posted."""

    source_type: str
    source_id: str | None = None
    entry_id: str | None = None

    def matches(self, entry: dict[str, Any]) -> bool:
        return (
            entry["source_type"] == self.source_type
            and (self.source_id is None or entry.get("source_id") == self.source_id)
            and (self.entry_id is None or entry["entry_id"] == self.entry_id)
        )


def body_of(response: HttpResponse) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def data_of(request: Request, body: Any) -> Any:
    return body["data"] if request.loans_family and isinstance(body, dict) and "data" in body else body


def fresh_status(request: Request) -> int:
    return FRESH_STATUS.get(request.kind, 201)


def success_statuses(request: Request) -> set[int]:
    return {fresh_status(request), 200} if request.kind in CREATIONS else {fresh_status(request)}


def expected(request: Request, status: int, body: Any) -> list[Posted]:
    """The entries a 2xx answer to ``request`` says it posted (none for an existing external_id)."""
    data = data_of(request, body)
    kind = request.kind
    if kind in CREATIONS and status == 200:
        return []
    if kind == "entry":
        return [Posted("CUSTOM_JOURNAL_ENTRY", data["id"], data["id"])]
    if kind == "reverse":
        return [Posted("CUSTOM_JOURNAL_ENTRY_REVERSAL", request.target, data["id"])]
    if kind == "invoice":
        return [Posted("INVOICE", data["id"])]
    if kind == "void":
        return [Posted("INVOICE_VOID", request.target)]
    if kind == "invoice_payment":
        return [Posted("INVOICE_PAYMENT", data["id"], data["journal_entry_id"])]
    if kind == "invoice_write_off":
        return [Posted("INVOICE_WRITE_OFF", data["id"])]
    if kind == "delete_write_off":
        return [Posted("INVOICE_WRITE_OFF_DELETED", data["id"])]
    if kind == "instrument":
        return [Posted("LOAN_OPENING", data["id"])]
    if kind == "loan_payment":
        rebooked = [Posted("BANK_TRANSACTION_REBOOKED", data["transaction_id"])] if data.get("transaction_id") else []
        return [Posted("LOAN_PAYMENT", data["payment_id"], data["journal_entry_id"]), *rebooked]
    if kind == "disbursement":
        return [Posted("LOAN_DISBURSEMENT", data["disbursement_id"], data["journal_entry_id"])]
    if kind == "accrue":
        return (
            [Posted("LOAN_INTEREST_ACCRUAL", request.target, data["journal_entry_id"])]
            if data["journal_entry_id"]
            else []
        )
    if kind == "accrue_all":
        return [
            Posted("LOAN_INTEREST_ACCRUAL", a["instrument_id"], a["journal_entry_id"])
            for a in data["accrued"]
            if a["journal_entry_id"]
        ]
    if kind == "loan_write_off":
        return [Posted("LOAN_WRITE_OFF", None, data["journal_entry_id"])] if data["journal_entry_id"] else []
    if kind == "bank_transaction":
        return [Posted("BANK_TRANSACTION", data["id"], data["journal_entry_id"])]
    if kind == "policy":
        return []
    if kind == "run":
        return [
            Posted(
                "INVOICE_WRITE_OFF" if item["type"] == "invoice" else "LOAN_WRITE_OFF", None, item["journal_entry_id"]
            )
            for item in data["written_off"]
            if item.get("journal_entry_id")
        ]
    raise AssertionError(f"no expectation for {kind}")


def named_entries(request: Request, status: int, body: Any) -> list[str]:
    """Entry ids an answer names (a replayed answer's entries must still exist)."""
    return [p.entry_id for p in expected(request, status, body) if p.entry_id]


def claim(response: HttpResponse) -> str | None:
    """What a 503 says about the books: "nothing" was changed, the outcome is "unknown", or "partly" posted."""
    body = body_of(response)
    text = json.dumps(body).lower() if body is not None else ""
    code = body.get("code") if isinstance(body, dict) else None
    if code == "PARTLY_POSTED" or "part-way" in text:
        return "partly"
    if "nothing was posted" in text or "nothing was changed" in text:
        return "nothing"
    if code == "OUTCOME_UNKNOWN" or "unknown" in text:
        return "unknown"
    return None


def is_gateway_error(response: HttpResponse) -> bool:
    """API Gateway's own answer when the authorizer fails (not the function's)."""
    return response.status == 500 and body_of(response) == {"message": "Internal Server Error"}
