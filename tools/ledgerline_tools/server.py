"""``ledgerline serve``: the HTTP face of the local stack (API Gateway stand-in, OpenAPI, Swagger UI).

Built for bursts: a listen backlog of 128 (the stdlib's 5 resets bursts of 40+ connections), one
thread per connection, and ``TCP_NODELAY`` so a kept-alive connection doesn't wait ~40 ms per
response (Nagle against the client's delayed ACK). Whatever the method or however malformed the
request, the answer is JSON like API Gateway's, never the stdlib's HTML error pages.

Every response carries an ``apigw-requestid`` header, as API Gateway's do; the same id is the event's
``requestContext.requestId`` (so the functions' logs carry it) and is on the request's access line,
written once the response is sent: ``2026-11-30T23:10:58.123Z GET /openapi.json 200 3.1 ms Jv1Ue5zvoAMEaZw=``.
``GET /`` redirects to ``/docs``. CORS (``--cors-origins``) is the gateway's: see gateway.py.
"""

import json
import secrets
import string
import time
import traceback
from datetime import UTC, datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ledgerline_tools import openapi
from ledgerline_tools.gateway import HttpResponse, LocalGateway

SWAGGER_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>Ledgerline API</title>
<link rel="stylesheet" href="{assets}/swagger-ui.css"></head>
<body><div id="ui"></div><script src="{assets}/swagger-ui-bundle.js"></script>
<script>SwaggerUIBundle({{url: "/openapi.json", dom_id: "#ui"}});</script></body></html>
"""
CDN = "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5"
# API Gateway refuses larger payloads (HTTP APIs: 10 MB) before any integration sees them.
MAX_PAYLOAD_BYTES = 10 * 1024 * 1024
LISTEN_BACKLOG = 128
IDLE_TIMEOUT_SECONDS = 60
REQUEST_ID_HEADER = "apigw-requestid"
_ID_ALPHABET = string.ascii_letters + string.digits


def new_request_id() -> str:
    """An id shaped like API Gateway's (``Jv1Ue5zvoAMEaZw=``): 15 letters and digits, then ``=``."""
    return "".join(secrets.choice(_ID_ALPHABET) for _ in range(15)) + "="


def timestamp(at: datetime) -> str:
    """UTC to the millisecond, as CloudWatch shows it: ``2026-11-30T23:10:58.123Z``."""
    return at.strftime("%Y-%m-%dT%H:%M:%S.") + f"{at.microsecond // 1000:03d}Z"


class _BadBody(Exception):
    def __init__(self, status: HTTPStatus) -> None:
        super().__init__(status.phrase)
        self.status = status


def make_handler(gateway: LocalGateway, swagger_dir: Path | None) -> type[BaseHTTPRequestHandler]:
    document = openapi.render().encode()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        gateway: LocalGateway
        server_version = "ledgerline-local"
        # TCP_NODELAY: headers and body go out in separate writes; without it each response on a
        # kept-alive connection stalls ~40 ms (Nagle against delayed ACK).
        disable_nagle_algorithm = True
        # An idle kept-alive connection gives its thread back after this long.
        timeout = IDLE_TIMEOUT_SECONDS

        request_id: str | None = None
        received: tuple[datetime, float] | None = None

        def handle_one_request(self) -> None:
            self.request_id, self.received = None, None  # a kept-alive connection's next request is a new one
            super().handle_one_request()

        def parse_request(self) -> bool:
            self._stamp()  # the request line is in: from here on the request is timed
            return super().parse_request()

        def _stamp(self) -> None:
            if self.request_id is None:
                self.request_id, self.received = new_request_id(), (datetime.now(UTC), time.perf_counter())

        def _access_log(self, status: int, note: str | None = None) -> None:
            """One line per request, once it is answered: when it came, what it was, status, latency, id."""
            self._stamp()
            assert self.received is not None
            at, started = self.received
            latency_ms = (time.perf_counter() - started) * 1000
            # Before the request line is parsed there is no command or path (e.g. a 414).
            command, path = getattr(self, "command", None) or "-", getattr(self, "path", None) or "-"
            why = f" ({note})" if note else ""
            print(f"{timestamp(at)} {command} {path} {status} {latency_ms:.1f} ms {self.request_id}{why}", flush=True)

        def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
            pass  # the access line is written once the response is sent, with its latency (_access_log)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
            print(f"{timestamp(datetime.now(UTC))} {format % args}", flush=True)

        def _send(self, status: int, headers: dict[str, str], body: bytes) -> None:
            self.send_response(status)
            for name, value in headers.items():
                if name.lower() not in ("content-length", "connection", "transfer-encoding", REQUEST_ID_HEADER):
                    self.send_header(name, value)
            if status != HTTPStatus.NO_CONTENT:  # a 204 has no body, and no Content-Length (RFC 9110 §8.6)
                self.send_header("Content-Length", str(len(body)))
            self.send_header(REQUEST_ID_HEADER, str(self.request_id))
            if self.close_connection:  # the caller asked for it, or the request can't be trusted
                self.send_header("Connection", "close")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
            self._access_log(status)

        def _extras(self, path: str) -> bool:
            if path == "/":  # what a browser opens first: the docs
                self._send(
                    302,
                    {"Location": "/docs", "Content-Type": "application/json"},
                    json.dumps({"message": "Found: see /docs"}).encode(),
                )
            elif path == "/openapi.json":
                self._send(200, {"Content-Type": "application/json"}, document)
            elif path in ("/docs", "/docs/"):
                assets = "/docs/assets" if swagger_dir else CDN
                self._send(
                    200, {"Content-Type": "text/html; charset=utf-8"}, SWAGGER_PAGE.format(assets=assets).encode()
                )
            elif path.startswith("/docs/assets/") and swagger_dir:
                name = Path(path).name
                file = swagger_dir / name
                if not file.is_file():
                    return False
                kind = "text/css" if name.endswith(".css") else "application/javascript"
                self._send(200, {"Content-Type": kind}, file.read_bytes())
            else:
                return False
            return True

        def _read_body(self) -> bytes:
            """The whole request body, so the next request on a kept-alive connection starts clean."""
            if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
                return self._read_chunked()
            raw = (self.headers.get("Content-Length") or "0").strip()
            if not (raw.isascii() and raw.isdigit()):
                raise _BadBody(HTTPStatus.BAD_REQUEST)
            length = int(raw)
            if length > MAX_PAYLOAD_BYTES:
                raise _BadBody(HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
            body = self.rfile.read(length) if length else b""
            if len(body) < length:
                raise _BadBody(HTTPStatus.BAD_REQUEST)
            return body

        def _read_chunked(self) -> bytes:
            body = bytearray()
            while True:
                size_line = self.rfile.readline(1024).split(b";", 1)[0].strip()
                try:
                    size = int(size_line, 16)
                except ValueError:
                    raise _BadBody(HTTPStatus.BAD_REQUEST) from None
                if size < 0 or len(body) + size > MAX_PAYLOAD_BYTES:
                    raise _BadBody(HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
                if size == 0:
                    while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                        pass  # trailers
                    return bytes(body)
                chunk = self.rfile.read(size)
                if len(chunk) < size:
                    raise _BadBody(HTTPStatus.BAD_REQUEST)
                body += chunk
                self.rfile.readline(3)  # the CRLF after the chunk

        def _dispatch(self) -> None:
            parts = urlsplit(self.path)
            try:
                body = self._read_body()
            except _BadBody as refused:
                # What is left of the body can't be found reliably: answer, then close.
                self.close_connection = True
                self._send(
                    refused.status,
                    {"Content-Type": "application/json"},
                    json.dumps({"message": refused.status.phrase}).encode(),
                )
                return
            if self.command == "GET" and self._extras(parts.path):
                return
            headers = {name: value for name, value in self.headers.items()}
            try:
                response = gateway.handle(
                    self.command, parts.path, parts.query, headers, body, request_id=self.request_id
                )
            except Exception:  # noqa: BLE001 - a bug of the stand-in itself: API Gateway's bare 500, not a reset
                traceback.print_exc()
                response = HttpResponse(
                    500, {"Content-Type": "application/json"}, json.dumps({"message": "Internal Server Error"}).encode()
                )
            self._send(response.status, response.headers, response.body)

        do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = _dispatch

        def __getattr__(self, name: str) -> Any:
            # Any other method (TRACE, OPTIONS, CONNECT, made-up ones) goes to the gateway too, which
            # answers it as API Gateway does when no route has that method: JSON 404, not HTML 501.
            if name.startswith("do_"):
                return self._dispatch
            raise AttributeError(name)

        def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
            # The stdlib's own refusals (malformed request line, URI or headers too long, HTTP/2.0…):
            # API Gateway's JSON shape, and the connection closed since the request can't be trusted.
            status = HTTPStatus(code)
            self._stamp()  # a request line too long to parse was never stamped
            self.close_connection = True
            body = json.dumps({"message": status.phrase}).encode()
            # A request line that didn't parse leaves HTTP/0.9 (no status line, no headers): answer in 1.1.
            self.request_version = self.protocol_version
            self.send_response_only(code)
            self.send_header("Connection", "close")
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.send_header(REQUEST_ID_HEADER, str(self.request_id))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
            self._access_log(code, message)

    Handler.gateway = gateway
    return Handler


class LocalServer(ThreadingHTTPServer):
    """One thread per connection, and a listen backlog that takes a burst of 100+ connections."""

    request_queue_size = LISTEN_BACKLOG
    daemon_threads = True


def serve(port: int, swagger_dir: Path | None = None, parameters: dict[str, str] | None = None) -> LocalServer:
    """``parameters``: template parameter values that differ from their defaults (e.g. CorsAllowedOrigins)."""
    return LocalServer(("127.0.0.1", port), make_handler(LocalGateway(parameters=parameters), swagger_dir))


def pretty(value: Any) -> str:
    return json.dumps(value, indent=2)
