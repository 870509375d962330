"""The guarded writes of an invoice's changes (issue 12 §3): no version compare, and no write that grows with
the invoice's history.

A payment or write-off is a new item of its own, and the header's outstanding balance moves by ``ADD``
under a condition on the amount: concurrent payments that together fit in the balance all commit, and
the one that would overpay (or that settles the invoice while another lands) fails its condition, so
the posting writer reads again and decides again (``transactions``: a failed condition is a lost race).
Every condition also keeps the stored status exactly what the change computed from the header it read:
it pins what the status depends on (whether the change settles, the live write-off count).

Headers written before the counts existed (payments and write-offs embedded) have their counts derived
from their embedded rows when read; the first change writes them (``if_not_exists``), guarded by the
version the header was read at, as every change of such a header was (docs/decisions.md 109).
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ledgerline.domain.invoices import Invoice, InvoicePayment, InvoiceWriteOff
from ledgerline.store import candidates, keys, transactions
from ledgerline.store.invoices import due_date, exemption_item, invoice_item, payment_item, write_off_item

COUNTS = ("payment_count", "live_write_off_count")
LIVE = ("live_write_off_count",)


def create(invoice: Invoice) -> transactions.Action:
    """A new invoice's header (its counts at zero); it must not exist."""
    return transactions.put({k: v for k, v in invoice_item(invoice).items() if v is not None})


def record_payment(before: Invoice, after: Invoice, payment: InvoicePayment) -> tuple[transactions.Action, ...]:
    """The payment's item, and the header moved by its amount: only while the balance still covers it
    (exactly, if it settles the invoice) and the live write-offs, which decide the status, are as read."""
    return (
        _header(before, after, amount=payment.amount, pinned=LIVE),
        transactions.put(payment_item(before.business_id, before.id, payment)),
    )


def record_write_off(before: Invoice, after: Invoice, write_off: InvoiceWriteOff) -> tuple[transactions.Action, ...]:
    """The write-off's item, and the header moved by its amount while the balance still covers it (exactly,
    if it settles the invoice); any number of live write-offs gives the same status. An automatic write-off
    also needs the invoice still not exempt from them."""
    return (
        _header(before, after, amount=write_off.amount, pinned=(), not_exempt=write_off.automatic),
        transactions.put(write_off_item(before.business_id, write_off)),
    )


def delete_write_off(before: Invoice, after: Invoice, write_off: InvoiceWriteOff) -> tuple[transactions.Action, ...]:
    """The write-off marked deleted (once), and the header given its amount back, pinned to the balance and
    live write-offs read (deletions are rare); when ``after`` is newly exempt from automatic write-offs (an
    automatic write-off deleted), the header's same Update marks it. ``before`` is the header as stored
    (``invoices.get_with_write_off``): a write-off among its own ``write_offs`` is embedded in it and is
    marked there."""
    deleted = {"deleted_at": _iso(write_off.deleted_at), "reversal_entry_id": write_off.reversal_entry_id}
    embedded = next((n for n, w in enumerate(before.write_offs) if w.id == write_off.id), None)
    if embedded is not None:
        return (
            _header(
                before,
                after,
                pinned=LIVE,
                outstanding=before.outstanding_balance,
                embedded=(embedded, write_off.id, deleted),
            ),
        )
    key = keys.key(keys.business_pk(before.business_id), keys.invoice_write_off_sk(before.id, write_off.id))
    return (
        _header(before, after, pinned=LIVE, outstanding=before.outstanding_balance),
        transactions.update(
            key,
            "SET deleted_at = :deleted_at, reversal_entry_id = :reversal_entry_id",
            condition="attribute_exists(PK) AND attribute_not_exists(deleted_at)",
            values={f":{name}": value for name, value in deleted.items()},
        ),
    )


def void(before: Invoice, after: Invoice) -> transactions.Action:
    """The header marked voided, only while it still has no payment and no live write-off."""
    return _header(before, after, pinned=COUNTS)


# ---- the header's one Update ----------------------------------------------------------------------------


@dataclass
class _Update:
    """An UpdateExpression being assembled: ``ADD`` and ``SET`` clauses, ``REMOVE``d attributes, its values."""

    adds: list[str] = field(default_factory=list)
    sets: list[str] = field(default_factory=list)
    removes: list[str] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)

    def set(self, path: str, value: Any, placeholder: str) -> None:
        self.sets.append(f"{path} = :{placeholder}")
        self.values[f":{placeholder}"] = value

    @property
    def expression(self) -> str:
        clauses = [("ADD", self.adds), ("SET", self.sets), ("REMOVE", self.removes)]
        return " ".join(f"{verb} {', '.join(parts)}" for verb, parts in clauses if parts)


def _header(
    before: Invoice,
    after: Invoice,
    *,
    pinned: tuple[str, ...],
    amount: int | None = None,
    outstanding: int | None = None,
    embedded: tuple[int, str, dict[str, Any]] | None = None,
    not_exempt: bool = False,
) -> transactions.Action:
    """The header moved from ``before`` (as read) to ``after`` (:func:`_moves`), under:

    - never on a voided invoice;
    - ``amount``: the balance still covers it — exactly, when ``after`` is settled, else with some left;
    - ``outstanding``: the balance is still exactly this;
    - ``pinned`` counts are still what ``before`` read (a header without counts: still at its version);
    - ``embedded``: (index, id, fields) of an embedded write-off to mark, still there and not deleted;
    - ``not_exempt``: not exempt from automatic write-offs (an automatic write-off's change).
    """
    update = _moves(before, after)
    update.values[":version"] = before.version
    conditions = ["attribute_not_exists(voided_at)"]
    if amount is not None:
        conditions.append(
            "outstanding_balance = :amount" if after.outstanding_balance == 0 else "outstanding_balance > :amount"
        )
        update.values[":amount"] = amount
    if outstanding is not None:
        conditions.append("outstanding_balance = :outstanding")
        update.values[":outstanding"] = outstanding
    conditions.append(_counts_as_read(pinned))
    if not_exempt:  # exempted since it was read: a lost race, decided again (and then skipped)
        conditions.append("attribute_not_exists(automatic_write_off_exemption)")
    if embedded is not None:
        index, write_off_id, fields = embedded
        row = f"write_offs[{index}]"
        conditions.append(f"{row}.id = :write_off_id AND attribute_not_exists({row}.deleted_at)")
        update.values[":write_off_id"] = write_off_id
        for name, value in fields.items():
            update.set(f"{row}.{name}", value, name)
    key = keys.key(keys.business_pk(before.business_id), keys.invoice_sk(before.id))
    return transactions.update(
        key,
        update.expression,
        condition=" AND ".join(conditions),
        values=update.values,
        names={"#status": "status", "#version": "version"},
    )


def _moves(before: Invoice, after: Invoice) -> _Update:
    """``ADD`` the balance's move; ``SET`` the counts (atomic like ``ADD``; a header written before them
    starts from those read), the status and its GSI4 key, and the dates and candidate keys that change."""
    update = _Update()
    if moved := after.outstanding_balance - before.outstanding_balance:
        update.adds.append("outstanding_balance :moved")
        update.values[":moved"] = moved
    for name in COUNTS:
        update.sets.append(f"{name} = if_not_exists({name}, :{name}_read) + :{name}_moved")
        update.values |= {
            f":{name}_read": getattr(before, name),
            f":{name}_moved": getattr(after, name) - getattr(before, name),
        }
    update.set("#status", after.status.value, "status")
    update.set("updated_at", after.updated_at, "now")
    for name, value in keys.invoice_status_keys(
        after.business_id, after.status.value, due_date(after), after.id
    ).items():
        update.set(name, value, name)
    # The candidate keys change only when the change settles, re-opens or voids it (the conditions pin that).
    was, now = candidates.invoice_keys(before), candidates.invoice_keys(after)
    for name, value in (now if now != was else {}).items():
        update.set(name, value, name)
    update.removes += [name for name in was if name not in now]
    if (exemption := after.automatic_write_off_exemption) != before.automatic_write_off_exemption:
        if exemption is None:
            update.removes.append("automatic_write_off_exemption")
        else:
            update.set("automatic_write_off_exemption", exemption_item(exemption), "exemption")
    marks_before = _marks(before)
    for name, value in _marks(after).items():
        if value is not None:
            update.set(name, value, name)
        elif marks_before[name] is not None:
            update.removes.append(name)
    return update


def _marks(invoice: Invoice) -> dict[str, str | None]:
    return {
        "paid_at": _iso(invoice.paid_at),
        "voided_at": _iso(invoice.voided_at),
        "void_entry_id": invoice.void_entry_id,
    }


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _counts_as_read(pinned: tuple[str, ...]) -> str:
    """The counts the change starts from are right: the ``pinned`` ones are still what was read; a header
    written before the counts is still at the version read (its embedded rows, which gave them, unchanged)."""
    legacy = "attribute_not_exists(payment_count) AND #version = :version"
    if not pinned:
        return f"(attribute_exists(payment_count) OR {legacy})"
    same = " AND ".join(f"{name} = :{name}_read" for name in pinned)
    return f"(({same}) OR ({legacy}))"
