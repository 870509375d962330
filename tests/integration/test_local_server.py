"""SPEC §2 and §8: the local server answers like API Gateway in front of the functions, and serves the docs.

A real HTTP server on a free port over DynamoDB Local, spoken to with plain ``urllib`` as curl would.
"""

import http.client
import json
import re
import socket
import socketserver
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from support.local_server import serving

from ledgerline.services import businesses
from ledgerline_tools import cli, gateway, localstack, openapi, template
from ledgerline_tools.dynamodb_local import DynamoDBLocal, free_port
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
    with serving("ledgerline-test-server") as url:
        yield url


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

    answer = call(
        "GET",
        f"{base_url}/v1/businesses/{theirs.business.id}/reports/trial-balance",
        headers={"Authorization": f"Bearer {mine.token}"},
    )

    assert answer.status == 403
    assert answer.json()["type"] == "AuthFailure"


def test_a_journey_posts_an_entry_and_the_trial_balance_balances(base_url: str, local_table: str) -> None:
    # Given a business made the way `ledgerline create-business` makes it
    created = businesses.create_business("Journey Co", timezone="America/New_York")
    business = f"{base_url}/v1/businesses/{created.business.id}"
    headers = {
        "Authorization": f"Bearer {created.token}",
        "Content-Type": "application/json",
        "Idempotency-Key": "journey-1",
    }
    entry = {
        "memo": "Owner's capital contribution",
        "line_items": [
            {
                "account_identifier": {"type": "StableName", "stable_name": "CASH"},
                "amount": 2_500_000,
                "direction": "DEBIT",
            },
            {
                "account_identifier": {"type": "StableName", "stable_name": "OPENING_BALANCE_EQUITY"},
                "amount": 2_500_000,
                "direction": "CREDIT",
            },
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


# ---- SPEC §9.4: bursts, keep-alive, and methods no route has -------------------------------------------------------


def connection(base_url: str, timeout: float = 10) -> http.client.HTTPConnection:
    parts = urlsplit(base_url)
    return http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)


def exchange(
    conn: http.client.HTTPConnection,
    method: str,
    path: str,
    body: Any = None,
    headers: dict[str, str] | None = None,
    chunked: bool = False,
) -> Answer:
    conn.request(method, path, body=body, headers={**CURL, **(headers or {})}, encode_chunked=chunked)
    response = conn.getresponse()
    return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())


def test_the_server_is_built_for_bursts() -> None:
    server = serve(free_port(), None)
    try:
        assert server.request_queue_size >= 128  # the stdlib's 5 resets bursts of 40+ connections
        assert isinstance(server, socketserver.ThreadingMixIn) and server.daemon_threads  # a thread per connection
        assert server.RequestHandlerClass.disable_nagle_algorithm is True  # TCP_NODELAY
    finally:
        server.server_close()


def test_a_burst_of_100_parallel_connections_is_answered_without_a_reset(base_url: str) -> None:
    # Given 100 clients, each with its own connection, released at the same instant
    clients = 100
    start = threading.Barrier(clients)
    answers: list[Answer | BaseException] = [None] * clients  # type: ignore[list-item]

    def client(index: int) -> None:
        conn = connection(base_url, timeout=15)
        try:
            start.wait(timeout=30)
            path = "/openapi.json" if index % 2 else "/v1/no-such-route"
            answers[index] = exchange(conn, "GET", path)
        except BaseException as error:  # noqa: BLE001 - a reset or timeout is the failure we look for
            answers[index] = error
        finally:
            conn.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    # Then every one of them is answered
    failures = [a for a in answers if not isinstance(a, Answer)]
    assert not failures, f"{len(failures)} of {clients} connections failed, e.g. {failures[:3]}"
    assert sorted({a.status for a in answers}) == [200, 404]  # type: ignore[union-attr]


def test_keep_alive_requests_do_not_wait_for_delayed_acks(base_url: str) -> None:
    # Nagle against the client's delayed ACK costs ~40 ms per response on a kept-alive connection.
    conn = connection(base_url)
    try:
        exchange(conn, "GET", "/v1/no-such-route")  # connected and warm
        begin = time.perf_counter()
        answers = [exchange(conn, "GET", "/v1/no-such-route") for _ in range(20)]
        elapsed = time.perf_counter() - begin
    finally:
        conn.close()

    assert [a.status for a in answers] == [404] * 20
    assert all(a.headers.get("connection", "").lower() != "close" for a in answers)
    assert elapsed < 0.4, f"20 kept-alive requests took {elapsed * 1000:.0f} ms (20 x 40 ms = 800 ms stalls)"


@pytest.mark.parametrize("method", ["TRACE", "OPTIONS", "CONNECT", "PROPFIND", "BREW"])
def test_a_method_no_route_has_gets_api_gateways_json_404(base_url: str, method: str) -> None:
    answer = call(
        method,
        f"{base_url}/v1/businesses/{uuid.uuid4()}/reports/trial-balance",
        headers={"Authorization": "Bearer whatever"},
    )

    assert answer.status == 404
    assert answer.headers["content-type"] == "application/json"
    assert answer.json() == {"message": "Not Found"}


def test_an_unknown_method_with_a_body_leaves_the_kept_alive_connection_usable(base_url: str) -> None:
    conn = connection(base_url)
    try:
        # Given an OPTIONS with a body, then a request on the same connection
        first = exchange(
            conn,
            "OPTIONS",
            "/openapi.json",
            body=b'{"padding": "' + b"x" * 5000 + b'"}',
            headers={"Content-Type": "application/json"},
        )
        second = exchange(conn, "GET", "/openapi.json")
        third = exchange(
            conn,
            "TRACE",
            "/",
            body=iter([b"a chunk", b"another"]),
            chunked=True,
            headers={"Transfer-Encoding": "chunked"},
        )
        fourth = exchange(conn, "GET", "/openapi.json")
    finally:
        conn.close()

    # Then the body was read, not taken for the next request
    assert (first.status, first.json()) == (404, {"message": "Not Found"})
    assert second.status == 200 and second.json()["openapi"].startswith("3.")
    assert (third.status, third.json()) == (404, {"message": "Not Found"})
    assert fourth.status == 200


def test_head_is_answered_like_get_without_a_body(base_url: str) -> None:
    conn = connection(base_url)
    try:
        head = exchange(conn, "HEAD", "/v1/no-such-route")
        after = exchange(conn, "GET", "/v1/no-such-route")
    finally:
        conn.close()

    assert head.status == 404 and head.body == b"" and head.headers["content-type"] == "application/json"
    assert after.status == 404 and after.json() == {"message": "Not Found"}


def test_a_malformed_request_gets_json_not_an_html_error_page(base_url: str) -> None:
    parts = urlsplit(base_url)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as raw:
        raw.sendall(b"GET /openapi.json HTTP/9.9\r\nHost: x\r\n\r\n")
        reply = b""
        while chunk := raw.recv(65536):
            reply += chunk

    head, _, body = reply.partition(b"\r\n\r\n")
    assert head.split(b" ")[1] == b"505"
    assert b"content-type: application/json" in head.lower()
    assert json.loads(body) == {"message": "HTTP Version Not Supported"}


def test_a_bad_content_length_is_refused_and_the_connection_closed(base_url: str) -> None:
    parts = urlsplit(base_url)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as raw:
        raw.sendall(b"POST /v1/no-such-route HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n")
        reply = b""
        while chunk := raw.recv(65536):
            reply += chunk

    head, _, body = reply.partition(b"\r\n\r\n")
    assert head.split(b" ")[1] == b"400"
    assert b"connection: close" in head.lower()
    assert json.loads(body) == {"message": "Bad Request"}


# ---- issue 11: the first run -----------------------------------------------------------------------------------

REQUEST_ID = re.compile(r"[A-Za-z0-9]{15}=")
"""What API Gateway's ``apigw-requestid`` looks like: ``Jv1Ue5zvoAMEaZw=``."""


def test_the_root_redirects_to_the_docs(base_url: str) -> None:
    conn = connection(base_url)
    try:
        answer = exchange(conn, "GET", "/")
    finally:
        conn.close()

    assert answer.status == 302 and answer.headers["location"] == "/docs"


def test_every_response_carries_its_own_request_id_as_api_gateway_sends_it(base_url: str) -> None:
    answers = [
        call("GET", f"{base_url}/openapi.json"),
        call("GET", f"{base_url}/docs"),
        call("GET", f"{base_url}/v1/no-such-route"),
        call("GET", f"{base_url}/v1/businesses/{uuid.uuid4()}/reports/trial-balance"),
    ]  # the authorizer's 401

    ids = [answer.headers.get("apigw-requestid", "") for answer in answers]
    assert [a.status for a in answers] == [200, 200, 404, 401]
    assert all(REQUEST_ID.fullmatch(i) for i in ids), ids
    assert len(set(ids)) == len(ids)


def test_a_refused_malformed_request_carries_a_request_id_too(base_url: str) -> None:
    parts = urlsplit(base_url)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as raw:
        raw.sendall(b"GET /openapi.json HTTP/9.9\r\nHost: x\r\n\r\n")
        reply = b""
        while chunk := raw.recv(65536):
            reply += chunk

    head = reply.partition(b"\r\n\r\n")[0].decode().lower()
    assert re.search(r"^apigw-requestid: [a-z0-9]{15}=$", head, re.MULTILINE), head


def test_the_function_gets_the_request_id_the_caller_sees(base_url: str, monkeypatch) -> None:
    # Given functions that let every request through and remember the events they get
    events: list[dict[str, Any]] = []

    def function(target: Any, event: dict[str, Any], context: Any) -> dict[str, Any]:
        if target.logical_id == template.AUTHORIZER_RESOURCE:
            return {"isAuthorized": True, "context": {}}
        events.append(event)
        return {"statusCode": 200, "body": "{}"}

    monkeypatch.setattr(gateway, "invoke", function)

    answer = call(
        "GET",
        f"{base_url}/v1/businesses/{uuid.uuid4()}/reports/trial-balance",
        headers={"Authorization": "Bearer whatever"},
    )

    assert answer.status == 200
    assert events[0]["requestContext"]["requestId"] == answer.headers["apigw-requestid"]


def access_line(capsys: pytest.CaptureFixture[str], request_id: str) -> str:
    """The server's access line for the request: it is written just after the response, from its thread."""
    deadline, seen = time.monotonic() + 5, ""
    while time.monotonic() < deadline:
        seen += capsys.readouterr().out
        found = [line for line in seen.splitlines() if request_id in line]
        if found:
            return found[0]
        time.sleep(0.01)
    raise AssertionError(f"no access line with {request_id} in {seen!r}")


def test_the_access_line_has_the_time_the_request_the_status_the_latency_and_the_request_id(
    base_url: str, capsys
) -> None:
    answer = call("GET", f"{base_url}/v1/no-such-route?limit=5")
    request_id = answer.headers["apigw-requestid"]

    line = access_line(capsys, request_id)

    timestamp = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"
    assert re.fullmatch(rf"{timestamp} GET /v1/no-such-route\?limit=5 404 \d+\.\d ms {re.escape(request_id)}", line), (
        line
    )


@pytest.fixture
def local_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A .local of the test's own, so a refused serve could not touch the checkout's."""
    monkeypatch.setattr(localstack, "LOCAL_DIR", tmp_path / ".local")
    monkeypatch.setattr(localstack, "DEMO_FILE", tmp_path / ".local" / "demo.json")
    return tmp_path / ".local"


def test_a_second_serve_beside_a_running_one_is_refused_in_one_line(
    base_url: str, dynamodb_local: DynamoDBLocal, local_dir: Path
) -> None:
    # Given this module's API server and the session's DynamoDB Local, both running
    api_port = urlsplit(base_url).port

    # When serve is asked for either of their ports
    refusals = []
    for argv in (
        ["--port", str(api_port), "--dynamodb-port", str(free_port())],
        ["--port", str(free_port()), "--dynamodb-port", str(dynamodb_local.port)],
    ):
        with pytest.raises(SystemExit) as exited:
            cli.main(["serve", *argv])
        refusals.append(str(exited.value.code))

    # Then it refuses in one line, having started nothing and written nothing
    assert refusals[0].startswith(f"ledgerline: port {api_port} is in use — is another make run going?")
    assert refusals[1].startswith(f"ledgerline: port {dynamodb_local.port} is in use — is another make run going?")
    assert all("\n" not in refusal for refusal in refusals)
    assert not local_dir.exists()
    assert call("GET", f"{base_url}/openapi.json").status == 200  # the running one is unharmed


# ---- issue item 9: CORS, as API Gateway's HTTP API applies the template's CorsConfiguration -------------------------

APP = "https://app.example.com"
ORIGINS = f"{APP},http://localhost:5173"


@pytest.fixture(scope="module")
def cors_url() -> Iterator[str]:
    """A server run as `ledgerline serve --cors-origins https://app.example.com,http://localhost:5173` runs it."""
    with serving("ledgerline-cors-server", {template.CORS_PARAMETER: ORIGINS}) as url:
        yield url


def preflight(
    url: str, origin: str, method: str = "POST", headers: str = "authorization,content-type,idempotency-key"
) -> Answer:
    return call(
        "OPTIONS",
        url,
        headers={"Origin": origin, "Access-Control-Request-Method": method, "Access-Control-Request-Headers": headers},
    )


def cors_headers(answer: Answer) -> dict[str, str]:
    return {name: value for name, value in answer.headers.items() if name.startswith("access-control-")}


def test_a_preflight_from_an_allowed_origin_is_answered_204_by_the_gateway(cors_url: str) -> None:
    # A browser's preflight carries no Authorization: the gateway answers it without the authorizer.
    answer = preflight(f"{cors_url}/v1/businesses/{uuid.uuid4()}/custom-journal-entries", APP)

    assert answer.status == 204 and answer.body == b""
    assert cors_headers(answer) == {
        "access-control-allow-origin": APP,
        "access-control-allow-methods": "GET,POST,PUT,DELETE",
        "access-control-allow-headers": "Authorization,Content-Type,Idempotency-Key,x-business-id",
        "access-control-max-age": "3600",
    }
    assert REQUEST_ID.fullmatch(answer.headers["apigw-requestid"])
    assert "content-length" not in answer.headers  # a 204 has none


def test_every_configured_origin_is_allowed_and_only_its_own_is_named(cors_url: str) -> None:
    answer = preflight(
        f"{cors_url}/api/v1/loans/accrue-interest", "http://localhost:5173", headers="x-business-id,content-type"
    )

    assert answer.status == 204 and answer.headers["access-control-allow-origin"] == "http://localhost:5173"


@pytest.mark.parametrize(
    "origin, method, headers",
    [
        ("https://evil.example", "POST", "authorization"),  # an origin not configured
        (f"{APP}:8443", "POST", "authorization"),  # another port is another origin
        (APP, "PATCH", "authorization"),  # a method no route has
        (APP, "POST", "authorization,x-debug"),  # a header the API does not take
    ],
)
def test_a_preflight_that_is_not_allowed_gets_204_without_cors_headers(
    cors_url: str, origin: str, method: str, headers: str
) -> None:
    answer = preflight(f"{cors_url}/v1/businesses/{uuid.uuid4()}/invoices", origin, method, headers)

    assert answer.status == 204 and cors_headers(answer) == {}


def test_an_allowed_origins_answers_carry_allow_origin_and_the_exposed_headers(cors_url: str, local_table: str) -> None:
    created = businesses.create_business("Browser Co")
    url = f"{cors_url}/v1/businesses/{created.business.id}/reports/trial-balance"

    answered = call("GET", url, headers={"Origin": APP, "Authorization": f"Bearer {created.token}"})
    refused = call("GET", url, headers={"Origin": APP})  # the gateway's own 401 too: the app can read it

    assert answered.status == 200 and answered.json()["balanced"] is True
    for answer in (answered, refused):
        assert cors_headers(answer) == {
            "access-control-allow-origin": APP,
            "access-control-expose-headers": "apigw-requestid,Retry-After,Idempotent-Replayed,Ledgerline-Next-Cursor,Content-Disposition",
        }
    assert refused.status == 401 and refused.json() == {"message": "Unauthorized"}


def test_another_origins_answers_and_requests_without_an_origin_carry_no_cors_headers(
    cors_url: str, local_table: str
) -> None:
    created = businesses.create_business("Other Origin Co")
    url = f"{cors_url}/v1/businesses/{created.business.id}/reports/trial-balance"
    auth = {"Authorization": f"Bearer {created.token}"}

    elsewhere = call("GET", url, headers={"Origin": "https://evil.example", **auth})
    no_origin = call("GET", url, headers=auth)  # curl, a server: CORS is only for browsers

    assert elsewhere.status == no_origin.status == 200
    assert cors_headers(elsewhere) == cors_headers(no_origin) == {}


def test_an_options_that_is_not_a_preflight_is_a_method_no_route_has(cors_url: str) -> None:
    answer = call("OPTIONS", f"{cors_url}/v1/businesses/{uuid.uuid4()}/invoices", headers={"Origin": APP})

    assert (answer.status, answer.json()) == (404, {"message": "Not Found"})
    assert answer.headers["access-control-allow-origin"] == APP


def test_with_cors_off_a_preflight_is_api_gateways_404_and_nothing_is_allowed(base_url: str, local_table: str) -> None:
    # The default: CorsAllowedOrigins is empty, the template deploys no CORS configuration.
    created = businesses.create_business("No CORS Co")
    url = f"{base_url}/v1/businesses/{created.business.id}/reports/trial-balance"

    answer = preflight(url, APP, "GET", "authorization")
    actual = call("GET", url, headers={"Origin": APP, "Authorization": f"Bearer {created.token}"})

    assert (answer.status, answer.json()) == (404, {"message": "Not Found"})
    assert actual.status == 200
    assert cors_headers(answer) == cors_headers(actual) == {}


def test_cors_headers_a_function_sends_are_replaced_by_the_gateways(monkeypatch) -> None:
    # API Gateway ignores a backend's CORS headers once CORS is configured.
    def function(target: Any, event: dict[str, Any], context: Any) -> dict[str, Any]:
        if target.logical_id == template.AUTHORIZER_RESOURCE:
            return {"isAuthorized": True, "context": {}}
        return {"statusCode": 200, "headers": {"Access-Control-Allow-Origin": "*", "X-Kept": "yes"}, "body": "{}"}

    monkeypatch.setattr(gateway, "invoke", function)
    local = gateway.LocalGateway(parameters={template.CORS_PARAMETER: APP})
    path = f"/v1/businesses/{uuid.uuid4()}/reports/trial-balance"

    mine = local.handle("GET", path, "", {"Origin": APP, "Authorization": "Bearer x"}, b"")
    theirs = local.handle("GET", path, "", {"Origin": "https://evil.example", "Authorization": "Bearer x"}, b"")

    assert mine.headers["access-control-allow-origin"] == APP and mine.headers["x-kept"] == "yes"
    assert "access-control-allow-origin" not in theirs.headers and theirs.headers["x-kept"] == "yes"


def test_any_origin_is_answered_with_a_star() -> None:
    local = gateway.LocalGateway(parameters={template.CORS_PARAMETER: "*"})

    answer = local.handle(
        "OPTIONS", "/anything", "", {"Origin": "https://x.example", "Access-Control-Request-Method": "GET"}, b""
    )

    assert answer.status == 204 and answer.headers["access-control-allow-origin"] == "*"


def test_serve_refuses_origins_cloudformation_would_refuse_in_one_line_and_starts_nothing(local_dir: Path) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(
            ["serve", "--cors-origins", f"{APP}/", "--port", str(free_port()), "--dynamodb-port", str(free_port())]
        )

    message = str(exited.value.code)
    assert message.startswith(f"ledgerline: --cors-origins '{APP}/' is refused: comma-separated origins")
    assert "\n" not in message and not local_dir.exists()


def test_serve_takes_its_origins_from_cors_origins_in_the_environment(monkeypatch) -> None:
    from ledgerline_tools import arguments

    monkeypatch.setenv("CORS_ORIGINS", ORIGINS)
    assert arguments.parser().parse_args(["serve"]).cors_origins == ORIGINS
    monkeypatch.delenv("CORS_ORIGINS")
    assert arguments.parser().parse_args(["serve"]).cors_origins is None  # the template's default: off
