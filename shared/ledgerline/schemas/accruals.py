"""Interest accruals (SPEC §5, §10.1): one instrument's, a run over every instrument, and the messages
a queued run and the monthly schedule put on the queue."""

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import Field

from ledgerline.domain.loans import AccrueInterest
from ledgerline.schemas.common import Day, Memo, Model, RunProgress, Strict


class AccrueInterestRequest(Strict):
    through_date: Day
    memo: Memo | None = None

    def command(self) -> AccrueInterest:
        """The use case's command for this request."""
        return AccrueInterest(through_date=self.through_date, memo=self.memo)


class AccrualResponse(Model):
    instrument_id: str
    journal_entry_id: str | None
    accrued_interest_cents: int = Field(description="Interest posted by this accrual.")
    total_accrued_interest_cents: int
    through_date: date


class AccruedInstrument(Model):
    instrument_id: str
    accrued_interest_cents: int = Field(description="Interest posted by this instrument's accrual.")
    journal_entry_id: str


class InstrumentNotAccrued(Model):
    instrument_id: str
    reason: str = Field(
        description="Skipped: not active, already accrued through the date, or nothing to accrue "
        "(the date still moves); failed: what went wrong."
    )


class AccrualRunTotals(Model):
    instruments: int = Field(description="Instruments the run looked at (accrued + skipped + failed).")
    accrued: int
    accrued_interest_cents: int
    skipped: int
    failed: int


class AccrualRun(Model):
    run_id: str
    through_date: date
    memo: str | None
    trigger: str = Field(description="api, schedule (the monthly accrual) or cli.")
    status: Literal["running", "completed", "completed_with_failures"] = Field(
        description="running while a queued run's chunks are processed; completed_with_failures when any "
        "instrument failed."
    )
    started_at: datetime
    finished_at: datetime | None = Field(description="null while the run is running.")
    accrued: list[AccruedInstrument] = Field(description="Capped; totals count every instrument.")
    skipped: list[InstrumentNotAccrued]
    failed: list[InstrumentNotAccrued]
    totals: AccrualRunTotals
    progress: RunProgress | None = Field(
        default=None, description="A queued run's progress (null for a run finished within its request)."
    )


class AccrualRunList(Model):
    runs: list[AccrualRun]
    cursor: str | None = Field(description="Pass as ?cursor= for the next page; null on the last page.")
    has_more: bool


class AccrualChunkMessage(Strict):
    """One chunk of a queued accrual run, as the queue carries it."""

    type: Literal["accrual-chunk"]
    business_id: Annotated[str, Field(min_length=1, max_length=64)]
    run_id: Annotated[str, Field(min_length=1, max_length=64)]
    index: Annotated[int, Field(ge=0)]
    through_date: Day
    memo: Memo | None = None
    instrument_ids: Annotated[list[Annotated[str, Field(min_length=1, max_length=64)]], Field(max_length=1000)]


class AccrualScheduleMessage(Strict):
    """One business's month-end accrual, as the monthly schedule queues it."""

    type: Literal["accrual-run"]
    business_id: Annotated[str, Field(min_length=1, max_length=64)]
    scheduled_time: datetime | None = None
