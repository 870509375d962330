"""An in-process stand-in for API Gateway's HTTP API (payload format 2.0), built from template.yaml.

It does what API Gateway does between the caller and a function: match the route, run the Lambda
authorizer (no identity source → 401 without invoking it; ``Exception("Unauthorized")`` → 401;
``isAuthorized: false`` → 403; anything else → 500, all with API Gateway's own bodies), build the
v2.0 event and turn the function's answer into an HTTP response. No authorizer cache locally.
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
    def __init__(self, template: dict[str, Any] | None = None) -> None:
        template = template or tpl.load()
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

    def handle(self, method: str, raw_path: str, raw_query: str, headers: dict[str, str], body: bytes, *,
               request_id: str | None = None) -> HttpResponse:
        """The answer API Gateway would give; ``request_id`` is the request's (its ``apigw-requestid``)."""
        method = method.upper()
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

    def _event(self, route: tpl.Route, method: str, raw_path: str, raw_query: str, headers: dict[str, str],
               body: bytes, path_params: dict[str, str]) -> dict[str, Any]:
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
                "http": {"method": method, "path": unquote(raw_path), "protocol": "HTTP/1.1",
                         "sourceIp": "127.0.0.1", "userAgent": lowered.get("user-agent", "")},
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
            "version": "2.0", "type": "REQUEST",
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
