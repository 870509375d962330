"""Field types every endpoint shares: cents, bounded strings, account identifiers, tags."""

import re
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field, StrictInt

from ledgerline.domain import dates
from ledgerline.domain.journal import Tag
from ledgerline.domain.money import MAX_CENTS

Cents = Annotated[StrictInt, Field(ge=1, le=MAX_CENTS, description="Amount in integer cents (1 to 10^13).")]
Memo = Annotated[str, Field(max_length=1000)]
Name = Annotated[str, Field(min_length=1, max_length=200)]
ExternalId = Annotated[
    str, Field(min_length=1, max_length=255, description="Your id for this object; an idempotency key.")
]
StableName = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$")]


def _iso_date(value: object) -> object:
    """Dates are JSON strings ``YYYY-MM-DD`` — never numbers or date-times (SPEC §3)."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError("must be a date in YYYY-MM-DD format")
    return date.fromisoformat(value)  # a day that does not exist (2024-02-30) fails here


def _iso_datetime(value: object) -> object:
    """Date-times are ISO 8601 strings with an offset (``2024-01-15T10:00:00Z``)."""
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str) or "T" not in value.upper():
        raise ValueError("must be an ISO 8601 date-time with an offset, e.g. 2024-01-15T10:00:00Z")
    return value


def _day_in_window(value: date) -> date:
    """SPEC §9.1: every date lies in 1900-01-01 … 2999-12-31."""
    if not dates.in_window(value):
        raise ValueError(f"must be a date from {dates.WINDOW}")
    return value


def _moment_in_window(value: datetime) -> datetime:
    """SPEC §9.1: a date-time lies in the window as written and in UTC (the business's timezone is
    checked where the business is known: ``services.ledger.local_day``)."""
    if not dates.moment_in_window(value):
        raise ValueError(f"must be a date-time from {dates.WINDOW}, both as written and in UTC")
    return value


Day = Annotated[date, BeforeValidator(_iso_date), AfterValidator(_day_in_window)]
"""A ``YYYY-MM-DD`` date inside the ledger's window; every date field and date filter uses it."""
Timestamp = Annotated[AwareDatetime, BeforeValidator(_iso_datetime), AfterValidator(_moment_in_window)]
"""An ISO 8601 date-time with an offset, inside the ledger's window; every date-time field uses it."""


class Model(BaseModel):
    """Every schema's base: its validator and serializer are built on first use, not at import, so a
    function's cold start pays only for the models its own request touches (issue 10)."""

    model_config = ConfigDict(defer_build=True)


class Strict(Model):
    """Request bodies reject fields they do not know (SPEC §3)."""

    model_config = ConfigDict(extra="forbid")


class AccountId(Strict):
    type: Literal["AccountId"]
    id: str = Field(description="ID of the account.")


class AccountStableName(Strict):
    type: Literal["StableName"]
    stable_name: str = Field(max_length=100, description="Stable name of the account.")


AccountIdentifier = Annotated[AccountId | AccountStableName, Field(discriminator="type")]


class TagInput(Strict):
    key: Annotated[str, Field(min_length=1, max_length=100)]
    value: Annotated[str, Field(min_length=1, max_length=100)]
    dimension_display_name: Annotated[str, Field(max_length=100)] | None = None
    value_display_name: Annotated[str, Field(max_length=100)] | None = None

    def tag(self) -> Tag:
        """The tag as a command carries it."""
        return Tag(**self.model_dump())


Tags = Annotated[list[TagInput], Field(max_length=20)]


class Pagination(Model):
    cursor: str | None
    has_more: bool


class ListMeta(Model):
    pagination: Pagination


class RunProgress(Model):
    """How far a queued run (write-offs or accruals) has come."""

    total: int = Field(description="Candidates the run found.")
    done: int = Field(description="Candidates processed so far.")
    chunks: int = Field(description="Chunks the run was queued in.")
    chunks_done: int


class MovedReversal(Model):
    """Mixed into the answer of a correction (deleting a custom entry or an invoice write-off, voiding an
    invoice): ``reversal_date`` appears only when the original's date is closed and the reversal went to
    the first open day (SPEC §10.2), so in an open period the answer is seed 001's exactly (the presenters
    add it only then, and the response model leaves it out when null)."""

    reversal_date: date | None = Field(
        default=None,
        exclude_if=lambda value: value is None,
        description="Only when the original's date is in a closed period: the first open day, where the "
        "reversing entry is dated instead (SPEC §10.2).",
    )
