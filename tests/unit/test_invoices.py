"""Invoices through the handlers (SPEC §6.1–6.2): create, pay, void, list, and the status rule.

Every scenario ends with the books balanced, a trial balance whose totals agree, and
ACCOUNTS_RECEIVABLE equal to the outstanding balances of the business's live invoices; every
refusal leaves the books as they were. The helpers are in tests/support/invoices.py.
"""

import pytest
from support import (
    MISSING_ID,
    Api,
    CallCounter,
    IndexReads,
    assert_error,
    balanced_after,
    balances,
    books,
    by_id,
    error_fields,
    get_entry,
    lines_of,
    stable,
)
from support.invoices import (
    all_invoices,
    assert_balanced_with_receivable,
    create_invoice,
    delete_write_off,
    get_invoice,
    invoice_body,
    invoice_path,
    item,
    moved,
    pay,
    write_off,
)

pytest_plugins = ["support.invoices"]  # its fixtures: other_api, la_api


@pytest.fixture
def api(unit_api: Api) -> Api:
    """A fresh business on a fresh moto table (a moto transaction copies the whole table, so
    sharing one table across tests makes every write slower than a new table)."""
    return unit_api


# SPEC §4 and §6: after every scenario the books balance and AR matches the invoices.
books_stay_balanced = balanced_after("api", "other_api", "la_api", check=assert_balanced_with_receivable)


# ---- create -----------------------------------------------------------------------------------------

ROUNDING_CASES = [  # (unit_price, quantity, round half-even of the product)
    (333, "0.5", 166),  # 166.5: a tie goes to the even cent
    (335, "0.5", 168),  # 167.5: a tie goes to the even cent
    (3, "1.5", 4),  # 4.5
    (5, "2.5", 12),  # 12.5
    (7, "0.5", 4),  # 3.5
    (101, "0.25", 25),  # 25.25
    (199, "0.125", 25),  # 24.875
    (1, "0.51", 1),  # 0.51
    (125, "3", 375),
    (333, 0.5, 166),  # a JSON number quantity is read as its decimal text, not a binary float
]


def test_a_line_amount_is_unit_price_times_quantity_rounded_half_even(api):
    invoice = create_invoice(api, *[item(price, quantity) for price, quantity, _ in ROUNDING_CASES])

    expected = [amount for _, _, amount in ROUNDING_CASES]
    assert [line["total_amount"] for line in invoice["line_items"]] == expected
    assert (invoice["total_amount"], invoice["subtotal"], invoice["outstanding_balance"]) == (sum(expected),) * 3
    assert lines_of(get_entry(api, invoice["journal_entry_id"])) == [
        ("ACCOUNTS_RECEIVABLE", "DEBIT", sum(expected)),
        ("SALES", "CREDIT", sum(expected)),
    ]


def test_create_posts_dr_receivable_total_and_cr_each_lines_revenue_account(api):
    custom = api.post(f"{api.base}/ledger/accounts", {"name": "Consulting Revenue", "account_type": "REVENUE"})
    assert custom.status == 201, custom.json()
    before = balances(api)

    invoice = create_invoice(
        api,
        item(333, "0.5"),  # default SALES: 166
        item(335, "0.5", account_identifier=stable("SALES")),  # SALES: 168
        item(1_000, "2", account_identifier=stable("UNCATEGORIZED_REVENUE")),  # 2000
        item(250, "1.5", account_identifier=by_id(custom.json()["id"])),  # 375
        memo="January work",
        tags=[{"key": "region", "value": "west"}],
    )

    assert invoice["status"] == "SENT"
    assert [line["total_amount"] for line in invoice["line_items"]] == [166, 168, 2_000, 375]
    assert invoice["total_amount"] == invoice["outstanding_balance"] == 2_709
    assert invoice["line_items"][0]["account_identifier"] == by_id(api.accounts["SALES"])
    assert invoice["line_items"][3]["account_identifier"] == by_id(custom.json()["id"])
    entry = get_entry(api, invoice["journal_entry_id"])
    assert lines_of(entry) == [
        ("ACCOUNTS_RECEIVABLE", "DEBIT", 2_709),
        ("CONSULTING_REVENUE", "CREDIT", 375),
        ("SALES", "CREDIT", 334),
        ("UNCATEGORIZED_REVENUE", "CREDIT", 2_000),
    ]
    assert entry["source"] == {"type": "INVOICE", "id": invoice["id"]}
    assert [(t["key"], t["value"]) for t in entry["transaction_tags"]] == [("region", "west")]
    assert [(t["key"], t["value"]) for t in invoice["transaction_tags"]] == [("region", "west")]
    assert moved(before, balances(api)) == {
        "ACCOUNTS_RECEIVABLE": 2_709,
        "SALES": 334,
        "UNCATEGORIZED_REVENUE": 2_000,
        "CONSULTING_REVENUE": 375,
    }


def test_create_returns_the_invoice_as_a_bare_object(api):
    invoice = create_invoice(api, item(10_000), external_id="inv-ext-1")

    assert {
        "id",
        "type",
        "business_id",
        "external_id",
        "invoice_number",
        "customer_external_id",
        "status",
        "sent_at",
        "due_at",
        "paid_at",
        "voided_at",
        "line_items",
        "subtotal",
        "total_amount",
        "outstanding_balance",
        "payments",
        "write_offs",
        "memo",
        "transaction_tags",
    } <= set(invoice)
    assert (invoice["type"], invoice["business_id"], invoice["external_id"]) == (
        "Invoice",
        api.business_id,
        "inv-ext-1",
    )
    assert (invoice["invoice_number"], invoice["customer_external_id"]) == ("INV-1", "cust-1")
    assert (invoice["payments"], invoice["write_offs"], invoice["paid_at"], invoice["voided_at"]) == (
        [],
        [],
        None,
        None,
    )
    assert set(invoice["line_items"][0]) == {
        "id",
        "description",
        "product",
        "unit_price",
        "quantity",
        "account_identifier",
        "total_amount",
    }
    assert get_invoice(api, invoice["id"]) == invoice


def test_the_invoice_entry_date_is_sent_at_in_the_business_timezone(la_api):
    invoice = create_invoice(la_api, sent_at="2024-03-01T02:00:00Z")  # 2024-02-29 18:00 in Los Angeles

    assert get_entry(la_api, invoice["journal_entry_id"])["entry_date"] == "2024-02-29"


def test_the_same_external_id_with_the_same_content_returns_the_same_invoice_once(api):
    first = api.post(f"{api.base}/invoices", invoice_body(external_id="inv-42"))
    again = api.post(f"{api.base}/invoices", invoice_body(external_id="inv-42"))

    assert (first.status, again.status) == (201, 200)
    assert again.json() == first.json()
    assert books(api.business_id)["entries"] == [first.json()["journal_entry_id"]]
    assert [i["id"] for i in all_invoices(api)] == [first.json()["id"]]


def test_the_same_external_id_with_different_content_is_a_conflict(api):
    first = create_invoice(api, external_id="inv-42")
    before = books(api.business_id)

    response = api.post(f"{api.base}/invoices", invoice_body(item(20_000), external_id="inv-42"))

    assert_error(response, 409, "Conflict", "ExternalIdConflict")
    assert books(api.business_id) == before
    assert [i["id"] for i in all_invoices(api)] == [first["id"]]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda b: b["line_items"][0].update(quantity="0"), "line_items.0.quantity"),
        (lambda b: b["line_items"][0].update(quantity="-1"), "line_items.0.quantity"),
        (lambda b: b["line_items"][0].update(quantity=-0.5), "line_items.0.quantity"),
        (lambda b: b["line_items"][0].update(unit_price=10.5), "line_items.0.unit_price"),
        (lambda b: b["line_items"][0].update(unit_price="10"), "line_items.0.unit_price"),
        (lambda b: b["line_items"][0].update(unit_price=True), "line_items.0.unit_price"),
        (lambda b: b["line_items"][0].update(unit_price=0), "line_items.0.unit_price"),
        (lambda b: b["line_items"][0].update(unit_price=-100), "line_items.0.unit_price"),
        (lambda b: b["line_items"][0].update(colour="red"), "line_items.0.colour"),
        (lambda b: b.update(line_items=[]), "line_items"),
        (lambda b: b.update(line_items=[item(100)] * 51), "line_items"),
        (lambda b: b.pop("line_items"), "line_items"),
        (lambda b: b.update(discount=5), "discount"),
        (lambda b: b.update(tags=[{"key": f"k{i}", "value": "v"} for i in range(21)]), "tags"),
        (lambda b: b.update(tags=[{"key": "k", "value": "v" * 101}]), "tags.0.value"),
        (lambda b: b.update(sent_at="2024-01-15"), "sent_at"),
        (lambda b: b.update(sent_at="2024-01-15T10:00:00"), "sent_at"),
        (lambda b: b.update(memo="m" * 1001), "memo"),
        (
            lambda b: b["line_items"][0].update(account_identifier={"type": "Name", "name": "SALES"}),
            "line_items.0.account_identifier",
        ),
    ],
    ids=[
        "quantity-0",
        "quantity-negative",
        "quantity-negative-number",
        "unit-price-10.5",
        "unit-price-string",
        "unit-price-true",
        "unit-price-0",
        "unit-price-negative",
        "unknown-line-field",
        "no-line-items",
        "51-line-items",
        "missing-line-items",
        "unknown-field",
        "21-tags",
        "long-tag-value",
        "sent-at-date-only",
        "sent-at-without-offset",
        "long-memo",
        "bad-account-identifier",
    ],
)
def test_an_invalid_invoice_is_refused_naming_the_field_and_posts_nothing(api, change, field):
    body = invoice_body()
    change(body)
    before = books(api.business_id)

    response = api.post(f"{api.base}/invoices", body)

    assert any(found == field or found.startswith(field + ".") for found in error_fields(response)), response.json()
    assert books(api.business_id) == before
    assert all_invoices(api) == []


def test_fifty_line_items_are_accepted(api):
    invoice = create_invoice(api, *[item(100)] * 50)

    assert len(invoice["line_items"]) == 50
    assert invoice["total_amount"] == 5_000
    assert lines_of(get_entry(api, invoice["journal_entry_id"])) == [
        ("ACCOUNTS_RECEIVABLE", "DEBIT", 5_000),
        ("SALES", "CREDIT", 5_000),
    ]


def test_a_line_that_rounds_to_zero_cents_is_refused(api):
    before = books(api.business_id)

    response = api.post(f"{api.base}/invoices", invoice_body(item(100), item(1, "0.4")))

    assert error_fields(response) == ["line_items.1.quantity"]
    assert books(api.business_id) == before


@pytest.mark.parametrize("identifier", [stable("NO_SUCH_ACCOUNT"), by_id(MISSING_ID)], ids=["stable-name", "id"])
def test_an_unknown_revenue_account_is_refused_naming_the_line(api, identifier):
    before = books(api.business_id)

    response = api.post(f"{api.base}/invoices", invoice_body(item(100), item(200, account_identifier=identifier)))

    assert error_fields(response) == ["line_items.1.account_identifier"]
    assert books(api.business_id) == before


def test_an_account_of_another_business_is_an_unknown_account(api, other_api):
    before = books(api.business_id)

    response = api.post(
        f"{api.base}/invoices", invoice_body(item(100, account_identifier=by_id(other_api.accounts["SALES"])))
    )

    assert error_fields(response) == ["line_items.0.account_identifier"]
    assert books(api.business_id) == before


def test_malformed_json_is_a_400_that_posts_nothing(api):
    before = books(api.business_id)

    response = api.request("POST", f"{api.base}/invoices", body='{"line_items": [')

    assert_error(response, 400, "InvalidParameters", "InvalidPayload")
    assert books(api.business_id) == before


# ---- reading ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("invoice_id", [MISSING_ID, "not-a-uuid"])
def test_an_unknown_invoice_is_not_found(api, invoice_id):
    response = api.get(invoice_path(api, invoice_id))

    assert_error(
        response, 404, "ResourceNotFound", "InvoiceNotFound" if invoice_id == MISSING_ID else "SpecifiedIdNotFound"
    )


def test_another_business_invoice_is_not_found(api, other_api):
    theirs = create_invoice(other_api)

    assert_error(api.get(invoice_path(api, theirs["id"])), 404, "ResourceNotFound", "InvoiceNotFound")
    assert_error(api.get(invoice_path(other_api, theirs["id"])), 403, "AuthFailure", None)


# ---- status transitions (SPEC §6) ---------------------------------------------------------------------


def status_after(client: Api, invoice_id: str) -> tuple[str, int]:
    invoice = get_invoice(client, invoice_id)
    return invoice["status"], invoice["outstanding_balance"]


def test_payments_move_sent_to_partially_paid_to_paid(api):
    invoice = create_invoice(api, item(10_000))
    assert status_after(api, invoice["id"]) == ("SENT", 10_000)

    assert pay(api, invoice["id"], 4_000).status == 201
    assert status_after(api, invoice["id"]) == ("PARTIALLY_PAID", 6_000)
    assert get_invoice(api, invoice["id"])["paid_at"] is None

    assert pay(api, invoice["id"], 6_000, paid_at="2024-02-20T09:30:00Z").status == 201
    assert status_after(api, invoice["id"]) == ("PAID", 0)
    paid = get_invoice(api, invoice["id"])
    assert paid["paid_at"] == "2024-02-20T09:30:00Z"
    assert [p["amount"] for p in paid["payments"]] == [4_000, 6_000]


def test_write_offs_move_sent_to_partially_written_off_to_written_off(api):
    invoice = create_invoice(api, item(10_000))

    assert write_off(api, invoice["id"], {"amount": 2_500}).status == 201
    assert status_after(api, invoice["id"]) == ("PARTIALLY_WRITTEN_OFF", 7_500)

    assert write_off(api, invoice["id"]).status == 201  # the rest
    assert status_after(api, invoice["id"]) == ("WRITTEN_OFF", 0)


def test_a_partial_payment_then_a_write_off_of_the_rest_is_written_off(api):
    invoice = create_invoice(api, item(10_000))

    pay(api, invoice["id"], 7_000)
    assert status_after(api, invoice["id"]) == ("PARTIALLY_PAID", 3_000)
    assert write_off(api, invoice["id"], {"amount": 1_000}).status == 201
    assert status_after(api, invoice["id"]) == ("PARTIALLY_WRITTEN_OFF", 2_000)
    assert write_off(api, invoice["id"]).json()["amount"] == 2_000
    assert status_after(api, invoice["id"]) == ("WRITTEN_OFF", 0)


def test_a_write_off_then_a_payment_of_the_rest_is_written_off_not_paid(api):
    invoice = create_invoice(api, item(10_000))

    write_off(api, invoice["id"], {"amount": 1_000})
    assert pay(api, invoice["id"], 9_000).status == 201

    assert status_after(api, invoice["id"]) == ("WRITTEN_OFF", 0)


def test_deleting_the_write_off_of_a_mixed_invoice_restores_partially_paid(api):
    invoice = create_invoice(api, item(10_000))
    written = write_off(api, invoice["id"], {"amount": 1_000}).json()
    pay(api, invoice["id"], 9_000)

    assert delete_write_off(api, invoice["id"], written["id"]).status == 200

    restored = get_invoice(api, invoice["id"])
    assert (restored["status"], restored["outstanding_balance"]) == ("PARTIALLY_PAID", 1_000)
    assert restored["write_offs"] == []
    assert restored["paid_at"] is None  # no longer paid in full
    assert pay(api, invoice["id"], 1_000).status == 201
    assert status_after(api, invoice["id"]) == ("PAID", 0)


def test_deleting_the_only_write_off_restores_sent(api):
    invoice = create_invoice(api, item(10_000))
    written = write_off(api, invoice["id"]).json()
    assert status_after(api, invoice["id"]) == ("WRITTEN_OFF", 0)

    assert delete_write_off(api, invoice["id"], written["id"]).status == 200

    assert status_after(api, invoice["id"]) == ("SENT", 10_000)


def test_deleting_one_of_two_write_offs_keeps_partially_written_off(api):
    invoice = create_invoice(api, item(10_000))
    first = write_off(api, invoice["id"], {"amount": 1_000}).json()
    write_off(api, invoice["id"], {"amount": 9_000})
    assert status_after(api, invoice["id"]) == ("WRITTEN_OFF", 0)

    delete_write_off(api, invoice["id"], first["id"])

    assert status_after(api, invoice["id"]) == ("PARTIALLY_WRITTEN_OFF", 1_000)


# ---- payments ---------------------------------------------------------------------------------------


def test_a_payment_posts_dr_cash_cr_receivable_dated_paid_at(api):
    invoice = create_invoice(api, item(10_000))
    before = balances(api)

    response = pay(api, invoice["id"], 4_000, memo="First instalment", external_id="pay-1")

    assert response.status == 201, response.json()
    payment = response.json()
    assert {k: payment[k] for k in ("invoice_id", "amount", "method", "external_id", "memo", "paid_at")} == {
        "invoice_id": invoice["id"],
        "amount": 4_000,
        "method": "ACH",
        "external_id": "pay-1",
        "memo": "First instalment",
        "paid_at": "2024-02-01T12:00:00Z",
    }
    assert payment["payment_clearing_account"] == by_id(api.accounts["CASH"])
    entry = get_entry(api, payment["journal_entry_id"])
    assert lines_of(entry) == [("ACCOUNTS_RECEIVABLE", "CREDIT", 4_000), ("CASH", "DEBIT", 4_000)]
    assert entry["entry_date"] == "2024-02-01"
    assert moved(before, balances(api)) == {"CASH": 4_000, "ACCOUNTS_RECEIVABLE": -4_000}


@pytest.mark.parametrize("identifier", ["stable", "id"])
def test_a_payment_may_clear_through_another_account(api, identifier):
    clearing = api.post(f"{api.base}/ledger/accounts", {"name": "Stripe Clearing", "account_type": "ASSET"}).json()
    account = stable("STRIPE_CLEARING") if identifier == "stable" else by_id(clearing["id"])
    invoice = create_invoice(api, item(10_000))
    before = balances(api)

    payment = pay(api, invoice["id"], 10_000, payment_clearing_account_identifier=account).json()

    assert payment["payment_clearing_account"] == by_id(clearing["id"])
    assert lines_of(get_entry(api, payment["journal_entry_id"])) == [
        ("ACCOUNTS_RECEIVABLE", "CREDIT", 10_000),
        ("STRIPE_CLEARING", "DEBIT", 10_000),
    ]
    assert moved(before, balances(api)) == {"STRIPE_CLEARING": 10_000, "ACCOUNTS_RECEIVABLE": -10_000}


def test_a_payment_dated_in_the_business_timezone(la_api):
    invoice = create_invoice(la_api, item(10_000))

    payment = pay(la_api, invoice["id"], 100, paid_at="2024-02-01T05:00:00Z").json()  # Jan 31, 21:00 in LA

    assert get_entry(la_api, payment["journal_entry_id"])["entry_date"] == "2024-01-31"


def test_a_payment_over_the_outstanding_balance_is_refused(api):
    invoice = create_invoice(api, item(10_000))
    pay(api, invoice["id"], 6_000)
    before = books(api.business_id)

    response = pay(api, invoice["id"], 4_001)

    assert error_fields(response) == ["amount"]
    assert books(api.business_id) == before
    assert status_after(api, invoice["id"]) == ("PARTIALLY_PAID", 4_000)


@pytest.mark.parametrize(
    "body",
    [
        {"amount": 0},
        {"amount": -5},
        {"amount": 10.5},
        {"amount": "100"},
        {"amount": True},
        {},
        {"amount": 100, "method": "BITCOIN"},
        {"amount": 100, "tip": 5},
        {"amount": 100, "payment_clearing_account_identifier": stable("NO_SUCH")},
    ],
    ids=["zero", "negative", "fraction", "string", "bool", "missing", "bad-method", "unknown-field", "unknown-account"],
)
def test_an_invalid_payment_is_refused_and_posts_nothing(api, body):
    invoice = create_invoice(api, item(10_000))
    before = books(api.business_id)

    response = api.post(invoice_path(api, invoice["id"], "/payment"), body)

    assert error_fields(response)
    assert books(api.business_id) == before


def test_a_payment_dated_after_today_is_refused(api):
    invoice = create_invoice(api, item(10_000))
    before = books(api.business_id)

    response = pay(api, invoice["id"], 100, paid_at="2999-01-01T00:00:00Z")

    assert error_fields(response) == ["paid_at"]
    assert books(api.business_id) == before


@pytest.mark.parametrize("state", ["voided", "paid"])
def test_a_payment_on_a_voided_or_paid_invoice_is_an_invoice_state_error(api, state):
    invoice = create_invoice(api, item(10_000))
    if state == "voided":
        assert api.post(invoice_path(api, invoice["id"], "/void")).status == 200
    else:
        pay(api, invoice["id"], 10_000)
    before = books(api.business_id)

    response = pay(api, invoice["id"], 1)

    assert_error(response, 409, "InvalidState", "InvoiceStateError")
    assert books(api.business_id) == before


def test_a_payment_on_an_unknown_invoice_is_not_found(api):
    before = books(api.business_id)

    assert_error(pay(api, MISSING_ID, 100), 404, "ResourceNotFound", "InvoiceNotFound")
    assert books(api.business_id) == before


def test_the_same_payment_external_id_and_content_returns_the_first_payment(api):
    invoice = create_invoice(api, item(10_000))

    first = pay(api, invoice["id"], 4_000, external_id="pay-1")
    again = pay(api, invoice["id"], 4_000, external_id="pay-1")

    assert (first.status, again.status) == (201, 200)
    assert again.json() == first.json()
    assert status_after(api, invoice["id"]) == ("PARTIALLY_PAID", 6_000)


def test_a_payment_replayed_after_it_settled_the_invoice_returns_the_first_payment(api):
    """The retry of a payment that paid in full must not be judged against the new (zero) balance."""
    invoice = create_invoice(api, item(10_000))
    first = pay(api, invoice["id"], 10_000, external_id="pay-all")

    again = pay(api, invoice["id"], 10_000, external_id="pay-all")

    assert (first.status, again.status) == (201, 200)
    assert again.json() == first.json()


def test_the_same_payment_external_id_with_different_content_is_a_conflict(api):
    invoice = create_invoice(api, item(10_000))
    pay(api, invoice["id"], 4_000, external_id="pay-1")
    before = books(api.business_id)

    response = pay(api, invoice["id"], 5_000, external_id="pay-1")

    assert_error(response, 409, "Conflict", "ExternalIdConflict")
    assert books(api.business_id) == before


def test_a_payment_external_id_used_on_another_invoice_is_a_conflict(api):
    first = create_invoice(api, item(10_000))
    second = create_invoice(api, item(10_000), invoice_number="INV-2")
    pay(api, first["id"], 4_000, external_id="pay-1")
    before = books(api.business_id)

    response = pay(api, second["id"], 4_000, external_id="pay-1")

    assert_error(response, 409, "Conflict", "ExternalIdConflict")
    assert books(api.business_id) == before


# ---- void -------------------------------------------------------------------------------------------


def test_void_reverses_the_invoice_entry_on_its_own_date(api):
    invoice = create_invoice(api, item(10_000), item(500, "2", account_identifier=stable("UNCATEGORIZED_REVENUE")))
    before = balances(api)

    response = api.post(invoice_path(api, invoice["id"], "/void"))

    assert response.status == 200, response.json()
    voided = response.json()
    assert voided["status"] == "VOIDED"
    assert voided["voided_at"] is not None
    assert get_invoice(api, invoice["id"]) == voided
    original = get_entry(api, invoice["journal_entry_id"])
    reversal = get_entry(api, original["reversed_by"])
    assert reversal["reverses"] == original["id"]
    assert reversal["entry_date"] == original["entry_date"] == "2024-01-15"
    assert lines_of(reversal) == [
        ("ACCOUNTS_RECEIVABLE", "CREDIT", 11_000),
        ("SALES", "DEBIT", 10_000),
        ("UNCATEGORIZED_REVENUE", "DEBIT", 1_000),
    ]
    assert moved(before, balances(api)) == {
        "ACCOUNTS_RECEIVABLE": -11_000,
        "SALES": -10_000,
        "UNCATEGORIZED_REVENUE": -1_000,
    }


@pytest.mark.parametrize("history", ["payment", "write-off", "voided"])
def test_void_is_refused_with_payments_live_write_offs_or_twice(api, history):
    invoice = create_invoice(api, item(10_000))
    if history == "payment":
        pay(api, invoice["id"], 100)
    elif history == "write-off":
        write_off(api, invoice["id"], {"amount": 100})
    else:
        api.post(invoice_path(api, invoice["id"], "/void"))
    before = books(api.business_id)
    state = get_invoice(api, invoice["id"])

    response = api.post(invoice_path(api, invoice["id"], "/void"))

    assert_error(response, 409, "InvalidState", "InvoiceStateError")
    assert books(api.business_id) == before
    assert get_invoice(api, invoice["id"]) == state


def test_void_is_allowed_once_the_only_write_off_is_deleted(api):
    invoice = create_invoice(api, item(10_000))
    written = write_off(api, invoice["id"], {"amount": 100}).json()
    delete_write_off(api, invoice["id"], written["id"])

    response = api.post(invoice_path(api, invoice["id"], "/void"))

    assert response.status == 200, response.json()
    assert response.json()["status"] == "VOIDED"
    assert balances(api)["ACCOUNTS_RECEIVABLE"] == 0


def test_void_of_an_unknown_or_foreign_invoice_is_not_found(api, other_api):
    theirs = create_invoice(other_api)
    before = books(other_api.business_id)

    assert_error(api.post(invoice_path(api, MISSING_ID, "/void")), 404, "ResourceNotFound", "InvoiceNotFound")
    assert_error(api.post(invoice_path(api, theirs["id"], "/void")), 404, "ResourceNotFound", "InvoiceNotFound")
    assert books(other_api.business_id) == before


# ---- listing ----------------------------------------------------------------------------------------


def test_the_list_filters_by_status(api):
    sent = create_invoice(api, item(10_000))
    partly = create_invoice(api, item(10_000))
    paid = create_invoice(api, item(10_000))
    voided = create_invoice(api, item(10_000))
    written = create_invoice(api, item(10_000))
    pay(api, partly["id"], 1)
    pay(api, paid["id"], 10_000)
    api.post(invoice_path(api, voided["id"], "/void"))
    write_off(api, written["id"])

    def ids(status: str) -> set[str]:
        return {i["id"] for i in all_invoices(api, f"status={status}")}

    assert ids("SENT") == {sent["id"]}
    assert ids("PARTIALLY_PAID") == {partly["id"]}
    assert ids("PAID") == {paid["id"]}
    assert ids("VOIDED") == {voided["id"]}
    assert ids("WRITTEN_OFF") == {written["id"]}
    assert ids("PARTIALLY_WRITTEN_OFF") == set()
    assert len(all_invoices(api)) == 5


def test_a_status_page_reads_only_the_invoices_of_that_status(api):
    # Issue 12 §4: the status is a key condition (GSI4), so the paid one is found without reading the rest.
    for _ in range(6):
        create_invoice(api, item(10_000))
    paid = create_invoice(api, item(10_000))
    pay(api, paid["id"], 10_000)

    with IndexReads() as reads:
        page = api.get(f"{api.base}/invoices", query="status=PAID&limit=3").json()

    assert [i["id"] for i in page["data"]] == [paid["id"]]
    assert page["meta"]["pagination"] == {"cursor": None, "has_more": False}
    assert dict(reads.scanned) == {"GSI4": 1}


def test_the_list_filters_by_due_date_range_inclusive(api):
    due = {day: create_invoice(api, due_at=f"2024-01-{day}T12:00:00Z")["id"] for day in ("10", "15", "20", "25")}

    found = all_invoices(api, "due_at_start=2024-01-15&due_at_end=2024-01-20")

    assert [i["id"] for i in found] == [due["15"], due["20"]]
    assert [i["id"] for i in all_invoices(api, "due_at_end=2024-01-15")] == [due["10"], due["15"]]
    assert [i["id"] for i in all_invoices(api, "due_at_start=2024-01-20")] == [due["20"], due["25"]]


def test_an_invoice_without_a_due_date_is_left_out_of_a_due_date_range(api):
    undated = create_invoice(api, due_at=None)
    dated = create_invoice(api, due_at="2024-01-15T12:00:00Z")

    assert [i["id"] for i in all_invoices(api)] == [dated["id"], undated["id"]]
    assert [i["id"] for i in all_invoices(api, "due_at_start=2024-01-01")] == [dated["id"]]


def test_the_list_pages_with_a_cursor_in_due_date_order(api):
    created = [create_invoice(api, due_at=f"2024-01-1{n}T12:00:00Z")["id"] for n in range(5)]

    seen, cursor, pages = [], None, 0
    while True:
        query = "limit=2" + (f"&cursor={cursor}" if cursor else "")
        page = api.get(f"{api.base}/invoices", query=query).json()
        pages += 1
        seen += [i["id"] for i in page["data"]]
        assert len(page["data"]) <= 2
        cursor = page["meta"]["pagination"]["cursor"]
        assert page["meta"]["pagination"]["has_more"] is (cursor is not None)
        if cursor is None:
            break

    assert seen == created
    assert pages == 3


@pytest.mark.parametrize(
    "tamper",
    [
        lambda cursor: cursor[:-4] + ("AAAA" if not cursor.endswith("AAAA") else "BBBB"),
        lambda cursor: "not-a-cursor",
    ],
)
def test_a_tampered_cursor_is_refused(api, tamper):
    for _ in range(3):
        create_invoice(api)
    cursor = api.get(f"{api.base}/invoices", query="limit=1").json()["meta"]["pagination"]["cursor"]
    assert cursor

    response = api.get(f"{api.base}/invoices", query=f"limit=1&cursor={tamper(cursor)}")

    assert_error(response, 400, "PaginationCursor", "InvalidPaginationCursor")


def test_a_cursor_of_another_listing_is_refused(api):
    for _ in range(3):
        create_invoice(api)
    cursor = api.get(f"{api.base}/invoices", query="limit=1").json()["meta"]["pagination"]["cursor"]

    response = api.get(f"{api.base}/invoices", query=f"limit=1&status=SENT&cursor={cursor}")

    assert_error(response, 400, "PaginationCursor", "InvalidPaginationCursor")


@pytest.mark.parametrize("query", ["status=OPEN", "limit=0", "limit=101", "due_at_start=yesterday"])
def test_bad_list_parameters_are_refused(api, query):
    response = api.get(f"{api.base}/invoices", query=query)

    assert_error(response, 400, "InvalidParameters", "InvalidPayload")


def test_the_list_never_shows_another_business_invoices(api, other_api):
    mine = create_invoice(api)
    create_invoice(other_api)

    assert [i["id"] for i in all_invoices(api)] == [mine["id"]]


# ---- cost: ≤ 2 reads and exactly one TransactWriteItems per mutating request (SPEC §8) ----------------

AUTHORIZER_READS = 1  # the authorizer's GetItem of the token, made before the function runs


@pytest.fixture
def counter(api: Api) -> CallCounter:
    return CallCounter()


def assert_one_write_and_few_reads(counter: CallCounter, response, status: int) -> None:
    assert response.status == status, response.json()
    assert counter.calls["TransactWriteItems"] == 1, counter.calls
    assert counter.reads - AUTHORIZER_READS <= 2, counter.calls
    assert counter.calls["Scan"] == 0
    assert not {"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem"} & set(counter.calls), counter.calls


def test_create_costs_one_write_and_at_most_two_reads(api, counter):
    counter.reset()
    response = api.post(f"{api.base}/invoices", invoice_body(item(100), item(200), external_id="cost-1"))
    assert_one_write_and_few_reads(counter, response, 201)


def test_payment_costs_one_write_and_at_most_two_reads(api, counter):
    invoice = create_invoice(api, item(10_000))
    counter.reset()
    assert_one_write_and_few_reads(counter, pay(api, invoice["id"], 100, external_id="p"), 201)


@pytest.mark.parametrize("path", ["/write-off", "/write-offs"])
def test_write_off_costs_one_write_and_at_most_two_reads(api, counter, path):
    invoice = create_invoice(api, item(10_000))
    counter.reset()
    response = write_off(
        api, invoice["id"], {"amount": 100, "external_id": "w", "tags": [{"key": "k", "value": "v"}]}, path=path
    )
    assert_one_write_and_few_reads(counter, response, 201)


def test_write_off_delete_costs_one_write_and_at_most_two_reads(api, counter):
    invoice = create_invoice(api, item(10_000))
    written = write_off(api, invoice["id"], {"amount": 100}).json()
    counter.reset()
    assert_one_write_and_few_reads(counter, delete_write_off(api, invoice["id"], written["id"]), 200)


def test_void_costs_one_write_and_at_most_two_reads(api, counter):
    invoice = create_invoice(api, item(10_000))
    counter.reset()
    assert_one_write_and_few_reads(counter, api.post(invoice_path(api, invoice["id"], "/void")), 200)


def test_reads_never_scan(api, counter):
    invoice = create_invoice(api, item(10_000))
    written = write_off(api, invoice["id"], {"amount": 100}).json()
    counter.reset()
    for path in (
        "",
        f"/{invoice['id']}",
        f"/{invoice['id']}/write-offs",
        f"/{invoice['id']}/write-offs/{written['id']}",
    ):
        assert api.get(f"{api.base}/invoices{path}", query="status=SENT" if not path else "").status == 200
    assert counter.calls["Scan"] == 0, counter.calls
