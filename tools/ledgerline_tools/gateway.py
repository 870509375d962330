"""An in-process stand-in for API Gateway's HTTP API (payload format 2.0), built from template.yaml.

It does what API Gateway does between the caller and a function: match the route, run the Lambda
authorizer (no identity source → 401 without invoking it; ``Exception("Unauthorized")`` → 401;
``isAuthorized: false`` → 403; anything else → 500, all with API Gateway's own bodies), build the
v2.0 event and turn the function's answer into an HTTP response. No authorizer cache locally.

CORS, when the template's ``CorsConfiguration`` is on for the parameter values given (``CorsAllowedOrigins``;
``ledgerline serve --cors-origins``), as API Gateway's HTTP API does it: a preflight (``OPTIONS`` with ``Origin``
and ``Access-Control-Request-Method``) is answered 204 by the gateway itself, for any path and without the
authorizer, with the ``Access-Control-Allow-*`` headers when the origin, the method and every requested header
are allowed, and with none otherwise; every other answer to a request whose ``Origin`` is allowed gets
``Access-Control-Allow-Origin`` and ``Access-Control-Expose-Headers``. CORS headers a function sends are dropped
(API Gateway ignores them once CORS is configured). With CORS off, ``OPTIONS`` is a method no route has: 404.
"""

import base64
import json
import re
import time
import traceback
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, unquote

from ledgerline_tools import template as tpl
from ledgerline_tools.functions import LambdaContext, invoke


@dataclass
class HttpResponse:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


def _gateway_answer(status: int, message: str) -> HttpResponse:
    return HttpResponse(status, {"content-type": "application/json"}, json.dumps({"message": message}).encode())


def _header(headers: dict[str, str], name: str) -> str | None:
    return next((value for key, value in headers.items() if key.lower() == name), None)


def _names(values: list[str] | None) -> tuple[str, ...]:
    return tuple(value.strip() for value in values or [] if value.strip())


@dataclass(frozen=True)
class Cors:
    """An HTTP API's CORS configuration (``AWS::ApiGatewayV2::Api`` Cors) and what API Gateway does with it."""

    allow_origins: tuple[str, ...]
    allow_methods: tuple[str, ...] = ()
    allow_headers: tuple[str, ...] = ()
    expose_headers: tuple[str, ...] = ()
    max_age: int | None = None
    allow_credentials: bool = False

    @classmethod
    def from_template(cls, configuration: dict[str, Any] | None) -> "Cors | None":
        if not configuration:
            return None
        return cls(
            _names(configuration.get("AllowOrigins")),
            _names(configuration.get("AllowMethods")),
            _names(configuration.get("AllowHeaders")),
            _names(configuration.get("ExposeHeaders")),
            configuration.get("MaxAge"),
            bool(configuration.get("AllowCredentials")),
        )

    def allowed_origin(self, origin: str | None) -> str | None:
        """What Access-Control-Allow-Origin says to this Origin: ``*``, the origin itself, or nothing."""
        if not origin:
            return None
        if "*" in self.allow_origins:
            return "*"
        return origin if origin.lower() in (allowed.lower() for allowed in self.allow_origins) else None

    @staticmethod
    def is_preflight(method: str, headers: dict[str, str]) -> bool:
        return (
            method == "OPTIONS"
            and bool(_header(headers, "origin"))
            and bool(_header(headers, "access-control-request-method"))
        )

    def preflight(self, headers: dict[str, str]) -> HttpResponse:
        """API Gateway's own answer to a preflight: 204, with the Allow headers only if all of it is allowed."""
        allow_origin = self.allowed_origin(_header(headers, "origin"))
        method = (_header(headers, "access-control-request-method") or "").strip().upper()
        requested = [
            name.strip().lower()
            for name in (_header(headers, "access-control-request-headers") or "").split(",")
            if name.strip()
        ]
        method_allowed = "*" in self.allow_methods or method in (m.upper() for m in self.allow_methods)
        allowed_headers = {name.lower() for name in self.allow_headers}
        headers_allowed = "*" in allowed_headers or all(name in allowed_headers for name in requested)
        if allow_origin is None or not method_allowed or not headers_allowed:
            return HttpResponse(204)
        answer = {
            "access-control-allow-origin": allow_origin,
            "access-control-allow-methods": ",".join(self.allow_methods),
            "access-control-allow-headers": ",".join(self.allow_headers),
        }
        if self.max_age is not None:
            answer["access-control-max-age"] = str(self.max_age)
        if self.allow_credentials:
            answer["access-control-allow-credentials"] = "true"
        return HttpResponse(204, answer)

    def apply(self, response: HttpResponse, headers: dict[str, str]) -> HttpResponse:
        """An answer as it leaves API Gateway: the function's CORS headers dropped, the configured ones added."""
        kept = {k: v for k, v in response.headers.items() if not k.lower().startswith("access-control-")}
        allow_origin = self.allowed_origin(_header(headers, "origin"))
        if allow_origin is not None:
            kept["access-control-allow-origin"] = allow_origin
            if self.expose_headers:
                kept["access-control-expose-headers"] = ",".join(self.expose_headers)
            if self.allow_credentials:
                kept["access-control-allow-credentials"] = "true"
        return HttpResponse(response.status, kept, response.body)


def _pattern(path: str) -> re.Pattern[str]:
    regex = ""
    for part in re.split(r"(\{[^}]+\})", path):
        if part.startswith("{") and part.endswith("+}"):
            regex += f"(?P<{part[1:-2]}>.+)"
        elif part.startswith("{"):
            regex += f"(?P<{part[1:-1]}>[^/]+)"
        else:
            regex += re.escape(part)
    return re.compile(f"^{regex}$")


class LocalGateway:
    def __init__(self, template: dict[str, Any] | None = None, parameters: dict[str, str] | None = None) -> None:
        """``parameters``: the template's parameter values (default: their defaults), as on deploy."""
        template = template or tpl.load()
        self.cors = Cors.from_template(tpl.cors_configuration(tpl.parameter_values(parameters, template), template))
        # Most specific first: fewer path parameters win, as in API Gateway.
        self.routes = sorted(tpl.routes(template), key=lambda r: r.path.count("{"))
        self._patterns = [(route, _pattern(route.path)) for route in self.routes]
        self.authorizer = tpl.functions(template)[tpl.AUTHORIZER_RESOURCE]

    def match(self, method: str, path: str) -> tuple[tpl.Route, dict[str, str]] | None:
        for route, pattern in self._patterns:
            found = pattern.match(path)
            if found and route.method in (method, "ANY"):
                return route, {k: unquote(v) for k, v in found.groupdict().items()}
        return None

    def handle(
        self,
        method: str,
        raw_path: str,
        raw_query: str,
        headers: dict[str, str],
        body: bytes,
        *,
        request_id: str | None = None,
    ) -> HttpResponse:
        """The answer API Gateway would give; ``request_id`` is the request's (its ``apigw-requestid``)."""
        method = method.upper()
        if self.cors is None:
            return self._handle(method, raw_path, raw_query, headers, body, request_id)
        if Cors.is_preflight(method, headers):
            return self.cors.preflight(headers)
        return self.cors.apply(self._handle(method, raw_path, raw_query, headers, body, request_id), headers)

    def _handle(
        self, method: str, raw_path: str, raw_query: str, headers: dict[str, str], body: bytes, request_id: str | None
    ) -> HttpResponse:
        matched = self.match(method, raw_path)
        if matched is None:
            return _gateway_answer(404, "Not Found")
        route, path_params = matched
        event = self._event(route, method, raw_path, raw_query, headers, body, path_params)
        if request_id is not None:
            event["requestContext"]["requestId"] = request_id
        if route.authorized:
            denied = self._authorize(event)
            if denied is not None:
                return denied
        request_id = event["requestContext"]["requestId"]
        try:
            result = invoke(route.function, event, LambdaContext(route.function.logical_id, request_id))
        except Exception:  # noqa: BLE001 - API Gateway answers a crashed integration with a bare 500
            traceback.print_exc()  # what CloudWatch would show; never in the response
            return _gateway_answer(500, "Internal Server Error")
        return self._response(result)

    def _event(
        self,
        route: tpl.Route,
        method: str,
        raw_path: str,
        raw_query: str,
        headers: dict[str, str],
        body: bytes,
        path_params: dict[str, str],
    ) -> dict[str, Any]:
        lowered: dict[str, str] = {}
        for name, value in headers.items():
            key = name.lower()
            lowered[key] = f"{lowered[key]},{value}" if key in lowered else value
        query: dict[str, str] = {}
        for name, value in parse_qsl(raw_query, keep_blank_values=True):
            query[name] = f"{query[name]},{value}" if name in query else value
        now = datetime.now(UTC)
        text_body: str | None
        try:
            text_body, encoded = (body.decode(), False) if body else (None, False)
        except UnicodeDecodeError:
            text_body, encoded = base64.b64encode(body).decode(), True
        event: dict[str, Any] = {
            "version": "2.0",
            "routeKey": route.route_key,
            "rawPath": raw_path,
            "rawQueryString": raw_query,
            "headers": lowered,
            "requestContext": {
                "accountId": "000000000000",
                "apiId": "local",
                "domainName": lowered.get("host", "127.0.0.1"),
                "domainPrefix": "local",
                "http": {
                    "method": method,
                    "path": unquote(raw_path),
                    "protocol": "HTTP/1.1",
                    "sourceIp": "127.0.0.1",
                    "userAgent": lowered.get("user-agent", ""),
                },
                "requestId": str(uuid.uuid4()),
                "routeKey": route.route_key,
                "stage": "$default",
                "time": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
                "timeEpoch": int(time.time() * 1000),
            },
            "isBase64Encoded": encoded,
        }
        if query:
            event["queryStringParameters"] = query
        if path_params:
            event["pathParameters"] = path_params
        if text_body is not None:
            event["body"] = text_body
        return event

    def _authorize(self, event: dict[str, Any]) -> HttpResponse | None:
        identity = event["headers"].get("authorization")
        if not identity:
            return _gateway_answer(401, "Unauthorized")
        request = {
            "version": "2.0",
            "type": "REQUEST",
            "routeArn": f"arn:aws:execute-api:local:000000000000:local/$default/{event['routeKey'].replace(' ', '')}",
            "identitySource": [identity],
            **{k: v for k, v in event.items() if k not in ("version", "body", "isBase64Encoded")},
        }
        context = LambdaContext(self.authorizer.logical_id, event["requestContext"]["requestId"])
        try:
            answer = invoke(self.authorizer, request, context)
        except Exception as error:  # noqa: BLE001
            if str(error) == "Unauthorized":
                return _gateway_answer(401, "Unauthorized")
            return _gateway_answer(500, "Internal Server Error")
        if not isinstance(answer, dict) or not isinstance(answer.get("isAuthorized"), bool):
            return _gateway_answer(500, "Internal Server Error")
        if not answer["isAuthorized"]:
            return _gateway_answer(403, "Forbidden")
        event["requestContext"]["authorizer"] = {"lambda": answer.get("context") or {}}
        return None

    @staticmethod
    def _response(result: Any) -> HttpResponse:
        if not isinstance(result, dict) or "statusCode" not in result:
            # Payload 2.0 without a statusCode: API Gateway assumes 200 and JSON.
            return HttpResponse(200, {"content-type": "application/json"}, json.dumps(result).encode())
        headers = {k.lower(): str(v) for k, v in (result.get("headers") or {}).items()}
        for name, values in (result.get("multiValueHeaders") or {}).items():
            headers[name.lower()] = ",".join(str(v) for v in values)
        body = result.get("body") or ""
        raw = base64.b64decode(body) if result.get("isBase64Encoded") else str(body).encode()
        return HttpResponse(int(result["statusCode"]), headers, raw)
