"""SPEC §3, §9.1–§9.3 — forged cursors, an unreachable or throttled database, an invoice whose history
outgrows DynamoDB's item limit and damaged authentication records: each answered in its family's shape,
never a 500, and the books left exactly as they were (or, for the invoice, still taking changes).
"""

import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError, ConnectTimeoutError, EndpointConnectionError, ReadTimeoutError
from support import Api, assert_books_balance, assert_error, entry_body, unchanged
from support.invoices import invoice_path
from support.loans import Loans, error, ok

from bench.invoice_payers import seed_payments
from ledgerline import cursors
from ledgerline.store import chart, codec, keys
from ledgerline.store import tokens as token_store
from ledgerline.store.runtime import dynamodb_client, table_name


def create_invoice(client: Api, **fields: Any) -> dict[str, Any]:
    body = {
        "invoice_number": "INV-1",
        "sent_at": "2024-01-15T10:00:00Z",
        "due_at": "2024-02-15T10:00:00Z",
        "line_items": [{"description": "Consulting", "unit_price": 10**9}],
        **fields,
    }
    response = client.post(f"{client.base}/invoices", body)
    assert response.status == 201, response.json()
    return response.json()


# ---- 6. forged cursors: a correct signature around a position that is not this listing's ---------------------


def entry_key(business_id: str, day: str = "2024-01-15") -> dict[str, str]:
    entry_id = str(uuid.uuid4())
    return {
        **keys.key(keys.business_pk(business_id), keys.entry_sk(entry_id)),
        **keys.entry_index_keys(business_id, day, entry_id),
    }


def invoice_key(business_id: str) -> dict[str, str]:
    invoice_id = str(uuid.uuid4())
    return {
        **keys.key(keys.business_pk(business_id), keys.invoice_sk(invoice_id)),
        **keys.invoice_index_keys(business_id, "2024-02-15", invoice_id),
    }


def run_key(business_id: str) -> dict[str, str]:
    return keys.key(keys.business_pk(business_id), keys.run_sk(str(uuid.uuid4())))


LISTINGS = {
    "entries": ("/ledger/entries", "entries|{b}|None|None|None", entry_key),
    "invoices": ("/invoices", "invoices|{b}|None|None|None", invoice_key),
    "write-off-runs": ("/write-off-runs", "write-off-runs|{b}", run_key),
}
FORGERIES = {
    "foreign-business": lambda key, b, other: key(other),
    "garbage": lambda key, b, other: {"garbage": 1},
    "typed-values": lambda key, b, other: {name: {"S": value} for name, value in key(b).items()},
    "numbers": lambda key, b, other: {name: 7 for name in key(b)},
    "extra-attribute": lambda key, b, other: {**key(b), "balance": "0"},
    "wrong-item-kind": lambda key, b, other: {**key(b), "SK": keys.PROFILE_SK},
    "empty": lambda key, b, other: {},
}


@pytest.mark.parametrize("forgery", list(FORGERIES))
@pytest.mark.parametrize("listing", list(LISTINGS))
def test_a_signed_cursor_around_a_foreign_or_garbage_position_is_a_400(unit_api, listing, forgery):
    path, scope, key = LISTINGS[listing]
    position = FORGERIES[forgery](key, unit_api.business_id, str(uuid.uuid4()))
    cursor = cursors.encode(scope.format(b=unit_api.business_id), position)

    response = unit_api.get(unit_api.base + path, query=f"cursor={cursor}")

    assert_error(response, 400, "PaginationCursor", "InvalidPaginationCursor")


def test_a_cursor_positioned_outside_the_listing_date_range_is_a_400(api):
    """Well-formed, but DynamoDB would refuse it as a start key: refused before the query, on either backend."""
    cursor = cursors.encode(
        f"entries|{api.business_id}|2024-01-01|None|None", entry_key(api.business_id, day="1999-01-01")
    )

    response = api.get(f"{api.base}/ledger/entries", query=f"start_date=2024-01-01&cursor={cursor}")

    assert_error(response, 400, "PaginationCursor", "InvalidPaginationCursor")


def test_a_start_key_that_dynamodb_refuses_is_an_invalid_cursor(unit_api, monkeypatch):
    client = dynamodb_client()
    real_query = client.query

    def query(**request: Any) -> Any:
        if "ExclusiveStartKey" in request:
            raise ClientError(
                {"Error": {"Code": "ValidationException", "Message": "The provided starting key is invalid"}}, "Query"
            )
        return real_query(**request)

    monkeypatch.setattr(client, "query", query)
    cursor = cursors.encode(f"invoices|{unit_api.business_id}|None|None|None", invoice_key(unit_api.business_id))

    response = unit_api.get(f"{unit_api.base}/invoices", query=f"cursor={cursor}")

    assert_error(response, 400, "PaginationCursor", "InvalidPaginationCursor")


@pytest.mark.parametrize(
    "position", [{"after": 5}, {"after": None}, {"after": "x", "PK": "y"}, {"garbage": []}, {"after": "a" * 100}]
)
def test_a_forged_debt_schedule_cursor_is_a_400_in_the_loans_shape(unit_api, position):
    loans = Loans(unit_api)
    loans.instrument()
    cursor = cursors.encode(f"debt-schedule|{unit_api.business_id}|None|None", position)

    response = loans.debt_schedule(f"cursor={cursor}")

    error(response, 400, "INVALID_CURSOR")


# ---- 7. the database throttled or out of reach after the SDK's retries -------------------------------------


def throttled(code: str, operation: str) -> ClientError:
    return ClientError(
        {"Error": {"Code": code, "Message": "Rate of requests exceeds the allowed throughput."}}, operation
    )


def fail_reads(monkeypatch: pytest.MonkeyPatch, operation: str, failure: Exception) -> None:
    """``operation`` (query / get_item / batch_get_item) raises ``failure``; token reads still work, so the
    request passes the authorizer and the failure reaches the ledger function. The container forgets
    the profiles and accounts it remembers, so the function reads them as a cold one does."""
    chart.forget()
    client = dynamodb_client()
    real = getattr(client, operation)

    def failing(**request: Any) -> Any:
        if operation == "get_item" and request["Key"]["PK"]["S"].startswith("TOKEN#"):
            return real(**request)
        raise failure

    monkeypatch.setattr(client, operation, failing)


def assert_unavailable_in_ledger_shape(response) -> None:
    body = assert_error(response, 503, "Unknown", None)
    assert response.headers["retry-after"] == "1"
    assert "could not be reached; nothing was changed" in body["description"]


@pytest.mark.parametrize(
    ("operation", "failure"),
    [
        ("query", throttled("ThrottlingException", "Query")),
        ("query", throttled("ProvisionedThroughputExceededException", "Query")),
        ("query", throttled("RequestLimitExceeded", "Query")),
        ("query", throttled("InternalServerError", "Query")),
        ("query", EndpointConnectionError(endpoint_url="https://dynamodb.us-east-1.amazonaws.com")),
        ("query", ReadTimeoutError(endpoint_url="https://dynamodb.us-east-1.amazonaws.com")),
        ("query", ConnectTimeoutError(endpoint_url="https://dynamodb.us-east-1.amazonaws.com")),
    ],
    ids=[
        "throttling",
        "throughput",
        "request-limit",
        "internal-error",
        "no-connection",
        "read-timeout",
        "connect-timeout",
    ],
)
def test_a_failed_read_is_a_503_with_retry_after_in_the_ledger_shape(unit_api, monkeypatch, operation, failure):
    fail_reads(monkeypatch, operation, failure)

    assert_unavailable_in_ledger_shape(unit_api.get(f"{unit_api.base}/ledger/entries"))


def test_a_failed_get_item_is_a_503(unit_api, monkeypatch):
    invoice = create_invoice(unit_api)
    fail_reads(monkeypatch, "get_item", throttled("ThrottlingException", "GetItem"))

    # The list of its write-offs reads the invoice's header with GetItem (the invoice whole is one Query).
    assert_unavailable_in_ledger_shape(unit_api.get(invoice_path(unit_api, invoice["id"], "/write-offs")))


def test_a_write_whose_read_fails_is_a_503_and_posts_nothing(unit_api, monkeypatch):
    with unchanged(unit_api), monkeypatch.context() as patch:
        fail_reads(patch, "batch_get_item", throttled("ProvisionedThroughputExceededException", "BatchGetItem"))
        response = unit_api.post(
            f"{unit_api.base}/custom-journal-entries", entry_body(), headers={"Idempotency-Key": "busy-1"}
        )

    assert_unavailable_in_ledger_shape(response)
    # Nothing was recorded under the key either: the same request now succeeds.
    retried = unit_api.post(
        f"{unit_api.base}/custom-journal-entries", entry_body(), headers={"Idempotency-Key": "busy-1"}
    )
    assert retried.status == 201, retried.json()


def assert_unavailable_in_loans_shape(response) -> None:
    body = error(response, 503, "DATABASE_UNAVAILABLE")
    assert response.headers["retry-after"] == "1"
    assert "nothing was changed" in body["detail"]


@pytest.mark.parametrize(
    ("operation", "failure"),
    [
        ("batch_get_item", throttled("ThrottlingException", "BatchGetItem")),
        ("batch_get_item", throttled("RequestLimitExceeded", "BatchGetItem")),
        ("batch_get_item", ReadTimeoutError(endpoint_url="https://dynamodb.us-east-1.amazonaws.com")),
    ],
    ids=["batch-get-item-throttled", "batch-get-item", "batch-get-item-timeout"],
)
def test_a_payment_whose_read_fails_is_a_503_in_the_loans_shape_and_posts_nothing(
    unit_api, monkeypatch, operation, failure
):
    loans = Loans(unit_api)
    loan = loans.instrument()
    txn = ok(loans.import_transaction({"amount_cents": 5_000, "direction": "inflow", "date": "2024-02-01"}))

    with unchanged(unit_api), monkeypatch.context() as patch:
        fail_reads(patch, operation, failure)
        response = loans.pay(loan["id"], {"transaction_id": txn["id"], "memo": "rebooked"})

    assert_unavailable_in_loans_shape(response)


def test_a_loans_read_whose_get_item_fails_is_a_503(unit_api, monkeypatch):
    loans = Loans(unit_api)
    loan = loans.instrument()
    fail_reads(
        monkeypatch, "get_item", EndpointConnectionError(endpoint_url="https://dynamodb.us-east-1.amazonaws.com")
    )

    assert_unavailable_in_loans_shape(
        unit_api.get(f"{loans.schedule_path}/instruments/{loan['id']}", headers=loans.headers)
    )


def test_a_database_error_that_is_not_about_availability_stays_a_generic_500(unit_api, monkeypatch):
    fail_reads(
        monkeypatch, "query", ClientError({"Error": {"Code": "AccessDeniedException", "Message": "no"}}, "Query")
    )

    response = unit_api.get(f"{unit_api.base}/ledger/entries")

    body = assert_error(response, 500, "Unknown", None)
    assert "AccessDenied" not in response.body.decode()
    assert body["meta"]["request_id"]


# ---- 9. an invoice whose history outgrows DynamoDB's item limit ----------------------------------------------


def test_an_invoice_past_the_old_item_cap_still_takes_payments_write_offs_and_deletions(unit_api):
    """1,000 payments with 990-character memos: about 1.2 MB of history, where one item holds at most
    400 KB (the embedded design refused such a payment at 350 KB with a 409). Payments and write-offs are
    items of their own, so another payment, a write-off with 20 long tags and its deletion all go through,
    and the invoice reads back whole, in its listing too."""
    invoice = create_invoice(unit_api)
    seed_payments(unit_api.business_id, invoice["id"], 1_000, amount=1, memo="m" * 990)
    tags = [
        {
            "key": f"{n:02d}" + "k" * 98,
            "value": "v" * 100,
            "dimension_display_name": "d" * 100,
            "value_display_name": "w" * 100,
        }
        for n in range(20)
    ]

    paid = unit_api.post(
        invoice_path(unit_api, invoice["id"], "/payment"),
        {"amount": 1, "paid_at": "2024-02-01T00:00:00Z", "memo": "p" * 1000},
    )
    written = unit_api.post(
        invoice_path(unit_api, invoice["id"], "/write-off"),
        {"amount": 1, "write_off_at": "2024-02-01T00:00:00Z", "tags": tags},
    )
    deleted = unit_api.delete(invoice_path(unit_api, invoice["id"], f"/write-offs/{written.json()['id']}"))

    assert (paid.status, written.status, deleted.status) == (201, 201, 200), (paid.json(), written.json())
    shown = unit_api.get(invoice_path(unit_api, invoice["id"])).json()
    assert len(shown["payments"]) == 1_001 and shown["payments"][-1] == paid.json()
    assert (shown["write_offs"], shown["outstanding_balance"]) == ([], 10**9 - 1_001)
    listed = unit_api.get(f"{unit_api.base}/invoices").json()["data"]
    assert [(i["id"], len(i["payments"])) for i in listed] == [(invoice["id"], 1_001)]
    assert_books_balance(unit_api.business_id)


# ---- 10. authentication records that do not prove what they should -------------------------------------------


def put_token(token: str, **fields: Any) -> None:
    item = {
        **keys.key(keys.token_pk(keys.sha256_hex(token)), keys.TOKEN_SK),
        "kind": "TOKEN",
        "created_at": "2024-01-01T00:00:00+00:00",
        **fields,
    }
    dynamodb_client().put_item(TableName=table_name(), Item=codec.to_item(item))


def test_a_token_for_a_business_without_a_profile_gets_404s_not_empty_lists(unit_api):
    ghost = str(uuid.uuid4())
    token = "llk_ghost-business-token"
    put_token(token, business_ids=[ghost], expires_at=4_102_444_800)  # 2100-01-01
    bearer = f"Bearer {token}"

    schedule = unit_api.get(
        f"/api/v1/businesses/{ghost}/cfo-portal/debt-schedule", token=bearer, headers={"x-business-id": ghost}
    )
    runs = unit_api.get(f"/v1/businesses/{ghost}/write-off-runs", token=bearer)

    error(schedule, 404, "BUSINESS_NOT_FOUND")
    assert_error(runs, 404, "ResourceNotFound", "SpecifiedIdNotFound")


@pytest.mark.parametrize(
    "fields",
    [
        {"business_ids": ["b"]},
        {"business_ids": ["b"], "expires_at": "never"},
        {"business_ids": ["b"], "expires_at": True},
        {"expires_at": 4_102_444_800},
        {"business_ids": "b", "expires_at": 4_102_444_800},
    ],
    ids=["no-expiry", "text-expiry", "boolean-expiry", "no-businesses", "businesses-not-a-list"],
)
def test_a_damaged_token_record_is_401_not_a_crash(unit_api, fields):
    token = "llk_damaged-token-record"
    put_token(token, **{k: ([unit_api.business_id] if v == ["b"] else v) for k, v in fields.items()})

    response = unit_api.get(f"{unit_api.base}/ledger/accounts", token=f"Bearer {token}")

    assert response.status == 401
    assert response.json() == {"message": "Unauthorized"}


def test_a_token_that_is_not_ascii_is_401(unit_api):
    response = unit_api.get(f"{unit_api.base}/ledger/accounts", token="Bearer llk_\u00e9t\u00e9")

    assert response.status == 401


def test_a_damaged_token_record_leaves_other_tokens_working(unit_api):
    put_token("llk_damaged", business_ids=[unit_api.business_id])

    assert unit_api.get(f"{unit_api.base}/ledger/accounts").status == 200
    assert token_store.get(keys.sha256_hex("llk_damaged")) is not None
