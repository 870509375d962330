"""One business's write-off run, started through POST /write-off-runs (SPEC §7), on moto.

The run date is 2026-06-01 unless a test says otherwise, so with the issue's policy an invoice is
eligible when due on or before 2026-03-03 (90 days), and a loan we made when it matured on or
before 2026-05-02 (30 days) or has been silent since 2025-12-03 (180 days). Every scenario ends
with every business's books balanced.
"""

import json
import uuid
from datetime import timedelta
from typing import Any

import pytest
from support import MISSING_ID, balances, books, get_entry, lines, pin_clock, stable
from support.invoices import get_invoice
from support.write_offs import (
    AUTOMATIC_MEMO,
    NOW,
    assert_automatic_write_off,
    get_instrument,
    ids,
    instrument,
    invoice,
    pay_invoice,
    pay_loan,
    policy_body,
    put_policy,
    run,
    set_policy,
    start_run,
)

from ledgerline.domain import runs
from ledgerline.observability import MetricUnit, metrics
from ledgerline.schemas.policy import WriteOffRun
from ledgerline.services import invoices as invoice_service
from ledgerline.services import write_offs
from ledgerline.store import policies, transactions
from ledgerline_tools import cli

pytest_plugins = ["support.write_offs"]  # its fixture: business

ELIGIBLE_DUE = "2026-03-03T10:00:00Z"  # 90 days before the run date
NOT_YET_DUE = "2026-03-04T10:00:00Z"  # 89 days
MATURED = "2026-05-02"  # 30 days before the run date
SUMMARY_FIELDS = {
    "id",
    "business_id",
    "run_date",
    "dry_run",
    "trigger",
    "status",
    "started_at",
    "finished_at",
    "candidates",
    "written_off",
    "skipped",
    "failed",
    "totals",
    "progress",
}


@pytest.fixture
def write_off_table(moto_table: str) -> str:
    return moto_table


def portfolio(api) -> dict[str, Any]:
    """A business with one of each kind of item; only ``invoice`` and ``loan`` are eligible."""
    set_policy(api)
    eligible_invoice = invoice(api, ELIGIBLE_DUE, 10_000)
    paid = invoice(api, "2025-06-01T10:00:00Z", 2_000)
    pay_invoice(api, paid["id"], 2_000)
    voided = invoice(api, "2025-06-01T10:00:00Z", 3_000)
    assert api.post(f"{api.base}/invoices/{voided['id']}/void").status == 200
    return {
        "invoice": eligible_invoice,
        "recent_invoice": invoice(api, NOT_YET_DUE, 20_000),
        "undated_invoice": invoice(api, None, 4_000),
        "paid_invoice": paid,
        "voided_invoice": voided,
        "loan": instrument(api, "lend", maturity_date=MATURED, start_date="2026-01-15"),
        "young_loan": instrument(api, "lend", start_date="2026-02-01", maturity_date="2027-02-01"),
        "borrowed": instrument(api, "borrow", start_date="2015-01-01", maturity_date="2016-01-01"),
    }


# ---- dry run and real run -----------------------------------------------------------------------------


def test_a_dry_run_lists_exactly_the_eligible_items_and_posts_nothing(business):
    api = business()
    items = portfolio(api)
    before = books(api.business_id)

    summary = run(api, dry_run=True)

    assert set(summary) == SUMMARY_FIELDS
    assert (summary["run_date"], summary["dry_run"], summary["status"]) == ("2026-06-01", True, "completed")
    assert {(i["type"], i["id"], i["amount"]) for i in summary["candidates"]} == {
        ("invoice", items["invoice"]["id"], 10_000),
        ("loan", items["loan"]["id"], 500_000),
    }
    assert summary["written_off"] == [] and summary["failed"] == []
    assert books(api.business_id) == before
    assert get_invoice(api, items["invoice"]["id"])["status"] == "SENT"


def test_a_run_writes_off_each_eligible_item_in_its_own_entry(business):
    api = business()
    items = portfolio(api)
    before = balances(api)

    summary = run(api)

    assert summary["status"] == "completed" and summary["dry_run"] is False
    written = {i["id"]: i for i in summary["written_off"]}
    assert set(written) == {items["invoice"]["id"], items["loan"]["id"]}
    assert written[items["invoice"]["id"]]["amount"] == 10_000 and written[items["loan"]["id"]]["amount"] == 500_000
    assert len({i["journal_entry_id"] for i in written.values()}) == 2
    assert_automatic_write_off(api, written[items["invoice"]["id"]], "ACCOUNTS_RECEIVABLE")
    assert_automatic_write_off(api, written[items["loan"]["id"]], "NOTES_RECEIVABLE")
    assert summary["totals"] == {
        "candidates": 2,
        "written_off": 2,
        "written_off_cents": 510_000,
        "skipped": len(summary["skipped"]),
        "failed": 0,
    }
    after = balances(api)
    assert after["BAD_DEBT"] - before["BAD_DEBT"] == 510_000
    assert before["ACCOUNTS_RECEIVABLE"] - after["ACCOUNTS_RECEIVABLE"] == 10_000
    assert before["NOTES_RECEIVABLE"] - after["NOTES_RECEIVABLE"] == 500_000
    written_off = get_invoice(api, items["invoice"]["id"])
    assert (written_off["status"], written_off["outstanding_balance"]) == ("WRITTEN_OFF", 0)
    assert written_off["write_offs"][0]["memo"] == AUTOMATIC_MEMO
    loan = get_instrument(api, items["loan"]["id"])
    assert (loan["status"], loan["current_balance_cents"]) == ("written_off", 0)


def test_the_items_a_dry_run_lists_are_the_items_the_run_writes_off(business):
    api = business()
    portfolio(api)

    listed = run(api, dry_run=True)
    summary = run(api)

    assert ids(listed["candidates"]) == ids(summary["written_off"])


def test_running_the_same_date_again_writes_nothing_new(business):
    api = business()
    portfolio(api)
    first = run(api)
    after_first = books(api.business_id)

    again = run(api)

    assert again["written_off"] == [] and again["failed"] == []
    assert again["id"] != first["id"]
    assert books(api.business_id) == after_first


def test_debt_we_owe_is_never_written_off_automatically(business):
    """Even matured ten years ago, unpaid, and with every loan rule as loose as it can be."""
    api = business()
    set_policy(api, days_past_maturity=0, days_without_payment=1)
    borrowed = instrument(api, "borrow", start_date="2015-01-01", maturity_date="2016-01-01")
    before = books(api.business_id)

    dry, real = run(api, dry_run=True), run(api)

    for summary in (dry, real):
        listed = summary["candidates"] + summary["written_off"] + summary["skipped"] + summary["failed"]
        assert borrowed["id"] not in ids(listed)
    assert books(api.business_id) == before
    assert get_instrument(api, borrowed["id"])["status"] == "active"


def test_a_business_without_a_policy_writes_off_nothing(business):
    api = business()
    invoice(api, "2020-01-01T00:00:00Z")
    before = books(api.business_id)

    summary = run(api)

    assert summary["status"] == "no_policy"
    assert summary["written_off"] == summary["candidates"] == []
    assert books(api.business_id) == before


def test_a_disabled_policy_writes_off_nothing(business):
    api = business()
    set_policy(api, enabled=False)
    invoice(api, "2020-01-01T00:00:00Z")
    before = books(api.business_id)

    assert run(api)["written_off"] == []
    assert books(api.business_id) == before


def test_a_disabled_section_leaves_its_items_alone(business):
    api = business()
    body = policy_body()
    body["loans"]["enabled"] = False
    assert put_policy(api, body).status == 200
    overdue_invoice = invoice(api, "2020-01-01T00:00:00Z")
    overdue_loan = instrument(api, "lend", start_date="2019-01-01", maturity_date="2020-01-01")

    summary = run(api)

    assert ids(summary["written_off"]) == {overdue_invoice["id"]}
    assert get_instrument(api, overdue_loan["id"])["status"] == "active"


def test_invoices_go_to_the_policy_destination_account(business):
    api = business()
    body = policy_body()
    body["invoices"]["destination_ledger_account"] = stable("UNCATEGORIZED_EXPENSES")
    assert put_policy(api, body).status == 200
    overdue = invoice(api, ELIGIBLE_DUE, 7_000)

    (written,) = run(api)["written_off"]

    assert written["id"] == overdue["id"]
    posted = api.get(f"{api.base}/ledger/entries/{written['journal_entry_id']}").json()
    assert sorted(
        (line["account"]["stable_name"], line["direction"], line["amount"]) for line in posted["line_items"]
    ) == [("ACCOUNTS_RECEIVABLE", "CREDIT", 7_000), ("UNCATEGORIZED_EXPENSES", "DEBIT", 7_000)]


def test_a_partly_paid_invoice_is_written_off_for_what_is_still_outstanding(business):
    api = business()
    set_policy(api)
    overdue = invoice(api, ELIGIBLE_DUE, 10_000)
    pay_invoice(api, overdue["id"], 2_500)

    (written,) = run(api)["written_off"]

    assert written["amount"] == 7_500
    assert_automatic_write_off(api, written, "ACCOUNTS_RECEIVABLE")
    assert get_invoice(api, overdue["id"])["status"] == "WRITTEN_OFF"


def test_a_loan_write_off_also_clears_the_interest_already_in_the_ledger(business):
    """SPEC §5: a full write-off of a loan we made: Dr BAD_DEBT, Cr NOTES_RECEIVABLE and INTEREST_RECEIVABLE."""
    api = business()
    set_policy(api)
    loan = instrument(
        api,
        "lend",
        start_date="2026-01-01",
        maturity_date="2026-05-01",
        principal=1_000_000,
        interest_rate_bps=1_000,
        cash_ledger_id=api.accounts["CASH"],
    )
    accrued = api.post(
        f"/api/v1/loans/{loan['id']}/accrue-interest",
        {"through_date": "2026-03-31"},
        headers={"x-business-id": api.business_id},
    )
    assert accrued.status == 201, accrued.json()
    in_ledger = accrued.json()["data"]["accrued_interest_cents"]
    assert in_ledger > 0

    (listed,) = run(api, dry_run=True)["candidates"]
    (written,) = run(api)["written_off"]

    assert written["amount"] == listed["amount"] == 1_000_000 + in_ledger
    assert get_entry(api, written["journal_entry_id"])["memo"] == AUTOMATIC_MEMO
    assert lines(api, written["journal_entry_id"]) == {
        ("BAD_DEBT", "DEBIT"): 1_000_000 + in_ledger,
        ("NOTES_RECEIVABLE", "CREDIT"): 1_000_000,
        ("INTEREST_RECEIVABLE", "CREDIT"): in_ledger,
    }
    assert get_instrument(api, loan["id"])["status"] == "written_off"


def test_a_backdated_run_skips_a_loan_with_a_later_event(business):
    """Run for 2026-04-15 when the loan was already paid on 2026-05-15: a write-off may not be dated
    before the instrument's last event (SPEC §5), so the backdated run leaves it to today's run."""
    api = business()
    set_policy(api, days_past_maturity=30, days_without_payment=None)
    loan = instrument(
        api,
        "lend",
        start_date="2025-06-01",
        maturity_date="2026-03-01",
        interest_rate_bps=500,
        cash_ledger_id=api.accounts["CASH"],
    )
    pay_loan(api, loan["id"], 10_000, "2026-05-15")
    before = books(api.business_id)

    previewed = run(api, "2026-04-15", dry_run=True)  # a dry run plans: it says what the run will do
    backdated = run(api, "2026-04-15")

    assert ids(previewed["skipped"]) == {loan["id"]} and previewed["candidates"] == []
    assert previewed["skipped"][0]["reason"] == backdated["skipped"][0]["reason"]
    assert ids(backdated["skipped"]) == {loan["id"]} and backdated["failed"] == []
    assert books(api.business_id) == before
    assert ids(run(api)["written_off"]) == {loan["id"]}


# ---- eligibility re-checked at write time; one failure never stops the others ---------------------------


def test_an_invoice_paid_in_full_after_listing_is_skipped_not_failed(business, monkeypatch):
    api = business()
    set_policy(api)
    settled, other = invoice(api, ELIGIBLE_DUE, 10_000), invoice(api, ELIGIBLE_DUE, 6_000)
    listed = write_offs._invoice_candidates

    def list_then_pay(*args: Any) -> list[str]:
        found = listed(*args)
        pay_invoice(api, settled["id"], 10_000)  # the customer pays between listing and writing
        return found

    monkeypatch.setattr(write_offs, "_invoice_candidates", list_then_pay)

    summary = run(api)

    assert ids(summary["skipped"]) == {settled["id"]} and summary["failed"] == []
    assert ids(summary["written_off"]) == {other["id"]}
    assert summary["status"] == "completed"
    assert get_invoice(api, settled["id"])["status"] == "PAID"


def test_an_invoice_voided_after_listing_is_skipped_not_failed(business, monkeypatch):
    api = business()
    set_policy(api)
    voided = invoice(api, ELIGIBLE_DUE, 10_000)
    listed = write_offs._invoice_candidates

    def list_then_void(*args: Any) -> list[str]:
        found = listed(*args)
        assert api.post(f"{api.base}/invoices/{voided['id']}/void").status == 200
        return found

    monkeypatch.setattr(write_offs, "_invoice_candidates", list_then_void)

    summary = run(api)

    assert ids(summary["skipped"]) == {voided["id"]} and summary["failed"] == []
    assert get_invoice(api, voided["id"])["status"] == "VOIDED"


def test_a_loan_paid_off_after_listing_is_skipped_not_failed(business, monkeypatch):
    api = business()
    set_policy(api)
    loan = instrument(api, "lend", start_date="2026-01-15", maturity_date=MATURED, principal=50_000)
    listed = write_offs._loan_candidates

    def list_then_pay(*args: Any) -> list[str]:
        found = listed(*args)
        pay_loan(api, loan["id"], 50_000, "2026-05-30")
        return found

    monkeypatch.setattr(write_offs, "_loan_candidates", list_then_pay)

    summary = run(api)

    assert ids(summary["skipped"]) == {loan["id"]} and summary["failed"] == []
    assert get_instrument(api, loan["id"])["status"] == "paid_off"


def test_an_item_paid_recently_after_listing_is_skipped(business, monkeypatch):
    """Silent for 180 days when listed, but a payment lands before the write: no longer eligible."""
    api = business()
    set_policy(api, days_past_maturity=None, days_without_payment=180)
    loan = instrument(api, "lend", start_date="2025-06-01", maturity_date="2030-06-01")
    listed = write_offs._loan_candidates

    def list_then_pay(*args: Any) -> list[str]:
        found = listed(*args)
        pay_loan(api, loan["id"], 1_000, "2026-05-30")
        return found

    monkeypatch.setattr(write_offs, "_loan_candidates", list_then_pay)

    summary = run(api)

    assert ids(summary["skipped"]) == {loan["id"]} and summary["written_off"] == []
    assert get_instrument(api, loan["id"])["status"] == "active"


def fail_for(monkeypatch: pytest.MonkeyPatch, invoice_id: str) -> None:
    """Inject a failure (as if DynamoDB gave up) for one invoice's write-off."""
    plan = invoice_service.plan_write_off

    def flaky(books, target, *args: Any, **kwargs: Any):  # noqa: ANN001, ANN202
        if target.id == invoice_id:
            raise RuntimeError("injected failure")
        return plan(books, target, *args, **kwargs)

    monkeypatch.setattr(invoice_service, "plan_write_off", flaky)


def test_one_item_failing_is_listed_and_the_others_are_written_off(business, monkeypatch):
    api = business()
    set_policy(api)
    broken, *healthy = [invoice(api, ELIGIBLE_DUE, amount) for amount in (1_000, 2_000, 3_000)]
    loan = instrument(api, "lend", start_date="2026-01-15", maturity_date=MATURED)
    fail_for(monkeypatch, broken["id"])
    before = balances(api)

    summary = run(api)

    assert summary["status"] == "completed_with_failures"
    assert [(i["type"], i["id"]) for i in summary["failed"]] == [("invoice", broken["id"])]
    assert "injected failure" in summary["failed"][0]["reason"]
    assert ids(summary["written_off"]) == {healthy[0]["id"], healthy[1]["id"], loan["id"]}
    assert summary["totals"]["failed"] == 1
    assert balances(api)["BAD_DEBT"] - before["BAD_DEBT"] == 5_000 + 500_000
    assert get_invoice(api, broken["id"])["status"] == "SENT"


def test_a_rerun_of_the_date_writes_off_what_failed_and_nothing_twice(business, monkeypatch):
    api = business()
    set_policy(api)
    broken, healthy = invoice(api, ELIGIBLE_DUE, 1_000), invoice(api, ELIGIBLE_DUE, 2_000)
    with monkeypatch.context() as patch:
        fail_for(patch, broken["id"])
        run(api)
    written_before = books(api.business_id)["entries"]

    retried = run(api)

    assert ids(retried["written_off"]) == {broken["id"]} and retried["failed"] == []
    assert len(books(api.business_id)["entries"]) == len(written_before) + 1
    assert get_invoice(api, healthy["id"])["write_offs"][0]["memo"] == AUTOMATIC_MEMO
    assert len(get_invoice(api, healthy["id"])["write_offs"]) == 1


# ---- eligibility edges ----------------------------------------------------------------------------------


def test_an_invoice_due_exactly_days_past_due_before_the_run_date_is_eligible(business):
    api = business()
    set_policy(api, days_past_due=90)
    last_second = invoice(api, "2026-03-03T23:59:59Z")
    next_day = invoice(api, "2026-03-04T00:00:00Z")

    summary = run(api, dry_run=True)

    assert ids(summary["candidates"]) == {last_second["id"]}
    assert next_day["id"] not in ids(summary["candidates"] + summary["written_off"])


def test_an_invoice_one_day_short_of_days_past_due_is_eligible_the_next_day(business, monkeypatch):
    api = business()
    set_policy(api, days_past_due=90)
    overdue = invoice(api, NOT_YET_DUE)

    assert run(api, "2026-06-01", dry_run=True)["candidates"] == []
    pin_clock(monkeypatch, NOW + timedelta(days=1))
    assert ids(run(api, "2026-06-02", dry_run=True)["candidates"]) == {overdue["id"]}


def test_due_dates_are_days_in_the_business_timezone(business):
    """America/Los_Angeles (UTC−8 in March): 05:00Z on the 4th is still the 3rd there, 08:30Z is the 4th."""
    pacific, utc = business("Pacific Co", "America/Los_Angeles"), business("Utc Co")
    for api in (pacific, utc):
        set_policy(api, days_past_due=90)
    due_on_the_3rd_in_la = invoice(pacific, "2026-03-04T05:00:00Z")
    invoice(pacific, "2026-03-04T08:30:00Z")  # the 4th in Los Angeles
    invoice(utc, "2026-03-04T05:00:00Z")  # the 4th in UTC

    assert ids(run(pacific, "2026-06-01", dry_run=True)["candidates"]) == {due_on_the_3rd_in_la["id"]}
    assert run(utc, "2026-06-01", dry_run=True)["candidates"] == []


def test_a_due_date_given_with_a_far_eastern_offset_is_still_found(business):
    """Due 2026-03-04T00:30+14:00 is 2026-03-03 10:30 UTC and 2026-03-02 23:30 in Pago Pago (UTC−11):
    due on the 2nd there, so 90 days later (2026-05-31) it is eligible — whatever offset it was sent with."""
    api = business("Samoa Co", "Pacific/Pago_Pago")
    set_policy(api, days_past_due=90)
    overdue = invoice(api, "2026-03-04T00:30:00+14:00")

    assert ids(run(api, "2026-05-31", dry_run=True)["candidates"]) == {overdue["id"]}
    assert run(api, "2026-05-30", dry_run=True)["candidates"] == []


def test_a_loan_matured_exactly_days_past_maturity_ago_is_eligible(business):
    api = business()
    set_policy(api, days_past_maturity=30, days_without_payment=None)
    on_the_day = instrument(api, "lend", start_date="2026-01-15", maturity_date="2026-05-02")
    a_day_later = instrument(api, "lend", start_date="2026-01-15", maturity_date="2026-05-03")

    summary = run(api, dry_run=True)

    assert ids(summary["candidates"]) == {on_the_day["id"]}
    assert a_day_later["id"] not in ids(summary["skipped"] + summary["failed"])


def test_days_without_payment_count_from_the_start_when_nothing_was_paid(business):
    api = business()
    set_policy(api, days_past_maturity=None, days_without_payment=180)
    silent_since_start = instrument(api, "lend", start_date="2025-12-03", maturity_date="2030-01-01")
    started_a_day_later = instrument(api, "lend", start_date="2025-12-04", maturity_date="2030-01-01")

    summary = run(api, dry_run=True)

    assert ids(summary["candidates"]) == {silent_since_start["id"]}
    assert started_a_day_later["id"] not in ids(summary["candidates"])


def test_days_without_payment_count_from_the_last_payment(business):
    api = business()
    set_policy(api, days_past_maturity=None, days_without_payment=180)
    paid_180_days_ago = instrument(api, "lend", start_date="2025-01-01", maturity_date="2030-01-01")
    paid_179_days_ago = instrument(api, "lend", start_date="2025-01-01", maturity_date="2030-01-01")
    pay_loan(api, paid_180_days_ago["id"], 10_000, "2025-12-03")
    pay_loan(api, paid_179_days_ago["id"], 10_000, "2025-12-04")

    summary = run(api)

    assert ids(summary["written_off"]) == {paid_180_days_ago["id"]}
    (written,) = summary["written_off"]
    assert written["amount"] == 490_000
    assert_automatic_write_off(api, written, "NOTES_RECEIVABLE")
    assert get_instrument(api, paid_179_days_ago["id"])["status"] == "active"


def test_either_loan_rule_is_enough(business):
    api = business()
    set_policy(api, days_past_maturity=30, days_without_payment=180)
    matured_but_paying = instrument(api, "lend", start_date="2025-01-01", maturity_date=MATURED)
    pay_loan(api, matured_but_paying["id"], 1_000, "2026-05-20")
    silent_not_matured = instrument(api, "lend", start_date="2025-01-01", maturity_date="2030-01-01")

    assert ids(run(api, dry_run=True)["candidates"]) == {matured_but_paying["id"], silent_not_matured["id"]}


# ---- the run endpoint and its summaries ------------------------------------------------------------------


def test_a_run_date_in_the_future_is_refused(business):
    api = business()
    set_policy(api)
    invoice(api, ELIGIBLE_DUE)
    before = books(api.business_id)

    response = start_run(api, {"run_date": "2026-06-02", "dry_run": False})

    body = response.json()
    assert response.status == 400, body
    assert (body["type"], body["error_enum"]) == ("InvalidParameters", "InvalidPayload")
    assert [e["field"] for e in body["meta"]["errors"]] == ["run_date"]
    assert books(api.business_id) == before


def test_a_keyed_run_request_repeated_returns_the_first_summary_and_writes_nothing_more(business):
    api = business()
    set_policy(api)
    invoice(api, ELIGIBLE_DUE)
    key = {"idempotency-key": "run-once-2026-06-01"}

    first = start_run(api, {"dry_run": False}, headers=key)
    after_first = books(api.business_id)
    again = start_run(api, {"dry_run": False}, headers=key)

    assert first.status == again.status == 201, again.json()
    assert again.json() == first.json(), (first.json(), again.json())
    assert first.json()["totals"]["written_off"] == 1
    assert books(api.business_id) == after_first
    assert len(api.get(f"{api.base}/write-off-runs").json()["data"]) == 1


@pytest.mark.parametrize(
    "body",
    [{"run_date": "2026-13-01"}, {"run_date": "06/01/2026"}, {"dry_run": "yes"}, {"surprise": True}],
    ids=["bad-date", "us-date", "dry-run-string", "unknown-field"],
)
def test_an_invalid_run_request_is_refused(business, body):
    api = business()
    set_policy(api)
    before = books(api.business_id)

    response = start_run(api, body)

    assert response.status == 400, response.json()
    assert response.json()["type"] == "InvalidParameters"
    assert books(api.business_id) == before


def test_an_empty_body_runs_for_today_in_the_business_timezone(business):
    """12:00 UTC on 2026-06-01 is 05:00 the same day in Los Angeles and 01:00 the next day in Auckland."""
    pacific, kiwi = business("Pacific Co", "America/Los_Angeles"), business("Kiwi Co", "Pacific/Auckland")

    assert start_run(pacific).json()["run_date"] == "2026-06-01"
    assert start_run(kiwi).json()["run_date"] == "2026-06-02"


def test_a_past_run_date_uses_that_date(business):
    api = business()
    set_policy(api)
    overdue = invoice(api, "2026-01-01T10:00:00Z")

    summary = run(api, "2026-04-01")

    (written,) = summary["written_off"]
    assert (summary["run_date"], written["id"]) == ("2026-04-01", overdue["id"])
    assert api.get(f"{api.base}/ledger/entries/{written['journal_entry_id']}").json()["entry_date"] == "2026-04-01"


def test_runs_are_listed_newest_first_and_each_can_be_read_back(business):
    api = business()
    portfolio(api)
    dry, real = run(api, dry_run=True), run(api)

    listed = api.get(f"{api.base}/write-off-runs")
    one = api.get(f"{api.base}/write-off-runs/{real['id']}")

    assert listed.status == 200, listed.json()
    assert [r["id"] for r in listed.json()["data"]] == [real["id"], dry["id"]]
    assert listed.json()["meta"]["pagination"] == {"cursor": None, "has_more": False}
    assert one.status == 200 and one.json() == real
    assert listed.json()["data"][0] == real


def test_run_listing_is_paginated(business):
    api = business()
    made = [run(api, dry_run=True)["id"] for _ in range(3)]

    first = api.get(f"{api.base}/write-off-runs", query="limit=2").json()
    second = api.get(f"{api.base}/write-off-runs", query=f"limit=2&cursor={first['meta']['pagination']['cursor']}")

    assert first["meta"]["pagination"]["has_more"] is True
    assert [r["id"] for r in first["data"] + second.json()["data"]] == made[::-1]


def test_a_summary_listing_the_most_items_in_every_category_fits_in_one_item(business):
    """DynamoDB items are at most 400 KB: MAX_LISTED items per list, with long failure reasons, must fit."""
    api = business()

    def listed(n: int, **extra: Any) -> list[dict[str, Any]]:
        return [
            {
                "type": "invoice",
                "id": str(uuid.uuid4()),
                "amount": 10**12,
                "journal_entry_id": str(uuid.uuid4()),
                **extra,
            }
            for _ in range(n)
        ]

    most = runs.MAX_LISTED
    summary = {
        "id": str(uuid.uuid4()),
        "business_id": api.business_id,
        "run_date": "2026-06-01",
        "dry_run": False,
        "trigger": "schedule",
        "status": "completed_with_failures",
        "started_at": NOW.isoformat(),
        "finished_at": NOW.isoformat(),
        "candidates": listed(most),
        "written_off": listed(most),
        "skipped": listed(most, reason="r" * 300),
        "failed": listed(most, reason="f" * 500),
        "totals": {
            "candidates": most,
            "written_off": most,
            "written_off_cents": most * 10**12,
            "skipped": most,
            "failed": most,
        },
    }

    transactions.commit(
        [policies.save_run(api.business_id, policies.run_from_document(summary))], token=str(uuid.uuid4())
    )

    assert policies.run_document(policies.get_run(api.business_id, summary["id"])) == summary


def test_a_stored_summary_is_answered_as_the_document_it_was_saved_as(business):
    """A run's item keeps a plain document (items without their unset fields, ISO dates); whatever reads it
    back as a ``WriteOffRun`` answers exactly what that document says, in the response model's shape."""
    api = business()
    summary = {
        "id": str(uuid.uuid4()),
        "business_id": api.business_id,
        "run_date": "2026-06-01",
        "dry_run": False,
        "trigger": "schedule",
        "status": "completed_with_failures",
        "started_at": NOW.isoformat(),
        "finished_at": (NOW + timedelta(seconds=2)).isoformat(),
        "candidates": [{"type": "loan", "id": str(uuid.uuid4()), "amount": 700}],
        "written_off": [{"type": "loan", "id": str(uuid.uuid4()), "amount": 700, "journal_entry_id": "e-1"}],
        "skipped": [
            {"type": "invoice", "id": str(uuid.uuid4()), "reason": "already written off", "journal_entry_id": "e-0"},
            {"type": "invoice", "id": str(uuid.uuid4()), "reason": "not eligible"},
        ],
        "failed": [{"type": "invoice", "id": str(uuid.uuid4()), "reason": "boom"}],
        "totals": {"candidates": 1, "written_off": 1, "written_off_cents": 700, "skipped": 2, "failed": 1},
    }
    transactions.commit(
        [policies.save_run(api.business_id, policies.run_from_document(summary))], token=str(uuid.uuid4())
    )

    response = api.get(f"{api.base}/write-off-runs/{summary['id']}")

    assert response.status == 200, response.json()
    assert response.json() == WriteOffRun.model_validate(summary).model_dump(mode="json")
    assert policies.run_document(policies.get_run(api.business_id, summary["id"])) == summary


@pytest.mark.parametrize("run_id", [MISSING_ID, "not-a-uuid"])
def test_an_unknown_run_is_not_found(business, run_id):
    api = business()

    response = api.get(f"{api.base}/write-off-runs/{run_id}")

    assert response.status == 404, response.json()
    assert response.json()["type"] == "ResourceNotFound"


def test_another_business_run_is_not_found_and_its_token_is_forbidden(business):
    api, other = business(), business("Other Co")
    theirs = run(other, dry_run=True)

    assert api.get(f"{api.base}/write-off-runs/{theirs['id']}").status == 404
    assert api.get(f"{other.base}/write-off-runs/{theirs['id']}").status == 403
    assert api.get(f"{other.base}/write-off-runs").status == 403
    assert start_run(other, {"dry_run": True}).status == 201
    assert api.post(f"{other.base}/write-off-runs", {"dry_run": True}).status == 403


# ---- the CLI ----------------------------------------------------------------------------------------------


def test_the_cli_dry_run_prints_the_summaries_and_posts_nothing(business, capsys):
    """``ledgerline run-write-offs --dry-run``; moto stands in for a deployed table (``--aws``)."""
    api = business()
    items = portfolio(api)
    before = books(api.business_id)
    capsys.readouterr()

    cli.main(["run-write-offs", "--dry-run", "--business-id", api.business_id, "--date", "2026-06-01", "--aws"])

    (summary,) = json.loads(capsys.readouterr().out)
    assert (summary["business_id"], summary["trigger"], summary["dry_run"]) == (api.business_id, "cli", True)
    assert ids(summary["candidates"]) == {items["invoice"]["id"], items["loan"]["id"]}
    assert books(api.business_id) == before


def test_the_cli_prints_only_json_even_when_metrics_are_flushed_mid_run(business, capsys):
    """Powertools prints EMF to stdout once a metric holds 100 values; that must not land in the summaries."""
    api = business()
    set_policy(api)
    capsys.readouterr()
    try:
        for _ in range(99):
            metrics.add_metric(name="WriteOffCandidates", unit=MetricUnit.Count, value=0)

        cli.main(["run-write-offs", "--dry-run", "--business-id", api.business_id, "--aws"])
    finally:
        metrics.clear_metrics()

    (summary,) = json.loads(capsys.readouterr().out)
    assert summary["business_id"] == api.business_id


def test_the_cli_refuses_a_future_date(business):
    api = business()

    with pytest.raises(SystemExit, match="run_date"):
        cli.main(["run-write-offs", "--business-id", api.business_id, "--date", "2026-06-02", "--aws"])
