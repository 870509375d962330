"""SPEC §3 Authentication: who may call (401), for which business (403), and whose objects (404)."""

import base64
import hashlib
import json
import uuid
from datetime import timedelta
from typing import Any

import pytest
from aws_lambda_powertools.event_handler import Response
from support import books, entry_body, move_clock, new_api, post_entry

from ledgerline.api import views
from ledgerline.api.app import create_app, entrypoint
from ledgerline.api.families import LOANS
from ledgerline.api.routes import ThisCall
from ledgerline.schemas.ledger import CustomJournalEntryRequest
from ledgerline.services import businesses, ledger
from ledgerline.store import keys
from ledgerline.store.runtime import dynamodb_client, table_name
from ledgerline_tools.functions import LambdaContext

UNAUTHORIZED = {"message": "Unauthorized"}


def scan_table() -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    request: dict[str, Any] = {"TableName": table_name()}
    while True:
        page = dynamodb_client().scan(**request)
        items += page["Items"]
        if "LastEvaluatedKey" not in page:
            return items
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def token_items() -> list[dict[str, Any]]:
    return [item for item in scan_table() if item["PK"]["S"].startswith(keys.TOKEN_PK_PREFIX)]


def assert_auth_failure(response, status: int) -> None:
    assert response.status == status
    body = response.json()
    assert set(body) == {"type", "description", "error_enum", "meta"}
    assert body["type"] == "AuthFailure"


# ---- 401: decided by the authorizer, answered with API Gateway's own body ----------------------


def test_a_request_without_an_authorization_header_is_401(unit_api):
    before = books(unit_api.business_id)

    response = post_entry(unit_api, token=None)

    assert (response.status, response.json()) == (401, UNAUTHORIZED)
    assert books(unit_api.business_id) == before


@pytest.mark.parametrize("header", ["Basic x", "Bearer", "Bearer ", "bearer", "Token abc"], ids=repr)
def test_a_malformed_authorization_header_is_401(unit_api, header):
    before = books(unit_api.business_id)

    response = post_entry(unit_api, token=header)

    assert (response.status, response.json()) == (401, UNAUTHORIZED)
    assert books(unit_api.business_id) == before


def test_an_unknown_token_is_401(unit_api):
    before = books(unit_api.business_id)

    response = post_entry(unit_api, token=f"Bearer {businesses.TOKEN_PREFIX}not-a-token-anyone-was-given")

    assert (response.status, response.json()) == (401, UNAUTHORIZED)
    assert books(unit_api.business_id) == before


def test_the_bearer_scheme_is_case_insensitive(unit_api):
    response = unit_api.get(f"{unit_api.base}/ledger/accounts", token=f"bearer {unit_api.token}")

    assert response.status == 200


def test_an_expired_token_is_401(unit_api, monkeypatch):
    token = businesses.create_token(unit_api.business_id, days=1)
    assert unit_api.get(f"{unit_api.base}/ledger/accounts", token=f"Bearer {token}").status == 200
    before = books(unit_api.business_id)

    move_clock(monkeypatch, timedelta(days=1, seconds=1))
    response = post_entry(unit_api, token=f"Bearer {token}")

    assert (response.status, response.json()) == (401, UNAUTHORIZED)
    assert books(unit_api.business_id) == before


def test_a_token_still_works_just_before_it_expires(unit_api, monkeypatch):
    token = businesses.create_token(unit_api.business_id, days=1)

    move_clock(monkeypatch, timedelta(days=1, seconds=-60))

    assert unit_api.get(f"{unit_api.base}/ledger/accounts", token=f"Bearer {token}").status == 200


def test_a_revoked_token_is_401_on_the_next_request(unit_api):
    assert unit_api.get(f"{unit_api.base}/ledger/accounts").status == 200
    before = books(unit_api.business_id)

    businesses.revoke_token(unit_api.token)
    response = post_entry(unit_api)

    assert (response.status, response.json()) == (401, UNAUTHORIZED)
    assert books(unit_api.business_id) == before


def test_revoking_one_token_leaves_the_business_other_tokens_working(unit_api):
    other = businesses.create_token(unit_api.business_id)

    businesses.revoke_token(unit_api.token)

    assert unit_api.get(f"{unit_api.base}/ledger/accounts", token=f"Bearer {other}").status == 200


# ---- 403: the business is decided in the ledger layer, answered as ApiError --------------------


def test_a_valid_token_on_another_business_path_is_403(unit_api):
    other = new_api("Other Co")
    before = books(other.business_id)

    response = other.post(f"{other.base}/custom-journal-entries", entry_body(), token=f"Bearer {unit_api.token}")

    assert_auth_failure(response, 403)
    assert books(other.business_id) == before


def test_a_valid_token_reading_another_business_is_403(unit_api):
    other = new_api("Other Co")

    response = unit_api.get(f"{other.base}/ledger/accounts")

    assert_auth_failure(response, 403)
    assert str(other.accounts["CASH"]) not in response.body.decode()


def test_a_nonexistent_business_in_the_path_is_403(unit_api):
    before = books(unit_api.business_id)
    nowhere = f"/v1/businesses/{uuid.uuid4()}"

    read = unit_api.get(f"{nowhere}/ledger/accounts")
    write = unit_api.post(f"{nowhere}/custom-journal-entries", entry_body())

    assert_auth_failure(read, 403)
    assert_auth_failure(write, 403)
    assert books(unit_api.business_id) == before


# ---- 404: another business's object is simply not found ----------------------------------------


def test_another_business_entry_fetched_through_my_path_is_404(unit_api):
    other = new_api("Other Co")
    entry_id = post_entry(other).json()["id"]

    response = unit_api.get(f"{unit_api.base}/ledger/entries/{entry_id}")

    assert response.status == 404
    assert response.json()["type"] == "ResourceNotFound"
    assert "OPENING_BALANCE_EQUITY" not in response.body.decode()


def test_another_business_entry_cannot_be_reversed_through_my_path(unit_api):
    other = new_api("Other Co")
    entry_id = post_entry(other).json()["id"]
    mine, theirs = books(unit_api.business_id), books(other.business_id)

    response = unit_api.delete(f"{unit_api.base}/custom-journal-entries/{entry_id}")

    assert response.status == 404
    assert response.json()["type"] == "ResourceNotFound"
    assert books(unit_api.business_id) == mine
    assert books(other.business_id) == theirs


# ---- tokens ------------------------------------------------------------------------------------


@pytest.mark.parametrize("days", [-1, 0, 366, 1000])
def test_a_token_lives_1_to_365_days(unit_api, days):
    before = token_items()

    with pytest.raises(ValueError):
        businesses.create_token(unit_api.business_id, days=days)

    assert token_items() == before


@pytest.mark.parametrize("days", [1, 365])
def test_token_lifetimes_at_the_bounds_are_accepted(unit_api, days):
    token = businesses.create_token(unit_api.business_id, days=days)

    assert unit_api.get(f"{unit_api.base}/ledger/accounts", token=f"Bearer {token}").status == 200


def test_a_business_cannot_be_created_with_a_token_outside_1_to_365_days(moto_table):
    with pytest.raises(ValueError):
        businesses.create_business("Too Long Co", token_days=366)

    assert scan_table() == []


def test_a_token_carries_at_least_256_random_bits(unit_api):
    tokens = {unit_api.token, businesses.create_token(unit_api.business_id)}

    for token in tokens:
        secret = token.removeprefix(businesses.TOKEN_PREFIX)
        assert len(base64.urlsafe_b64decode(secret + "=" * (-len(secret) % 4))) >= 32
    assert len(tokens) == 2


def test_only_the_sha256_of_a_token_is_stored(unit_api):
    token = businesses.create_token(unit_api.business_id)
    digest = hashlib.sha256(token.encode()).hexdigest()

    stored = json.dumps(scan_table())

    assert token not in stored
    assert token.removeprefix(businesses.TOKEN_PREFIX) not in stored
    assert unit_api.token not in stored
    assert keys.token_pk(digest) in {item["PK"]["S"] for item in token_items()}


# ---- loans family: x-business-id (tested on a throwaway resolver of that family) ---------------


def loans_handler():
    app = create_app(LOANS)

    @app.post(
        "/api/v1/businesses/<business_id>/probe-entries",
        status_code=201,
        present=views.entry,
        message="Journal entry posted",
        code="ENTRY_POSTED",
    )
    def post_probe_entry(call: ThisCall, business_id: str, body: CustomJournalEntryRequest) -> Response[dict[str, Any]]:
        entry, _created = ledger.post_custom_entry(call.scope, body.command())
        return call.respond(entry)

    return entrypoint(app)


def loans_event(path_business: str, *, allowed: list[str], headers: dict[str, str]) -> dict[str, Any]:
    path = f"/api/v1/businesses/{path_business}/probe-entries"
    return {
        "version": "2.0",
        "routeKey": f"POST {path}",
        "rawPath": path,
        "rawQueryString": "",
        "headers": {"content-type": "application/json", "authorization": "Bearer redacted", **headers},
        "requestContext": {
            "accountId": "000000000000",
            "apiId": "local",
            "domainName": "localhost",
            "domainPrefix": "local",
            "http": {
                "method": "POST",
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": "127.0.0.1",
                "userAgent": "pytest",
            },
            "requestId": str(uuid.uuid4()),
            "routeKey": f"POST {path}",
            "stage": "$default",
            "time": "01/Jan/2025:00:00:00 +0000",
            "timeEpoch": 0,
            "authorizer": {"lambda": {"business_ids": ",".join(allowed)}},
        },
        "body": json.dumps(entry_body()),
        "isBase64Encoded": False,
    }


def call(handler, event: dict[str, Any]) -> tuple[int, Any]:
    result = handler(event, LambdaContext("LoansProbe", event["requestContext"]["requestId"]))
    return result["statusCode"], json.loads(result["body"])


def test_loans_family_accepts_a_matching_x_business_id(unit_api):
    event = loans_event(
        unit_api.business_id, allowed=[unit_api.business_id], headers={"x-business-id": unit_api.business_id}
    )

    status, body = call(loans_handler(), event)

    assert status == 201
    assert body["success"] is True and body["code"] == "ENTRY_POSTED"


def test_loans_family_without_x_business_id_is_422_naming_the_header(unit_api):
    before = books(unit_api.business_id)
    event = loans_event(unit_api.business_id, allowed=[unit_api.business_id], headers={})

    status, body = call(loans_handler(), event)

    assert status == 422
    assert body["detail"][0]["loc"] == ["header", "x-business-id"]
    assert body["detail"][0]["msg"]
    assert books(unit_api.business_id) == before


def test_loans_family_x_business_id_different_from_the_path_is_403(unit_api):
    other = new_api("Other Co")
    before, before_other = books(unit_api.business_id), books(other.business_id)
    # The token may act for both: the refusal comes from the disagreement alone.
    event = loans_event(
        unit_api.business_id,
        allowed=[unit_api.business_id, other.business_id],
        headers={"x-business-id": other.business_id},
    )

    status, body = call(loans_handler(), event)

    assert status == 403
    assert set(body) == {"detail", "code"}
    assert body["code"] == "FORBIDDEN"
    assert books(unit_api.business_id) == before
    assert books(other.business_id) == before_other


def test_loans_family_business_the_token_may_not_act_for_is_403(unit_api):
    other = new_api("Other Co")
    before_other = books(other.business_id)
    event = loans_event(other.business_id, allowed=[unit_api.business_id], headers={"x-business-id": other.business_id})

    status, body = call(loans_handler(), event)

    assert status == 403
    assert set(body) == {"detail", "code"}
    assert books(other.business_id) == before_other
