"""One OpenAPI 3.1 document for the whole API, generated from every function's own resolver.

Each function declares its route with Powertools' typed resolver; merging their schemas gives the
document the local server serves at /openapi.json and that is kept in docs/openapi.json. Powertools
only knows what the handler declares, so the merge then documents what the API really answers around
it, per response family (SPEC §3):

- ``/v1/...`` (invoices & ledger): validation is a 400 ``ApiError``, not Powertools' 422; 403/404/409/
  413/415/503/500 are ``ApiError`` too, with ``ApiError``/``ApiErrorType``/``ApiEnumErrorType`` as seed 001
  writes them (its ``nullable`` spelled the OpenAPI 3.1 way) and ``AccountIdentifier`` as its ``oneOf``.
- ``/api/v1/...`` (loans): 422 ``HTTPValidationError`` as seed 000 shows it, ``ErrorDetail`` otherwise,
  and the required ``x-business-id`` header.
- Both: 401 is API Gateway's own ``{"message"}`` body (``GatewayError``); mutating operations take an
  optional ``Idempotency-Key``; the success statuses are the route's declared ``status_code`` (and 200
  too where it declares ``existing=True``: an object that already existed is handed back).

Examples are rendered by the families themselves from the ledger's own error classes; a request body's
example is the route's own ``sample=`` (the body ``events/`` and the bench send), which succeeds against
the demo business ``make run`` creates. Each operation gets the tag of its area (:data:`PATH_TAGS`,
described in :data:`TAGS`) unless its route declares ``tags=``. The document passes Redocly CLI's lint
(``make lint``, ``redocly.yaml``).
"""

import copy
import json
import tomllib
from pathlib import Path
from typing import Any

from ledgerline.api.app import MAX_BODY_BYTES
from ledgerline.api.families import LEDGER, LOANS, Family
from ledgerline.api.routes import ACCEPTED, EXISTING, Declaration
from ledgerline.errors import (
    Forbidden,
    IdempotencyKeyReused,
    InvalidRequest,
    NotFound,
    PayloadTooLarge,
    ServiceBusy,
    UnsupportedMediaType,
)
from ledgerline_tools import template as tpl
from ledgerline_tools.functions import load_module

DOCUMENT = tpl.ROOT / "docs" / "openapi.json"
TITLE = "Ledgerline API"
VERSION = tomllib.loads((tpl.ROOT / "pyproject.toml").read_text())["project"]["version"]
"""The package's version (pyproject.toml): the API is released with it."""
DESCRIPTION = (
    "Serverless double-entry ledger for small businesses' loans and write-offs. "
    "Authenticate with `Authorization: Bearer <token>`; loans-family routes (/api/v1) also need `x-business-id`."
)
CONTACT = {"name": "Ledgerline maintainers"}
LICENSE = {"name": "Proprietary", "identifier": "LicenseRef-Proprietary"}
SERVERS = [
    {
        "url": "/",
        "description": "Where this document is served from: `make run` serves it at "
        "http://127.0.0.1:3000/openapi.json (Swagger UI at /docs), so Try it out calls the "
        "local API (its demo business and token are in `.local/demo.json`).",
    },
    {
        "url": "https://{apiId}.execute-api.{region}.amazonaws.com",
        "description": "A deployment of template.yaml: the HTTP API's default endpoint (the stack's `ApiUrl` output).",
        "variables": {
            "apiId": {"default": "abcde12345", "description": "The HTTP API's id (`LedgerApi`)."},
            "region": {"default": "us-east-1", "description": "The AWS Region of the stack."},
        },
    },
]
TAGS = [
    {
        "name": "ledger",
        "description": "The chart of accounts, journal entries (custom entries, their reversal, "
        "listings) and the trial balance. Amounts are integer cents; every entry "
        "balances.",
    },
    {
        "name": "invoices",
        "description": "Invoices (Dr Accounts Receivable / Cr revenue), their payments and "
        "write-offs (and the deletion of a write-off), and voiding.",
    },
    {
        "name": "loans",
        "description": "Debt instruments the business borrowed or lent (DayZero-compatible, "
        "`/api/v1`, `x-business-id` required): payments, further draws, interest "
        "accruals and accrual runs, the debt schedule, projected payment schedules "
        "and write-offs.",
    },
    {
        "name": "bank transactions",
        "description": "Bank transactions imported into the ledger (cash against a "
        "category), which a loan payment can claim and rebook.",
    },
    {
        "name": "write-off runs",
        "description": "The business's write-off policy, and runs of the write-off job: the "
        "daily schedule's, on demand, and dry runs, with their summaries.",
    },
    {
        "name": "statements & close",
        "description": "Financial statements as of any date (balance sheet, profit "
        "and loss, an account's general ledger, receivables aging), and "
        "closing the books through a day.",
    },
    {"name": "exports", "description": "The journal as a file for other tools: beancount or CSV."},
]
"""The top-level tags, one per area of the API, in the order Swagger UI lists them."""
PATH_TAGS = (
    ("/api/v1/transactions", "bank transactions"),
    ("/api/v1/", "loans"),
    ("/v1/businesses/{businessId}/ledger/accounts/{accountId}/lines", "statements & close"),
    ("/v1/businesses/{businessId}/ledger/", "ledger"),
    ("/v1/businesses/{businessId}/custom-journal-entries", "ledger"),
    ("/v1/businesses/{businessId}/reports/trial-balance", "ledger"),
    ("/v1/businesses/{businessId}/reports/", "statements & close"),
    ("/v1/businesses/{businessId}/books/", "statements & close"),
    ("/v1/businesses/{businessId}/invoices", "invoices"),
    ("/v1/businesses/{businessId}/write-off-", "write-off runs"),
    ("/v1/businesses/{businessId}/exports/", "exports"),
)
"""Each path's tag: the first prefix it starts with (a route's own ``tags=`` wins)."""
LOANS_PREFIX = "/api/v1/"
MUTATING = ("post", "put", "patch", "delete")
WITH_BODY = ("post", "put", "patch")
REF = "#/components/schemas/"
JSON = "application/json"
EXAMPLE_ID = "3f1d2c4b-5a69-4e7f-8a1b-2c3d4e5f6a7b"
UUID_PATTERN = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"

# Seed 001, copied as written (order included).
API_ERROR_TYPES = [
    "ResourceArchived",
    "AuthFailure",
    "Plaid",
    "Stripe",
    "InvalidState",
    "ResourceNotFound",
    "InvalidParameters",
    "JsonSerialization",
    "Unknown",
    "BadRequest",
    "PaginationCursor",
    "Conflict",
    "LedgerOperationFailed",
]
API_ENUM_ERROR_TYPES = [
    "AccessCodeInvalid",
    "BalanceSheetDoesNotBalance",
    "BalanceSheetMissingAccount",
    "BankStatementParserError",
    "BillStateError",
    "BulkCategorizeFailure",
    "BulkMatchFailure",
    "BusinessTaskAlreadyCompleted",
    "BusinessTaskDeleted",
    "CalendlyOAuthError",
    "CallBookingError",
    "CantUpdateTransactionInCustomerPayout",
    "CantUpdateTransactionInVendorPayout",
    "CheckPayrollConfigNotFound",
    "CheckPayrollServiceNotFound",
    "ClerkUserAlreadyExists",
    "ConflictingQueryParams",
    "CustomAccountAlreadyExists",
    "CustomTransactionCsvParsingError",
    "CustomTransactionUploadFailure",
    "CustomerPayoutInputFormatError",
    "DoesNotMatchExistingEntity",
    "EmptyBatchRequest",
    "ExpenseParserError",
    "ExternalAccountBalanceReconciliationError",
    "ExternalIdConflict",
    "InvalidCategory",
    "InvalidEffectiveDate",
    "InvalidLedgerOperation",
    "InvalidMonthlyAverageRange",
    "InvalidMultiPartRequest",
    "InvalidPaginationCursor",
    "InvalidPayload",
    "InvoiceDeleted",
    "InvoiceNotFound",
    "InvoiceReferenceMismatch",
    "InvoiceStateError",
    "ManualRateLimit",
    "MultipleTagKeyFiltersUnsupported",
    "NoCognitoUserFound",
    "NoOpeningBalanceFound",
    "NotYetReconciled",
    "OnePasswordApiError",
    "OnePasswordItemNotFound",
    "OnePasswordVaultNotFound",
    "OpenAICategorizationError",
    "PaymentLinkInvalid",
    "PayrollStateError",
    "PeriodIsClosed",
    "PeriodNotClosed",
    "PhoneNumberAlreadyRegistered",
    "PlaidApiError",
    "PlaidConnectionBroken",
    "PlaidCreateLinkTokenError",
    "PlaidCredentialsNotConfigured",
    "PlaidExchangePublicTokenError",
    "PlaidGetInstitutionByIdError",
    "PlaidGetItemError",
    "PlaidInvalidEnvironment",
    "PlaidItemAlreadyExists",
    "PlaidItemNotFound",
    "PlaidProcessorApiError",
    "PlaidUnlinkItemError",
    "QueryParamFormat",
    "QueryParamMissing",
    "QuickbooksBrokenConnection",
    "QuickbooksConnectionAlreadyExists",
    "QuickbooksConnectionAlreadySyncing",
    "QuickbooksConnectionMissing",
    "QuickbooksConnectionNotActivated",
    "QuickbooksInvalidRequest",
    "QuickbooksInvalidState",
    "QuickbooksNoMatchingAccount",
    "QuickbooksNonPostingAccountType",
    "QuickbooksNotConfigured",
    "QuickbooksOAuthCallbackInvalid",
    "QuickbooksOAuthError",
    "QuickbooksTokenExpired",
    "ResourceArchived",
    "ScheduleCNotConfigured",
    "SmsNotEnabled",
    "SpecifiedBadRequest",
    "SpecifiedIdNotFound",
    "SplitTransactionError",
    "StepEvaluationBadRequest",
    "StripeConnectAccountIdNotFound",
    "StripeCredentialsNotConfigured",
    "StripeGetBalanceForConnectAccountFailure",
    "StripeRedirectOrRefreshUrlNotConfigured",
    "TagFilterNotFound",
    "UnexpectedQueryParam",
    "UnitAccountsInUse",
    "WrongAnswerType",
]


def _ref(name: str) -> dict[str, str]:
    return {"$ref": REF + name}


def _nullable(schema: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """OpenAPI 3.0's ``nullable: true`` in 3.1 (JSON Schema) form."""
    return {"anyOf": [schema, {"type": "null"}], **extra}


ERROR_SCHEMAS: dict[str, dict[str, Any]] = {
    "ApiError": {
        "type": "object",
        "description": "An error object returned in API error responses.",
        "properties": {
            "type": {
                **_ref("ApiErrorType"),
                "description": "A fixed category for the error, helpful for categorizing and processing errors.",
            },
            "description": {"type": "string", "description": "A human-readable error description."},
            "error_enum": _nullable(
                _ref("ApiEnumErrorType"),
                description=(
                    "A stable, machine-readable identifier for programmatically handling specific error conditions. "
                    "Only present for 4xx client errors—not included for 5xx server errors. Use this instead of "
                    "parsing the description field, as enum values remain stable across API versions."
                ),
            ),
            "meta": _nullable({"type": "object"}, description="Optional additional information about the error."),
        },
        "required": ["type", "description"],
    },
    "ApiErrorType": {"type": "string", "enum": API_ERROR_TYPES},
    "ApiEnumErrorType": {
        "type": "string",
        "description": "Stable enum values for programmatic error handling. Only present in 4xx error responses.",
        "enum": API_ENUM_ERROR_TYPES,
    },
    "AccountIdentifier": {
        "oneOf": [
            {**_ref("AccountId"), "description": "ID of the account.", "title": "Account ID"},
            {
                **_ref("AccountStableName"),
                "description": "Stable name associated with the account.",
                "title": "Account Stable Name",
            },
        ],
        "discriminator": {
            "propertyName": "type",
            "mapping": {"AccountId": REF + "AccountId", "StableName": REF + "AccountStableName"},
        },
    },
    "ErrorDetail": {
        "type": "object",
        "title": "ErrorDetail",
        "properties": {
            "detail": {"type": "string", "title": "Detail", "description": "A human-readable message."},
            "code": {"type": "string", "title": "Code", "description": "A stable, machine-readable error code."},
            "request_id": {"type": "string", "title": "Request Id", "description": "Only on 500 answers."},
        },
        "required": ["detail", "code"],
    },
    "HTTPValidationError": {
        "type": "object",
        "title": "HTTPValidationError",
        "properties": {"detail": {"type": "array", "title": "Detail", "items": _ref("ValidationError")}},
    },
    "ValidationError": {
        "type": "object",
        "title": "ValidationError",
        "properties": {
            "loc": {
                "type": "array",
                "title": "Location",
                "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]},
            },
            "msg": {"type": "string", "title": "Message"},
            "type": {"type": "string", "title": "Error Type"},
            "input": {"title": "Input"},
            "ctx": {"type": "object", "title": "Context"},
        },
        "required": ["loc", "msg", "type"],
    },
    "GatewayError": {
        "type": "object",
        "title": "GatewayError",
        "description": "API Gateway's own body (the authorizer refused the token, or no route matched).",
        "properties": {"message": {"type": "string", "examples": ["Unauthorized"]}},
        "required": ["message"],
    },
}

IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "Makes the request safe to retry: the same key with the same request returns the first "
    "response and posts nothing more; with a different request it is a 409. Kept 7 days.",
    "schema": {"type": "string", "minLength": 1, "maxLength": 255},
}
BUSINESS_HEADER = {
    "name": "x-business-id",
    "in": "header",
    "required": True,
    "description": "The business this request acts for: its id, a UUID (seed 000: `x-business-id: <business "
    "uuid>`). Where the path names a business too, they must be equal.",
    # A plain string, not ``format: uuid``: generated clients (openapi-python-client) would type it as a UUID
    # object and could not send it as a header.
    "schema": {"type": "string", "pattern": UUID_PATTERN},
}


def _answer(description: str, schema: str, example: Any, headers: dict[str, Any] | None = None) -> dict[str, Any]:
    answer: dict[str, Any] = {
        "description": description,
        "content": {JSON: {"schema": _ref(schema), "example": example}},
    }
    if headers:
        answer["headers"] = headers
    return answer


def _error_answers(family: Family, method: str, authorized: bool) -> dict[str, dict[str, Any]]:
    """Every error a caller of this operation can get, in the family's shape."""
    loans = family is LOANS
    shape = "ErrorDetail" if loans else "ApiError"
    too_long = "String should have at most 1000 characters"
    invalid = (
        family.error(InvalidRequest("memo", too_long))
        if loans
        else family.validation(
            [{"loc": ("body", "memo"), "msg": too_long, "type": "string_too_long", "ctx": {"max_length": 1000}}]
        )
    )
    answers = {
        "400": _answer(
            "Bad Request - Invalid input"
            if loans
            else "Invalid request: a field breaks a rule (named in `meta.errors`), malformed JSON, an unknown "
            "account or a tampered cursor.",
            shape,
            invalid,
        ),
        "403": _answer(
            "Forbidden - Insufficient permissions" if loans else "The token may not act for this business.",
            shape,
            family.error(Forbidden("This token may not act for that business.")),
        ),
        "404": _answer(
            "Not Found - Resource does not exist"
            if loans
            else "The business or an object named in the path does not exist (or belongs to another business).",
            shape,
            family.error(NotFound("Journal entry", EXAMPLE_ID)),
        ),
        "500": _answer(
            "Unexpected failure: a generic body with the request id, never a stack trace.",
            shape,
            family.internal_error(EXAMPLE_ID),
        ),
        "503": _answer(
            "The ledger stayed busy or unreachable through bounded retries (`SERVICE_UNAVAILABLE`, "
            "`DATABASE_UNAVAILABLE`: nothing was posted), or it never confirmed a write "
            "(`OUTCOME_UNKNOWN`, `PARTLY_POSTED`: retrying with the same Idempotency-Key is safe). "
            "Retry after `Retry-After` seconds.",
            shape,
            family.error(ServiceBusy()),
            {"Retry-After": {"description": "Seconds to wait before retrying.", "schema": {"type": "integer"}}},
        ),
    }
    if authorized:
        answers["401"] = _answer(
            "Unauthorized - Authentication required"
            if loans
            else "Missing, malformed, unknown, expired or revoked token (API Gateway's own body).",
            "GatewayError",
            {"message": "Unauthorized"},
        )
    if method in MUTATING:
        answers["409"] = _answer(
            "Conflict - Resource already exists"
            if loans
            else "Conflict: an Idempotency-Key or external_id reused with a different request, "
            "or the object's state forbids the change. Nothing was posted.",
            shape,
            family.error(IdempotencyKeyReused()),
        )
    if method in WITH_BODY:
        limit = f"{MAX_BODY_BYTES // 1024} KB"
        answers["413"] = _answer(
            f"The request body exceeds {limit}.",
            shape,
            family.error(PayloadTooLarge(f"The request body exceeds {limit}.")),
        )
        unsupported = (
            "The request body must be JSON sent as 'Content-Type: application/json' (charset optional, UTF-8)."
        )
        answers["415"] = _answer(
            "A non-empty body that is not `application/json` (an empty body needs no content type).",
            shape,
            family.error(UnsupportedMediaType(unsupported)),
        )
    if loans:
        missing = [{"loc": ("header", "x-business-id"), "msg": "Field required", "type": "missing"}]
        answers["422"] = _answer("Validation Error", "HTTPValidationError", family.validation(missing))
    return answers


def _success_answers(operation: dict[str, Any], declared: Declaration) -> None:
    """Powertools documents the declared ``status_code``; a route that may hand back an object that
    already existed (``existing=True``) answers 200 for it as well, and a run that may go on in the queue
    (``accepted=``) 202 with the same body."""
    responses = operation["responses"]
    if declared.existing:
        created = responses[str(declared.status_code)]
        responses["200"] = {**created, "description": EXISTING}
    if declared.accepted is not None:
        created = responses[str(declared.status_code)]
        responses["202"] = {**created, "description": ACCEPTED}


def _add_parameter(operation: dict[str, Any], parameter: dict[str, Any]) -> None:
    parameters = operation.setdefault("parameters", [])
    declared = {(p.get("in"), p.get("name", "").lower()) for p in parameters}
    if (parameter["in"], parameter["name"].lower()) not in declared:
        parameters.append(parameter)


def _tag(path: str) -> str:
    for prefix, tag in PATH_TAGS:
        if path.startswith(prefix):
            return tag
    raise ValueError(f"{path} is in no area of the API: give it a tag in openapi.PATH_TAGS (or tags= on its route)")


def _request_example(operation: dict[str, Any], route: tpl.Route, declared: Declaration) -> None:
    """The request body's example is the route's sample (``sample=``): the body events/ and the bench send."""
    content = operation.get("requestBody", {}).get("content", {}).get(JSON)
    if content is None:
        return
    if declared.sample.body is None:
        raise ValueError(
            f"{route.route_key} takes a body but declares no sample=: declare one that succeeds "
            "against the demo business (it is the request's example in docs/openapi.json)"
        )
    content["example"] = declared.sample.body


def _document(route: tpl.Route, operation: dict[str, Any], declared: Declaration) -> None:
    method, path = route.method.lower(), route.path
    family = LOANS if path.startswith(LOANS_PREFIX) else LEDGER
    responses = operation["responses"]
    responses.pop("422", None)  # Powertools' own; the family's validation answer replaces it
    responses.pop("500", None)  # Powertools' ResponseValidationError; the generic 500 replaces it
    _success_answers(operation, declared)
    for status, answer in _error_answers(family, method, route.authorized).items():
        responses.setdefault(status, answer)
    operation["responses"] = dict(sorted(responses.items()))
    if family is LOANS:
        _add_parameter(operation, BUSINESS_HEADER)
    if method in MUTATING:
        _add_parameter(operation, IDEMPOTENCY_KEY)
    operation.setdefault("tags", [_tag(path)])
    _request_example(operation, route, declared)
    if not route.authorized:
        operation["security"] = []


def _use_account_identifier(node: Any) -> Any:
    """Pydantic inlines the discriminated union; the seed names it ``AccountIdentifier``."""
    if isinstance(node, list):
        return [_use_account_identifier(item) for item in node]
    if not isinstance(node, dict):
        return node
    if [item.get("$ref") for item in node.get("oneOf", [])] == [REF + "AccountId", REF + "AccountStableName"]:
        rest = {k: v for k, v in node.items() if k not in ("oneOf", "discriminator", "title")}
        return {**_ref("AccountIdentifier"), **rest}
    return {key: _use_account_identifier(value) for key, value in node.items()}


def _refs(node: Any) -> set[str]:
    if isinstance(node, list):
        return set().union(*map(_refs, node)) if node else set()
    if not isinstance(node, dict):
        return set()
    found = {node["$ref"].removeprefix(REF)} if isinstance(node.get("$ref"), str) else set()
    return found.union(*map(_refs, node.values()))


def _referenced(document: dict[str, Any]) -> set[str]:
    """Schemas reachable from the paths; the rest (Powertools' unused defaults) is dropped."""
    schemas = document["components"]["schemas"]
    found: set[str] = set()
    pending = _refs(document["paths"])
    while pending:
        name = pending.pop()
        if name not in found and name in schemas:
            found.add(name)
            pending |= _refs(schemas[name])
    return found


def _merge_schemas(into: dict[str, Any], schemas: dict[str, Any], owner: str, owners: dict[str, str]) -> None:
    for name, schema in schemas.items():
        if name in into and into[name] != schema and name not in ERROR_SCHEMAS:
            raise ValueError(f"schema {name!r} differs between {owners[name]} and {owner}: rename one of the models")
        into[name] = schema
        owners.setdefault(name, owner)


def generate(template: dict[str, Any] | None = None) -> dict[str, Any]:
    """The merged document for every route of ``template.yaml`` (or of ``template``, for tests)."""
    document: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {
            "title": TITLE,
            "version": VERSION,
            "description": DESCRIPTION,
            "contact": dict(CONTACT),
            "license": dict(LICENSE),
        },
        "servers": copy.deepcopy(SERVERS),
        "tags": copy.deepcopy(TAGS),
        "paths": {},
        "components": {
            "schemas": {},
            "securitySchemes": {"BearerAuth": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"BearerAuth": []}],
    }
    schemas = document["components"]["schemas"]
    owners: dict[str, str] = {}
    by_function: dict[str, list[tpl.Route]] = {}
    for route in sorted(tpl.routes(template), key=lambda r: (r.path, r.method)):
        by_function.setdefault(route.function.logical_id, []).append(route)
    for logical_id, routes in by_function.items():
        module = load_module(routes[0].function)
        code = json.loads(module.app.get_openapi_json_schema(title=TITLE, version=VERSION))
        _merge_schemas(schemas, code.get("components", {}).get("schemas", {}), logical_id, owners)
        for route in routes:
            operation = code.get("paths", {}).get(route.path, {}).get(route.method.lower())
            declared = module.app.declarations.get((route.method, route.path))
            if operation is None or declared is None:
                raise ValueError(
                    f"template.yaml routes {route.route_key} to {logical_id}, but its code declares no such route"
                )
            _document(route, operation, declared)
            document["paths"].setdefault(route.path, {})[route.method.lower()] = operation
    schemas.update(ERROR_SCHEMAS)
    document["paths"] = _use_account_identifier(dict(sorted(document["paths"].items())))
    document["components"]["schemas"] = {
        name: schema if name == "AccountIdentifier" else _use_account_identifier(schema)
        for name, schema in sorted(schemas.items())
    }
    keep = _referenced(document)
    document["components"]["schemas"] = {k: v for k, v in document["components"]["schemas"].items() if k in keep}
    return document


def render() -> str:
    return json.dumps(generate(), indent=2) + "\n"


def write(path: Path = DOCUMENT) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render())
    return path
