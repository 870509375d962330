"""Builds each function's resolver with the family's error shapes, and the Lambda entrypoint.

Domain errors are raised below the handlers and turned into HTTP here, once for every function.
"""

import base64
import binascii
import json
import math
from collections.abc import Callable
from decimal import Decimal
from email.message import Message
from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.exceptions import (
    RequestUnsupportedContentType,
    RequestValidationError,
)
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEventV2
from botocore.exceptions import BotoCoreError, ClientError, HTTPClientError
from botocore.exceptions import ConnectionError as StoreConnectionError

from ledgerline import cold_start
from ledgerline.api.errors import answer_for
from ledgerline.api.families import JSON, Family
from ledgerline.api.routes import Resolver
from ledgerline.errors import (
    DatabaseUnavailable,
    IdempotentReplay,
    LedgerError,
    PayloadTooLarge,
    RequestInvalid,
    ServiceBusy,
    UnsupportedMediaType,
)
from ledgerline.observability import MetricUnit, logger, metrics, tracer

MAX_BODY_BYTES = 256 * 1024
MAX_JSON_DEPTH = 64
"""No request of this API nests deeper than a handful of levels; anything past 64 is refused before
any code (the validation, the idempotency fingerprint) walks it recursively."""
MAX_INT_DIGITS = 4300
"""CPython's limit for turning text into an int. A longer JSON integer is kept as a Decimal, which
fails every integer field's validation with the field named, instead of crashing the parser."""
UNAVAILABLE_CODES = {
    "ThrottlingException",
    "ProvisionedThroughputExceededException",
    "RequestLimitExceeded",
    "InternalServerError",
    "ServiceUnavailable",
}
"""DynamoDB errors that only say "not now" — after the SDK's retries, a 503 (SPEC §9.3)."""
WRITE_OPERATIONS = {"TransactWriteItems", "PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem"}
"""Their failures are the posting writer's to interpret (store/transactions.py): whether anything was
written is not known here, so they are never answered with "nothing was changed"."""


def _json(status: int, body: Any, headers: dict[str, str] | None = None) -> Response:
    return Response(status_code=status, content_type=JSON, body=json.dumps(body), headers=headers)


def _parse_int(text: str) -> int | Decimal:
    digits = len(text) - text.startswith("-")
    return int(text) if digits <= MAX_INT_DIGITS else Decimal(text)


def _parse_float(text: str) -> float | Decimal:
    # 1e400 is a valid JSON number; as a float it would be infinity, which JSON cannot echo back: it is
    # kept as a Decimal infinity (its exponent may be too long even for a Decimal), which every field
    # refuses. NaN and Infinity, which JSON does not have, are read as Decimals for the same reason.
    value = float(text)
    if math.isfinite(value):
        return value
    return Decimal("-Infinity") if value < 0 else Decimal("Infinity")


def _depth(value: Any) -> int:
    """How deeply ``value`` nests (iteratively: it must work on whatever arrived), capped just past the limit."""
    deepest, pending = 0, [(value, 1)]
    while pending and deepest <= MAX_JSON_DEPTH:
        node, depth = pending.pop()
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list | tuple) else None
        if children is None:
            continue
        deepest = max(deepest, depth)
        pending.extend((child, depth + 1) for child in children)
    return deepest


def _parse_body(text: str) -> Any:
    """JSON as the API accepts it; anything else raises ``JSONDecodeError`` (400/422, never a 500)."""
    try:
        value = json.loads(text, parse_int=_parse_int, parse_float=_parse_float, parse_constant=Decimal)
    except RecursionError:
        raise json.JSONDecodeError("JSON nested too deeply", text, 0) from None
    except json.JSONDecodeError:
        raise
    except (ValueError, ArithmeticError) as error:  # a number Python cannot read
        raise json.JSONDecodeError(f"unreadable number ({type(error).__name__})", text, 0) from None
    if _depth(value) > MAX_JSON_DEPTH:
        raise json.JSONDecodeError(f"JSON nested more than {MAX_JSON_DEPTH} levels deep", text, 0)
    # Powertools takes the first element of a list given for a non-list parameter (meant for repeated
    # query values), which would post `[{...}]` as if it were `{...}`; a tuple is judged whole (400).
    return tuple(value) if isinstance(value, list) else value


def _not_utf8(event: dict[str, Any]) -> bool:
    if not event.get("isBase64Encoded") or not event.get("body"):
        return False
    try:
        base64.b64decode(event["body"]).decode()
    except (binascii.Error, UnicodeDecodeError):
        return True
    return False


def _header(event: dict[str, Any], name: str) -> str | None:
    return next((str(v) for k, v in (event.get("headers") or {}).items() if k.lower() == name), None)


def _is_json(content_type: str | None) -> bool:
    """``application/json``, any case, with no charset or a UTF-8 one (JSON is UTF-8: RFC 8259)."""
    if not content_type:
        return False
    header = Message()
    try:
        header["content-type"] = content_type
        charset = header.get_param("charset") or "utf-8"
        return header.get_content_type() == JSON and str(charset).lower() in ("utf-8", "utf8")
    except (ValueError, TypeError, IndexError):  # a header too broken to parse is not JSON's
        return False


def _with_canonical_content_type(event: dict[str, Any]) -> dict[str, Any]:
    """Once the body has passed ``_refusal``: Powertools reads it as JSON when the header says exactly
    ``application/json`` (or nothing, for an empty body), whatever case or parameters the caller used."""
    headers = {k: v for k, v in (event.get("headers") or {}).items() if k.lower() != "content-type"}
    if event.get("body"):
        headers["content-type"] = JSON
    return {**event, "headers": headers}


def _invalid_body(message: str, kind: str = "json_invalid") -> list[dict[str, Any]]:
    return [{"type": kind, "loc": ("body",), "msg": message, "ctx": {"error": message}}]


def _refusal(event: dict[str, Any], family: Family) -> dict[str, Any] | None:
    """SPEC §9.1, for every route alike, before any route code runs: the body's size, bytes, media type
    and JSON, which must be an object. An empty body is no body: it needs no content type, and a route
    whose fields are all optional reads it as "all defaults". A route that takes no body ignores an
    object sent to it."""

    def answer(status: int, body: dict[str, Any]) -> dict[str, Any]:
        return {"statusCode": status, "headers": {"Content-Type": JSON}, "body": json.dumps(body)}

    body = event.get("body") or ""
    if len(body.encode()) > MAX_BODY_BYTES:
        return answer(413, family.error(PayloadTooLarge(f"The request body exceeds {MAX_BODY_BYTES // 1024} KB.")))
    if _not_utf8(event):
        return answer(family.validation_status, family.validation(_invalid_body("the body is not UTF-8 text")))
    if not body:
        return None
    content_type = _header(event, "content-type")
    if not _is_json(content_type):
        sent = f"Content-Type {content_type!r}" if content_type else "no Content-Type"
        return answer(
            415,
            family.error(
                UnsupportedMediaType(
                    f"The request body must be JSON sent as 'Content-Type: application/json' (charset optional, "
                    f"UTF-8); this request has {sent}."
                )
            ),
        )
    text = base64.b64decode(body).decode() if event.get("isBase64Encoded") else body
    try:
        value = _parse_body(text)
    except json.JSONDecodeError as error:
        return answer(family.validation_status, family.validation(_invalid_body(error.msg)))
    if not isinstance(value, dict):  # null included: {} (or no body at all) is how defaults are asked for
        kind = "null" if value is None else "an array" if isinstance(value, tuple) else "a JSON scalar"
        return answer(
            family.validation_status,
            family.validation(
                _invalid_body(
                    f"Input should be a JSON object, not {kind}; send {{}} (or no body) for all defaults", "model_type"
                )
            ),
        )
    return None


def create_app(family: Family) -> Resolver:
    """A function's resolver, every error answered in ``family``'s shapes; calling it runs :func:`entrypoint`."""
    # A response that fails its own model is our bug, not the caller's: 500, never a 4xx.
    app = Resolver(
        family, enable_validation=True, response_validation_error_http_code=500, json_body_deserializer=_parse_body
    )

    @app.exception_handler(RequestValidationError)
    def validation_failed(error: RequestValidationError) -> Response:
        return _json(family.validation_status, family.validation(list(error.errors())))

    # The entrypoint refuses other media types first; this is the same answer should Powertools see one.
    @app.exception_handler(RequestUnsupportedContentType)
    def unsupported_content_type(error: RequestUnsupportedContentType) -> Response:
        return ledger_error(UnsupportedMediaType("The request body must be JSON (Content-Type: application/json)."))

    @app.exception_handler(IdempotentReplay)
    def replay(answer: IdempotentReplay) -> Response:
        metrics.add_metric(name="IdempotentReplays", unit=MetricUnit.Count, value=1)
        return Response(
            status_code=answer.status,
            content_type=JSON,
            body=json.loads(answer.body),
            headers={"Idempotent-Replayed": "true"},
        )

    @app.exception_handler(RequestInvalid)
    def request_invalid(error: RequestInvalid) -> Response:
        return _json(family.validation_status, family.validation(error.errors))

    @app.exception_handler(LedgerError)
    def ledger_error(error: LedgerError) -> Response:
        answer = answer_for(type(error))
        headers = {"Retry-After": str(error.retry_after_seconds)} if isinstance(error, ServiceBusy) else None
        logger.info("request refused", extra={"status": answer.status, "code": answer.code})
        return _json(answer.status, family.error(error), headers)

    # Read-side throttling or an unreachable database, beyond the SDK's retries: 503, in one place.
    @app.exception_handler(ClientError)
    def store_refused(error: ClientError) -> Response:
        code = error.response.get("Error", {}).get("Code", "")
        if code in UNAVAILABLE_CODES and error.operation_name not in WRITE_OPERATIONS:
            logger.warning("database unavailable", extra={"operation": error.operation_name, "error_code": code})
            return ledger_error(DatabaseUnavailable())
        return unexpected(error)

    @app.exception_handler(BotoCoreError)
    def store_unreachable(error: BotoCoreError) -> Response:
        # Writes never get here (the posting writer turns these into its own answers), so nothing changed.
        if isinstance(error, StoreConnectionError | HTTPClientError):
            logger.warning("database unreachable", extra={"error": type(error).__name__})
            return ledger_error(DatabaseUnavailable())
        return unexpected(error)

    @app.exception_handler(Exception)
    def unexpected(error: Exception) -> Response:
        # Never a stack trace to the caller: it goes to the log, the caller gets the request id.
        logger.exception("unexpected error")
        request_id = app.current_event.request_context.request_id or ""
        return _json(500, family.internal_error(request_id))

    app.entrypoint = entrypoint(app)
    return app


def entrypoint(app: Resolver) -> Callable[[dict[str, Any], Any], dict[str, Any]]:
    """The Lambda handler of a function: logging context, metrics, tracing, size limit, routing."""
    family = app.family

    @logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP, clear_state=True)
    @metrics.log_metrics
    @tracer.capture_lambda_handler(capture_response=False)
    def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        refused = _refusal(event, family)
        if refused is not None:
            return refused
        event = _with_canonical_content_type(event)
        # Powertools keeps the current event on its BaseRouter class, shared by every resolver of a
        # process; binding it to this resolver as well means a process serving several requests at
        # once (the local server's threads) never mixes them up. In Lambda, one request per
        # container, this changes nothing.
        app.current_event = APIGatewayProxyEventV2(event, json_deserializer=_parse_body)
        app.lambda_context = context
        return app.resolve(event, context)

    return cold_start.settles(lambda_handler)
