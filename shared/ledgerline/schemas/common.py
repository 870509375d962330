"""Field types every endpoint shares: cents, bounded strings, account identifiers, tags."""

from datetime import date
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StrictInt

from ledgerline.domain.money import MAX_CENTS

Cents = Annotated[StrictInt, Field(ge=1, le=MAX_CENTS, description="Amount in integer cents (1 to 10^13).")]
Memo = Annotated[str, Field(max_length=1000)]
Name = Annotated[str, Field(min_length=1, max_length=200)]
ExternalId = Annotated[str, Field(min_length=1, max_length=255, description="Your id for this object; an idempotency key.")]
StableName = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$")]
Timestamp = AwareDatetime
Day = date


class Strict(BaseModel):
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


Tags = Annotated[list[TagInput], Field(max_length=20)]


class Pagination(BaseModel):
    cursor: str | None
    has_more: bool


class ListMeta(BaseModel):
    pagination: Pagination
