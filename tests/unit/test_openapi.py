"""SPEC §8: an OpenAPI 3.1 document generated from the code, kept in the repo, documenting what the API answers."""

import copy
import importlib
import json
import pkgutil
import tomllib
from typing import Any

import pytest

import ledgerline
from ledgerline import errors
from ledgerline.api.errors import TABLE, answer_for
from ledgerline_tools import openapi, template
from ledgerline_tools.functions import load_module

FIX = "run `.venv/bin/ledgerline openapi` (or `make openapi`) and commit docs/openapi.json"
REF = "#/components/schemas/"
MUTATING = {"POST", "PUT", "PATCH", "DELETE"}
ROUTES = template.routes()
LEDGER_ROUTES = [r for r in ROUTES if r.path.startswith("/v1/")]
LOANS_ROUTES = [r for r in ROUTES if r.path.startswith("/api/v1/")]

LEDGER_OPERATION_IDS = {
    "GET /v1/businesses/{businessId}/ledger/accounts": "business.ledger.accounts.list",
    "POST /v1/businesses/{businessId}/ledger/accounts": "business.ledger.accounts.create",
    "GET /v1/businesses/{businessId}/ledger/entries": "business.ledger.entries.list",
    "GET /v1/businesses/{businessId}/ledger/entries/{entryId}": "business.ledger.entries.get",
    "POST /v1/businesses/{businessId}/custom-journal-entries": "business.custom-journal-entries.create",
    "DELETE /v1/businesses/{businessId}/custom-journal-entries/{entryId}": "business.custom-journal-entries.delete",
    "GET /v1/businesses/{businessId}/reports/trial-balance": "business.reports.trial-balance.get",
}
# SPEC §8: the seeds' operation ids appear unchanged (checked once their route is in template.yaml).
SEED_OPERATION_IDS = {
    "POST /api/v1/loans/{instrument_id}/write-off": "write_off_loan_api_v1_loans__instrument_id__write_off_post",
    "POST /api/v1/businesses/{business_id}/cfo-portal/debt-schedule/instruments/{instrument_id}/payments": "cfo_portal_record_debt_payment_api_v1_businesses__business_id__cfo_portal_debt_schedule_instruments"
    "__instrument_id__payments_post",
    "DELETE /v1/businesses/{businessId}/invoices/{invoiceId}/write-offs/{writeOffId}": "business.invoices.write-offs.delete",
}
# Seed 001, transcribed independently of openapi.py.
SEED_API_ERROR_TYPES = [
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
SEED_API_ENUM_ERROR_TYPES = """
AccessCodeInvalid BalanceSheetDoesNotBalance BalanceSheetMissingAccount BankStatementParserError BillStateError
BulkCategorizeFailure BulkMatchFailure BusinessTaskAlreadyCompleted BusinessTaskDeleted CalendlyOAuthError
CallBookingError CantUpdateTransactionInCustomerPayout CantUpdateTransactionInVendorPayout CheckPayrollConfigNotFound
CheckPayrollServiceNotFound ClerkUserAlreadyExists ConflictingQueryParams CustomAccountAlreadyExists
CustomTransactionCsvParsingError CustomTransactionUploadFailure CustomerPayoutInputFormatError
DoesNotMatchExistingEntity EmptyBatchRequest ExpenseParserError ExternalAccountBalanceReconciliationError
ExternalIdConflict InvalidCategory InvalidEffectiveDate InvalidLedgerOperation InvalidMonthlyAverageRange
InvalidMultiPartRequest InvalidPaginationCursor InvalidPayload InvoiceDeleted InvoiceNotFound InvoiceReferenceMismatch
InvoiceStateError ManualRateLimit MultipleTagKeyFiltersUnsupported NoCognitoUserFound NoOpeningBalanceFound
NotYetReconciled OnePasswordApiError OnePasswordItemNotFound OnePasswordVaultNotFound OpenAICategorizationError
PaymentLinkInvalid PayrollStateError PeriodIsClosed PeriodNotClosed PhoneNumberAlreadyRegistered PlaidApiError
PlaidConnectionBroken PlaidCreateLinkTokenError PlaidCredentialsNotConfigured PlaidExchangePublicTokenError
PlaidGetInstitutionByIdError PlaidGetItemError PlaidInvalidEnvironment PlaidItemAlreadyExists PlaidItemNotFound
PlaidProcessorApiError PlaidUnlinkItemError QueryParamFormat QueryParamMissing QuickbooksBrokenConnection
QuickbooksConnectionAlreadyExists QuickbooksConnectionAlreadySyncing QuickbooksConnectionMissing
QuickbooksConnectionNotActivated QuickbooksInvalidRequest QuickbooksInvalidState QuickbooksNoMatchingAccount
QuickbooksNonPostingAccountType QuickbooksNotConfigured QuickbooksOAuthCallbackInvalid QuickbooksOAuthError
QuickbooksTokenExpired ResourceArchived ScheduleCNotConfigured SmsNotEnabled SpecifiedBadRequest SpecifiedIdNotFound
SplitTransactionError StepEvaluationBadRequest StripeConnectAccountIdNotFound StripeCredentialsNotConfigured
StripeGetBalanceForConnectAccountFailure StripeRedirectOrRefreshUrlNotConfigured TagFilterNotFound
UnexpectedQueryParam UnitAccountsInUse WrongAnswerType
""".split()


@pytest.fixture(scope="module")
def rendered() -> str:
    return openapi.render()


@pytest.fixture(scope="module")
def document(rendered: str) -> dict[str, Any]:
    return json.loads(rendered)


def operation(document: dict[str, Any], route: template.Route) -> dict[str, Any]:
    return document["paths"][route.path][route.method.lower()]


def schema_of(answer: dict[str, Any]) -> str:
    return answer["content"]["application/json"]["schema"]["$ref"].removeprefix(REF)


def header(op: dict[str, Any], name: str) -> dict[str, Any] | None:
    found = [p for p in op.get("parameters", []) if p["in"] == "header" and p["name"].lower() == name.lower()]
    return found[0] if found else None


def refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        return ([node["$ref"]] if isinstance(node.get("$ref"), str) else []) + [
            r for v in node.values() for r in refs(v)
        ]
    if isinstance(node, list):
        return [r for v in node for r in refs(v)]
    return []


def test_the_committed_document_is_what_the_code_generates(rendered: str) -> None:
    committed = openapi.DOCUMENT.read_text(encoding="utf-8") if openapi.DOCUMENT.exists() else ""
    assert committed == rendered, f"docs/openapi.json is out of date: {FIX}"


def test_the_document_is_openapi_3_1(document: dict[str, Any]) -> None:
    assert document["openapi"] == "3.1.0"
    assert document["info"]["title"] and document["info"]["version"]
    assert document["components"]["securitySchemes"]["BearerAuth"] == {"type": "http", "scheme": "bearer"}
    assert document["security"] == [{"BearerAuth": []}]


def test_every_reference_resolves(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    dangling = sorted({r for r in refs(document) if r.removeprefix(REF) not in schemas})
    assert not dangling


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.route_key)
def test_every_template_route_is_documented_with_its_method(document: dict[str, Any], route: template.Route) -> None:
    assert route.method.lower() in document["paths"].get(route.path, {}), f"{route.route_key} missing: {FIX}"


def test_only_template_routes_are_documented(document: dict[str, Any]) -> None:
    documented = {f"{m.upper()} {p}" for p, ops in document["paths"].items() for m in ops}
    assert documented == {r.route_key for r in ROUTES}


def test_operation_ids_are_unique(document: dict[str, Any]) -> None:
    ids = [op["operationId"] for ops in document["paths"].values() for op in ops.values()]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.route_key)
def test_operation_ids_are_the_ones_the_code_declares(document: dict[str, Any], route: template.Route) -> None:
    declared = load_module(route.function).app.declarations[(route.method, route.path)]
    if route.path.startswith("/v1/"):  # seed 001 names every operation; seeds 000/002 take Powertools' names
        assert declared.operation_id is not None, f"{route.route_key} declares no operation_id"
    assert operation(document, route)["operationId"] == declared.operation_id or declared.operation_id is None


def test_ledger_operation_ids(document: dict[str, Any]) -> None:
    routes = {r.route_key: r for r in ROUTES}
    for route_key, operation_id in LEDGER_OPERATION_IDS.items():
        assert operation(document, routes[route_key])["operationId"] == operation_id


def test_seed_operation_ids_are_unchanged(document: dict[str, Any]) -> None:
    routes = {r.route_key: r for r in ROUTES}
    for route_key in SEED_OPERATION_IDS.keys() & routes.keys():
        assert operation(document, routes[route_key])["operationId"] == SEED_OPERATION_IDS[route_key]


def test_api_error_enums_are_the_seeds(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    assert schemas["ApiErrorType"] == {"type": "string", "enum": SEED_API_ERROR_TYPES}
    assert schemas["ApiEnumErrorType"]["enum"] == SEED_API_ENUM_ERROR_TYPES
    assert schemas["ApiError"]["required"] == ["type", "description"]
    assert set(schemas["ApiError"]["properties"]) == {"type", "description", "error_enum", "meta"}


# The catalogue, read from the module itself: every class is checked even when this file runs alone.
CATALOGUE = [c for c in vars(errors).values() if isinstance(c, type) and issubclass(c, errors.LedgerError)]


def _subclasses(cls: type) -> list[type]:
    return [cls] + [c for sub in cls.__subclasses__() for c in _subclasses(sub)]


def test_every_ledger_error_is_in_the_one_catalogue() -> None:
    for module in pkgutil.walk_packages(ledgerline.__path__, "ledgerline."):
        importlib.import_module(module.name)

    assert [c.__name__ for c in _subclasses(errors.LedgerError) if c not in CATALOGUE] == []
    assert [c.__name__ for c in TABLE if c not in CATALOGUE] == []


@pytest.mark.parametrize("error", CATALOGUE, ids=lambda c: c.__name__)
def test_every_ledger_error_uses_the_seeds_enums(error: type[errors.LedgerError]) -> None:
    answer = answer_for(error)  # LookupError if any column is missing along the MRO

    assert 400 <= answer.status < 600 and answer.code
    assert answer.type in SEED_API_ERROR_TYPES
    assert answer.error_enum is None or answer.error_enum in SEED_API_ENUM_ERROR_TYPES
    assert answer.error_enum is None or answer.status < 500, "seed 001: error_enum is only for 4xx answers"


@pytest.mark.parametrize("error", CATALOGUE, ids=lambda c: c.__name__)
def test_catalogue_errors_know_nothing_of_http(error: type[errors.LedgerError]) -> None:
    assert error.__doc__
    assert not {"status", "code", "api_type", "error_enum"} & {a for c in error.__mro__ for a in vars(c)}


def test_account_identifier_is_the_seeds_one_of(document: dict[str, Any]) -> None:
    identifier = document["components"]["schemas"]["AccountIdentifier"]
    line = document["components"]["schemas"]["LineItemInput"]["properties"]["account_identifier"]

    assert [item["$ref"] for item in identifier["oneOf"]] == [REF + "AccountId", REF + "AccountStableName"]
    assert line["$ref"] == REF + "AccountIdentifier"


@pytest.mark.parametrize("route", LEDGER_ROUTES, ids=lambda r: r.route_key)
def test_ledger_family_errors_are_api_errors(document: dict[str, Any], route: template.Route) -> None:
    responses = operation(document, route)["responses"]

    assert "422" not in responses, "the ledger family answers validation with 400 ApiError"
    for status in ("400", "403", "404", "500", "503"):
        assert schema_of(responses[status]) == "ApiError", status
    assert schema_of(responses["401"]) == "GatewayError"
    assert "Retry-After" in responses["503"]["headers"]
    if route.method in MUTATING:
        assert schema_of(responses["409"]) == "ApiError"


@pytest.mark.parametrize("route", LOANS_ROUTES, ids=lambda r: r.route_key)
def test_loans_family_errors_are_error_details_and_422(document: dict[str, Any], route: template.Route) -> None:
    op = operation(document, route)
    responses = op["responses"]

    assert schema_of(responses["422"]) == "HTTPValidationError"
    for status in ("400", "403", "404", "500", "503"):
        assert schema_of(responses[status]) == "ErrorDetail", status
    assert schema_of(responses["401"]) == "GatewayError"
    if route.method in MUTATING:
        assert schema_of(responses["409"]) == "ErrorDetail"
    assert header(op, "x-business-id") == {**openapi.BUSINESS_HEADER, "required": True}


def test_validation_error_has_the_fields_seed_000_shows(document: dict[str, Any]) -> None:
    if not LOANS_ROUTES:
        pytest.skip("no loans-family route yet")
    validation = document["components"]["schemas"]["ValidationError"]
    assert set(validation["properties"]) == {"loc", "msg", "type", "input", "ctx"}
    assert validation["required"] == ["loc", "msg", "type"]
    assert document["components"]["schemas"]["ErrorDetail"]["required"] == ["detail", "code"]


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.route_key)
def test_no_powertools_response_validation_error(document: dict[str, Any], route: template.Route) -> None:
    assert "ResponseValidationError" not in json.dumps(operation(document, route))
    assert "ResponseValidationError" not in document["components"]["schemas"]


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.route_key)
def test_mutating_operations_take_an_optional_idempotency_key(document: dict[str, Any], route: template.Route) -> None:
    key = header(operation(document, route), "Idempotency-Key")
    if route.method in MUTATING:
        assert key is not None and key["required"] is False
        assert key["schema"] == {"type": "string", "minLength": 1, "maxLength": 255}
    else:
        assert key is None


# The success statuses each handler really answers (read from its code), for the routes template.yaml has.
SUCCESS_STATUSES = {
    "POST /v1/businesses/{businessId}/custom-journal-entries": {"200", "201"},  # 200: same external_id
    "DELETE /v1/businesses/{businessId}/custom-journal-entries/{entryId}": {"200"},
    "POST /v1/businesses/{businessId}/ledger/accounts": {"200", "201"},  # 200: existing stable_name
    "GET /v1/businesses/{businessId}/reports/trial-balance": {"200"},
    "POST /api/v1/loans/{instrument_id}/write-off": {"201"},
    "POST /v1/businesses/{businessId}/invoices/{invoiceId}/void": {"200"},
}


def test_success_statuses_are_what_the_handlers_answer(document: dict[str, Any]) -> None:
    routes = {r.route_key: r for r in ROUTES}
    for route_key in SUCCESS_STATUSES.keys() & routes.keys():
        responses = operation(document, routes[route_key])["responses"]
        assert {status for status in responses if status.startswith("2")} == SUCCESS_STATUSES[route_key], route_key
        assert len({schema_of(responses[status]) for status in SUCCESS_STATUSES[route_key]}) == 1


def test_a_template_route_the_code_does_not_declare_is_an_error() -> None:
    # Given template.yaml routing a path that the function's code does not declare
    loaded = template.load()
    resource = copy.deepcopy(loaded["Resources"]["ListLedgerAccountsFunction"])
    resource["Properties"]["Events"]["Api"]["Properties"]["Path"] = "/v1/businesses/{businessId}/ledger/chart"

    # When the document is generated, Then it refuses to document a route nobody answers
    with pytest.raises(ValueError, match="declares no such route"):
        openapi.generate({"Resources": {"ListLedgerAccountsFunction": resource}})


def test_info_names_the_package_version_a_contact_and_a_license(document: dict[str, Any]) -> None:
    pyproject = tomllib.loads((template.ROOT / "pyproject.toml").read_text())
    assert document["info"]["version"] == pyproject["project"]["version"]
    assert document["info"]["contact"]["name"] and document["info"]["license"]["name"]
    assert document["servers"][0]["url"] == "/"  # Swagger UI's Try it out calls the server it is served from


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.route_key)
def test_every_operation_is_described_and_has_one_described_tag(
    document: dict[str, Any], route: template.Route
) -> None:
    op = operation(document, route)
    described = {tag["name"] for tag in document["tags"] if tag.get("description")}
    assert op.get("description") and op["description"] != op.get("summary"), (
        f"declare description= on {route.route_key}"
    )
    assert len(op["tags"]) == 1 and op["tags"][0] in described, op["tags"]


def test_an_unknown_area_of_the_api_must_be_given_a_tag() -> None:
    with pytest.raises(ValueError, match="PATH_TAGS"):
        openapi._tag("/v1/businesses/{businessId}/widgets")


@pytest.mark.parametrize("route", LOANS_ROUTES, ids=lambda r: r.route_key)
def test_x_business_id_is_a_plain_string_a_generated_client_can_send(
    document: dict[str, Any], route: template.Route
) -> None:
    business = header(operation(document, route), "x-business-id")
    assert business is not None and business["required"] is True
    assert business["schema"]["type"] == "string" and "format" not in business["schema"]


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.route_key)
def test_a_request_body_example_is_the_routes_own_sample(document: dict[str, Any], route: template.Route) -> None:
    body = operation(document, route).get("requestBody")
    if body is None:
        return
    declared = load_module(route.function).app.declarations[(route.method, route.path)]
    assert declared.sample.body is not None, f"{route.route_key} takes a body: declare sample="
    assert body["content"]["application/json"]["example"] == declared.sample.body
