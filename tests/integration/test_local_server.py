"""SPEC §2 and §8: the local server answers like API Gateway in front of the functions, and serves the docs.

A real HTTP server on a free port over DynamoDB Local, spoken to with plain ``urllib`` as curl would.
"""

import json
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from ledgerline.services import businesses
from ledgerline_tools import openapi
from ledgerline_tools.dynamodb_local import free_port
from ledgerline_tools.server import serve

pytestmark = pytest.mark.integration

CURL = {"User-Agent": "curl/8.5.0", "Accept": "*/*"}


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    """One server for the module: it reads the table from the environment per request, as a function would."""
    server = serve(free_port(), None)
    thread = threading.Thread(target=server.serve_forever, name="ledgerline-test-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def call(method: str, url: str, *, body: Any = None, headers: dict[str, str] | None = None) -> Answer:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers={**CURL, **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - our own local server
            return Answer(response.status, {k.lower(): v for k, v in response.headers.items()}, response.read())
    except urllib.error.HTTPError as error:
        return Answer(error.code, {k.lower(): v for k, v in error.headers.items()}, error.read())


def test_openapi_json_is_the_generated_document(base_url: str) -> None:
    answer = call("GET", f"{base_url}/openapi.json")

    assert answer.status == 200
    assert answer.headers["content-type"].startswith("application/json")
    assert answer.json() == openapi.generate()


def test_docs_is_swagger_ui_over_openapi_json(base_url: str) -> None:
    answer = call("GET", f"{base_url}/docs")

    assert answer.status == 200
    assert answer.headers["content-type"].startswith("text/html")
    assert b'"/openapi.json"' in answer.body and b"SwaggerUIBundle" in answer.body


def test_a_request_without_a_token_gets_api_gateways_401(base_url: str, local_table: str) -> None:
    business_id = businesses.create_business("No Token Co").business.id

    answer = call("GET", f"{base_url}/v1/businesses/{business_id}/reports/trial-balance")

    assert answer.status == 401
    assert answer.json() == {"message": "Unauthorized"}


def test_an_unknown_route_gets_api_gateways_404(base_url: str) -> None:
    answer = call("GET", f"{base_url}/v1/no-such-route", headers={"Authorization": "Bearer whatever"})

    assert answer.status == 404
    assert answer.json() == {"message": "Not Found"}


def test_a_token_for_another_business_is_403_in_the_family_shape(base_url: str, local_table: str) -> None:
    mine = businesses.create_business("Mine Co")
    theirs = businesses.create_business("Theirs Co")

    answer = call("GET", f"{base_url}/v1/businesses/{theirs.business.id}/reports/trial-balance",
                  headers={"Authorization": f"Bearer {mine.token}"})

    assert answer.status == 403
    assert answer.json()["type"] == "AuthFailure"


def test_a_journey_posts_an_entry_and_the_trial_balance_balances(base_url: str, local_table: str) -> None:
    # Given a business made the way `ledgerline create-business` makes it
    created = businesses.create_business("Journey Co", timezone="America/New_York")
    business = f"{base_url}/v1/businesses/{created.business.id}"
    headers = {"Authorization": f"Bearer {created.token}", "Content-Type": "application/json",
               "Idempotency-Key": "journey-1"}
    entry = {
        "memo": "Owner's capital contribution",
        "line_items": [
            {"account_identifier": {"type": "StableName", "stable_name": "CASH"}, "amount": 2_500_000,
             "direction": "DEBIT"},
            {"account_identifier": {"type": "StableName", "stable_name": "OPENING_BALANCE_EQUITY"},
             "amount": 2_500_000, "direction": "CREDIT"},
        ],
    }

    # When a custom journal entry is posted as curl would post it, and posted again with the same key
    posted = call("POST", f"{business}/custom-journal-entries", body=entry, headers=headers)
    replayed = call("POST", f"{business}/custom-journal-entries", body=entry, headers=headers)

    # Then it was posted once, and the trial balance shows it and balances
    assert posted.status == 201, posted.body
    assert (replayed.status, replayed.json()) == (201, posted.json())
    report = call("GET", f"{business}/reports/trial-balance", headers={"Authorization": f"Bearer {created.token}"})
    assert report.status == 200
    balance = report.json()
    rows = {row["stable_name"]: row for row in balance["accounts"]}
    assert balance["balanced"] is True and balance["total_debits"] == balance["total_credits"] == 2_500_000
    assert rows["CASH"]["debit_balance"] == rows["OPENING_BALANCE_EQUITY"]["credit_balance"] == 2_500_000
