"""Accruals and accrual runs -> response models."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ledgerline.schemas import accruals as schema
from ledgerline.schemas.common import RunProgress

if TYPE_CHECKING:  # the results' types, for annotations only
    from ledgerline.domain.runs import AccrualRun, RunItem
    from ledgerline.services.ledger import Page
    from ledgerline.services.loans import AccrualResult


def _accrual(value: AccrualResult) -> schema.AccrualResponse:
    return schema.AccrualResponse(
        instrument_id=value.instrument.id,
        journal_entry_id=value.entry.id if value.entry else None,
        accrued_interest_cents=value.posted_cents,
        total_accrued_interest_cents=value.instrument.accrued_interest_cents,
        through_date=value.through_date,
    )


def accrual(value: AccrualResult) -> dict[str, Any]:
    return _accrual(value).model_dump(mode="json")


def _not_accrued(items: tuple[RunItem, ...]) -> list[schema.InstrumentNotAccrued]:
    return [schema.InstrumentNotAccrued(instrument_id=i.id, reason=i.reason or "") for i in items]


def _accrual_run(value: AccrualRun) -> schema.AccrualRun:
    tally, progress = value.tally, value.progress
    return schema.AccrualRun(
        run_id=value.id,
        through_date=value.through_date,
        memo=value.memo,
        trigger=value.trigger,
        status=value.status,
        started_at=value.started_at,
        finished_at=value.finished_at,  # type: ignore[arg-type]
        accrued=[
            schema.AccruedInstrument(
                instrument_id=i.id, accrued_interest_cents=i.amount or 0, journal_entry_id=i.journal_entry_id or ""
            )
            for i in tally.listed("accrued")
        ],
        skipped=_not_accrued(tally.listed("skipped")),
        failed=_not_accrued(tally.listed("failed")),
        totals=schema.AccrualRunTotals(
            instruments=sum(tally.counts.values()),
            accrued=tally.count("accrued"),
            accrued_interest_cents=tally.cents,
            skipped=tally.count("skipped"),
            failed=tally.count("failed"),
        ),
        progress=RunProgress(**vars(progress)) if progress else None,
    )


def accrual_run(value: AccrualRun) -> dict[str, Any]:
    return _accrual_run(value).model_dump(mode="json")


def accrual_run_page(page: Page) -> dict[str, Any]:
    return schema.AccrualRunList(
        runs=[_accrual_run(run) for run in page.items], cursor=page.cursor, has_more=page.cursor is not None
    ).model_dump(mode="json")
