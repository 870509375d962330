"""How each error of the catalogue (``ledgerline.errors``) is answered over HTTP: one table.

A row gives a class's HTTP status, the loans family's ``code`` and the ledger family's ``ApiError``
``type`` and ``error_enum`` (seed 001's ``ApiErrorType`` / ``ApiEnumErrorType``). Rows are written
per family of errors, on its base class; a subclass has a row only for what it says differently,
and takes the rest from its bases: :func:`answer_for` walks the class's MRO column by column.
"""

from dataclasses import dataclass, fields
from enum import Enum
from functools import cache
from typing import Literal

from ledgerline.errors import (
    AccountConflict,
    AccountNotFound,
    AlreadyReversed,
    BusinessNotFound,
    Conflict,
    DatabaseUnavailable,
    EntryNotFound,
    EventBeforeInterestDate,
    ExternalIdConflict,
    Forbidden,
    IdempotencyKeyReused,
    InstrumentClosed,
    InstrumentNotFound,
    InvalidCursor,
    InvalidEntry,
    InvalidRequest,
    InvoiceNotFound,
    InvoiceStateError,
    LedgerError,
    NotFound,
    NotReversible,
    OutcomeUnknown,
    OverpaymentError,
    PartlyPosted,
    PayloadTooLarge,
    PeriodLocked,
    RequestInvalid,
    ServiceBusy,
    TransactionAlreadyMatched,
    TransactionNotFound,
    UnbalancedEntry,
    UnknownAccount,
    UnsupportedMediaType,
    WriteOffNotFound,
)


class _Inherit(Enum):
    INHERIT = "taken from the nearest base class with a row that sets it"


INHERIT = _Inherit.INHERIT
Inherited = Literal[_Inherit.INHERIT]


@dataclass(frozen=True)
class Row:
    """One line of the table: what a class sets; the columns it leaves out come from its bases."""

    status: int | Inherited = INHERIT
    code: str | Inherited = INHERIT
    type: str | Inherited = INHERIT
    error_enum: str | None | Inherited = INHERIT


@dataclass(frozen=True)
class ErrorAnswer:
    """What an error becomes over HTTP."""

    status: int
    code: str
    """The loans family's stable code (``{"detail", "code"}``)."""
    type: str
    """The ledger family's ``ApiError.type`` (an ``ApiErrorType``)."""
    error_enum: str | None
    """The ledger family's ``ApiError.error_enum`` (an ``ApiEnumErrorType``, or none)."""


TABLE: dict[type[LedgerError], Row] = {
    # Each family on its base class, every column: Row(status, code, type, error_enum).
    LedgerError: Row(400, "BAD_REQUEST", "BadRequest", "SpecifiedBadRequest"),
    InvalidRequest: Row(400, "INVALID_REQUEST", "InvalidParameters", "InvalidPayload"),
    RequestInvalid: Row(422, "VALIDATION_ERROR", "InvalidParameters", "InvalidPayload"),
    PayloadTooLarge: Row(413, "PAYLOAD_TOO_LARGE", "InvalidParameters", "InvalidPayload"),
    UnsupportedMediaType: Row(415, "UNSUPPORTED_MEDIA_TYPE", "InvalidParameters", "InvalidPayload"),
    InvalidCursor: Row(400, "INVALID_CURSOR", "PaginationCursor", "InvalidPaginationCursor"),
    InvalidEntry: Row(400, "INVALID_JOURNAL_ENTRY", "LedgerOperationFailed", "InvalidLedgerOperation"),
    Forbidden: Row(403, "FORBIDDEN", "AuthFailure", None),
    NotFound: Row(404, "NOT_FOUND", "ResourceNotFound", "SpecifiedIdNotFound"),
    Conflict: Row(409, "CONFLICT", "Conflict", None),
    ServiceBusy: Row(503, "SERVICE_UNAVAILABLE", "Unknown", None),
    # Members of a family: only what they say differently.
    UnknownAccount: Row(code="UNKNOWN_ACCOUNT"),
    OverpaymentError: Row(code="OVERPAYMENT"),
    UnbalancedEntry: Row(code="UNBALANCED_ENTRY"),
    BusinessNotFound: Row(code="BUSINESS_NOT_FOUND"),
    EntryNotFound: Row(code="JOURNAL_ENTRY_NOT_FOUND"),
    InstrumentNotFound: Row(code="INSTRUMENT_NOT_FOUND"),
    TransactionNotFound: Row(code="TRANSACTION_NOT_FOUND"),
    InvoiceNotFound: Row(code="INVOICE_NOT_FOUND", error_enum="InvoiceNotFound"),
    WriteOffNotFound: Row(code="WRITE_OFF_NOT_FOUND"),
    AccountNotFound: Row(code="ACCOUNT_NOT_FOUND"),
    AlreadyReversed: Row(code="ALREADY_REVERSED", error_enum="InvalidLedgerOperation"),
    NotReversible: Row(code="NOT_REVERSIBLE", error_enum="InvalidLedgerOperation"),
    PeriodLocked: Row(code="PERIOD_LOCKED", error_enum="PeriodIsClosed"),
    IdempotencyKeyReused: Row(code="IDEMPOTENCY_KEY_REUSED"),
    ExternalIdConflict: Row(code="EXTERNAL_ID_CONFLICT", error_enum="ExternalIdConflict"),
    AccountConflict: Row(code="ACCOUNT_ALREADY_EXISTS", error_enum="CustomAccountAlreadyExists"),
    InvoiceStateError: Row(code="INVOICE_STATE_ERROR", type="InvalidState", error_enum="InvoiceStateError"),
    InstrumentClosed: Row(code="INSTRUMENT_CLOSED", error_enum="InvalidLedgerOperation"),
    EventBeforeInterestDate: Row(code="EVENT_BEFORE_INTEREST_THROUGH_DATE", error_enum="InvalidEffectiveDate"),
    TransactionAlreadyMatched: Row(code="TRANSACTION_ALREADY_MATCHED", error_enum="InvalidLedgerOperation"),
    OutcomeUnknown: Row(code="OUTCOME_UNKNOWN"),
    PartlyPosted: Row(code="PARTLY_POSTED"),
    DatabaseUnavailable: Row(code="DATABASE_UNAVAILABLE"),
}


@cache
def answer_for(error_class: type[LedgerError]) -> ErrorAnswer:
    """Each column from the nearest class in ``error_class``'s MRO whose row sets it."""
    rows = [TABLE[cls] for cls in error_class.__mro__ if cls in TABLE]
    columns = {}
    for column in (f.name for f in fields(Row)):
        value = next((v for v in (getattr(row, column) for row in rows) if v is not INHERIT), INHERIT)
        if value is INHERIT:
            raise LookupError(f"{error_class.__name__} has no {column} in ledgerline.api.errors.TABLE")
        columns[column] = value
    return ErrorAnswer(**columns)
