"""SPEC §9.1 — whatever a client sends, through the handlers: a 2xx or a 4xx in its family's shape, never
a 500, and a refused request leaves the books exactly as they were.

Numbers of any size, nesting of any depth, dates at the ends of the calendar, other media types, null
bodies, totals past 10^13 cents, ranges that end before they start, settlements dated before the invoice.
The ledger family (``/v1/businesses/…``) answers 400 ``ApiError`` ``InvalidParameters``; the loans family
(``/api/v1/…``) 422 ``HTTPValidationError`` for validation and ``{"detail", "code"}`` otherwise.
"""

import json
from datetime import date
from typing import Any

import pytest
from support import Api, assert_invalid, entry_body, line, new_api, post_entry, unchanged
from support.invoices import invoice_path
from support.loans import Loans, error, ok, validation_error

from ledgerline.domain import schedule
from ledgerline.store import codec, instruments
from ledgerline.store.runtime import dynamodb_client, table_name

HUGE = "9" * 5000
"""An integer past CPython's 4,300-digit limit for reading text as an int."""


# ---- helpers ---------------------------------------------------------------------------------------------


def loans_invalid(response, *locs: str) -> list[dict[str, Any]]:
    """Loans family: 422 HTTPValidationError whose errors are at exactly ``locs`` (dotted)."""
    detail = validation_error(response)
    assert [".".join(str(part) for part in e["loc"]) for e in detail] == list(locs), detail
    return detail


def loans_refused(response, status: int, code: str) -> dict[str, Any]:
    return error(response, status, code)


def with_raw(body: dict[str, Any], placeholder: str, raw: str) -> str:
    """``body`` as JSON text with the string ``placeholder`` replaced by raw JSON (e.g. a 5,000-digit number)."""
    text = json.dumps(body)
    assert f'"{placeholder}"' in text
    return text.replace(f'"{placeholder}"', raw)


def post_raw(client: Api, path: str, raw: str | bytes, **kwargs: Any):
    return client.request("POST", path, body=raw, **kwargs)


def invoice_body(**fields: Any) -> dict[str, Any]:
    return {
        "invoice_number": "INV-1",
        "sent_at": "2024-01-15T10:00:00Z",
        "due_at": "2024-02-15T10:00:00Z",
        "line_items": [{"description": "Consulting", "unit_price": 100_000}],
        **fields,
    }


def create_invoice(client: Api, **fields: Any) -> dict[str, Any]:
    response = client.post(f"{client.base}/invoices", invoice_body(**fields))
    assert response.status == 201, response.json()
    return response.json()


@pytest.fixture
def loans(unit_api: Api) -> Loans:
    return Loans(unit_api)


@pytest.fixture
def loan(loans: Loans) -> dict[str, Any]:
    return loans.instrument(maturity_date="2030-01-15")


# ---- 1. integers of any size ------------------------------------------------------------------------------


def entry_with(placeholder_at: str) -> dict[str, Any]:
    """A valid entry with the string "@@" put at ``placeholder_at``."""
    body = entry_body(amount=1)
    if placeholder_at == "amount":
        body["line_items"][0]["amount"] = "@@"
    elif placeholder_at == "surplus":
        body["surplus"] = "@@"
    else:
        body["tags"] = [{"key": "k", "value": "v", "colour": "@@"}]
    return body


@pytest.mark.parametrize(
    ("placeholder_at", "raw", "field"),
    [
        ("amount", HUGE, "line_items.0.amount"),
        ("amount", "-" + HUGE, "line_items.0.amount"),
        ("amount", "1" * 5000 + ".5", "line_items.0.amount"),
        ("amount", "1e999999", "line_items.0.amount"),
        ("amount", "-1e" + "9" * 5000, "line_items.0.amount"),
        ("surplus", HUGE, "surplus"),
        ("colour", HUGE, "tags.0.colour"),
    ],
    ids=[
        "amount",
        "negative-amount",
        "huge-fraction",
        "huge-exponent",
        "exponent-of-5000-digits",
        "unknown-field",
        "unknown-nested-field",
    ],
)
def test_a_number_of_thousands_of_digits_in_any_field_is_a_400_naming_it(unit_api, placeholder_at, raw, field):
    with unchanged(unit_api):
        response = post_raw(
            unit_api, f"{unit_api.base}/custom-journal-entries", with_raw(entry_with(placeholder_at), "@@", raw)
        )

    assert_invalid(response, field)


def test_a_huge_number_on_a_route_without_a_body_is_ignored_not_a_500(unit_api):
    created = post_entry(unit_api, entry_body()).json()

    response = unit_api.request(
        "DELETE",
        f"{unit_api.base}/custom-journal-entries/{created['id']}",
        body=f'{{"n": {HUGE}}}',
        headers={"Idempotency-Key": "huge-1"},
    )

    assert response.status == 200, response.json()


def test_a_huge_quantity_on_an_invoice_line_is_a_400_naming_it(unit_api):
    body = invoice_body(line_items=[{"unit_price": 100, "quantity": "@@"}])

    with unchanged(unit_api):
        response = post_raw(unit_api, f"{unit_api.base}/invoices", with_raw(body, "@@", HUGE))

    assert_invalid(response, "line_items.0.quantity")


@pytest.mark.parametrize(
    ("field", "loc"), [("original_principal_cents", "body.original_principal_cents"), ("surplus", "body.surplus")]
)
def test_a_number_of_thousands_of_digits_is_a_422_in_the_loans_family(loans, field, loc):
    body = {
        "name": "Loan",
        "lender": "Bank",
        "direction": "lend",
        "original_principal_cents": 1_000,
        "start_date": "2024-01-15",
        "maturity_date": "2027-01-15",
        field: "@@",
    }

    with unchanged(loans.api):
        response = loans.create(None, raw=with_raw(body, "@@", HUGE))

    (problem,) = loans_invalid(response, loc)
    assert len(json.dumps(problem)) < 12_000  # the echo stays a string, not a crash


# ---- 2. the date window: 1900-01-01 … 2999-12-31, as written, in UTC and in the business's timezone ------------


@pytest.mark.parametrize(
    "entry_at",
    [
        "0001-01-01T00:00:00+05:00",  # UTC would be year 0: overflowed before
        "9999-12-31T23:59:59-05:00",  # UTC would be year 10000
        "0518-03-01T00:00:00Z",  # was accepted
        "1899-12-31T23:59:59Z",
        "1900-01-01T00:30:00+01:00",  # 1899-12-31T23:30Z
        "2999-12-31T23:00:00-02:00",  # 3000-01-01T01:00Z
        "3000-01-01T00:00:00Z",
    ],
)
def test_an_entry_outside_the_date_window_is_a_400_naming_entry_at(unit_api, entry_at):
    with unchanged(unit_api):
        response = post_entry(unit_api, entry_body(entry_at=entry_at))

    assert_invalid(response, "entry_at")


@pytest.mark.parametrize("entry_at", ["1900-01-01T00:00:00Z", "2999-12-31T23:59:59Z"])
def test_the_first_and_last_moments_of_the_window_are_accepted(unit_api, entry_at):
    response = post_entry(unit_api, entry_body(entry_at=entry_at))

    assert response.status == 201, response.json()
    assert response.json()["entry_date"] == entry_at[:10]


@pytest.mark.parametrize(
    ("timezone", "entry_at"),
    [
        ("America/New_York", "1900-01-01T03:00:00Z"),  # 1899-12-31 in New York
        ("Pacific/Kiritimati", "2999-12-31T12:00:00Z"),  # 3000-01-01 in Kiritimati (UTC+14)
    ],
)
def test_a_date_time_outside_the_window_in_the_business_timezone_is_a_400(moto_table, timezone, entry_at):
    client = new_api("Far Away Co", timezone=timezone)

    with unchanged(client):
        response = post_entry(client, entry_body(entry_at=entry_at))

    body = assert_invalid(response, "entry_at")
    assert timezone in body["description"]


@pytest.mark.parametrize("field", ["sent_at", "due_at"])
@pytest.mark.parametrize("value", ["0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00", "0518-03-01T00:00:00Z"])
def test_an_invoice_date_outside_the_window_is_a_400_naming_it(unit_api, field, value):
    with unchanged(unit_api):
        response = unit_api.post(f"{unit_api.base}/invoices", invoice_body(**{field: value}))

    assert_invalid(response, field)


def test_an_invoice_due_outside_the_window_in_the_business_timezone_is_a_400(moto_table):
    client = new_api("Kiritimati Co", timezone="Pacific/Kiritimati")

    with unchanged(client):
        response = client.post(f"{client.base}/invoices", invoice_body(due_at="2999-12-31T12:00:00Z"))

    assert_invalid(response, "due_at")


@pytest.mark.parametrize(("suffix", "field"), [("/payment", "paid_at"), ("/write-off", "write_off_at")])
@pytest.mark.parametrize("value", ["0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00"])
def test_a_settlement_date_outside_the_window_is_a_400_naming_it(unit_api, suffix, field, value):
    invoice = create_invoice(unit_api)
    body = {"amount": 100, field: value}

    with unchanged(unit_api):
        response = unit_api.post(invoice_path(unit_api, invoice["id"], suffix), body)

    assert_invalid(response, field)


@pytest.mark.parametrize("value", ["0518-01-01", "1899-12-31", "3000-01-01", "9999-12-31", "0001-01-01"])
@pytest.mark.parametrize("field", ["start_date", "maturity_date"])
def test_an_instrument_date_outside_the_window_is_a_422_naming_it(loans, field, value):
    body = {
        "name": "Loan",
        "lender": "Bank",
        "direction": "lend",
        "original_principal_cents": 1_000,
        "start_date": "2024-01-15",
        "maturity_date": "2027-01-15",
        field: value,
    }

    with unchanged(loans.api):
        response = loans.create(body)

    loans_invalid(response, f"body.{field}")


@pytest.mark.parametrize(
    ("route", "field"),
    [
        ("pay", "payment_date"),
        ("disburse", "disbursement_date"),
        ("accrue", "through_date"),
        ("write_off", "write_off_date"),
    ],
)
def test_a_loan_event_date_outside_the_window_is_a_422_naming_it(loans, loan, route, field):
    body = {"payment_amount_cents": 100, "amount_cents": 100, "cash_ledger_id": loans.cash, field: "1899-12-31"}
    body = {
        k: v
        for k, v in body.items()
        if k
        in {
            "pay": {"payment_amount_cents", "cash_ledger_id", "payment_date"},
            "disburse": {"amount_cents", "cash_ledger_id", "disbursement_date"},
            "accrue": {"through_date"},
            "write_off": {"write_off_date"},
        }[route]
    }

    with unchanged(loans.api):
        response = getattr(loans, route)(loan["id"], body)

    loans_invalid(response, f"body.{field}")


def test_bulk_accrual_and_bank_transaction_dates_outside_the_window_are_422(loans):
    with unchanged(loans.api):
        accrual = loans.accrue_all({"through_date": "3000-01-01"})
        transaction = loans.import_transaction({"amount_cents": 100, "direction": "inflow", "date": "0001-01-01"})

    loans_invalid(accrual, "body.through_date")
    loans_invalid(transaction, "body.date")


def test_a_write_off_run_date_outside_the_window_is_a_400(unit_api):
    with unchanged(unit_api):
        response = unit_api.post(f"{unit_api.base}/write-off-runs", {"run_date": "1899-12-31", "dry_run": True})

    assert_invalid(response, "run_date")


@pytest.mark.parametrize(
    ("path", "query", "field"),
    [
        ("/ledger/entries", "start_date=0001-01-01", "start_date"),
        ("/ledger/entries", "end_date=9999-12-31", "end_date"),
        ("/invoices", "due_at_start=1899-12-31", "due_at_start"),
        ("/invoices", "due_at_end=3000-01-01", "due_at_end"),
    ],
)
def test_a_filter_date_outside_the_window_is_a_400_naming_it(unit_api, path, query, field):
    assert_invalid(unit_api.get(unit_api.base + path, query=query), field)


# ---- 3. nesting of any depth, on routes with and without a body --------------------------------------------

DEEP_ARRAY = "[" * 5000 + "]" * 5000
DEEP_OBJECT = '{"a":' * 100 + "1" + "}" * 100  # under the interpreter's recursion limit, over the API's 64


@pytest.mark.parametrize("raw", [DEEP_ARRAY, DEEP_OBJECT], ids=["5000-deep-array", "100-deep-object"])
def test_a_deeply_nested_body_with_an_idempotency_key_on_a_route_without_a_body_is_a_400(unit_api, raw):
    created = post_entry(unit_api, entry_body()).json()
    invoice = create_invoice(unit_api)
    key = {"Idempotency-Key": "deep-1"}

    with unchanged(unit_api):
        reversal = unit_api.request(
            "DELETE", f"{unit_api.base}/custom-journal-entries/{created['id']}", body=raw, headers=key
        )
        void = post_raw(unit_api, invoice_path(unit_api, invoice["id"], "/void"), raw, headers=key)

    assert_invalid(reversal, "body")
    assert_invalid(void, "body")


def test_a_deeply_nested_body_on_a_loans_route_is_a_422(loans, loan):
    with unchanged(loans.api):
        response = loans.write_off(loan["id"], raw=DEEP_OBJECT, headers={"Idempotency-Key": "deep-2"})

    loans_invalid(response, "body")


def test_an_object_sent_to_a_route_without_a_body_is_ignored(unit_api):
    created = post_entry(unit_api, entry_body()).json()

    response = unit_api.request(
        "DELETE",
        f"{unit_api.base}/custom-journal-entries/{created['id']}",
        body='{"reason": "typo"}',
        headers={"Idempotency-Key": "del-1"},
    )

    assert response.status == 200, response.json()


# ---- 4. a range whose end is before its start --------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "query", "field"),
    [
        ("/invoices", "due_at_start=2025-02-05&due_at_end=2025-02-01", "due_at_end"),
        ("/ledger/entries", "start_date=2025-02-05&end_date=2025-02-01", "end_date"),
    ],
)
def test_a_range_filter_ending_before_it_starts_is_a_400(unit_api, path, query, field):
    assert_invalid(unit_api.get(unit_api.base + path, query=query), field)


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/invoices", "due_at_start=2024-02-15&due_at_end=2024-02-15"),
        ("/ledger/entries", "start_date=2024-01-15&end_date=2024-01-15"),
    ],
)
def test_a_one_day_range_is_accepted(unit_api, path, query):
    create_invoice(unit_api)

    response = unit_api.get(unit_api.base + path, query=query)

    assert response.status == 200, response.json()
    assert len(response.json()["data"]) == 1


# ---- 5. a maturity at the end of the calendar --------------------------------------------------------------


def test_an_instrument_stored_with_a_maturity_in_9999_still_projects_its_schedule(loans):
    """Created before the date window existed: its schedule is computed, not a 500."""
    loan = loans.instrument(payment_frequency="annual")
    item = instruments.instrument_item(instruments.get(loans.api.business_id, loan["id"]))
    item["maturity_date"] = "9999-12-31"
    dynamodb_client().put_item(TableName=table_name(), Item=codec.to_item(item))

    projection = ok(loans.payment_schedule(loan["id"]), 200)

    assert projection["rows"][-1]["due_date"] == "9999-12-31"
    assert projection["rows"][-1]["balance_after_cents"] == 0


@pytest.mark.parametrize("frequency", list(schedule.MONTHS_PER_PERIOD))
def test_due_dates_end_at_a_maturity_on_the_last_day_of_the_calendar(frequency):
    dates = schedule.due_dates(date(9999, 1, 31), date.max, frequency, date(9999, 1, 31))

    assert dates[-1] == date.max
    assert dates == sorted(set(dates))


# ---- 8. media types, null bodies, totals, settlements before the invoice -----------------------------------

MULTIPART = '--x\r\nContent-Disposition: form-data; name="memo"\r\n\r\nhello\r\n--x--\r\n'


@pytest.mark.parametrize(
    ("content_type", "raw"),
    [
        ("multipart/form-data; boundary=x", MULTIPART),
        ("multipart/form-data", MULTIPART),  # no boundary: used to crash the form parser
        ("application/x-www-form-urlencoded", "memo=hello"),
        ("text/plain", json.dumps(entry_body())),
        ("application/json; charset=latin-1", json.dumps(entry_body())),
        ("application/jsonp", json.dumps(entry_body())),
        (None, json.dumps(entry_body())),
    ],
    ids=["multipart", "multipart-no-boundary", "form", "text", "latin-1", "jsonp", "none"],
)
def test_a_body_that_is_not_application_json_is_a_415_in_each_family(loans, loan, content_type, raw):
    headers = {"content-type": content_type} if content_type else {"content-type": ""}

    with unchanged(loans.api):
        ledger = post_raw(loans.api, f"{loans.api.base}/custom-journal-entries", raw, headers=headers)
        loans_answer = loans.write_off(loan["id"], raw=raw, headers=headers)

    assert ledger.status == 415, ledger.json()
    body = ledger.json()
    assert set(body) == {"type", "description", "error_enum", "meta"}
    assert (body["type"], body["error_enum"]) == ("InvalidParameters", "InvalidPayload")
    assert "application/json" in body["description"]
    loans_refused(loans_answer, 415, "UNSUPPORTED_MEDIA_TYPE")


@pytest.mark.parametrize(
    "content_type", ["application/json; charset=UTF-8", "Application/JSON", 'application/json;charset="utf-8"']
)
def test_application_json_in_any_case_with_a_utf8_charset_is_accepted(unit_api, content_type):
    response = post_raw(
        unit_api,
        f"{unit_api.base}/custom-journal-entries",
        json.dumps(entry_body()),
        headers={"content-type": content_type},
    )

    assert response.status == 201, response.json()


def test_a_get_without_a_body_needs_no_content_type(unit_api):
    response = unit_api.request("GET", f"{unit_api.base}/ledger/accounts", headers={"content-type": ""})

    assert response.status == 200


@pytest.mark.parametrize("content_type", ["", "text/plain"], ids=["none", "text"])
def test_an_empty_body_on_a_route_whose_fields_are_all_optional_means_all_defaults(unit_api, content_type):
    response = post_raw(unit_api, f"{unit_api.base}/write-off-runs", b"", headers={"content-type": content_type})

    assert response.status == 201, response.json()
    assert response.json()["dry_run"] is False


def test_an_empty_body_on_a_route_that_needs_one_is_a_400(unit_api):
    with unchanged(unit_api):
        response = post_raw(unit_api, f"{unit_api.base}/custom-journal-entries", b"", headers={"content-type": ""})

    assert_invalid(response, "body")


def test_a_null_body_on_an_invoice_write_off_is_refused(unit_api):
    invoice = create_invoice(unit_api)

    with unchanged(unit_api):
        response = post_raw(unit_api, invoice_path(unit_api, invoice["id"], "/write-off"), "null")

    body = assert_invalid(response, "body")
    assert "null" in body["description"]


@pytest.mark.parametrize("raw", ["{}", ""], ids=["empty-object", "no-body"])
def test_an_empty_object_or_no_body_on_an_invoice_write_off_writes_off_everything(unit_api, raw):
    invoice = create_invoice(unit_api)

    response = post_raw(unit_api, invoice_path(unit_api, invoice["id"], "/write-off"), raw)

    assert response.status == 201, response.json()
    assert response.json()["amount"] == invoice["total_amount"]


def test_a_null_body_on_a_loan_write_off_is_a_422(loans, loan):
    with unchanged(loans.api):
        response = loans.write_off(loan["id"], raw="null")

    loans_invalid(response, "body")


@pytest.mark.parametrize(
    ("line_items", "fields"),
    [
        ([{"unit_price": 10**13, "quantity": "1.5"}], ["line_items.0"]),
        ([{"unit_price": 10**13, "quantity": "1000000"}], ["line_items.0"]),
        ([{"unit_price": 6 * 10**12}, {"unit_price": 6 * 10**12}], ["line_items"]),
        ([{"unit_price": 10**13, "quantity": "1000000"}] * 50, [f"line_items.{i}" for i in range(50)]),
    ],
    ids=["line-over", "line-far-over", "total-over", "fifty-huge-lines"],
)
def test_a_line_or_invoice_total_over_ten_trillion_cents_is_a_400(unit_api, line_items, fields):
    with unchanged(unit_api):
        response = unit_api.post(f"{unit_api.base}/invoices", invoice_body(line_items=line_items))

    body = assert_invalid(response, *fields)
    assert "10000000000000" in body["description"]


def test_an_invoice_of_exactly_ten_trillion_cents_is_accepted(unit_api):
    invoice = create_invoice(unit_api, line_items=[{"unit_price": 5 * 10**12}, {"unit_price": 5 * 10**12}])

    assert invoice["total_amount"] == 10**13


def test_a_custom_entry_totalling_over_ten_trillion_cents_is_a_400(unit_api):
    lines = [
        line(name, 6 * 10**12, direction)
        for name, direction in (
            ("CASH", "DEBIT"),
            ("BANK_FEES", "DEBIT"),
            ("SALES", "CREDIT"),
            ("OPENING_BALANCE_EQUITY", "CREDIT"),
        )
    ]

    with unchanged(unit_api):
        response = post_entry(unit_api, {"line_items": lines})

    assert_invalid(response, "line_items")


def test_a_disbursement_taking_the_principal_over_ten_trillion_cents_is_a_400(loans):
    loan = loans.instrument(original_principal_cents=10**13, maturity_date="2030-01-15")

    with unchanged(loans.api):
        response = loans.disburse(
            loan["id"], {"amount_cents": 1, "cash_ledger_id": loans.cash, "disbursement_date": "2024-02-01"}
        )

    assert "amount_cents" in loans_refused(response, 400, "INVALID_REQUEST")["detail"]


@pytest.mark.parametrize(("suffix", "field"), [("/payment", "paid_at"), ("/write-off", "write_off_at")])
def test_a_settlement_dated_before_the_invoice_was_sent_is_a_400(unit_api, suffix, field):
    invoice = create_invoice(unit_api)  # sent 2024-01-15T10:00Z

    with unchanged(unit_api):
        response = unit_api.post(
            invoice_path(unit_api, invoice["id"], suffix), {"amount": 100, field: "2024-01-14T23:59:59Z"}
        )

    body = assert_invalid(response, field)
    assert "before the invoice was sent" in body["description"]


@pytest.mark.parametrize(("suffix", "field"), [("/payment", "paid_at"), ("/write-off", "write_off_at")])
def test_a_settlement_earlier_on_the_day_the_invoice_was_sent_is_accepted(unit_api, suffix, field):
    """Compared as calendar dates in the business's timezone: the dates the entries carry."""
    invoice = create_invoice(unit_api)  # sent 2024-01-15T10:00Z

    response = unit_api.post(
        invoice_path(unit_api, invoice["id"], suffix), {"amount": 100, field: "2024-01-15T00:00:00Z"}
    )

    assert response.status == 201, response.json()


def test_the_sent_date_is_compared_in_the_business_timezone(moto_table):
    client = new_api("New York Co", timezone="America/New_York")
    invoice = create_invoice(client, sent_at="2024-01-15T03:00:00Z")  # Jan 14, 22:00 in New York

    same_day = client.post(
        invoice_path(client, invoice["id"], "/payment"), {"amount": 100, "paid_at": "2024-01-14T20:00:00Z"}
    )  # Jan 14, 15:00 in New York
    day_before = client.post(
        invoice_path(client, invoice["id"], "/payment"), {"amount": 100, "paid_at": "2024-01-14T04:00:00Z"}
    )  # Jan 13 in New York

    assert same_day.status == 201, same_day.json()
    assert_invalid(day_before, "paid_at")
