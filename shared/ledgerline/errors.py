"""Every error a caller can see, in one catalogue: raised below the handlers, answered in one place.

A class says what went wrong in the business's words and carries only that: the message, the
``meta`` the caller is shown, and its own facts (which field, which amounts). How each one is
answered over HTTP — status, the loans family's ``code``, the ledger family's ``ApiError`` type and
``error_enum`` — is one table in ``ledgerline.api.errors``; nothing here knows about it.

Exceptions that never reach a caller stay with the code that raises and catches them (the posting
writer's ``Retryable``, ``external_ids.ExternalIdTaken``, …).
"""

from datetime import date
from typing import Any


class LedgerError(Exception):
    """Something the caller asked for that the ledger refuses; every error below is one."""

    def __init__(self, message: str, *, meta: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.meta = meta


# ---- the request breaks a rule ------------------------------------------------------------------


class InvalidRequest(LedgerError):
    """A value that passed the schema but breaks a rule, naming the field it came in."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}", meta={"errors": [{"field": field, "message": message}]})
        self.field = field


class UnknownAccount(InvalidRequest):
    """An account identifier that is not in the business's chart of accounts."""

    def __init__(self, field: str) -> None:
        super().__init__(field, "no such account in this business's chart of accounts")


class OverpaymentError(InvalidRequest):
    """A loan payment whose principal part exceeds the outstanding principal."""

    def __init__(self, field: str, principal: int, outstanding: int) -> None:
        super().__init__(
            field, f"the principal part ({principal} cents) exceeds the outstanding balance ({outstanding} cents)"
        )
        self.principal = principal
        self.outstanding = outstanding


class ExceedsOutstanding(InvalidRequest):
    """An amount (an invoice payment or write-off, a loan write-off) larger than what is outstanding."""

    def __init__(self, field: str, amount: int, outstanding: int) -> None:
        super().__init__(field, f"{amount} cents exceeds the outstanding balance of {outstanding} cents")
        self.amount = amount
        self.outstanding = outstanding


class RequestInvalid(LedgerError):
    """A validation failure found after parsing (e.g. a field required unless another is given).

    Answered like schema validation, so it keeps the validator's error list.
    """

    def __init__(self, field: str, message: str, kind: str = "value_error") -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.errors = [{"loc": ["body", field], "msg": message, "type": kind}]


class PayloadTooLarge(LedgerError):
    """A request body over the size the ledger reads."""


class UnsupportedMediaType(LedgerError):
    """A request body that is not ``application/json`` (SPEC §9.1)."""


class InvalidCursor(LedgerError):
    """A pagination cursor that is not one this listing handed out."""

    def __init__(self) -> None:
        super().__init__("The pagination cursor is invalid, tampered with, or belongs to another listing.")


# ---- the books' invariants ----------------------------------------------------------------------


class InvalidEntry(LedgerError):
    """A journal entry that would break an invariant of the ledger (SPEC §4)."""


class UnbalancedEntry(InvalidEntry):
    """A journal entry whose debits and credits differ."""


# ---- who may act --------------------------------------------------------------------------------


class Forbidden(LedgerError):
    """The token may not act for this business (or the request names two businesses)."""


# ---- not found ----------------------------------------------------------------------------------


class NotFound(LedgerError):
    """No such object in this business."""

    def __init__(self, resource: str, resource_id: str) -> None:
        super().__init__(f"{resource} {resource_id} not found.", meta={"resource": resource, "id": resource_id})
        self.resource = resource
        self.resource_id = resource_id


class BusinessNotFound(NotFound):
    """No such business."""

    def __init__(self, business_id: str) -> None:
        super().__init__("Business", business_id)


class EntryNotFound(NotFound):
    """No such journal entry."""

    def __init__(self, entry_id: str) -> None:
        super().__init__("Journal entry", entry_id)


class InstrumentNotFound(NotFound):
    """No such debt instrument."""

    def __init__(self, instrument_id: str) -> None:
        super().__init__("Debt instrument", instrument_id)


class TransactionNotFound(NotFound):
    """No such imported bank transaction."""

    def __init__(self, transaction_id: str) -> None:
        super().__init__("Bank transaction", transaction_id)


class InvoiceNotFound(NotFound):
    """No such invoice."""

    def __init__(self, invoice_id: str) -> None:
        super().__init__("Invoice", invoice_id)


class AccountNotFound(NotFound):
    """No such ledger account in the business's chart (a path's ``accountId``)."""

    def __init__(self, account_id: str) -> None:
        super().__init__("Ledger account", account_id)


class WriteOffNotFound(NotFound):
    """No such write-off on the invoice."""

    def __init__(self, write_off_id: str) -> None:
        super().__init__("Invoice write-off", write_off_id)


# ---- conflicts with the current state -----------------------------------------------------------


class Conflict(LedgerError):
    """The request contradicts what the ledger already holds."""


class AlreadyReversed(Conflict):
    """A journal entry that has already been reversed."""

    def __init__(self, entry_id: str) -> None:
        super().__init__(f"Journal entry {entry_id} has already been reversed.")
        self.entry_id = entry_id


class PeriodLocked(Conflict):
    """An entry dated in a closed period: the books are locked through ``locked_through`` (SPEC §10.2)."""

    def __init__(self, locked_through: date) -> None:
        super().__init__(
            f"The books are locked through {locked_through.isoformat()}: nothing dated on or before "
            "it can be posted. Move the lock back (PUT books/lock) to reopen the period.",
            meta={"locked_through": locked_through.isoformat()},
        )
        self.locked_through = locked_through


class NotReversible(Conflict):
    """A journal entry that is not a custom one: only the resource that posted it may correct it."""


class IdempotencyKeyReused(Conflict):
    """An Idempotency-Key already used for a different request."""

    def __init__(self) -> None:
        super().__init__("This Idempotency-Key was already used for a different request.")


class ExternalIdConflict(Conflict):
    """An ``external_id`` already taken by an object with different content."""

    def __init__(self, kind: str, external_id: str) -> None:
        super().__init__(f"A {kind} with external_id {external_id!r} already exists with different content.")
        self.kind = kind
        self.external_id = external_id


class AccountConflict(Conflict):
    """A stable name already in the chart for an account of another type or normality."""


class InvoiceStateError(Conflict):
    """An invoice whose state does not allow the change (voided, settled, or with payments)."""


class InstrumentClosed(Conflict):
    """A debt instrument that is written off or paid off, so the event cannot apply."""


class EventBeforeInterestDate(Conflict):
    """An event dated before the instrument's interest has already been computed through."""

    def __init__(self, event_date: date, through: date) -> None:
        super().__init__(
            f"The event date {event_date} is before the instrument's interest_through_date {through}; "
            "events must not be dated before it."
        )
        self.event_date = event_date
        self.through = through


class TransactionAlreadyMatched(Conflict):
    """A bank transaction already matched to a loan payment."""

    def __init__(self, transaction_id: str) -> None:
        super().__init__(f"Bank transaction {transaction_id} is already matched to a payment.")
        self.transaction_id = transaction_id


# ---- the ledger cannot answer now ---------------------------------------------------------------


class ServiceBusy(LedgerError):
    """Contention or throttling that outlived the bounded retries: the caller should retry later."""

    retry_after_seconds = 1
    """How long the caller should wait before retrying."""

    def __init__(self) -> None:
        super().__init__("The ledger is busy; nothing was posted. Retry after a moment.")


class OutcomeUnknown(ServiceBusy):
    """DynamoDB never said whether the change committed (SPEC §9.3): the answer says so, and no more."""

    retry_after_seconds = 2

    def __init__(self) -> None:
        LedgerError.__init__(
            self,
            "The ledger did not confirm whether this change was posted: its outcome is unknown. Retrying "
            "with the same Idempotency-Key is safe (it answers as the first request did); without one, "
            "check the books before retrying.",
        )


class PartlyPosted(ServiceBusy):
    """A request made of several transactions stopped after some of them committed."""

    def __init__(self, done: str, cause: BaseException) -> None:
        LedgerError.__init__(
            self,
            f"The ledger stopped part-way: {done} already posted; the rest was not"
            f"{' (the last step’s outcome is unknown)' if isinstance(cause, OutcomeUnknown) else ''}. "
            "Sending the same request again (with the same Idempotency-Key, if any) completes it "
            "without posting anything twice.",
        )


class DatabaseUnavailable(ServiceBusy):
    """A read that DynamoDB throttled, or a connection that failed, beyond the SDK's own retries."""

    def __init__(self) -> None:
        LedgerError.__init__(self, "The ledger could not be reached; nothing was changed. Retry after a moment.")


# ---- not an error -------------------------------------------------------------------------------


class IdempotentReplay(Exception):
    """Not an error: the first response to this Idempotency-Key, to be sent again as it was.

    ``status`` and ``body`` are that response as its idempotency record stored it.
    """

    def __init__(self, status: int, body: str) -> None:
        super().__init__("idempotent replay")
        self.status = status
        self.body = body
