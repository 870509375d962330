"""Each endpoint declared once, on its route: path, success status, summary, rendering and sample.

A function's ``app.get/post/put/delete`` takes Powertools' own arguments (``status_code=``,
``summary=``, ``description=``, ``operation_id=``, ``tags=``…) and Ledgerline's few more:

- ``present=``: turns the use case's result into the response's data (``api/*views.py``);
- ``message=`` / ``code=``: the loans family's envelope (SPEC §3);
- ``existing=True``: the route answers 200 with an object that already existed (same ``external_id``,
  same ``stable_name``) where it would answer ``status_code`` for a new one;
- ``accepted=``: a test of the result; where it holds the route answers 202 (a run that goes on in
  the queue) instead of ``status_code``, and documents that answer;
- ``sample=``: the body (and query) of the route's sample request, rendered into ``events/`` by
  ``ledgerline events --write`` and sent by the event tests and the bench.

Everything else is derived from the declaration: the OpenAPI operation, the sample event, the
checks every request gets before its handler runs (the :data:`ThisCall` dependency: the business,
``x-business-id``, the Idempotency-Key, ids that are not UUIDs), and how success is answered.
"""

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Depends, Request, Response
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError

from ledgerline import idempotency as idem
from ledgerline.api.families import JSON, LOANS, Family
from ledgerline.errors import Forbidden, NotFound
from ledgerline.observability import logger
from ledgerline.services.posting import Scope

BUSINESS_HEADER = "x-business-id"
IDEMPOTENCY_HEADER = "idempotency-key"
BUSINESS_PARAMETERS = ("businessId", "business_id")
"""Path parameters that name the business (seed 001 spells it one way, seeds 000/002 the other)."""
RESOURCES = {
    "accountId": "Ledger account",
    "entryId": "Journal entry",
    "instrument_id": "Debt instrument",
    "invoiceId": "Invoice",
    "runId": "Write-off run",
    "run_id": "Accrual run",
    "transaction_id": "Bank transaction",
    "writeOffId": "Invoice write-off",
}
"""Every other path parameter is the id of one of these: a value that is not a UUID cannot name an
existing object, so it is simply not found (404, with the resource's name)."""
CREATED = "Created: the object was created (and posted) now."
ACCEPTED = "Accepted: the run goes on in the queue; GET it to follow its progress and read its result."
EXISTING = (
    "Already exists: the same object (same external_id or stable_name) or an idempotent replay; "
    "returned unchanged, nothing posted."
)
READS = ("GET", "HEAD", "OPTIONS")

Presenter = Callable[[Any], Any]


def for_business(factory: Callable[[str], Presenter]) -> Callable[[str], Presenter]:
    """Marks a presenter factory that needs the request's business id (``present=factory``)."""
    factory.for_business = True  # type: ignore[attr-defined]
    return factory


@dataclass(frozen=True)
class Sample:
    """The sample request of a route: what ``events/<function>.json`` sends (ids are placeholders)."""

    body: dict[str, Any] | None = None
    query: dict[str, str] = field(default_factory=dict)
    idempotency_key: str | None = None


@dataclass(frozen=True)
class Declaration:
    """One route as its function declares it (the single source of everything derived from it)."""

    method: str
    rule: str
    """Powertools' form of the path: ``/v1/businesses/<businessId>/invoices``."""
    status_code: int
    present: Callable[..., Any]
    message: str = ""
    code: str = ""
    existing: bool = False
    sample: Sample = field(default_factory=Sample)
    summary: str | None = None
    operation_id: str | None = None
    accepted: Callable[[Any], bool] | None = None
    """Whether a result is answered 202 (still running) instead of ``status_code``."""

    def status_for(self, result: Any) -> int:
        """The success status of a new ``result``."""
        return 202 if self.accepted is not None and self.accepted(result) else self.status_code

    @property
    def path(self) -> str:
        """The OpenAPI / API Gateway form: ``/v1/businesses/{businessId}/invoices``."""
        return "/".join(f"{{{p[1:-1]}}}" if p.startswith("<") else p for p in self.rule.split("/"))

    @property
    def parameters(self) -> list[str]:
        """The path parameters' names, in order (``<businessId>`` → ``businessId``)."""
        return [part[1:-1] for part in self.rule.split("/") if part.startswith("<")]

    @property
    def route_key(self) -> str:
        """API Gateway's route key: ``GET /v1/businesses/{businessId}/invoices``."""
        return f"{self.method} {self.path}"


class Resolver(APIGatewayHttpResolver):
    """Powertools' HTTP API resolver that keeps each route's :class:`Declaration` (``declarations``)."""

    def __init__(self, family: Family, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.family = family
        self.declarations: dict[tuple[str, str], Declaration] = {}
        self.entrypoint: Callable[[dict[str, Any], Any], dict[str, Any]] = self.resolve

    def __call__(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        """The Lambda handler (``app = lambda_handler = create_app(…)``): see ``api.app.entrypoint``."""
        return self.entrypoint(event, context)

    def resolve(self, event: Any, context: Any) -> dict[str, Any]:
        """Powertools' resolve, with this resolver in the request's context (:func:`current_call` reads it)."""
        self.append_context(resolver=self)  # how the request's dependencies find the declaration
        return super().resolve(event, context)

    def _declare(
        self,
        method: str,
        rule: str,
        *,
        status_code: int = 200,
        present: Callable[..., Any] = lambda r: r,
        message: str = "",
        code: str = "",
        existing: bool = False,
        sample: Sample | dict[str, Any] | None = None,
        accepted: Callable[[Any], bool] | None = None,
        **powertools: Any,
    ) -> Callable[[Any], Any]:
        sample = sample if isinstance(sample, Sample) else Sample(body=sample)
        declaration = Declaration(
            method,
            rule,
            status_code,
            present,
            message,
            code,
            existing,
            sample,
            powertools.get("summary"),
            powertools.get("operation_id"),
            accepted,
        )
        unknown = [p for p in declaration.parameters if p not in BUSINESS_PARAMETERS and p not in RESOURCES]
        if unknown:
            raise ValueError(f"{rule}: path parameter(s) {unknown} name no resource; add them to api.routes.RESOURCES")
        self.declarations[(method, declaration.path)] = declaration
        if status_code == 201:
            powertools.setdefault("response_description", CREATED)
        return super().route(rule, method, status_code=status_code, **powertools)

    def get(self, rule: str, **kwargs: Any) -> Callable[[Any], Any]:  # type: ignore[override]
        """Declare a GET route: Powertools' arguments, and Ledgerline's listed in the module docstring."""
        return self._declare("GET", rule, **kwargs)

    def post(self, rule: str, **kwargs: Any) -> Callable[[Any], Any]:  # type: ignore[override]
        """Declare a POST route, as :meth:`get` does."""
        return self._declare("POST", rule, **kwargs)

    def put(self, rule: str, **kwargs: Any) -> Callable[[Any], Any]:  # type: ignore[override]
        """Declare a PUT route, as :meth:`get` does."""
        return self._declare("PUT", rule, **kwargs)

    def delete(self, rule: str, **kwargs: Any) -> Callable[[Any], Any]:  # type: ignore[override]
        """Declare a DELETE route, as :meth:`get` does."""
        return self._declare("DELETE", rule, **kwargs)


@dataclass(frozen=True)
class Call:
    """One request, checked and scoped: what a handler needs to run its use case and answer."""

    scope: Scope
    family: Family
    declaration: Declaration
    present: Presenter

    @property
    def business_id(self) -> str:
        """The business the request acts for, checked against the token."""
        return self.scope.business_id

    def body_for(self, result: Any) -> Any:
        """The success body of ``result``: presented, in the family's shape (an idempotent replay sends it again)."""
        d = self.declaration
        return self.family.success(self.present(result), message=d.message, code=d.code)

    def respond(self, result: Any, *, created: bool = True) -> Response:
        """The success answer: the declared status, or 200 for an object that already existed."""
        status = self.declaration.status_for(result) if created else 200
        return Response(status_code=status, content_type=JSON, body=self.body_for(result))


def _header_error(name: str, message: str, kind: str, value: Any = None) -> RequestValidationError:
    error: dict[str, Any] = {"loc": ("header", name), "msg": message, "type": kind}
    if value is not None:
        error["input"] = value
    return RequestValidationError([error])


def allowed_businesses(request: Request) -> set[str]:
    """The business ids the authorizer passed on for the caller's token."""
    context = request.resolved_event.request_context.authorizer.get_lambda or {}
    return {b for b in str(context.get("business_ids", "")).split(",") if b}


def target_business(request: Request, family: Family, path_business_id: str | None) -> str:
    """The business the request acts for: 403 unless the token may act for it (SPEC §3)."""
    header = request.resolved_event.headers.get(BUSINESS_HEADER)
    if family is LOANS and not header:
        raise _header_error(BUSINESS_HEADER, "Field required", "missing")
    if path_business_id and header and header != path_business_id:
        raise Forbidden("The x-business-id header does not match the business in the path.")
    business_id = path_business_id or header or ""
    if business_id not in allowed_businesses(request):
        raise Forbidden("This token may not act for that business.")
    logger.append_keys(business_id=business_id)
    return business_id


def resource_id(value: str, resource: str) -> str:
    """Ids are UUIDs; anything else cannot name an existing object, so it is simply not found."""
    try:
        uuid.UUID(value)
    except ValueError:
        raise NotFound(resource, value) from None
    return value


def _idempotency(request: Request, render: Callable[[Any], tuple[int, str]]) -> idem.Idempotency | None:
    event = request.resolved_event
    key = event.headers.get(IDEMPOTENCY_HEADER)
    if key is None or event.http_method in READS:
        return None
    if not 1 <= len(key) <= 255:
        raise _header_error("Idempotency-Key", "Idempotency-Key must be 1 to 255 characters", "string_too_long", key)
    return idem.Idempotency(
        key=key, fingerprint=idem.fingerprint(event.http_method, event.path, event.decoded_body), render=render
    )


def current_call(request: Request) -> Call:
    """The checks every route gets before its handler runs, in this order: the business (403, and the
    loans family's required ``x-business-id``: 422), the Idempotency-Key (its length), the ids in the
    path (404 when not a UUID)."""
    resolver: Resolver = request.context["resolver"]
    declaration = resolver.declarations[(request.method, request.route)]
    parameters = request.path_parameters
    business = next((parameters[p] for p in BUSINESS_PARAMETERS if p in parameters), None)
    business_id = target_business(request, resolver.family, business)
    present = declaration.present
    if getattr(present, "for_business", False):
        present = present(business_id)
    unkeyed = Call(Scope(business_id), resolver.family, declaration, present)
    idempotency = _idempotency(
        request, lambda result: (declaration.status_for(result), json.dumps(unkeyed.body_for(result)))
    )
    call = (
        unkeyed if idempotency is None else Call(Scope(business_id, idempotency), resolver.family, declaration, present)
    )
    for name in declaration.parameters:
        if name in RESOURCES:
            resource_id(parameters[name], RESOURCES[name])
    return call


ThisCall = Annotated[Call, Depends(current_call)]
"""A handler's first parameter: ``def handler(call: ThisCall, …)``."""
