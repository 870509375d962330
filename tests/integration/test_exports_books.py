"""SPEC §10.4 on DynamoDB Local: a business goes through every kind of posting, then its journal export
passes ``bean-check`` itself, its balances (beancount's arithmetic, and the CSV's sums) are the trial
balance's, and so are a range's, its pages put together and ``ledgerline export``'s output."""

from pathlib import Path

import pytest
from support import Api, assert_books_balance, entry_body, line, new_api, pin_clock, post_entry
from support.exports import (
    bean_check,
    beancount_balances,
    csv_balances,
    csv_rows,
    exported,
    trial_balances,
)
from support.invoices import create_invoice, invoice_path, item, pay, write_off
from support.loans import TODAY, Loans, ok

from ledgerline.services import exports as export_service
from ledgerline_tools import cli

pytestmark = pytest.mark.integration

SOURCES = {  # every kind of entry the scenario posts
    "LOAN_OPENING",
    "LOAN_DISBURSEMENT",
    "LOAN_PAYMENT",
    "LOAN_INTEREST_ACCRUAL",
    "LOAN_WRITE_OFF",
    "BANK_TRANSACTION",
    "BANK_TRANSACTION_REBOOKED",
    "INVOICE",
    "INVOICE_VOID",
    "INVOICE_PAYMENT",
    "INVOICE_WRITE_OFF",
    "INVOICE_WRITE_OFF_DELETED",
    "CUSTOM_JOURNAL_ENTRY",
    "CUSTOM_JOURNAL_ENTRY_REVERSAL",
}


def lived_in(api: Api) -> Api:
    """Loans both ways with draws, payments, accruals and a write-off each; bank transactions, one rebooked
    into a payment; invoices paid, written off, a write-off deleted, one voided; custom entries, one deleted."""
    loans = Loans(api)
    lent = loans.instrument("lend")
    borrowed = loans.instrument("borrow", interest_rate_bps=700)
    for loan in (lent, borrowed):
        ok(
            loans.disburse(
                loan["id"],
                {
                    "amount_cents": 250_000,
                    "cash_ledger_id": loans.cash,
                    "disbursement_date": "2024-02-15",
                    "memo": "Second draw",
                },
            )
        )
        ok(loans.accrue(loan["id"], {"through_date": "2024-03-31", "memo": "Q1 interest"}))
        loans.payment(loan["id"], 60_000, "2024-04-15")
    inflow = ok(
        loans.import_transaction(
            {"amount_cents": 20_000, "direction": "inflow", "date": "2024-05-02", "description": "ACH from borrower"}
        )
    )
    ok(loans.pay(lent["id"], {"transaction_id": inflow["id"], "memo": "Rebooked"}))
    ok(
        loans.import_transaction(
            {
                "amount_cents": 1_250,
                "direction": "outflow",
                "date": "2024-05-03",
                "description": "Wire fee",
                "category_ledger_id": api.accounts["BANK_FEES"],
            }
        )
    )
    ok(loans.accrue_all({"through_date": "2024-06-30"}))
    ok(loans.write_off(lent["id"], {"write_off_date": "2024-09-30", "memo": "Borrower insolvent"}))
    ok(loans.write_off(borrowed["id"], {"principal_cents": 100_000, "write_off_date": "2024-10-31"}))

    paid = create_invoice(api, item(30_000), item(1_999, "3"), invoice_number="INV-1", sent_at="2024-03-01T10:00:00Z")
    assert pay(api, paid["id"], 20_000, paid_at="2024-04-01T12:00:00Z").status == 201
    kept = write_off(api, paid["id"], {"amount": 2_000, "write_off_at": "2024-06-01T12:00:00Z"}).json()
    deleted = write_off(api, paid["id"], {"amount": 1_000, "write_off_at": "2024-06-02T12:00:00Z"}).json()
    assert api.delete(invoice_path(api, paid["id"], f"/write-offs/{deleted['id']}")).status == 200
    assert kept["id"] != deleted["id"]
    voided = create_invoice(api, item(5_000), invoice_number="INV-2", sent_at="2024-07-01T10:00:00Z")
    assert api.post(invoice_path(api, voided["id"], "/void")).status == 200

    assert (
        post_entry(
            api,
            {
                "memo": 'Owner\'s "loan" \\ repaid\nin full',
                "entry_at": "2024-08-01T09:00:00Z",
                "line_items": [
                    line("OPENING_BALANCE_EQUITY", 7_777, "DEBIT", memo="equity"),
                    line("CASH", 7_777, "CREDIT"),
                ],
            },
        ).status
        == 201
    )
    mistake = post_entry(api, entry_body(4_242, memo="Posted twice", entry_at="2024-08-02T09:00:00Z")).json()
    assert api.delete(f"{api.base}/custom-journal-entries/{mistake['id']}").status == 200
    assert_books_balance(api.business_id)
    return api


@pytest.fixture
def books(local_table: str, monkeypatch: pytest.MonkeyPatch) -> Api:
    pin_clock(monkeypatch, TODAY)
    return lived_in(new_api("Lived-in Co"))


def test_the_export_of_every_kind_of_posting_passes_bean_check_with_the_trial_balance(books, tmp_path: Path):
    text = exported(books)
    path = tmp_path / "books.beancount"
    path.write_text(text, encoding="utf-8")

    checked = bean_check(path)

    assert (checked.returncode, checked.stdout, checked.stderr) == (0, "", "")
    sources = {row.split('"')[1] for row in text.splitlines() if row.startswith("  source-type: ")}
    assert sources == SOURCES
    assert beancount_balances(text) == trial_balances(books)


def test_the_csv_export_sums_to_the_trial_balance(books):
    text = exported(books, "format=csv")

    assert {row["entry_id"] for row in csv_rows(text)} == {
        row.split('"')[1] for row in exported(books).splitlines() if row.startswith("  entry-id: ")
    }
    nonzero = lambda balances: {name: cents for name, cents in balances.items() if cents}  # noqa: E731
    assert nonzero(csv_balances(text)) == nonzero(trial_balances(books))


def test_a_range_export_passes_bean_check_from_its_opening_balances(books, tmp_path: Path):
    path = tmp_path / "since-june.beancount"
    path.write_text(exported(books, "format=beancount&start_date=2024-06-01"), encoding="utf-8")

    checked = bean_check(path)

    assert (checked.returncode, checked.stdout, checked.stderr) == (0, "", "")
    assert beancount_balances(path.read_text(encoding="utf-8")) == trial_balances(books)


def test_pages_and_the_cli_put_together_are_the_one_page_export(books, monkeypatch, capsysbinary):
    whole = exported(books)
    monkeypatch.setattr(export_service, "RESPONSE_BUDGET_BYTES", 2_000)

    paged = exported(books)
    cli.main(["export", "--business-id", books.business_id, "--format", "beancount"])  # AWS_ENDPOINT_URL_DYNAMODB

    assert paged == whole
    assert capsysbinary.readouterr().out == whole.encode()
