"""Builds each function's resolver with the family's error shapes, and the Lambda entrypoint.

Domain errors are raised below the handlers and turned into HTTP here, once for every function.
"""

import json
from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.logging import correlation_paths

from ledgerline.api.families import JSON, Family
from ledgerline.errors import IdempotentReplay, LedgerError, PayloadTooLarge, ServiceBusy
from ledgerline.observability import MetricUnit, logger, metrics, tracer

MAX_BODY_BYTES = 256 * 1024


def _json(status: int, body: Any, headers: dict[str, str] | None = None) -> Response:
    return Response(status_code=status, content_type=JSON, body=json.dumps(body), headers=headers)


def create_app(family: Family) -> APIGatewayHttpResolver:
    # A response that fails its own model is our bug, not the caller's: 500, never a 4xx.
    app = APIGatewayHttpResolver(enable_validation=True, response_validation_error_http_code=500)
    app.family = family  # type: ignore[attr-defined]  # read by the request context

    @app.exception_handler(RequestValidationError)
    def validation_failed(error: RequestValidationError) -> Response:
        return _json(family.validation_status, family.validation(list(error.errors())))

    @app.exception_handler(IdempotentReplay)
    def replay(answer: IdempotentReplay) -> Response:
        metrics.add_metric(name="IdempotentReplays", unit=MetricUnit.Count, value=1)
        return Response(status_code=answer.status, content_type=JSON, body=json.loads(answer.body),
                        headers={"Idempotent-Replayed": "true"})

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
        return app.resolve(event, context)

    return lambda_handler
