"""``ledgerline serve``: the HTTP face of the local stack (API Gateway stand-in, OpenAPI, Swagger UI)."""

import json
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ledgerline_tools import openapi
from ledgerline_tools.gateway import LocalGateway

SWAGGER_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>Ledgerline API</title>
<link rel="stylesheet" href="{assets}/swagger-ui.css"></head>
<body><div id="ui"></div><script src="{assets}/swagger-ui-bundle.js"></script>
<script>SwaggerUIBundle({{url: "/openapi.json", dom_id: "#ui"}});</script></body></html>
"""
CDN = "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5"


def make_handler(gateway: LocalGateway, swagger_dir: Path | None) -> type[BaseHTTPRequestHandler]:
    document = openapi.render().encode()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "ledgerline-local"

        def _send(self, status: int, headers: dict[str, str], body: bytes) -> None:
            self.send_response(status)
            for name, value in headers.items():
                if name.lower() not in ("content-length", "connection", "transfer-encoding"):
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def _extras(self, path: str) -> bool:
            if path == "/openapi.json":
                self._send(200, {"Content-Type": "application/json"}, document)
            elif path in ("/docs", "/docs/"):
                assets = "/docs/assets" if swagger_dir else CDN
                self._send(200, {"Content-Type": "text/html; charset=utf-8"}, SWAGGER_PAGE.format(assets=assets).encode())
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

        def _dispatch(self) -> None:
            parts = urlsplit(self.path)
            if self.command == "GET" and self._extras(parts.path):
                return
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            headers = {name: value for name, value in self.headers.items()}
            response = gateway.handle(self.command, parts.path, parts.query, headers, body)
            self._send(response.status, response.headers, response.body)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _dispatch

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
            print(f"{self.command} {self.path} -> {args[1] if len(args) > 1 else ''}", flush=True)

    return Handler


def serve(port: int, swagger_dir: Path | None = None) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer(("127.0.0.1", port), make_handler(LocalGateway(), swagger_dir))
    server.daemon_threads = True
    return server


def pretty(value: Any) -> str:
    return json.dumps(value, indent=2)
