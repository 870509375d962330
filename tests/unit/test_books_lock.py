"""Closed periods (SPEC §10.2): the lock and its history, 409 ``PERIOD_LOCKED`` on every posting path with
nothing written, reversals of closed-period entries on the first open day, reopening, and the lock
holding against a container that has not seen it move.

Today is pinned to 2024-12-31 (UTC); the books are locked through 2024-11-30 unless a test says
otherwise. Every scenario ends with the books balanced (period rows included).
"""

from datetime import UTC, date, datetime

import pytest
from support import Api, assert_error, balanced_after, pin_clock, post_entry, sale, unchanged
from support.invoices import create_invoice, delete_write_off, invoice_body, item, pay, write_off
from support.loans import Loans, error, ok

from ledgerline.domain.periods import BooksLock
from ledgerline.store import periods

pytest_plugins = ["support.loans"]

TODAY = datetime(2024, 12, 31, 12, tzinfo=UTC)
LOCKED = "2024-11-30"
CLOSED_MOMENT = "2024-11-15T12:00:00Z"
OPEN_MOMENT = "2024-12-02T12:00:00Z"

books_stay_balanced = balanced_after("api")


@pytest.fixture(autouse=True)
def today(monkeypatch: pytest.MonkeyPatch) -> None:
    pin_clock(monkeypatch, TODAY)


def lock_path(client: Api) -> str:
    return f"{client.base}/books/lock"


def lock(client: Api, locked_through: str | None, **kwargs):
    return client.request("PUT", lock_path(client), json_body={"locked_through": locked_through}, **kwargs)


def locked(client: Api, locked_through: str = LOCKED) -> dict:
    response = lock(client, locked_through)
    assert response.status == 200, response.body
    return response.json()


def assert_period_locked(response) -> None:
    body = assert_error(response, 409, "Conflict", "PeriodIsClosed")
    assert LOCKED in body["description"]
    assert body["meta"] == {"locked_through": LOCKED}


# ---- the lock resource -----------------------------------------------------------------------------


def test_a_new_business_has_every_period_open(api: Api) -> None:
    response = api.get(lock_path(api))

    assert response.status == 200
    assert response.json() == {
        "business_id": api.business_id,
        "locked_through": None,
        "first_open_day": None,
        "updated_at": None,
        "history": [],
    }


def test_locking_and_moving_back_are_each_recorded(api: Api) -> None:
    first = locked(api)
    assert (first["locked_through"], first["first_open_day"]) == (LOCKED, "2024-12-01")

    reopened = locked(api, "2024-10-31")
    again = lock(api, None).json()

    assert reopened["locked_through"] == "2024-10-31"
    assert again["locked_through"] is None
    history = api.get(lock_path(api)).json()["history"]
    assert [(c["previous"], c["locked_through"]) for c in history] == [
        (None, LOCKED),
        (LOCKED, "2024-10-31"),
        ("2024-10-31", None),
    ]
    assert all(c["changed_at"] for c in history)


def test_the_same_lock_date_again_records_nothing(api: Api) -> None:
    locked(api)
    locked(api)

    assert len(api.get(lock_path(api)).json()["history"]) == 1


def test_a_keyed_lock_replays_its_first_answer(api: Api) -> None:
    first = lock(api, LOCKED, headers={"Idempotency-Key": "close-november"})
    second = lock(api, LOCKED, headers={"Idempotency-Key": "close-november"})

    assert (first.status, second.status) == (200, 200)
    assert first.json() == second.json()
    assert len(api.get(lock_path(api)).json()["history"]) == 1


@pytest.mark.parametrize(
    ("value", "field"),
    [("2025-01-01", "locked_through"), ("2024-13-01", "locked_through"), (20241130, "locked_through")],
)
def test_a_lock_after_today_or_not_a_date_is_400_and_changes_nothing(api: Api, value, field) -> None:
    with unchanged(api):
        response = lock(api, value)

    assert response.status == 400
    assert field in response.body.decode()
    assert api.get(lock_path(api)).json()["locked_through"] is None


def test_an_unknown_business_is_404(api: Api) -> None:
    other = f"/v1/businesses/{'0' * 8}-0000-4000-8000-{'0' * 12}/books/lock"
    assert api.request("PUT", other, json_body={"locked_through": LOCKED}).status in (403, 404)


# ---- posting into a closed period ------------------------------------------------------------------


def test_a_custom_entry_dated_in_a_closed_period_is_409_and_writes_nothing(api: Api) -> None:
    locked(api)

    with unchanged(api):
        response = post_entry(api, sale(entry_at=CLOSED_MOMENT))
        on_the_lock_date = post_entry(api, sale(entry_at="2024-11-30T23:59:59Z"))

    assert_period_locked(response)
    assert_period_locked(on_the_lock_date)
    assert post_entry(api, sale(entry_at=OPEN_MOMENT)).status == 201


def test_the_lock_date_is_the_business_s_own_day(table: str) -> None:
    """2024-12-01T03:00Z is still November 30 in Los Angeles: closed there."""
    from support import new_api

    pacific = new_api("Pacific Co", timezone="America/Los_Angeles")
    locked(pacific)

    with unchanged(pacific):
        assert_period_locked(post_entry(pacific, sale(entry_at="2024-12-01T03:00:00Z")))


def test_invoices_their_payments_and_write_offs_in_a_closed_period_are_409(api: Api) -> None:
    invoice = create_invoice(api, item(10_000), sent_at="2024-11-10T12:00:00Z")
    locked(api)

    with unchanged(api):
        assert_period_locked(api.post(f"{api.base}/invoices", invoice_body(item(5_000), sent_at=CLOSED_MOMENT)))
        assert_period_locked(pay(api, invoice["id"], 1_000, paid_at=CLOSED_MOMENT))
        assert_period_locked(write_off(api, invoice["id"], {"write_off_at": CLOSED_MOMENT}))

    assert pay(api, invoice["id"], 1_000, paid_at=OPEN_MOMENT).status == 201


@pytest.fixture
def lender(api: Api, pinned: None) -> Loans:
    return Loans(api)


def test_every_loan_event_in_a_closed_period_is_409(lender: Loans) -> None:
    loan = lender.instrument("lend", start_date="2024-01-15", disbursement_date=None)
    locked(lender.api)

    with unchanged(lender.api):
        error(
            lender.create(
                {
                    "name": "Old",
                    "lender": "Us",
                    "direction": "lend",
                    "original_principal_cents": 5_000,
                    "interest_rate_bps": 500,
                    "start_date": "2024-11-01",
                    "maturity_date": "2025-11-01",
                    "cash_ledger_id": lender.cash,
                }
            ),
            409,
            "PERIOD_LOCKED",
        )
        error(
            lender.pay(
                loan["id"], {"payment_amount_cents": 1_000, "cash_ledger_id": lender.cash, "payment_date": "2024-11-20"}
            ),
            409,
            "PERIOD_LOCKED",
        )
        error(lender.accrue(loan["id"], {"through_date": "2024-11-30"}), 409, "PERIOD_LOCKED")
        error(
            lender.disburse(
                loan["id"], {"amount_cents": 1_000, "cash_ledger_id": lender.cash, "disbursement_date": "2024-11-20"}
            ),
            409,
            "PERIOD_LOCKED",
        )
        error(lender.write_off(loan["id"], {"write_off_date": "2024-11-20"}), 409, "PERIOD_LOCKED")
        error(
            lender.import_transaction(
                {
                    "amount_cents": 1_000,
                    "direction": "inflow",
                    "date": "2024-11-20",
                    "description": "Wire",
                    "cash_ledger_id": lender.cash,
                }
            ),
            409,
            "PERIOD_LOCKED",
        )

    ok(lender.accrue(loan["id"], {"through_date": "2024-12-15"}))


# ---- reversals of closed-period entries ---------------------------------------------------------------


def test_deleting_a_custom_entry_of_a_closed_period_reverses_it_on_the_first_open_day(api: Api) -> None:
    original = post_entry(api, sale(4_000, entry_at=CLOSED_MOMENT)).json()
    locked(api)

    response = api.delete(f"{api.base}/custom-journal-entries/{original['id']}")

    assert response.status == 200, response.body
    body = response.json()
    assert (body["entry_date"], body["reversal_date"]) == ("2024-12-01", "2024-12-01")
    assert body["entry_at"] == "2024-12-01T00:00:00Z"
    assert body["reverses"] == original["id"]


def test_deleting_an_open_period_entry_keeps_seed_001_s_answer(api: Api) -> None:
    original = post_entry(api, sale(4_000, entry_at=OPEN_MOMENT)).json()
    locked(api)

    body = api.delete(f"{api.base}/custom-journal-entries/{original['id']}").json()

    assert body["entry_date"] == "2024-12-02"
    assert "reversal_date" not in body


def test_deleting_an_invoice_write_off_of_a_closed_period_reverses_it_on_the_first_open_day(api: Api) -> None:
    invoice = create_invoice(api, item(10_000), sent_at="2024-10-10T12:00:00Z")
    written = write_off(api, invoice["id"], {"write_off_at": CLOSED_MOMENT}).json()
    locked(api)

    response = delete_write_off(api, invoice["id"], written["id"])

    assert response.status == 200, response.body
    assert response.json()["reversal_date"] == "2024-12-01"


def test_voiding_an_invoice_of_a_closed_period_reverses_it_on_the_first_open_day(api: Api) -> None:
    invoice = create_invoice(api, item(10_000), sent_at="2024-10-10T12:00:00Z")
    locked(api)

    response = api.post(f"{api.base}/invoices/{invoice['id']}/void", {})

    assert response.status == 200, response.body
    assert response.json()["reversal_date"] == "2024-12-01"


# ---- the lock against stale containers ----------------------------------------------------------------


def test_a_container_that_never_saw_the_lock_is_still_refused(api: Api) -> None:
    locked(api)
    periods.forget()  # another container: it has never read this business's lock

    with unchanged(api):
        assert_period_locked(post_entry(api, sale(entry_at=CLOSED_MOMENT)))


def test_a_container_that_saw_an_older_lock_still_posts_once_it_reopened(api: Api) -> None:
    locked(api)
    lock(api, None)
    periods.remember(api.business_id, BooksLock(date(2024, 11, 30)))  # a stale hint: "closed"

    assert post_entry(api, sale(entry_at=CLOSED_MOMENT)).status == 201


def test_a_reversal_in_a_container_that_never_saw_the_lock_still_goes_to_the_first_open_day(api: Api) -> None:
    original = post_entry(api, sale(4_000, entry_at=CLOSED_MOMENT)).json()
    locked(api)
    periods.forget()

    body = api.delete(f"{api.base}/custom-journal-entries/{original['id']}").json()

    assert body["reversal_date"] == "2024-12-01"


# ---- a closed period never changes, whatever is tried after the lock ---------------------------------

ACCOUNTS = ("CASH", "SALES", "OPENING_BALANCE_EQUITY", "BAD_DEBT", "UNCATEGORIZED_EXPENSES")


def closed_part(client: Api) -> tuple[dict, list]:
    """What the closed period holds: each account's moves per day through the lock (from the period rows
    reports read) and the entries dated in it."""
    from support.books import period_moves  # noqa: PLC0415 - only this check needs the raw rows

    entries = client.get(f"{client.base}/ledger/entries", query=f"end_date={LOCKED}&limit=100").json()["data"]
    return (
        {key: cents for key, cents in period_moves(client.business_id).items() if key[1] <= LOCKED},
        sorted(e["id"] for e in entries),
    )


def _moment(rng) -> str:
    day = date(2024, 10, 1) + (date(2024, 12, 30) - date(2024, 10, 1)) * rng.random()
    return f"{day.isoformat()}T{rng.randrange(24):02d}:00:00Z"


def _random_change(client: Api, rng, made: dict) -> None:
    """One random posting or reversal, on any path (custom entries and their deletion, invoices, payments,
    write-offs and their deletion, voids, loan payments and accruals, bank transactions), dated anywhere
    from October to December."""
    choice = rng.randrange(9)
    if choice == 0:
        debit, credit = rng.sample(ACCOUNTS, 2)
        response = post_entry(
            client,
            {
                "line_items": [
                    {
                        "account_identifier": {"type": "StableName", "stable_name": debit},
                        "amount": 100,
                        "direction": "DEBIT",
                    },
                    {
                        "account_identifier": {"type": "StableName", "stable_name": credit},
                        "amount": 100,
                        "direction": "CREDIT",
                    },
                ],
                "entry_at": _moment(rng),
            },
        )
        if response.status == 201:
            made["entries"].append(response.json()["id"])
    elif choice == 1:
        response = client.post(
            f"{client.base}/invoices", invoice_body(item(rng.randrange(1, 50) * 100), sent_at=_moment(rng), due_at=None)
        )
        if response.status == 201:
            made["invoices"].append(response.json()["id"])
    elif choice == 2 and made["invoices"]:
        pay(client, rng.choice(made["invoices"]), 100, paid_at=_moment(rng))
    elif choice == 3 and made["invoices"]:
        response = write_off(client, rng.choice(made["invoices"]), {"amount": 100, "write_off_at": _moment(rng)})
        if response.status == 201:
            made["write_offs"].append((response.json()["invoice_id"], response.json()["id"]))
    elif choice == 4 and made["write_offs"]:
        delete_write_off(client, *made["write_offs"].pop(rng.randrange(len(made["write_offs"]))))
    elif choice == 5 and made["entries"]:
        client.delete(
            f"{client.base}/custom-journal-entries/{made['entries'].pop(rng.randrange(len(made['entries'])))}"
        )
    elif choice == 6:
        loans = Loans(client)
        loans.pay(
            made["loan"], {"payment_amount_cents": 500, "cash_ledger_id": loans.cash, "payment_date": _moment(rng)[:10]}
        )
    elif choice == 7:
        loans = Loans(client)
        loans.import_transaction(
            {
                "amount_cents": 300,
                "direction": rng.choice(["inflow", "outflow"]),
                "date": _moment(rng)[:10],
                "description": "Wire",
            }
        )
    elif choice == 8:
        Loans(client).accrue(made["loan"], {"through_date": _moment(rng)[:10]})
    if rng.random() < 0.1 and made["invoices"]:
        client.post(f"{client.base}/invoices/{rng.choice(made['invoices'])}/void", {})


@pytest.mark.parametrize("seed", range(4))
def test_a_closed_period_never_changes_whatever_is_posted_after_the_lock(unit_api: Api, seed: int) -> None:
    import random  # noqa: PLC0415

    rng = random.Random(seed)
    made: dict = {
        "entries": [],
        "invoices": [],
        "write_offs": [],
        "loan": Loans(unit_api).instrument("lend", start_date="2024-09-15")["id"],
    }
    for _ in range(25):
        _random_change(unit_api, rng, made)
    locked(unit_api)
    before = closed_part(unit_api)

    for _ in range(40):
        _random_change(unit_api, rng, made)

    assert closed_part(unit_api) == before


# ---- runs skip closed dates --------------------------------------------------------------------------


def test_a_write_off_run_on_a_closed_date_skips_every_candidate_and_posts_nothing(api: Api) -> None:
    from support.write_offs import run, set_policy  # noqa: PLC0415 - the write-off family's helpers

    set_policy(api, days_past_due=30)
    overdue = create_invoice(api, item(10_000), sent_at="2024-06-01T12:00:00Z", due_at="2024-07-01T12:00:00Z")
    locked(api)

    with unchanged(api):
        summary = run(api, "2024-11-29")

    assert summary["written_off"] == []
    assert [(s["id"], s["reason"]) for s in summary["skipped"]] == [
        (overdue["id"], "period closed: the books are locked through 2024-11-30")
    ]
    assert summary["failed"] == []
    assert [w["id"] for w in run(api, "2024-12-01")["written_off"]] == [overdue["id"]]  # the open day still works


def test_an_accrual_run_through_a_closed_date_skips_every_instrument(lender: Loans) -> None:
    loan = lender.instrument("lend", start_date="2024-01-15")
    locked(lender.api)

    with unchanged(lender.api):
        body = ok(lender.accrue_all({"through_date": "2024-11-30"}))

    assert body["accrued"] == [] and body["failed"] == []
    assert [(s["instrument_id"], s["reason"]) for s in body["skipped"]] == [
        (loan["id"], "period closed: the books are locked through 2024-11-30")
    ]
    assert ok(lender.accrue_all({"through_date": "2024-12-31"}))["totals"]["accrued"] == 1
