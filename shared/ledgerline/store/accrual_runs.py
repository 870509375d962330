"""Accrual run items (SPEC §10.1): ``ACCRUALRUN#<run_id>``, kept like write-off runs (``store/runs.py``)."""

from dataclasses import asdict, replace
from datetime import date, datetime
from typing import Any

from ledgerline.domain.runs import ACCRUAL_OUTCOMES, AccrualRun, Progress
from ledgerline.store import codec, items, keys, runs, transactions
from ledgerline.store.runtime import table_name

KIND = "ACCRUAL_RUN"


def register_accruing(business_id: str) -> transactions.Action:
    """The business on the monthly accrual schedule's list (an unconditional Put: registering twice is once)."""
    return transactions.put(
        {**keys.key(keys.ACCRUING_BUSINESSES_PK, business_id), "kind": "ACCRUING_BUSINESS"}, condition=None
    )


def accruing_businesses() -> list[str]:
    """Every business the monthly accrual schedule accrues (one Query of the list's partition, every page)."""
    found = items.query_all(
        {
            "TableName": table_name(),
            "KeyConditionExpression": "PK = :pk",
            "ExpressionAttributeValues": codec.to_item({":pk": keys.ACCRUING_BUSINESSES_PK}),
        }
    )
    return [item["SK"] for item in found]


def run_document(run: AccrualRun) -> dict[str, Any]:
    """The run as its item keeps it: JSON values, dates as ISO strings."""
    return {
        "id": run.id,
        "business_id": run.business_id,
        "through_date": run.through_date.isoformat(),
        "memo": run.memo,
        "trigger": run.trigger,
        "status": run.status,
        "started_at": run.started_at.isoformat(),
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        "tally": runs.tally_document(run.tally),
        "progress": asdict(run.progress) if run.progress else None,
    }


def run_from_document(document: dict[str, Any]) -> AccrualRun:
    return AccrualRun(
        id=document["id"],
        business_id=document["business_id"],
        through_date=date.fromisoformat(document["through_date"]),
        memo=document.get("memo"),
        trigger=document["trigger"],
        status=document["status"],
        started_at=datetime.fromisoformat(document["started_at"]),
        finished_at=datetime.fromisoformat(document["finished_at"]) if document.get("finished_at") else None,
        tally=runs.tally_of(document["tally"]),
        progress=Progress(**document["progress"]) if document.get("progress") else None,
    )


def save(run: AccrualRun) -> transactions.Action:
    """A Put of a finished run; its id must be new."""
    return runs.finished(run.business_id, keys.ACCRUAL_RUN_PREFIX + run.id, KIND, run_document(run))


def start(run: AccrualRun) -> transactions.Action:
    """A Put of a queued run, ``running`` with its progress at zero; its id must be new."""
    assert run.progress is not None
    return runs.start(
        run.business_id,
        keys.ACCRUAL_RUN_PREFIX + run.id,
        KIND,
        run_document(run),
        total=run.progress.total,
        chunks=run.progress.chunks,
        categories=ACCRUAL_OUTCOMES,
    )


def run_of(item: dict[str, Any]) -> AccrualRun:
    """The run an item holds; while ``running``, with its progress and counts so far."""
    run = run_from_document(item["summary"])
    live = runs.progress(item)
    if live is None or run.status != "running":
        return run
    progress, tally = live
    return replace(run, progress=progress, tally=tally)


def get(business_id: str, run_id: str) -> AccrualRun | None:
    item = items.get(business_id, keys.ACCRUAL_RUN_PREFIX + run_id)
    return run_of(item) if item else None


def list_page(
    business_id: str, *, limit: int, start_key: dict[str, Any] | None
) -> tuple[list[AccrualRun], dict[str, Any] | None]:
    """Newest first (run ids are UUIDv7)."""
    found, last = items.query_page(
        business_id, keys.ACCRUAL_RUN_PREFIX, limit=limit, position=start_key, newest_first=True
    )
    return [run_of(item) for item in found], last
