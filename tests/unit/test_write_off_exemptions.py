"""A deleted automatic write-off stays deleted (issue 13 item 5; docs/decisions.md 115).

Deleting a write-off the policy made exempts the invoice from automatic write-offs from then on: the
invoice shows the exemption, and every later run (dry or real) lists it under ``skipped`` with the reason
and posts nothing for it. Deleting a user's write-off exempts nothing. Runs on moto and DynamoDB Local;
"now" is 2026-06-01 12:00 UTC, the first run is for 2026-05-31 and the next for 2026-06-01.
"""

from typing import Any

import pytest
from support import assert_balanced, assert_error, books
from support.invoices import delete_write_off, get_invoice, invoice_path, write_off
from support.write_offs import AUTOMATIC_MEMO, ids, instrument, invoice, run, set_policy

from ledgerline.services import write_offs
from ledgerline.store import codec, keys
from ledgerline.store.runtime import dynamodb_client, table_name

pytest_plugins = ["support.write_offs"]  # its fixture: business

OVERDUE = "2026-03-01T10:00:00Z"  # 90 days before the first run date
FIRST_RUN, NEXT_RUN = "2026-05-31", "2026-06-01"


@pytest.fixture
def write_off_table(table: str) -> str:
    return table


def written_off_by_the_policy(api, due_at: str = OVERDUE, amount: int = 10_000) -> tuple[dict[str, Any], str]:
    """Given an overdue invoice that the first run wrote off: (the invoice, its automatic write-off id)."""
    set_policy(api)
    overdue = invoice(api, due_at, amount)
    summary = run(api, FIRST_RUN)
    assert ids(summary["written_off"]) == {overdue["id"]}, summary
    (automatic,) = get_invoice(api, overdue["id"])["write_offs"]
    assert automatic["memo"] == AUTOMATIC_MEMO
    return overdue, automatic["id"]


def deleted(api, invoice_id: str, write_off_id: str, **kwargs: Any) -> dict[str, Any]:
    response = api.delete(invoice_path(api, invoice_id, f"/write-offs/{write_off_id}"), **kwargs)
    assert response.status == 200, response.json()
    return response.json()


def exemption_reason(invoice_id: str, write_off_id: str, day: str = NEXT_RUN) -> str:
    return (
        f"invoice {invoice_id} is exempt from automatic write-offs: its automatic write-off {write_off_id} "
        f"was deleted on {day}"
    )


def skipped(summary: dict[str, Any]) -> dict[str, str]:
    return {item["id"]: item["reason"] for item in summary["skipped"]}


# ---- deleting an automatic write-off -----------------------------------------------------------------


def test_deleting_an_automatic_write_off_reopens_the_invoice_and_shows_the_exemption(business):
    api = business()
    overdue, automatic_id = written_off_by_the_policy(api)

    deleted(api, overdue["id"], automatic_id)

    reopened = get_invoice(api, overdue["id"])
    assert (reopened["status"], reopened["outstanding_balance"], reopened["write_offs"]) == ("SENT", 10_000, [])
    assert reopened["automatic_write_off_exemption"] == {
        "reason": "AUTOMATIC_WRITE_OFF_DELETED",
        "write_off_id": automatic_id,
        "exempt_since": "2026-06-01T12:00:00Z",
    }
    assert_balanced(api)


def test_the_next_run_skips_an_exempt_invoice_with_the_reason_and_posts_nothing(business):
    api = business()
    overdue, automatic_id = written_off_by_the_policy(api)
    other = invoice(api, OVERDUE, 7_000)  # overdue too, never written off: the next run takes it
    deleted(api, overdue["id"], automatic_id)
    before = books(api.business_id)

    summary = run(api, NEXT_RUN)

    assert skipped(summary) == {overdue["id"]: exemption_reason(overdue["id"], automatic_id)}
    assert ids(summary["written_off"]) == {other["id"]} and summary["failed"] == []
    assert summary["totals"]["skipped"] == 1 and summary["status"] == "completed"
    assert len(books(api.business_id)["entries"]) == len(before["entries"]) + 1  # the other invoice's only
    still_open = get_invoice(api, overdue["id"])
    assert (still_open["status"], still_open["outstanding_balance"]) == ("SENT", 10_000)
    assert_balanced(api)


def test_a_dry_run_reports_the_exempt_invoice_as_skipped_too(business):
    api = business()
    overdue, automatic_id = written_off_by_the_policy(api)
    deleted(api, overdue["id"], automatic_id)
    before = books(api.business_id)

    summary = run(api, NEXT_RUN, dry_run=True)

    assert summary["candidates"] == [] and summary["written_off"] == []
    assert skipped(summary) == {overdue["id"]: exemption_reason(overdue["id"], automatic_id)}
    assert books(api.business_id) == before


def test_every_later_run_keeps_skipping_it(business):
    api = business()
    overdue, automatic_id = written_off_by_the_policy(api)
    deleted(api, overdue["id"], automatic_id)
    before = books(api.business_id)

    later = [run(api, NEXT_RUN), run(api, NEXT_RUN), run(api, NEXT_RUN, dry_run=True)]

    reason = exemption_reason(overdue["id"], automatic_id)
    assert [skipped(summary) for summary in later] == [{overdue["id"]: reason}] * 3
    assert books(api.business_id) == before


def test_the_exemption_shows_in_the_invoice_listing(business):
    api = business()
    overdue, automatic_id = written_off_by_the_policy(api)
    untouched = invoice(api, "2026-05-20T10:00:00Z", 3_000)
    deleted(api, overdue["id"], automatic_id)

    listed = {i["id"]: i for i in api.get(f"{api.base}/invoices").json()["data"]}

    assert listed[overdue["id"]]["automatic_write_off_exemption"]["write_off_id"] == automatic_id
    assert listed[untouched["id"]]["automatic_write_off_exemption"] is None


def test_a_repeated_keyed_delete_replays_and_the_exemption_stays_as_first_recorded(business):
    api = business()
    overdue, automatic_id = written_off_by_the_policy(api)
    key = {"idempotency-key": "delete-the-automatic-write-off"}
    first = deleted(api, overdue["id"], automatic_id, headers=key)
    exemption = get_invoice(api, overdue["id"])["automatic_write_off_exemption"]
    after_first = books(api.business_id)

    again = deleted(api, overdue["id"], automatic_id, headers=key)

    assert again == first
    assert books(api.business_id) == after_first
    assert get_invoice(api, overdue["id"])["automatic_write_off_exemption"] == exemption
    assert skipped(run(api, NEXT_RUN)) == {overdue["id"]: exemption_reason(overdue["id"], automatic_id)}
    assert books(api.business_id) == after_first


def test_a_user_may_still_write_off_an_exempt_invoice_and_it_stays_exempt(business):
    api = business()
    overdue, automatic_id = written_off_by_the_policy(api)
    deleted(api, overdue["id"], automatic_id)

    manual = write_off(api, overdue["id"], {"write_off_at": "2026-06-01T09:00:00Z", "memo": "Settled by hand"})
    assert manual.status == 201, manual.json()
    assert get_invoice(api, overdue["id"])["status"] == "WRITTEN_OFF"
    assert delete_write_off(api, overdue["id"], manual.json()["id"]).status == 200

    reopened = get_invoice(api, overdue["id"])
    assert reopened["status"] == "SENT"
    assert reopened["automatic_write_off_exemption"]["write_off_id"] == automatic_id  # the first deletion's
    assert skipped(run(api, NEXT_RUN)) == {overdue["id"]: exemption_reason(overdue["id"], automatic_id)}


def test_a_run_racing_the_exemption_loses_at_the_store_and_then_skips(business, monkeypatch):
    """The run read the invoice before the exemption landed: the header's condition refuses the automatic
    write-off, and the run, deciding again from a fresh read, skips it."""
    api = business()
    overdue, automatic_id = written_off_by_the_policy(api)
    deleted(api, overdue["id"], automatic_id)
    before = books(api.business_id)
    checked = write_offs.invoice_ineligibility
    calls: list[str] = []

    def missed_once(rule, invoice, run_date, zone) -> str | None:
        calls.append(invoice.id)
        return None if len(calls) == 1 else checked(rule, invoice, run_date, zone)

    monkeypatch.setattr(write_offs, "invoice_ineligibility", missed_once)

    summary = run(api, NEXT_RUN)

    assert len(calls) == 2  # decided, refused by the header's condition, decided again
    assert skipped(summary) == {overdue["id"]: exemption_reason(overdue["id"], automatic_id)}
    assert books(api.business_id) == before


# ---- what exempts nothing ---------------------------------------------------------------------------------


def test_deleting_a_users_write_off_exempts_nothing_and_the_next_run_writes_it_off(business):
    api = business()
    set_policy(api)
    overdue = invoice(api, OVERDUE, 10_000)
    manual = write_off(api, overdue["id"], {"write_off_at": "2026-05-30T09:00:00Z"}).json()
    assert delete_write_off(api, overdue["id"], manual["id"]).status == 200
    assert get_invoice(api, overdue["id"])["automatic_write_off_exemption"] is None

    summary = run(api, NEXT_RUN)

    assert ids(summary["written_off"]) == {overdue["id"]} and summary["skipped"] == []
    assert get_invoice(api, overdue["id"])["status"] == "WRITTEN_OFF"
    assert_balanced(api)


def test_a_users_write_off_with_the_policys_memo_is_still_the_users(business):
    """Write-offs record whether the policy made them; the memo decides only for those written before."""
    api = business()
    set_policy(api)
    overdue = invoice(api, OVERDUE, 10_000)
    manual = write_off(api, overdue["id"], {"write_off_at": "2026-05-30T09:00:00Z", "memo": AUTOMATIC_MEMO}).json()

    assert delete_write_off(api, overdue["id"], manual["id"]).status == 200

    assert get_invoice(api, overdue["id"])["automatic_write_off_exemption"] is None
    assert ids(run(api, NEXT_RUN)["written_off"]) == {overdue["id"]}


def test_an_automatic_write_off_written_before_they_recorded_it_is_known_by_its_memo(business):
    api = business()
    overdue, automatic_id = written_off_by_the_policy(api)
    forget_that_it_was_automatic(api.business_id, overdue["id"], automatic_id)

    deleted(api, overdue["id"], automatic_id)

    assert get_invoice(api, overdue["id"])["automatic_write_off_exemption"]["write_off_id"] == automatic_id
    assert skipped(run(api, NEXT_RUN)) == {overdue["id"]: exemption_reason(overdue["id"], automatic_id)}


def test_the_automatic_write_off_records_the_run_that_made_it(business):
    api = business()
    set_policy(api)
    overdue = invoice(api, OVERDUE, 10_000)
    summary = run(api, FIRST_RUN)
    (automatic,) = get_invoice(api, overdue["id"])["write_offs"]

    stored = write_off_item(api.business_id, overdue["id"], automatic["id"])

    assert (stored["automatic"], stored["run_id"]) == (True, summary["id"])


def test_a_loan_write_off_cannot_be_undone_so_loans_need_no_exemption(business):
    """SPEC §5 has no endpoint that deletes or reverses a loan write-off, and the ledger reverses only
    custom entries: a written-off loan is never re-opened, so no run can write it off twice."""
    api = business()
    set_policy(api)
    loan = instrument(api, "lend", start_date="2026-01-15", maturity_date="2026-04-01")
    (written,) = run(api, FIRST_RUN)["written_off"]
    assert written["id"] == loan["id"]

    response = api.delete(f"{api.base}/custom-journal-entries/{written['journal_entry_id']}")

    assert_error(response, 409, "Conflict", "InvalidLedgerOperation")


# ---- helpers on the stored items ------------------------------------------------------------------------


def write_off_item(business_id: str, invoice_id: str, write_off_id: str) -> dict[str, Any]:
    key = keys.key(keys.business_pk(business_id), keys.invoice_write_off_sk(invoice_id, write_off_id))
    found = dynamodb_client().get_item(TableName=table_name(), Key=codec.to_item(key), ConsistentRead=True)
    return codec.from_item(found["Item"])


def forget_that_it_was_automatic(business_id: str, invoice_id: str, write_off_id: str) -> None:
    """The write-off as written before write-offs recorded ``automatic`` and ``run_id``."""
    key = keys.key(keys.business_pk(business_id), keys.invoice_write_off_sk(invoice_id, write_off_id))
    dynamodb_client().update_item(
        TableName=table_name(), Key=codec.to_item(key), UpdateExpression="REMOVE automatic, run_id"
    )
