"""Builds each function's resolver with the family's error shapes, and the Lambda entrypoint.

Domain errors are raised below the handlers and turned into HTTP here, once for every function.
"""

import base64
import binascii
import json
from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.openapi.exceptions import (
    RequestUnsupportedContentType,
    RequestValidationError,
)
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEventV2

from ledgerline.api.families import JSON, Family
from ledgerline.errors import IdempotentReplay, LedgerError, PayloadTooLarge, RequestInvalid, ServiceBusy
from ledgerline.observability import MetricUnit, logger, metrics, tracer

MAX_BODY_BYTES = 256 * 1024


def _json(status: int, body: Any, headers: dict[str, str] | None = None) -> Response:
    return Response(status_code=status, content_type=JSON, body=json.dumps(body), headers=headers)


def _parse_body(text: str) -> Any:
    # Nesting deeper than the interpreter's recursion limit is bad input (400), not a crash (500).
    try:
        value = json.loads(text)
    except RecursionError:
        raise json.JSONDecodeError("JSON nested too deeply", text, 0) from None
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


def create_app(family: Family) -> APIGatewayHttpResolver:
    # A response that fails its own model is our bug, not the caller's: 500, never a 4xx.
    app = APIGatewayHttpResolver(enable_validation=True, response_validation_error_http_code=500,
                                 json_body_deserializer=_parse_body)
    app.family = family  # type: ignore[attr-defined]  # read by the request context

    # A body that is not JSON at all (other content type) is a validation failure like any other.
    @app.exception_handler([RequestValidationError, RequestUnsupportedContentType])
    def validation_failed(error: RequestValidationError | RequestUnsupportedContentType) -> Response:
        return _json(family.validation_status, family.validation(list(error.errors())))

    @app.exception_handler(IdempotentReplay)
    def replay(answer: IdempotentReplay) -> Response:
        metrics.add_metric(name="IdempotentReplays", unit=MetricUnit.Count, value=1)
        return Response(status_code=answer.status, content_type=JSON, body=json.loads(answer.body),
                        headers={"Idempotent-Replayed": "true"})

    @app.exception_handler(RequestInvalid)
    def request_invalid(error: RequestInvalid) -> Response:
        return _json(family.validation_status, family.validation(error.errors))

    @app.exception_handler(LedgerError)
    def ledger_error(error: LedgerError) -> Response:
        headers = {"Retry-After": str(error.retry_after_seconds)} if isinstance(error, ServiceBusy) else None
        logger.info("request refused", extra={"status": error.status, "code": error.code})
        return _json(error.status, family.error(error), headers)

    @app.exception_handler(Exception)
    def unexpected(error: Exception) -> Response:
        # Never a stack trace to the caller: it goes to the log, the caller gets the request id.
        logger.exception("unexpected error")
        request_id = app.current_event.request_context.request_id or ""
        return _json(500, family.internal_error(request_id))

    return app


def entrypoint(app: APIGatewayHttpResolver) -> Callable[[dict[str, Any], Any], dict[str, Any]]:
    """The Lambda handler of a function: logging context, metrics, tracing, size limit, routing."""
    family: Family = app.family  # type: ignore[attr-defined]

    @logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP, clear_state=True)
    @metrics.log_metrics
    @tracer.capture_lambda_handler(capture_response=False)
    def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        body = event.get("body") or ""
        if len(body.encode()) > MAX_BODY_BYTES:
            error = PayloadTooLarge(f"The request body exceeds {MAX_BODY_BYTES // 1024} KB.")
            return {"statusCode": 413, "headers": {"Content-Type": JSON}, "body": json.dumps(family.error(error))}
        if _not_utf8(event):
            invalid = [{"type": "json_invalid", "loc": ("body",), "msg": "JSON decode error",
                        "ctx": {"error": "the body is not UTF-8 text"}}]
            return {"statusCode": family.validation_status, "headers": {"Content-Type": JSON},
                    "body": json.dumps(family.validation(invalid))}
        # Powertools keeps the current event on its BaseRouter class, shared by every resolver of a
        # process; binding it to this resolver as well means a process serving several requests at
        # once (the local server's threads) never mixes them up. In Lambda, one request per
        # container, this changes nothing.
        app.current_event = APIGatewayProxyEventV2(event, json_deserializer=_parse_body)
        app.lambda_context = context
        return app.resolve(event, context)

    return lambda_handler
