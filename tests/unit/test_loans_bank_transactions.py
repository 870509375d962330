"""Bank transactions (SPEC §5 item 10) and rebooking one into a loan payment (item 5, transaction_id):
the transaction's entry is reversed and replaced by the payment's entry, and the transaction linked to
the payment, all in one transaction.

Every refusal leaves the books exactly as they were; every scenario ends with the books balanced.
Today is pinned to 2024-12-31 (UTC).
"""

import pytest
from support import MISSING_ID, new_api, unchanged
from support.loans import PAYMENT_FIELDS, Loans, error, ok

pytest_plugins = ["support.loans"]  # its fixtures: loans, unit_loans, pinned

TRANSACTION_FIELDS = {
    "id",
    "amount_cents",
    "direction",
    "date",
    "description",
    "cash_ledger_id",
    "category_ledger_id",
    "external_id",
    "journal_entry_id",
    "original_journal_entry_id",
    "matched_payment",
    "created_at",
}
FITTING = {"borrow": "outflow", "lend": "inflow"}


def import_transaction(loans: Loans, direction: str, amount: int = 20_000, day: str = "2024-04-30", **fields) -> dict:
    return ok(
        loans.import_transaction(
            {"amount_cents": amount, "direction": direction, "date": day, "description": "ACH", **fields}
        )
    )


# ---- importing --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("direction", "lines"),
    [
        ("inflow", {("CASH", "DEBIT"): 20_000, ("UNCATEGORIZED_REVENUE", "CREDIT"): 20_000}),
        ("outflow", {("UNCATEGORIZED_EXPENSES", "DEBIT"): 20_000, ("CASH", "CREDIT"): 20_000}),
    ],
)
def test_an_imported_transaction_posts_cash_against_its_default_category(loans, direction, lines):
    txn = import_transaction(loans, direction)

    assert set(txn) == TRANSACTION_FIELDS
    assert (txn["cash_ledger_id"], txn["matched_payment"], txn["journal_entry_id"]) == (
        loans.cash,
        None,
        txn["original_journal_entry_id"],
    )
    assert loans.lines(txn["journal_entry_id"]) == lines
    assert ok(loans.transaction(txn["id"]), 200) == txn


def test_an_imported_transaction_may_name_its_cash_and_category_accounts(loans):
    txn = import_transaction(
        loans,
        "outflow",
        cash_ledger_id=loans.api.accounts["ACCOUNTS_RECEIVABLE"],
        category_ledger_id=loans.api.accounts["BANK_FEES"],
    )

    assert loans.lines(txn["journal_entry_id"]) == {
        ("BANK_FEES", "DEBIT"): 20_000,
        ("ACCOUNTS_RECEIVABLE", "CREDIT"): 20_000,
    }


def test_the_same_transaction_external_id_and_content_returns_it_with_200(loans):
    first = import_transaction(loans, "inflow", external_id="bank-1")

    with unchanged(loans.api):
        again = ok(
            loans.import_transaction(
                {
                    "amount_cents": 20_000,
                    "direction": "inflow",
                    "date": "2024-04-30",
                    "description": "ACH",
                    "external_id": "bank-1",
                }
            ),
            200,
        )

    assert again == first


def test_the_same_transaction_external_id_with_other_content_is_409(loans):
    import_transaction(loans, "inflow", external_id="bank-1")

    with unchanged(loans.api):
        error(
            loans.import_transaction(
                {
                    "amount_cents": 20_001,
                    "direction": "inflow",
                    "date": "2024-04-30",
                    "description": "ACH",
                    "external_id": "bank-1",
                }
            ),
            409,
            "EXTERNAL_ID_CONFLICT",
        )


def test_an_unknown_or_foreign_transaction_is_404(loans):
    theirs = import_transaction(Loans(new_api("Other Co")), "inflow")

    error(loans.transaction(MISSING_ID), 404)
    error(loans.transaction(theirs["id"]), 404)


# ---- rebooking into a payment -----------------------------------------------------------------------


@pytest.mark.parametrize("direction", ["borrow", "lend"])
def test_a_payment_from_a_transaction_reverses_its_entry_posts_the_split_and_links_them(loans, direction):
    loan = loans.instrument(direction)
    ok(loans.accrue(loan["id"], {"through_date": "2024-03-31"}))
    txn = import_transaction(loans, FITTING[direction])

    paid = ok(loans.pay(loan["id"], {"transaction_id": txn["id"], "memo": "April"}))

    # amount, cash account and date come from the transaction
    assert set(paid) == PAYMENT_FIELDS
    assert {
        k: paid[k]
        for k in (
            "transaction_id",
            "payment_amount_cents",
            "payment_date",
            "interest_cents",
            "principal_cents",
            "remaining_balance_cents",
        )
    } == {
        "transaction_id": txn["id"],
        "payment_amount_cents": 20_000,
        "payment_date": "2024-04-30",
        "interest_cents": 14_521,
        "principal_cents": 5_479,
        "remaining_balance_cents": 994_521,
    }
    if direction == "borrow":
        assert loans.lines(paid["journal_entry_id"]) == {
            ("INTEREST_PAYABLE", "DEBIT"): 10_411,
            ("INTEREST_EXPENSE", "DEBIT"): 4_110,
            ("LONG_TERM_DEBT", "DEBIT"): 5_479,
            ("CASH", "CREDIT"): 20_000,
        }
    else:
        assert loans.lines(paid["journal_entry_id"]) == {
            ("CASH", "DEBIT"): 20_000,
            ("INTEREST_RECEIVABLE", "CREDIT"): 10_411,
            ("INTEREST_INCOME", "CREDIT"): 4_110,
            ("NOTES_RECEIVABLE", "CREDIT"): 5_479,
        }

    original = loans.entry(txn["journal_entry_id"])
    assert original["reversed_by"] is not None
    reversal = loans.entry(original["reversed_by"])
    assert reversal["reverses"] == original["id"]
    assert reversal["entry_date"] == "2024-04-30"
    flipped = {"DEBIT": "CREDIT", "CREDIT": "DEBIT"}
    assert loans.lines(reversal["id"]) == {
        (name, flipped[side]): amount for (name, side), amount in loans.lines(original["id"]).items()
    }

    linked = ok(loans.transaction(txn["id"]), 200)
    assert linked["matched_payment"] == {"instrument_id": loan["id"], "payment_id": paid["payment_id"]}
    assert (linked["journal_entry_id"], linked["original_journal_entry_id"]) == (
        paid["journal_entry_id"],
        txn["journal_entry_id"],
    )

    balances = loans.balances()
    assert "UNCATEGORIZED_EXPENSES" not in balances and "UNCATEGORIZED_REVENUE" not in balances
    assert balances["CASH"] == (980_000 if direction == "borrow" else -980_000)
    assert [e["type"] for e in loans.get(loan["id"])["activity"]] == ["opening", "accrual", "payment"]


def test_given_values_equal_to_the_transaction_are_accepted_and_the_date_may_be_given(loans):
    loan = loans.instrument("borrow", interest_rate_bps=0)
    txn = import_transaction(loans, "outflow")

    paid = ok(
        loans.pay(
            loan["id"],
            {
                "transaction_id": txn["id"],
                "payment_amount_cents": 20_000,
                "cash_ledger_id": loans.cash,
                "payment_date": "2024-05-02",
            },
        )
    )

    assert (paid["payment_date"], paid["principal_cents"]) == ("2024-05-02", 20_000)


def test_a_transaction_already_matched_is_409(loans):
    first, second = loans.instrument("borrow"), loans.instrument("borrow")
    txn = import_transaction(loans, "outflow")
    ok(loans.pay(first["id"], {"transaction_id": txn["id"]}))

    with unchanged(loans.api):
        error(loans.pay(first["id"], {"transaction_id": txn["id"]}), 409, "TRANSACTION_ALREADY_MATCHED")
        error(loans.pay(second["id"], {"transaction_id": txn["id"]}), 409, "TRANSACTION_ALREADY_MATCHED")


@pytest.mark.parametrize("direction", ["borrow", "lend"])
def test_a_transaction_in_the_wrong_direction_is_400(loans, direction):
    loan = loans.instrument(direction)
    wrong = import_transaction(loans, "inflow" if direction == "borrow" else "outflow")

    with unchanged(loans.api):
        assert "transaction_id" in error(loans.pay(loan["id"], {"transaction_id": wrong["id"]}), 400)["detail"]

    assert ok(loans.transaction(wrong["id"]), 200)["matched_payment"] is None


@pytest.mark.parametrize("field", ["payment_amount_cents", "cash_ledger_id"])
def test_a_given_amount_or_cash_account_that_differs_from_the_transaction_is_400(loans, field):
    loan = loans.instrument("borrow")
    txn = import_transaction(loans, "outflow")
    conflicting = {"payment_amount_cents": 20_001, "cash_ledger_id": loans.api.accounts["ACCOUNTS_RECEIVABLE"]}

    with unchanged(loans.api):
        body = error(loans.pay(loan["id"], {"transaction_id": txn["id"], field: conflicting[field]}), 400)

    assert field in body["detail"]


def test_a_rebooking_that_would_overpay_is_400_and_leaves_the_transaction_unmatched(loans):
    loan = loans.instrument("borrow", interest_rate_bps=0, original_principal_cents=10_000)
    txn = import_transaction(loans, "outflow")

    with unchanged(loans.api):
        error(loans.pay(loan["id"], {"transaction_id": txn["id"]}), 400, "OVERPAYMENT")

    assert ok(loans.transaction(txn["id"]), 200)["matched_payment"] is None
    assert loans.entry(txn["journal_entry_id"])["reversed_by"] is None


def test_an_unknown_or_foreign_transaction_id_is_404(loans):
    loan = loans.instrument("borrow")
    theirs = import_transaction(Loans(new_api("Other Co")), "outflow")

    with unchanged(loans.api):
        error(loans.pay(loan["id"], {"transaction_id": MISSING_ID}), 404, "TRANSACTION_NOT_FOUND")
        error(loans.pay(loan["id"], {"transaction_id": theirs["id"]}), 404, "TRANSACTION_NOT_FOUND")
        error(loans.pay(MISSING_ID, {"transaction_id": theirs["id"]}), 404)
