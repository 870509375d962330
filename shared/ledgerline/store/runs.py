"""Run items (write-off runs, accrual runs): the run's summary, its progress, and each queued chunk's result.

A run done within its request is one item holding its finished ``summary``. A queued run starts as
the same item with its summary ``running`` and progress counters; each chunk the worker finishes is
recorded in one transaction — its own result item (new: a redelivered chunk cannot count twice) and
``ADD`` of its counts to the run's counters — and whoever records the last chunk writes the
finished summary, composed from the chunks' results, into the run item.
"""

from collections.abc import Iterable
from typing import Any

from ledgerline.domain.runs import Progress, RunItem, Tally
from ledgerline.store import items, keys, transactions

_ITEM_FIELDS = ("amount", "reason", "journal_entry_id")
"""A run item's optional fields, in the order its document has always listed them."""


class ChunkRecorded(Exception):
    """This chunk's result is already recorded (a redelivered message): nothing to do."""


class RunFinished(Exception):
    """The run's summary is already written (another chunk's worker finished it)."""


def item_document(item: RunItem) -> dict[str, Any]:
    """A run item as a summary document lists it: ``type``, ``id`` and the fields it has."""
    values = {name: getattr(item, name) for name in _ITEM_FIELDS}
    return {"type": item.type, "id": item.id, **{k: v for k, v in values.items() if v is not None}}


def items_of(documents: Iterable[dict[str, Any]]) -> tuple[RunItem, ...]:
    """The run items a summary document lists."""
    return tuple(
        RunItem(
            d["type"],
            d["id"],
            amount=d.get("amount"),
            journal_entry_id=d.get("journal_entry_id"),
            reason=d.get("reason"),
        )
        for d in documents
    )


def tally_document(tally: Tally) -> dict[str, Any]:
    return {
        "lists": {c: [item_document(i) for i in listed] for c, listed in tally.lists.items()},
        "counts": dict(tally.counts),
        "cents": tally.cents,
    }


def tally_of(document: dict[str, Any]) -> Tally:
    return Tally(
        {c: items_of(listed) for c, listed in document["lists"].items()},
        {c: int(n) for c, n in document["counts"].items()},
        int(document["cents"]),
    )


def _counter(category: str) -> str:
    return f"run_count_{category}"


def start(
    business_id: str, sk: str, kind: str, summary: dict[str, Any], *, total: int, chunks: int, categories: Iterable[str]
) -> transactions.Action:
    """A Put of a queued run: its summary (``running``) and progress counters at zero; the run id must be new."""
    item = {
        **keys.key(keys.business_pk(business_id), sk),
        "kind": kind,
        "summary": summary,
        "run_total": total,
        "run_chunks": chunks,
        "run_done": 0,
        "run_chunks_done": 0,
        "run_cents": 0,
        **{_counter(category): 0 for category in categories},
    }
    return transactions.put(item)


def finished(business_id: str, sk: str, kind: str, summary: dict[str, Any]) -> transactions.Action:
    """A Put of a run done within its request: its finished summary; the run id must be new."""
    return transactions.put({**keys.key(keys.business_pk(business_id), sk), "kind": kind, "summary": summary})


def _already_recorded(_old: dict[str, Any] | None) -> BaseException:
    return ChunkRecorded()


def record_chunk(business_id: str, sk: str, chunk_sk: str, tally: Tally) -> tuple[transactions.Action, ...]:
    """The chunk's result (a new item: a redelivered chunk raises :class:`ChunkRecorded`) and its counts
    added to the run's progress — one transaction, so a chunk counts exactly once."""
    pk = keys.business_pk(business_id)
    counts = {category: n for category, n in tally.counts.items() if n}
    names = {f"#c{index}": _counter(category) for index, category in enumerate(counts)}
    values: dict[str, Any] = {
        ":done": sum(tally.counts.values()),
        ":one": 1,
        ":cents": tally.cents,
        **{f":c{index}": n for index, n in enumerate(counts.values())},
    }
    adds = ", ".join(
        [
            "run_done :done",
            "run_chunks_done :one",
            "run_cents :cents",
            *(f"#c{index} :c{index}" for index in range(len(counts))),
        ]
    )
    return (
        transactions.put(
            {**keys.key(pk, chunk_sk), "kind": "RUN_CHUNK", "tally": tally_document(tally)},
            on_condition_failed=_already_recorded,
        ),
        transactions.update(
            keys.key(pk, sk), f"ADD {adds}", condition="attribute_exists(PK)", values=values, names=names or None
        ),
    )


def _finished_already(_old: dict[str, Any] | None) -> BaseException:
    return RunFinished()


def finish(business_id: str, sk: str, summary: dict[str, Any]) -> transactions.Action:
    """The finished summary into a queued run's item, once every chunk is recorded and only by one writer
    (another raises :class:`RunFinished`)."""
    return transactions.update(
        keys.key(keys.business_pk(business_id), sk),
        "SET #summary = :summary",
        condition="#summary.#status = :running AND run_chunks_done >= run_chunks",
        names={"#summary": "summary", "#status": "status"},
        values={":summary": summary, ":running": "running"},
        on_condition_failed=_finished_already,
    )


def progress(item: dict[str, Any]) -> tuple[Progress, Tally] | None:
    """A queued run's progress and the counts its recorded chunks add up to; ``None`` for a run done in its request."""
    if "run_chunks" not in item:
        return None
    counts = {
        name.removeprefix("run_count_"): int(value) for name, value in item.items() if name.startswith("run_count_")
    }
    return (
        Progress(int(item["run_total"]), int(item["run_done"]), int(item["run_chunks"]), int(item["run_chunks_done"])),
        Tally({}, counts, int(item["run_cents"])),
    )


def chunk_tallies(business_id: str, chunk_prefix: str, run_id: str) -> list[Tally]:
    """Every recorded chunk's result, in chunk order."""
    found = items.query_prefix(business_id, keys.run_chunk_prefix(chunk_prefix, run_id))
    return [tally_of(item["tally"]) for item in found]
