"""Invoices that many payers can hit at once, for as long as they live (issue 12 §3; SPEC §9.2).

Payments and write-offs are items of their own under the invoice's header, which counts them and moves its
outstanding balance by ``ADD`` under a condition on the amount: a payment reads and writes the same
whatever came before it, a payment that loses a race is decided again from a fresh read (and stores the
status both changes lead to), and an invoice stored before this, its payments and write-offs embedded,
still reads whole and still takes payments and deletions. On moto and on DynamoDB Local. An invoice past
the old item cap is in test_hostile_faults.py (9); concurrent payers under real conflicts in
tests/integration/test_invoice_payers.py.
"""

import json
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime
from typing import Any

import pytest
from botocore.exceptions import EndpointConnectionError
from support import Api, ItemCounter, assert_error, balanced_after, error_fields
from support.invoices import (
    all_invoices,
    assert_balanced_with_receivable,
    create_invoice,
    delete_write_off,
    get_invoice,
    invoice_path,
    item,
    pay,
    write_off,
)

from bench.invoice_payers import WriteCapacity, seed_payments
from ledgerline.store import candidates, codec, items, keys
from ledgerline.store import chart as chart_store
from ledgerline.store import invoices as invoice_store
from ledgerline.store.runtime import dynamodb_client, table_name

pytest_plugins = ["support.invoices"]

# SPEC §4 and §6: after every scenario the books balance and AR matches the invoices.
books_stay_balanced = balanced_after("api", check=assert_balanced_with_receivable)


def stored(client: Api, invoice_id: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The invoice's header item and its other items (payments and write-offs), as the table holds them."""
    found = items.query_between(client.business_id, *keys.invoice_range(invoice_id))
    header = next(i for i in found if i["SK"] == keys.invoice_sk(invoice_id))
    return header, [i for i in found if i is not header]


def ok(response, status: int = 201) -> dict[str, Any]:
    assert response.status == status, response.json()
    return response.json()


# ---- storage: a header, and one item per payment and write-off ------------------------------------------


def test_payments_and_write_offs_are_items_of_their_own_counted_on_the_header(api):
    invoice = create_invoice(api, item(10_000))
    payments = [ok(pay(api, invoice["id"], 1_000)) for _ in range(2)]
    deleted = ok(write_off(api, invoice["id"], {"amount": 500, "write_off_at": "2024-02-01T00:00:00Z"}))
    ok(delete_write_off(api, invoice["id"], deleted["id"]), 200)
    live = ok(write_off(api, invoice["id"], {"amount": 700, "write_off_at": "2024-02-01T00:00:00Z"}))

    header, children = stored(api, invoice["id"])

    assert "payments" not in header and "write_offs" not in header
    assert (header["payment_count"], header["live_write_off_count"]) == (2, 1)
    assert (header["outstanding_balance"], header["status"]) == (7_300, "PARTIALLY_WRITTEN_OFF")
    assert sorted((c["kind"], c["id"]) for c in children) == sorted(
        [("INVOICE_PAYMENT", p["id"]) for p in payments]
        + [("INVOICE_WRITE_OFF", deleted["id"]), ("INVOICE_WRITE_OFF", live["id"])]
    )
    assert all(not name.startswith("GSI") for child in children for name in child)  # never listed by an index
    gone = next(c for c in children if c["id"] == deleted["id"])
    assert gone["deleted_at"] and gone["reversal_entry_id"]
    shown = get_invoice(api, invoice["id"])
    assert [p["id"] for p in shown["payments"]] == [p["id"] for p in payments]
    assert [w["id"] for w in shown["write_offs"]] == [live["id"]]


def test_an_invoice_reads_back_whole_in_one_query(api):
    invoice = create_invoice(api, item(10_000))
    for _ in range(3):
        ok(pay(api, invoice["id"], 100))
    ok(write_off(api, invoice["id"], {"amount": 100}))
    chart_store.forget()

    with ItemCounter() as counter:
        shown = get_invoice(api, invoice["id"])

    assert (len(shown["payments"]), len(shown["write_offs"])) == (3, 1)
    assert counter.calls["Query"] == 1 and counter.items_read["Query"] == 5, dict(counter.items_read)


# ---- cost: a payment reads and writes the same whatever came before it ----------------------------------


def invoice_bytes(counter: ItemCounter, invoice_id: str) -> int:
    """The size (as sent, compact JSON) of the first transaction's writes of the invoice: its header's
    Update and the payment's Put (the balance moves vary with the shard a posting picks)."""

    def sort_key(action: dict[str, Any]) -> str:
        body = next(iter(action.values()))
        return (body.get("Item") or body["Key"])["SK"]["S"]

    return sum(
        len(json.dumps(action, separators=(",", ":")))
        for action in counter.transactions[0]
        if sort_key(action).startswith(keys.invoice_sk(invoice_id))
    )


def measured_payment(client: Api, invoice_id: str) -> tuple[ItemCounter, WriteCapacity]:
    chart_store.forget()  # a cold container, each time
    with ItemCounter() as counter, WriteCapacity() as capacity:
        ok(pay(client, invoice_id, 100))
    return counter, capacity


def test_a_payment_reads_the_header_alone_and_writes_the_same_after_hundreds_of_payments(api):
    invoice = create_invoice(api, item(1_000_000))
    ok(pay(api, invoice["id"], 100))
    second, second_capacity = measured_payment(api, invoice["id"])
    seed_payments(api.business_id, invoice["id"], 300, amount=100)

    later, later_capacity = measured_payment(api, invoice["id"])

    assert later.calls == second.calls and "Query" not in later.calls
    assert later.calls["GetItem"] == 2  # the authorizer's token, then the invoice's header
    assert later.items_read == second.items_read  # the header, then the profile and accounts
    # header, payment, entry, 2 balances, the books lock check, 2 period rows
    assert later.items_written == second.items_written == 8
    assert invoice_bytes(later, invoice["id"]) - invoice_bytes(second, invoice["id"]) <= 8  # a count's digits
    assert later_capacity.units == second_capacity.units  # DynamoDB Local's capacity units (moto has none)
    assert len(get_invoice(api, invoice["id"])["payments"]) == 303


# ---- races: a payment whose header moved after it read it is decided again --------------------------------


def racing(monkeypatch: pytest.MonkeyPatch, rival: Callable[[], Any]) -> list[Any]:
    """The next decision that reads an invoice's header has ``rival`` commit (in a thread of its own) right
    after that read and before its own commit: a real race, made certain. What ``rival`` answered is appended
    to the list returned."""
    read, answers, raced = invoice_store.get_header, [], []

    def read_then_lose(*args: Any, **kwargs: Any) -> Any:
        header = read(*args, **kwargs)
        if not raced:
            raced.append(True)
            with ThreadPoolExecutor(max_workers=1) as rival_thread:
                answers.append(rival_thread.submit(rival).result())
        return header

    monkeypatch.setattr(invoice_store, "get_header", read_then_lose)
    return answers


def test_a_payment_that_would_overpay_after_a_rival_landed_is_refused_as_exceeding(api, monkeypatch):
    invoice = create_invoice(api, item(10_000))
    rival = racing(monkeypatch, lambda: pay(api, invoice["id"], 6_000))

    response = pay(api, invoice["id"], 6_000)

    assert rival[0].status == 201
    assert error_fields(response) == ["amount"]
    shown = get_invoice(api, invoice["id"])
    assert (shown["outstanding_balance"], len(shown["payments"]), shown["status"]) == (4_000, 1, "PARTIALLY_PAID")


def test_a_payment_read_as_partial_that_settles_after_a_rival_landed_stores_paid(api, monkeypatch):
    invoice = create_invoice(api, item(10_000))
    rival = racing(monkeypatch, lambda: pay(api, invoice["id"], 6_000))

    paid = ok(pay(api, invoice["id"], 4_000, paid_at="2024-02-03T09:00:00Z"))

    assert rival[0].status == 201
    header, _ = stored(api, invoice["id"])
    assert (header["outstanding_balance"], header["status"]) == (0, "PAID")
    assert datetime.fromisoformat(header["paid_at"]) == datetime.fromisoformat(paid["paid_at"])
    assert not {"GSI2PK", "GSI2SK"} & set(header)  # no longer a write-off candidate
    assert [i["id"] for i in all_invoices(api, "status=PAID")] == [invoice["id"]]
    assert all_invoices(api, "status=PARTIALLY_PAID") == []


def test_a_payment_racing_a_write_off_stores_the_status_both_lead_to(api, monkeypatch):
    invoice = create_invoice(api, item(10_000))
    rival = racing(monkeypatch, lambda: write_off(api, invoice["id"], {"amount": 1_000}))

    ok(pay(api, invoice["id"], 1_000))

    assert rival[0].status == 201
    header, _ = stored(api, invoice["id"])
    assert (header["status"], header["payment_count"], header["live_write_off_count"]) == (
        "PARTIALLY_WRITTEN_OFF",
        1,
        1,
    )
    assert [i["id"] for i in all_invoices(api, "status=PARTIALLY_WRITTEN_OFF")] == [invoice["id"]]
    assert all_invoices(api, "status=PARTIALLY_PAID") == []


def test_a_void_racing_a_payment_is_refused_once_the_payment_landed(api, monkeypatch):
    invoice = create_invoice(api, item(10_000))
    racing(monkeypatch, lambda: pay(api, invoice["id"], 1_000))

    response = api.post(invoice_path(api, invoice["id"], "/void"))

    assert assert_error(response, 409, "InvalidState", "InvoiceStateError")
    assert get_invoice(api, invoice["id"])["status"] == "PARTIALLY_PAID"


# ---- invoices stored before: payments and write-offs embedded in the header --------------------------------


def as_stored_before(client: Api, invoice_id: str) -> dict[str, Any]:
    """Rewrite the invoice as it was stored before issue 12 §3: one item, its payments and write-offs
    embedded (in the order made), no counts, its version counting its changes."""
    header, children = stored(client, invoice_id)
    rows = {
        kind: [
            {k: v for k, v in child.items() if k not in ("PK", "SK", "kind", "invoice_id")}
            for child in children
            if child["kind"] == kind
        ]
        for kind in ("INVOICE_PAYMENT", "INVOICE_WRITE_OFF")
    }
    legacy = {k: v for k, v in header.items() if k not in ("payment_count", "live_write_off_count")}
    legacy |= {"payments": rows["INVOICE_PAYMENT"], "write_offs": rows["INVOICE_WRITE_OFF"], "version": len(children)}
    client_ = dynamodb_client()
    for child in children:
        client_.delete_item(TableName=table_name(), Key=codec.to_item({"PK": child["PK"], "SK": child["SK"]}))
    client_.put_item(TableName=table_name(), Item=codec.to_item(legacy))
    return legacy


def test_an_invoice_stored_with_embedded_payments_reads_whole_and_takes_a_payment(api):
    invoice = create_invoice(api, item(10_000))
    first = ok(pay(api, invoice["id"], 1_000, external_id="pay-1"))
    kept = ok(write_off(api, invoice["id"], {"amount": 300, "write_off_at": "2024-02-01T00:00:00Z"}))
    shown = get_invoice(api, invoice["id"])
    as_stored_before(api, invoice["id"])

    # Read as before: the invoice, its listing, its write-offs, a payment's replay.
    assert get_invoice(api, invoice["id"]) == shown
    assert next(i for i in all_invoices(api) if i["id"] == invoice["id"]) == shown
    assert ok(api.get(invoice_path(api, invoice["id"], f"/write-offs/{kept['id']}")), 200) == kept
    assert ok(pay(api, invoice["id"], 1_000, external_id="pay-1"), 200) == first

    second = ok(pay(api, invoice["id"], 2_000))

    header, children = stored(api, invoice["id"])
    assert (header["payment_count"], header["live_write_off_count"]) == (2, 1)  # counted from the embedded ones
    assert [c["id"] for c in children] == [second["id"]]
    after = get_invoice(api, invoice["id"])
    assert [p["id"] for p in after["payments"]] == [first["id"], second["id"]]
    assert (after["outstanding_balance"], after["status"]) == (6_700, "PARTIALLY_WRITTEN_OFF")
    assert assert_error(api.post(invoice_path(api, invoice["id"], "/void")), 409, "InvalidState", "InvoiceStateError")


def test_an_embedded_write_off_can_be_deleted_and_the_invoice_then_voided(api):
    invoice = create_invoice(api, item(10_000))  # due 2024-02-15
    gone = ok(write_off(api, invoice["id"], {"write_off_at": "2024-02-01T00:00:00Z"}))  # the whole balance
    as_stored_before(api, invoice["id"])
    assert candidates.invoices_due_by(api.business_id, date(2024, 2, 15)) == []

    ok(delete_write_off(api, invoice["id"], gone["id"]), 200)

    header, _ = stored(api, invoice["id"])
    assert header["write_offs"][0]["deleted_at"] and header["write_offs"][0]["reversal_entry_id"]
    assert (header["live_write_off_count"], header["outstanding_balance"], header["status"]) == (0, 10_000, "SENT")
    assert candidates.invoices_due_by(api.business_id, date(2024, 2, 15)) == [invoice["id"]]  # re-opened
    assert ok(api.get(invoice_path(api, invoice["id"], "/write-offs")), 200)["data"] == []
    assert delete_write_off(api, invoice["id"], gone["id"]).status == 404
    assert ok(api.post(invoice_path(api, invoice["id"], "/void")), 200)["status"] == "VOIDED"


def test_a_replayed_delete_whose_record_cannot_be_read_is_a_503_then_the_first_answer(api, monkeypatch):
    """The replay reads the header and the write-off together (BatchGetItem), finds it deleted, and looks
    for its key's answer with a GetItem that fails: not the rule's 404, the read's 503 — retrying replays."""
    invoice = create_invoice(api, item(10_000))
    written = ok(write_off(api, invoice["id"], {"amount": 1_000}))
    key = {"Idempotency-Key": "delete-once"}
    first = api.delete(invoice_path(api, invoice["id"], f"/write-offs/{written['id']}"), headers=key)
    client = dynamodb_client()
    real = client.get_item

    def record_unreachable(**request: Any) -> Any:
        if request["Key"]["SK"]["S"].startswith("IDEMPOTENCY#"):
            raise EndpointConnectionError(endpoint_url="https://dynamodb.us-east-1.amazonaws.com")
        return real(**request)

    with monkeypatch.context() as patch:
        patch.setattr(client, "get_item", record_unreachable)
        unsure = api.delete(invoice_path(api, invoice["id"], f"/write-offs/{written['id']}"), headers=key)
    again = api.delete(invoice_path(api, invoice["id"], f"/write-offs/{written['id']}"), headers=key)

    assert first.status == 200
    assert assert_error(unsure, 503, "Unknown", None) and unsure.headers["retry-after"] == "1"
    assert (again.status, again.json(), again.headers["idempotent-replayed"]) == (200, first.json(), "true")
