"""Debt payments through the handler — seed 002 (SPEC §5 item 5): interest first, the part already
accrued in the ledger settling INTEREST_RECEIVABLE / INTEREST_PAYABLE and the rest going to income /
expense, then principal; paid_off; overpayment; closed instruments; event dates.

Every refusal leaves the books exactly as they were; every scenario ends with the books balanced.
Today is pinned to 2024-12-31 (UTC) unless a test pins another day.
"""

import pytest
from support import MISSING_ID, assert_books_balance, new_api, unchanged
from support.loans import PAYMENT_FIELDS, Loans, error, ok, validation_error

pytest_plugins = ["support.loans"]  # its fixtures: loans, unit_loans, pinned

# The accounts each direction's payment lines use (SPEC §5 table).
SIDES = {
    "lend": {
        "cash": "DEBIT",
        "accrued": ("INTEREST_RECEIVABLE", "CREDIT"),
        "interest": ("INTEREST_INCOME", "CREDIT"),
        "principal": ("NOTES_RECEIVABLE", "CREDIT"),
    },
    "borrow": {
        "cash": "CREDIT",
        "accrued": ("INTEREST_PAYABLE", "DEBIT"),
        "interest": ("INTEREST_EXPENSE", "DEBIT"),
        "principal": ("LONG_TERM_DEBT", "DEBIT"),
    },
}


def payment_lines(direction: str, cash: int, accrued: int = 0, interest: int = 0, principal: int = 0) -> dict:
    side = SIDES[direction]
    lines = {("CASH", side["cash"]): cash}
    for part, amount in (("accrued", accrued), ("interest", interest), ("principal", principal)):
        if amount:  # zero-amount lines are omitted
            lines[side[part]] = amount
    return lines


# ---- interest first, then principal -----------------------------------------------------------------


@pytest.mark.parametrize("direction", ["lend", "borrow"])
def test_a_payment_after_an_accrual_settles_the_accrued_part_and_books_the_rest_as_income_or_expense(loans, direction):
    loan = loans.instrument(direction)
    assert ok(loans.accrue(loan["id"], {"through_date": "2024-03-31"}))["accrued_interest_cents"] == 10_411

    paid = loans.payment(loan["id"], 20_000, "2024-04-30")

    # 30 more days on 1,000,000 at 5 % = 4,109.59 → 4,110; interest 10,411 + 4,110, principal the rest
    assert {
        k: paid[k]
        for k in (
            "interest_cents",
            "principal_cents",
            "remaining_balance_cents",
            "accrued_interest_cents",
            "status",
            "payment_date",
            "payment_amount_cents",
        )
    } == {
        "interest_cents": 14_521,
        "principal_cents": 5_479,
        "remaining_balance_cents": 994_521,
        "accrued_interest_cents": 0,
        "status": "active",
        "payment_date": "2024-04-30",
        "payment_amount_cents": 20_000,
    }
    assert loans.lines(paid["journal_entry_id"]) == payment_lines(
        direction, cash=20_000, accrued=10_411, interest=4_110, principal=5_479
    )
    entry = loans.entry(paid["journal_entry_id"])
    assert (entry["entry_date"], entry["source"]) == ("2024-04-30", {"type": "LOAN_PAYMENT", "id": paid["payment_id"]})
    if direction == "lend":
        assert loans.balances() == {"NOTES_RECEIVABLE": 994_521, "CASH": -980_000, "INTEREST_INCOME": 14_521}
    else:
        assert loans.balances() == {"LONG_TERM_DEBT": 994_521, "CASH": 980_000, "INTEREST_EXPENSE": 14_521}
    state = loans.get(loan["id"])
    assert (state["current_balance_cents"], state["accrued_interest_cents"], state["interest_through_date"]) == (
        994_521,
        0,
        "2024-04-30",
    )


@pytest.mark.parametrize("direction", ["lend", "borrow"])
def test_a_payment_without_an_accrual_books_all_its_interest_as_income_or_expense(loans, direction):
    loan = loans.instrument(direction)

    paid = loans.payment(loan["id"], 20_000, "2024-03-31")

    assert (paid["interest_cents"], paid["principal_cents"]) == (10_411, 9_589)
    assert loans.lines(paid["journal_entry_id"]) == payment_lines(
        direction, cash=20_000, interest=10_411, principal=9_589
    )


def test_a_payment_smaller_than_the_accrued_interest_only_settles_part_of_it(loans):
    loan = loans.instrument("lend")
    ok(loans.accrue(loan["id"], {"through_date": "2024-03-31"}))

    first = loans.payment(loan["id"], 5_000, "2024-03-31")

    assert (
        first["interest_cents"],
        first["principal_cents"],
        first["accrued_interest_cents"],
        first["remaining_balance_cents"],
    ) == (5_000, 0, 5_411, 1_000_000)
    assert loans.lines(first["journal_entry_id"]) == payment_lines("lend", cash=5_000, accrued=5_000)
    assert loans.balances()["INTEREST_RECEIVABLE"] == 5_411

    second = loans.payment(loan["id"], 20_000, "2024-04-30")

    # the 5,411 still in the ledger first, then 4,110 newly earned, then principal
    assert loans.lines(second["journal_entry_id"]) == payment_lines(
        "lend", cash=20_000, accrued=5_411, interest=4_110, principal=10_479
    )
    assert "INTEREST_RECEIVABLE" not in loans.balances()


def test_interest_accrues_on_the_principal_left_after_each_payment(loans):
    loan = loans.instrument("lend", interest_rate_bps=1_000, day_count="actual_360")
    loans.payment(loan["id"], 500_000, "2024-01-15")  # no interest yet: all principal

    paid = loans.payment(loan["id"], 10_000, "2024-02-14")

    # 500,000 × 10 % × 30/360 = 4,166.67
    assert (paid["interest_cents"], paid["principal_cents"]) == (4_167, 5_833)


def test_the_payment_date_defaults_to_today_in_the_business_timezone(loans):
    loan = loans.instrument("lend", interest_rate_bps=0)

    paid = ok(loans.pay(loan["id"], {"payment_amount_cents": 1_000, "cash_ledger_id": loans.cash}))

    assert paid["payment_date"] == "2024-12-31"
    assert loans.entry(paid["journal_entry_id"])["entry_date"] == "2024-12-31"


# ---- paid off, overpaid, closed ---------------------------------------------------------------------


@pytest.mark.parametrize("direction", ["lend", "borrow"])
def test_paying_all_principal_and_interest_marks_the_instrument_paid_off(loans, direction):
    loan = loans.instrument(direction)

    paid = loans.payment(loan["id"], 1_010_411, "2024-03-31")

    assert (
        paid["status"],
        paid["remaining_balance_cents"],
        paid["accrued_interest_cents"],
        paid["interest_cents"],
        paid["principal_cents"],
    ) == ("paid_off", 0, 0, 10_411, 1_000_000)
    state = loans.get(loan["id"])
    assert (state["status"], state["current_balance_cents"], state["accrued_interest_cents"]) == ("paid_off", 0, 0)
    principal_account = "NOTES_RECEIVABLE" if direction == "lend" else "LONG_TERM_DEBT"
    assert principal_account not in loans.balances()


def test_principal_beyond_the_outstanding_balance_is_400_overpayment_and_posts_nothing(loans):
    loan = loans.instrument("lend")
    before = loans.get(loan["id"])

    with unchanged(loans.api):
        body = error(
            loans.pay(
                loan["id"],
                {"payment_amount_cents": 1_010_412, "cash_ledger_id": loans.cash, "payment_date": "2024-03-31"},
            ),
            400,
            "OVERPAYMENT",
        )

    assert "payment_amount_cents" in body["detail"]
    assert loans.get(loan["id"]) == before


def test_paying_a_paid_off_instrument_is_409(loans):
    loan = loans.instrument("lend", interest_rate_bps=0)
    loans.payment(loan["id"], 1_000_000, "2024-03-31")

    with unchanged(loans.api):
        error(
            loans.pay(loan["id"], {"payment_amount_cents": 1, "cash_ledger_id": loans.cash}), 409, "INSTRUMENT_CLOSED"
        )


def test_paying_a_written_off_instrument_is_409(loans):
    loan = loans.instrument("lend")
    ok(loans.write_off(loan["id"], {"write_off_date": "2024-03-31"}))

    with unchanged(loans.api):
        error(
            loans.pay(loan["id"], {"payment_amount_cents": 1, "cash_ledger_id": loans.cash}), 409, "INSTRUMENT_CLOSED"
        )


def test_paying_an_unknown_instrument_is_404(loans):
    with unchanged(loans.api):
        error(loans.pay(MISSING_ID, {"payment_amount_cents": 1, "cash_ledger_id": loans.cash}), 404)


# ---- event dates ------------------------------------------------------------------------------------


def events(loans: Loans, instrument_id: str, day: str) -> dict:
    """Every kind of event on an instrument, dated ``day``."""
    return {
        "payment": lambda: loans.pay(
            instrument_id, {"payment_amount_cents": 100, "cash_ledger_id": loans.cash, "payment_date": day}
        ),
        "disbursement": lambda: loans.disburse(
            instrument_id, {"amount_cents": 100, "cash_ledger_id": loans.cash, "disbursement_date": day}
        ),
        "accrual": lambda: loans.accrue(instrument_id, {"through_date": day}),
        "write-off": lambda: loans.write_off(instrument_id, {"write_off_date": day}),
    }


@pytest.mark.parametrize("event", ["payment", "disbursement", "accrual", "write-off"])
def test_an_event_dated_before_interest_through_date_is_409_naming_that_date(unit_loans, event):
    loans = unit_loans  # a rule of the decision, not of the store: moto only
    loan = loans.instrument("lend")
    ok(loans.accrue(loan["id"], {"through_date": "2024-03-31"}))

    with unchanged(loans.api):
        body = error(events(loans, loan["id"], "2024-03-30")[event](), 409)

    assert "2024-03-31" in body["detail"]


@pytest.mark.parametrize("event", ["payment", "disbursement", "accrual", "write-off"])
def test_an_event_dated_before_the_start_date_is_409(unit_loans, event):
    loans = unit_loans  # a rule of the decision, not of the store: moto only
    loan = loans.instrument("lend")

    with unchanged(loans.api):
        assert "2024-01-15" in error(events(loans, loan["id"], "2024-01-14")[event](), 409)["detail"]


@pytest.mark.parametrize("event", ["payment", "disbursement", "accrual", "write-off"])
def test_an_event_dated_after_today_is_400(unit_loans, event):
    loans = unit_loans  # a rule of the decision, not of the store: moto only
    loan = loans.instrument("lend")

    with unchanged(loans.api):
        assert "2025-01-01" in error(events(loans, loan["id"], "2025-01-01")[event](), 400)["detail"]


def test_today_is_the_business_calendar_day_not_utc(loans):
    # 2024-12-31T12:00Z is already 2025-01-01 02:00 in Kiribati (UTC+14).
    client = Loans(new_api("Kiribati Co", timezone="Pacific/Kiritimati"))
    loan = client.instrument("lend", interest_rate_bps=0)

    paid = ok(client.pay(loan["id"], {"payment_amount_cents": 100, "cash_ledger_id": client.cash}))

    assert paid["payment_date"] == "2025-01-01"
    assert ok(
        client.pay(
            loan["id"], {"payment_amount_cents": 100, "cash_ledger_id": client.cash, "payment_date": "2025-01-01"}
        )
    )
    error(
        client.pay(
            loan["id"], {"payment_amount_cents": 100, "cash_ledger_id": client.cash, "payment_date": "2025-01-02"}
        ),
        400,
    )
    assert_books_balance(client.api.business_id)


def test_an_event_on_interest_through_date_itself_is_accepted(loans):
    loan = loans.instrument("lend")
    ok(loans.accrue(loan["id"], {"through_date": "2024-03-31"}))

    assert loans.payment(loan["id"], 100, "2024-03-31")["interest_cents"] == 100


# ---- seed 002: the request and the response as documented -------------------------------------------


def test_seed_002_a_payment_with_every_documented_field_returns_the_documented_envelope(loans):
    loan = loans.instrument("borrow", name="Equipment loan")

    response = loans.pay(
        loan["id"],
        {
            "payment_amount_cents": 20_000,
            "cash_ledger_id": loans.cash,
            "payment_date": "2024-03-31",
            "memo": "March instalment",
        },
    )

    data = ok(response)
    assert set(data) == PAYMENT_FIELDS
    assert {
        k: data[k] for k in ("name", "direction", "payment_date", "payment_amount_cents", "status", "transaction_id")
    } == {
        "name": "Equipment loan",
        "direction": "borrow",
        "payment_date": "2024-03-31",
        "payment_amount_cents": 20_000,
        "status": "active",
        "transaction_id": None,
    }
    assert data["principal_cents"] + data["interest_cents"] == 20_000
    assert loans.entry(data["journal_entry_id"])["memo"] == "March instalment"


def test_seed_002_the_cash_ledger_id_is_required_without_a_transaction(unit_loans):
    loan = unit_loans.instrument("lend")

    with unchanged(unit_loans.api):
        detail = validation_error(unit_loans.pay(loan["id"], {"payment_amount_cents": 100}))

    assert [d["loc"] for d in detail] == [["body", "cash_ledger_id"]]


def test_seed_002_the_amount_is_required_without_a_transaction(unit_loans):
    loan = unit_loans.instrument("lend")

    with unchanged(unit_loans.api):
        detail = validation_error(unit_loans.pay(loan["id"], {"cash_ledger_id": unit_loans.cash}))

    assert [d["loc"] for d in detail] == [["body", "payment_amount_cents"]]


@pytest.mark.parametrize(
    ("fields", "loc"),
    [
        ({"payment_amount_cents": 10.5}, ["body", "payment_amount_cents"]),
        ({"payment_amount_cents": "10"}, ["body", "payment_amount_cents"]),
        ({"payment_amount_cents": True}, ["body", "payment_amount_cents"]),
        ({"payment_amount_cents": 0}, ["body", "payment_amount_cents"]),
        ({"payment_amount_cents": 10**13 + 1}, ["body", "payment_amount_cents"]),
        ({"payment_date": "31/03/2024"}, ["body", "payment_date"]),
        ({"memo": "x" * 1_001}, ["body", "memo"]),
        ({"principal_cents": 5}, ["body", "principal_cents"]),
    ],
)
def test_an_invalid_payment_body_is_422_naming_the_field(unit_loans, fields, loc):
    loan = unit_loans.instrument("lend")

    with unchanged(unit_loans.api):
        detail = validation_error(
            unit_loans.pay(loan["id"], {"payment_amount_cents": 100, "cash_ledger_id": unit_loans.cash, **fields})
        )

    assert detail[0]["loc"] == loc


def test_malformed_json_is_422_and_posts_nothing(unit_loans):
    loan = unit_loans.instrument("lend")

    with unchanged(unit_loans.api):
        validation_error(unit_loans.pay(loan["id"], raw='{"payment_amount_cents": '))


@pytest.mark.parametrize("account", ["missing", "SALES"])
def test_a_cash_ledger_id_that_is_not_an_asset_of_this_business_is_400(unit_loans, account):
    loan = unit_loans.instrument("lend")
    ledger_id = MISSING_ID if account == "missing" else unit_loans.api.accounts[account]

    with unchanged(unit_loans.api):
        body = error(unit_loans.pay(loan["id"], {"payment_amount_cents": 100, "cash_ledger_id": ledger_id}), 400)

    assert "cash_ledger_id" in body["detail"]


# ---- Idempotency-Key --------------------------------------------------------------------------------


def test_a_repeated_idempotency_key_returns_the_first_response_and_pays_once(loans):
    loan = loans.instrument("lend", interest_rate_bps=0)
    body = {"payment_amount_cents": 1_000, "cash_ledger_id": loans.cash, "payment_date": "2024-03-31"}
    first = loans.pay(loan["id"], body, headers={"Idempotency-Key": "pay-1"})

    with unchanged(loans.api):
        again = loans.pay(loan["id"], body, headers={"Idempotency-Key": "pay-1"})

    assert (again.status, again.json()) == (201, first.json())
    assert loans.get(loan["id"])["current_balance_cents"] == 999_000


def test_an_idempotency_key_reused_for_another_payment_is_409(loans):
    loan = loans.instrument("lend", interest_rate_bps=0)
    body = {"payment_amount_cents": 1_000, "cash_ledger_id": loans.cash, "payment_date": "2024-03-31"}
    ok(loans.pay(loan["id"], body, headers={"Idempotency-Key": "pay-1"}))

    with unchanged(loans.api):
        error(
            loans.pay(loan["id"], {**body, "payment_amount_cents": 1_001}, headers={"Idempotency-Key": "pay-1"}),
            409,
            "IDEMPOTENCY_KEY_REUSED",
        )
