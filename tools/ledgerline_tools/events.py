"""``events/<function>.json`` for every API function, rendered from its route declaration.

A function's first declared route (``app.post(…, sample=Sample(…))``) gives the method, the path, the
sample's body, query and Idempotency-Key; this module wraps them in the HTTP API v2.0 event API
Gateway would hand the function after the authorizer passed the sample business. Ids are
placeholders (events/README.md): the event tests and the bench replace them with real objects.
The authorizer's and the two job functions' events are not routes: they stay written by hand.

``ledgerline events`` says which are stale; ``ledgerline events --write`` rewrites them.
"""

import hashlib
import json
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from ledgerline.api.routes import BUSINESS_HEADER, BUSINESS_PARAMETERS, IDEMPOTENCY_HEADER, Declaration
from ledgerline_tools import template
from ledgerline_tools.functions import load_module

EVENTS = template.ROOT / "events"
SAMPLE_BUSINESS = "11111111-1111-4111-8111-111111111111"
SAMPLE_TOKEN = "llk_REPLACE_WITH_YOUR_TOKEN"
LOANS_PREFIX = "/api/v1/"


def placeholder(digit: str) -> str:
    """The placeholder id made of one repeated digit (a valid version-4 UUID)."""
    return f"{digit * 8}-{digit * 4}-4{digit * 3}-8{digit * 3}-{digit * 12}"


PLACEHOLDERS = {
    "accountId": placeholder("5"),  # the CASH account, as in bodies
    "entryId": placeholder("2"),
    "instrument_id": placeholder("3"),
    "transaction_id": placeholder("4"),
    "invoiceId": placeholder("6"),
    "writeOffId": placeholder("7"),
    "runId": placeholder("8"),
    "run_id": placeholder("9"),
}
"""The placeholder each path parameter gets in the samples (``5555…`` is the CASH account, in bodies)."""
CASH = placeholder("5")
HOST = "a1b2c3d4e5.execute-api.us-east-1.amazonaws.com"
CALLER = "203.0.113.10"


def declarations(function: template.Function) -> list[Declaration]:
    """The routes a function's code declares, in declaration order."""
    return list(load_module(function).app.declarations.values())


def _request_id(function: template.Function) -> str:
    digest = hashlib.sha256(function.logical_id.encode()).digest()
    return (digest.hex()[:15] + "=").replace("0", "A")


def render(function: template.Function) -> dict[str, Any]:
    """The sample event of an API function: its first route with that route's sample request."""
    declared = declarations(function)[0]
    values = {
        name: SAMPLE_BUSINESS if name in BUSINESS_PARAMETERS else PLACEHOLDERS[name] for name in declared.parameters
    }
    path = declared.path.format(**values)
    sample = declared.sample
    body = json.dumps(sample.body, separators=(",", ":")) if sample.body is not None else None
    headers = {"accept": "application/json", "authorization": f"Bearer {SAMPLE_TOKEN}"}
    if body is not None:
        headers |= {"content-length": str(len(body.encode())), "content-type": "application/json"}
    headers["host"] = HOST
    if sample.idempotency_key:
        headers[IDEMPOTENCY_HEADER] = sample.idempotency_key
    headers |= {"user-agent": "curl/8.5.0", "x-amzn-trace-id": "Root=1-67a1b2c3-0123456789abcdef01234567"}
    if declared.path.startswith(LOANS_PREFIX):
        headers[BUSINESS_HEADER] = SAMPLE_BUSINESS
    headers |= {"x-forwarded-for": CALLER, "x-forwarded-port": "443", "x-forwarded-proto": "https"}
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": declared.route_key,
        "rawPath": path,
        "rawQueryString": urlencode(sample.query),
        "headers": headers,
    }
    if sample.query:
        event["queryStringParameters"] = dict(sample.query)
    event["requestContext"] = {
        "accountId": "123456789012",
        "apiId": HOST.split(".")[0],
        "authorizer": {"lambda": {"business_ids": SAMPLE_BUSINESS}},
        "domainName": HOST,
        "domainPrefix": HOST.split(".")[0],
        "http": {
            "method": declared.method,
            "path": path,
            "protocol": "HTTP/1.1",
            "sourceIp": CALLER,
            "userAgent": "curl/8.5.0",
        },
        "requestId": _request_id(function),
        "routeKey": declared.route_key,
        "stage": "$default",
        "time": "15/Jan/2025:14:30:00 +0000",
        "timeEpoch": 1736951400000,
    }
    if values:
        event["pathParameters"] = values
    if body is not None:
        event["body"] = body
    event["isBase64Encoded"] = False
    return event


def text(function: template.Function) -> str:
    return json.dumps(render(function), indent=2) + "\n"


def routed_functions() -> list[template.Function]:
    """The functions behind the HTTP API: their events are rendered (the others are written by hand)."""
    by_id = {route.function.logical_id: route.function for route in template.routes()}
    return [by_id[logical_id] for logical_id in sorted(by_id)]


def path_of(function: template.Function) -> Path:
    return EVENTS / f"{function.code_uri.name}.json"


def stale() -> list[Path]:
    """The rendered events whose file differs from what the routes declare now."""
    return [path_of(f) for f in routed_functions() if not path_of(f).exists() or path_of(f).read_text() != text(f)]


def write() -> list[Path]:
    written = stale()
    for function in routed_functions():
        if path_of(function) in written:
            path_of(function).write_text(text(function))
    return written
