"""The loans family's envelope and field types (``/api/v1``, DayZero-compatible; seeds 000 and 002).

Each use case's requests and responses are in a module of their own, so a function loads only its own
(cold start, decision 129): ``instruments``, ``loan_payments`` (payments and disbursements),
``loan_write_offs``, ``accruals`` and ``bank_transactions``.
"""

from typing import Annotated, Generic, TypeVar

from pydantic import Field, StrictInt

from ledgerline.schemas.common import Model

Data = TypeVar("Data")
RateBps = Annotated[StrictInt, Field(ge=0, le=100_000, description="Annual rate in basis points (500 = 5.00 %).")]
LedgerId = Annotated[str, Field(min_length=1, max_length=64, description="A ledger account id of this business.")]


class SuccessEnvelope(Model, Generic[Data]):
    success: bool = True
    message: str
    code: str
    data: Data
