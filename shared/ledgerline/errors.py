"""Every error a caller can see, raised below the handlers and shaped per API family in one place.

Each class carries what both families need: the HTTP status, the loans family's stable ``code``
and the invoices family's ``ApiErrorType`` / ``ApiEnumErrorType`` (seed 001).
"""

from typing import Any


class LedgerError(Exception):
    status = 400
    code = "BAD_REQUEST"
    api_type = "BadRequest"
    error_enum: str | None = "SpecifiedBadRequest"

    def __init__(self, message: str, *, meta: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.meta = meta


class InvalidRequest(LedgerError):
    """Input that passed the schema but breaks a rule (400 in both families), naming the field."""

    code = "INVALID_REQUEST"
    api_type = "InvalidParameters"
    error_enum = "InvalidPayload"

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}", meta={"errors": [{"field": field, "message": message}]})
        self.field = field


class RequestInvalid(LedgerError):
    """A validation failure found after parsing (e.g. a field required unless another is given).

    Rendered like schema validation: 422 ``HTTPValidationError`` (loans) / 400 ``InvalidParameters``.
    """

    status = 422
    code = "VALIDATION_ERROR"
    api_type = "InvalidParameters"
    error_enum = "InvalidPayload"

    def __init__(self, field: str, message: str, kind: str = "value_error") -> None:
        super().__init__(f"{field}: {message}")
        self.errors = [{"loc": ["body", field], "msg": message, "type": kind}]


class UnknownAccount(InvalidRequest):
    code = "UNKNOWN_ACCOUNT"

    def __init__(self, field: str) -> None:
        super().__init__(field, "no such account in this business's chart of accounts")


class InvalidEntry(LedgerError):
    """A journal entry that would break an invariant of the ledger (SPEC §4)."""

    code = "INVALID_JOURNAL_ENTRY"
    api_type = "LedgerOperationFailed"
    error_enum = "InvalidLedgerOperation"


class UnbalancedEntry(InvalidEntry):
    code = "UNBALANCED_ENTRY"


class InvalidCursor(LedgerError):
    code = "INVALID_CURSOR"
    api_type = "PaginationCursor"
    error_enum = "InvalidPaginationCursor"

    def __init__(self) -> None:
        super().__init__("The pagination cursor is invalid, tampered with, or belongs to another listing.")


class PayloadTooLarge(LedgerError):
    status = 413
    code = "PAYLOAD_TOO_LARGE"
    api_type = "InvalidParameters"
    error_enum = "InvalidPayload"


class Forbidden(LedgerError):
    status = 403
    code = "FORBIDDEN"
    api_type = "AuthFailure"
    error_enum = None


class NotFound(LedgerError):
    status = 404
    code = "NOT_FOUND"
    api_type = "ResourceNotFound"
    error_enum = "SpecifiedIdNotFound"

    def __init__(self, resource: str, resource_id: str) -> None:
        super().__init__(f"{resource} {resource_id} not found.", meta={"resource": resource, "id": resource_id})


class BusinessNotFound(NotFound):
    code = "BUSINESS_NOT_FOUND"

    def __init__(self, business_id: str) -> None:
        super().__init__("Business", business_id)


class EntryNotFound(NotFound):
    code = "JOURNAL_ENTRY_NOT_FOUND"

    def __init__(self, entry_id: str) -> None:
        super().__init__("Journal entry", entry_id)


class InstrumentNotFound(NotFound):
    code = "INSTRUMENT_NOT_FOUND"

    def __init__(self, instrument_id: str) -> None:
        super().__init__("Debt instrument", instrument_id)


class TransactionNotFound(NotFound):
    code = "TRANSACTION_NOT_FOUND"

    def __init__(self, transaction_id: str) -> None:
        super().__init__("Bank transaction", transaction_id)


class Conflict(LedgerError):
    status = 409
    code = "CONFLICT"
    api_type = "Conflict"
    error_enum = None


class AlreadyReversed(Conflict):
    code = "ALREADY_REVERSED"
    error_enum = "InvalidLedgerOperation"

    def __init__(self, entry_id: str) -> None:
        super().__init__(f"Journal entry {entry_id} has already been reversed.")


class NotReversible(Conflict):
    code = "NOT_REVERSIBLE"
    error_enum = "InvalidLedgerOperation"


class IdempotencyKeyReused(Conflict):
    code = "IDEMPOTENCY_KEY_REUSED"

    def __init__(self) -> None:
        super().__init__("This Idempotency-Key was already used for a different request.")


class ExternalIdConflict(Conflict):
    code = "EXTERNAL_ID_CONFLICT"
    error_enum = "ExternalIdConflict"

    def __init__(self, kind: str, external_id: str) -> None:
        super().__init__(f"A {kind} with external_id {external_id!r} already exists with different content.")


class AccountConflict(Conflict):
    code = "ACCOUNT_ALREADY_EXISTS"
    error_enum = "CustomAccountAlreadyExists"


class ServiceBusy(LedgerError):
    """Contention or throttling that outlived the bounded retries: the caller should retry later."""

    status = 503
    code = "SERVICE_UNAVAILABLE"
    api_type = "Unknown"
    error_enum = None
    retry_after_seconds = 1

    def __init__(self) -> None:
        super().__init__("The ledger is busy; nothing was posted. Retry after a moment.")


class OutcomeUnknown(ServiceBusy):
    """DynamoDB never said whether the change committed (SPEC §9.3): the answer says so, and no more."""

    code = "OUTCOME_UNKNOWN"
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

    code = "PARTLY_POSTED"

    def __init__(self, done: str, cause: BaseException) -> None:
        LedgerError.__init__(
            self,
            f"The ledger stopped part-way: {done} already posted; the rest was not"
            f"{' (the last step’s outcome is unknown)' if isinstance(cause, OutcomeUnknown) else ''}. "
            "Sending the same request again (with the same Idempotency-Key, if any) completes it "
            "without posting anything twice.",
        )


class IdempotentReplay(Exception):
    """Not an error: the first response to this Idempotency-Key, to be sent again as it was."""

    def __init__(self, status: int, body: str) -> None:
        super().__init__("idempotent replay")
        self.status = status
        self.body = body


class DatabaseUnavailable(ServiceBusy):
    """A read that DynamoDB throttled, or a connection that failed, beyond the SDK's own retries."""

    code = "DATABASE_UNAVAILABLE"

    def __init__(self) -> None:
        LedgerError.__init__(self, "The ledger could not be reached; nothing was changed. Retry after a moment.")


class UnsupportedMediaType(LedgerError):
    """A request body that is not ``application/json`` (SPEC §9.1)."""

    status = 415
    code = "UNSUPPORTED_MEDIA_TYPE"
    api_type = "InvalidParameters"
    error_enum = "InvalidPayload"


class InvoiceTooLarge(Conflict):
    """The invoice item (which embeds its payments and write-offs) would outgrow what DynamoDB can store."""

    code = "INVOICE_TOO_LARGE"
    error_enum = "InvoiceStateError"
