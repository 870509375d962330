"""Who is calling, for which business, under which Idempotency-Key — decided once per request.

The authorizer has already authenticated the token and passed the business ids it may act for;
here the target business is checked against them (403), the loans family's ``x-business-id``
header is required (422) and must agree with the path (403).
"""

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError

from ledgerline import idempotency as idem
from ledgerline.api.families import JSON, LOANS, Family
from ledgerline.errors import Forbidden, NotFound
from ledgerline.observability import logger
from ledgerline.services.posting import Scope

BUSINESS_HEADER = "x-business-id"
IDEMPOTENCY_HEADER = "idempotency-key"


@dataclass(frozen=True)
class Request:
    family: Family
    scope: Scope
    present: Callable[[Any], Any]
    status: int
    message: str
    code: str

    def body_for(self, result: Any) -> Any:
        return self.family.success(self.present(result), message=self.message, code=self.code)

    def respond(self, result: Any, *, status: int | None = None) -> Response:
        return Response(status_code=status or self.status, content_type=JSON, body=self.body_for(result))


def _header_error(name: str, message: str, kind: str, value: Any = None) -> RequestValidationError:
    error: dict[str, Any] = {"loc": ("header", name), "msg": message, "type": kind}
    if value is not None:
        error["input"] = value
    return RequestValidationError([error])


def allowed_businesses(app: APIGatewayHttpResolver) -> set[str]:
    context = app.current_event.request_context.authorizer.get_lambda or {}
    return {b for b in str(context.get("business_ids", "")).split(",") if b}


def target_business(app: APIGatewayHttpResolver, path_business_id: str | None) -> str:
    family: Family = app.family  # type: ignore[attr-defined]
    header = app.current_event.headers.get(BUSINESS_HEADER)
    if family is LOANS and not header:
        raise _header_error(BUSINESS_HEADER, "Field required", "missing")
    if path_business_id and header and header != path_business_id:
        raise Forbidden("The x-business-id header does not match the business in the path.")
    business_id = path_business_id or header or ""
    if business_id not in allowed_businesses(app):
        raise Forbidden("This token may not act for that business.")
    logger.append_keys(business_id=business_id)
    return business_id


def request(
    app: APIGatewayHttpResolver, *, business_id: str | None = None, present: Callable[[Any], Any] = lambda r: r,
    status: int = 200, message: str = "", code: str = "",
) -> Request:
    """The request's business (checked), idempotency and how its success is rendered."""
    family: Family = app.family  # type: ignore[attr-defined]
    target = target_business(app, business_id)
    partial = Request(family, Scope(target), present, status, message, code)
    key = app.current_event.headers.get(IDEMPOTENCY_HEADER)
    if key is None or app.current_event.http_method in ("GET", "HEAD", "OPTIONS"):
        return partial
    if not 1 <= len(key) <= 255:
        raise _header_error("Idempotency-Key", "Idempotency-Key must be 1 to 255 characters", "string_too_long", key)
    event = app.current_event
    idempotency = idem.Idempotency(
        key=key,
        fingerprint=idem.fingerprint(event.http_method, event.path, event.decoded_body),
        render=lambda result: (status, json.dumps(partial.body_for(result))),
    )
    return Request(family, Scope(target, idempotency), present, status, message, code)


def resource_id(value: str, resource: str) -> str:
    """Ids are UUIDs; anything else cannot name an existing object, so it is simply not found."""
    try:
        uuid.UUID(value)
    except ValueError:
        raise NotFound(resource, value) from None
    return value
