"""SPEC §1 and §8: what template.yaml must say — lint-clean, a safe table, least privilege, an authorized API."""

import ast
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from cfnlint.api import lint_file

from ledgerline_tools import template

ROOT = Path(__file__).resolve().parents[2]

TEMPLATE = template.load()
RESOURCES = TEMPLATE["Resources"]
FUNCTIONS = {k: r for k, r in RESOURCES.items() if r["Type"] == "AWS::Serverless::Function"}
HTTP_APIS = {k: r for k, r in RESOURCES.items() if r["Type"] == "AWS::Serverless::HttpApi"}
# SAM policy templates that grant Scan or wildcard actions: never least privilege for the ledger.
BROAD_POLICY_TEMPLATES = {
    "DynamoDBCrudPolicy",
    "DynamoDBReadPolicy",
    "DynamoDBReconfigurePolicy",
    "DynamoDBBackupFullAccessAndRestorePolicy",
    "DynamoDBRestoreFromBackupPolicy",
}


def resolve(value: Any) -> Any:
    """A ``!Ref`` to a template parameter stands for its default (and is bounded by its MaxValue)."""
    if isinstance(value, dict) and set(value) == {"Ref"} and value["Ref"] in TEMPLATE.get("Parameters", {}):
        return TEMPLATE["Parameters"][value["Ref"]]
    return value


def statements(function: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for policy in function["Properties"].get("Policies") or []:
        if isinstance(policy, dict) and "Statement" in policy:
            found += policy["Statement"] if isinstance(policy["Statement"], list) else [policy["Statement"]]
    return found


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def test_cfn_lint_passes() -> None:
    matches = lint_file(template.TEMPLATE)
    assert not matches, "cfn-lint template.yaml:\n" + "\n".join(str(m) for m in matches)


def test_the_table_is_encrypted_recoverable_protected_and_expires_ttl() -> None:
    table = RESOURCES[template.TABLE_RESOURCE]
    props = table["Properties"]

    assert props["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True
    assert props["SSESpecification"]["SSEEnabled"] is True
    assert props["DeletionProtectionEnabled"] is True
    assert props["TimeToLiveSpecification"] == {"AttributeName": "ttl", "Enabled": True}
    assert table.get("DeletionPolicy") == "Retain"
    assert table.get("UpdateReplacePolicy") == "Retain"


def test_globals_target_a_current_python_runtime_on_arm64() -> None:
    function_globals = TEMPLATE["Globals"]["Function"]

    assert function_globals["Architectures"] == ["arm64"]
    assert re.fullmatch(r"python3\.1\d", function_globals["Runtime"])
    assert "Policies" not in function_globals and "Events" not in function_globals


def test_the_layer_is_built_for_the_functions_runtime() -> None:
    runtime = TEMPLATE["Globals"]["Function"]["Runtime"]
    layers = [r for r in RESOURCES.values() if r["Type"] == "AWS::Serverless::LayerVersion"]

    assert layers
    for layer in layers:
        assert runtime in layer["Properties"]["CompatibleRuntimes"]
        assert "arm64" in layer["Properties"]["CompatibleArchitectures"]
        # shared/Makefile builds it for that runtime (and compiles it: test_layer_build.py).
        assert layer["Metadata"]["BuildMethod"] == "makefile"
        assert layer["Metadata"]["BuildArchitecture"] == "arm64"
        assert f"python{runtime.removeprefix('python')}" in (ROOT / "shared" / "Makefile").read_text()


@pytest.mark.parametrize("logical_id", sorted(FUNCTIONS))
def test_every_function_has_its_own_least_privilege_policies(logical_id: str) -> None:
    function = FUNCTIONS[logical_id]
    policies = function["Properties"].get("Policies") or []

    assert policies, f"{logical_id} has no Policies of its own"
    for policy in policies:
        assert not isinstance(policy, str), f"{logical_id}: managed policy {policy!r} is not least privilege"
        assert not (set(policy) & BROAD_POLICY_TEMPLATES), f"{logical_id}: {set(policy)} grants Scan or more"
    for statement in statements(function):
        actions = [a for a in as_list(statement.get("Action", [])) if isinstance(a, str)]
        assert not [a for a in actions if "*" in a], f"{logical_id}: wildcard action in {actions}"
        assert not [a for a in actions if a.lower() == "dynamodb:scan"], f"{logical_id} may Scan"
        assert "NotAction" not in statement, f"{logical_id}: NotAction grants everything else"
        assert "*" not in as_list(statement.get("Resource", [])), f"{logical_id}: Resource '*'"


def test_the_http_api_authorizes_every_request_with_a_short_cache() -> None:
    assert HTTP_APIS, "no AWS::Serverless::HttpApi"
    for api in HTTP_APIS.values():
        auth = api["Properties"]["Auth"]
        authorizer = auth["Authorizers"][auth["DefaultAuthorizer"]]
        cache = resolve(authorizer["Identity"]["ReauthorizeEvery"])
        max_cache = cache.get("MaxValue", cache.get("Default")) if isinstance(cache, dict) else cache

        assert authorizer["AuthorizerPayloadFormatVersion"] == "2.0"
        assert authorizer["EnableSimpleResponses"] is True
        assert authorizer["EnableFunctionDefaultPermissions"] is True
        assert authorizer["FunctionArn"] == {"Ref": f"{template.AUTHORIZER_RESOURCE}.Alias"}
        assert 0 <= int(max_cache) <= 60, "a revoked token must stop working within 60 s"


@pytest.mark.parametrize("route", template.routes(), ids=lambda r: r.route_key)
def test_every_route_goes_through_the_authorized_api(route: template.Route) -> None:
    events = RESOURCES[route.function.logical_id]["Properties"]["Events"].values()
    event = next(
        e
        for e in events
        if e["Type"] == "HttpApi"
        and e["Properties"]["Path"] == route.path
        and e["Properties"]["Method"].upper() == route.method
    )

    # Without ApiId, SAM would put the route on an implicit API that has no authorizer.
    assert event["Properties"].get("ApiId", {}).get("Ref") in HTTP_APIS
    assert route.authorized, f"{route.route_key} opts out of the authorizer"


def test_routes_are_unique() -> None:
    keys = [route.route_key for route in template.routes()]
    assert len(keys) == len(set(keys)), sorted(k for k in keys if keys.count(k) > 1)


def _defines(path: Path, name: str) -> bool:
    tree = ast.parse(path.read_text())
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == name:
            return True
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            return True
    return False


@pytest.mark.parametrize("logical_id", sorted(FUNCTIONS))
def test_every_function_code_uri_holds_its_handler(logical_id: str) -> None:
    function = template.functions()[logical_id]
    module, _, handler = function.handler.rpartition(".")
    source = function.code_uri / f"{module.replace('.', '/')}.py"

    assert function.code_uri.parent == template.ROOT / "functions", "functions live in functions/<name>/"
    assert source.is_file(), f"{logical_id}: {source} is missing"
    assert _defines(source, handler), f"{logical_id}: {source.name} defines no {handler}"


def test_every_function_folder_is_deployed() -> None:
    deployed = {function.code_uri.name for function in template.functions().values()}
    folders = {path.parent.name for path in (template.ROOT / "functions").glob("*/app.py")}
    assert folders <= deployed, f"function folders missing from template.yaml: {sorted(folders - deployed)}"


# ---- SPEC §9.4: the deployed edge --------------------------------------------------------------------------------

PARAMETERS = TEMPLATE["Parameters"]
LOG_GROUPS = {k: r for k, r in RESOURCES.items() if r["Type"] == "AWS::Logs::LogGroup"}
# Everything that holds data survives a stack deletion and a replacement.
DATA_TYPES = ("AWS::DynamoDB::Table", "AWS::SecretsManager::Secret", "AWS::SQS::Queue", "AWS::Logs::LogGroup")
# The functions that page (their handlers take a `cursor`): they, and only they, read the cursor key.
PAGING = {
    logical_id
    for logical_id, function in template.functions().items()
    if "cursor" in (function.code_uri / "app.py").read_text()
}


def parameter(value: Any) -> dict[str, Any]:
    assert isinstance(value, dict) and set(value) == {"Ref"}, f"{value!r} is not a !Ref to a parameter"
    assert value["Ref"] in PARAMETERS, f"{value['Ref']} is not a template parameter"
    return PARAMETERS[value["Ref"]]


def walk(value: Any) -> Any:
    if isinstance(value, dict):
        for item in value.values():
            yield from walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from walk(item)
    else:
        yield value


@pytest.mark.parametrize(
    "setting, default, ceiling",
    [
        ("ThrottlingBurstLimit", 200, 5000),
        ("ThrottlingRateLimit", 100, 10000),
    ],
)
def test_the_http_api_stage_is_throttled_by_parameters_with_safe_defaults(
    setting: str, default: int, ceiling: int
) -> None:
    for api in HTTP_APIS.values():
        chosen = parameter(api["Properties"]["DefaultRouteSettings"][setting])

        assert chosen["Type"] == "Number"
        assert chosen["Default"] == default
        # A typo can't lift the API above the account's own limits, nor throttle it shut.
        assert 1 <= chosen["MinValue"] <= chosen["Default"] <= chosen["MaxValue"] <= ceiling


def test_access_logs_go_to_a_declared_log_group_without_what_callers_send() -> None:
    for api in HTTP_APIS.values():
        settings = api["Properties"]["AccessLogSettings"]
        target = settings["DestinationArn"]["GetAtt"]
        log_group, attribute = target.split(".") if isinstance(target, str) else target

        assert attribute == "Arn" and log_group in LOG_GROUPS
        assert parameter(LOG_GROUPS[log_group]["Properties"]["RetentionInDays"]) is PARAMETERS["LogRetentionDays"]
        line = json.loads(settings["Format"].replace("$context.", "context_"))  # one JSON object per request
        assert {"requestId", "status", "routeKey"} <= set(line)
        assert not re.search(r"header|authorization|body|querystring", settings["Format"], re.IGNORECASE)


def test_log_retention_is_a_parameter_defaulting_to_30_days() -> None:
    retention = PARAMETERS["LogRetentionDays"]

    assert retention["Type"] == "Number" and retention["Default"] == 30
    # CloudWatch Logs accepts only these; anything else would fail the deploy.
    assert set(retention["AllowedValues"]) <= {
        1,
        3,
        5,
        7,
        14,
        30,
        60,
        90,
        120,
        150,
        180,
        365,
        400,
        545,
        731,
        1096,
        1827,
        2192,
        2557,
        2922,
        3288,
        3653,
    }
    assert 30 in retention["AllowedValues"]


@pytest.mark.parametrize("logical_id", sorted(FUNCTIONS))
def test_every_function_has_its_log_group_declared_with_the_retention(logical_id: str) -> None:
    # Lambda would otherwise create /aws/lambda/<name> itself on first invocation, keeping logs forever.
    declared = [
        group
        for group in LOG_GROUPS.values()
        if group["Properties"].get("LogGroupName") == {"Sub": f"/aws/lambda/${{{logical_id}}}"}
    ]

    assert len(declared) == 1, f"{logical_id} has no AWS::Logs::LogGroup named /aws/lambda/${{{logical_id}}}"
    assert declared[0]["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionDays"}


@pytest.mark.parametrize("resource_type", DATA_TYPES)
def test_everything_that_holds_data_is_retained_on_deletion_and_replacement(resource_type: str) -> None:
    holding = {k: r for k, r in RESOURCES.items() if r["Type"] == resource_type}

    assert holding, f"no {resource_type} in the template"
    for logical_id, resource in holding.items():
        assert resource.get("DeletionPolicy") == "Retain", f"{logical_id} has no DeletionPolicy: Retain"
        assert resource.get("UpdateReplacePolicy") == "Retain", f"{logical_id} has no UpdateReplacePolicy: Retain"


def test_no_secret_is_resolved_into_the_template() -> None:
    # A dynamic reference puts the secret's value in the function's configuration, readable with
    # lambda:GetFunctionConfiguration and shown in the console.
    resolved = [
        value
        for value in walk(TEMPLATE)
        if isinstance(value, str) and re.search(r"\{\{resolve:(secretsmanager|ssm-secure)", value)
    ]
    assert not resolved, resolved
    for scope, variables in [
        ("Globals", TEMPLATE["Globals"]["Function"].get("Environment", {}).get("Variables", {})),
        *[(k, (f["Properties"].get("Environment") or {}).get("Variables", {})) for k, f in FUNCTIONS.items()],
    ]:
        assert "CURSOR_SECRET" not in variables, f"{scope} puts the cursor key itself in the environment"
        for name, value in variables.items():
            if "SECRET" in name:
                assert value == {"Ref": "CursorSecret"}, f"{scope}: {name} must name the secret, not hold it"


def test_the_cursor_secret_is_generated_and_not_in_the_source() -> None:
    secret = RESOURCES["CursorSecret"]

    assert secret["Type"] == "AWS::SecretsManager::Secret"
    assert "SecretString" not in secret["Properties"]
    assert secret["Properties"]["GenerateSecretString"]["PasswordLength"] >= 32


def test_the_functions_that_page_are_known() -> None:
    assert PAGING == {
        "ListLedgerEntriesFunction",
        "ListInvoicesFunction",
        "GetDebtScheduleFunction",
        "ListWriteOffRunsFunction",
        "ListAccrualRunsFunction",
        "ExportJournalFunction",
        "ListAccountLinesFunction",
    }, "a new listing? give it CURSOR_SECRET_ARN and GetSecretValue"


@pytest.mark.parametrize("logical_id", sorted(FUNCTIONS))
def test_only_the_functions_that_page_may_read_the_cursor_secret(logical_id: str) -> None:
    variables = (FUNCTIONS[logical_id]["Properties"].get("Environment") or {}).get("Variables", {})
    reads = [
        s
        for s in statements(FUNCTIONS[logical_id])
        if any("secretsmanager" in str(action).lower() for action in as_list(s.get("Action", [])))
    ]

    if logical_id in PAGING:
        assert variables.get("CURSOR_SECRET_ARN") == {"Ref": "CursorSecret"}
        assert len(reads) == 1
        assert reads[0]["Effect"] == "Allow"
        assert as_list(reads[0]["Action"]) == ["secretsmanager:GetSecretValue"]
        assert as_list(reads[0]["Resource"]) == [{"Ref": "CursorSecret"}]  # this secret alone
    else:
        assert "CURSOR_SECRET_ARN" not in variables and not reads, f"{logical_id} does not page"


def test_asynchronously_invoked_functions_have_a_dead_letter_queue() -> None:
    # checkov's CKV_AWS_116 is skipped for the synchronous API functions (.checkov.yaml); the function
    # EventBridge Scheduler invokes (asynchronously) must still park its failed events.
    targets = {
        r["Properties"]["Target"]["Arn"]["Ref"].split(".")[0]
        for r in RESOURCES.values()
        if r["Type"] == "AWS::Scheduler::Schedule"
    }

    assert targets
    for logical_id in targets:
        queue = FUNCTIONS[logical_id]["Properties"]["DeadLetterQueue"]
        assert (
            queue["Type"] == "SQS"
            and RESOURCES[queue["TargetArn"]["GetAtt"].split(".")[0]]["Type"] == "AWS::SQS::Queue"
        )


def test_every_checkov_skip_is_explained() -> None:
    lines = (template.ROOT / ".checkov.yaml").read_text().splitlines()
    skipped = yaml.safe_load("\n".join(lines))["skip-check"]

    assert skipped and all(re.fullmatch(r"CKV2?_AWS_\d+", check) for check in skipped)
    for check in skipped:
        index = next(i for i, line in enumerate(lines) if re.match(rf"\s*- {check}\b", line))
        inline = "#" in lines[index]
        above = lines[index - 1].strip().startswith("#")
        assert inline or above, f"{check} is skipped without a reason"


def test_snapstart_is_an_option_on_published_versions_behind_the_alias():
    from ledgerline_tools import template as tpl

    loaded = tpl.load()
    assert loaded["Parameters"]["SnapStart"]["Default"] == "Disabled"
    function_globals = loaded["Globals"]["Function"]
    assert function_globals["AutoPublishAlias"] == "live"
    assert "SnapStart" in str(function_globals["SnapStart"]) and "UseSnapStart" in str(function_globals["SnapStart"])
    authorizer = loaded["Resources"]["LedgerApi"]["Properties"]["Auth"]["Authorizers"]["TokenAuthorizer"]
    assert "AuthorizerFunction.Alias" in str(authorizer["FunctionArn"])  # what SnapStart restores is the alias
    assert "WriteOffSchedulerFunction.Alias" in str(loaded["Resources"]["WriteOffSchedule"]["Properties"]["Target"])


def test_after_a_snapstart_restore_the_client_is_made_again(moto_table):
    from ledgerline.store import runtime

    before = runtime.dynamodb_client()
    runtime.after_snapstart_restore()
    assert runtime.dynamodb_client() is not before


@pytest.mark.parametrize("logical_id", sorted(set(FUNCTIONS) - {template.AUTHORIZER_RESOURCE}))
def test_every_function_is_in_the_readme_endpoint_tables(logical_id: str) -> None:
    readme = (template.ROOT / "README.md").read_text()
    endpoints = readme[readme.index("## Endpoints") : readme.index("## OpenAPI and Swagger UI")]
    name = template.functions()[logical_id].code_uri.name
    assert f"| `{name}` |" in endpoints, f"README.md's Endpoints section has no row for functions/{name}/"


# ---- issue item 9: optional CORS for a browser app on another origin ----------------------------------------------

CORS_KEYWORDS = ("AllowOrigins", "AllowHeaders", "AllowMethods", "ExposeHeaders", "MaxAge", "AllowCredentials")


def test_cors_origins_are_a_parameter_that_is_empty_and_so_off_by_default() -> None:
    origins = PARAMETERS[template.CORS_PARAMETER]

    assert origins["Type"] == "String" and origins["Default"] == ""
    assert TEMPLATE["Conditions"]["CorsEnabled"] == {"Not": [{"Equals": [{"Ref": template.CORS_PARAMETER}, ""]}]}
    assert template.cors_configuration() is None  # the defaults deploy no CORS configuration at all


@pytest.mark.parametrize(
    "value, accepted",
    [
        ("", True),
        ("*", True),
        ("https://app.example.com", True),
        ("https://app.example.com,http://localhost:5173", True),
        ("http://127.0.0.1:8080", True),
        ("https://app.example.com/", False),  # a path (even /) never equals a browser's Origin header
        ("https://app.example.com, http://localhost:5173", False),  # a space would become part of the origin
        ("app.example.com", False),
        ("https://a.example.com,", False),
    ],
)
def test_cors_origins_are_refused_as_cloudformation_would_refuse_them(value: str, accepted: bool) -> None:
    assert bool(re.fullmatch(PARAMETERS[template.CORS_PARAMETER]["AllowedPattern"], value)) is accepted


def test_the_cors_configuration_is_there_only_when_origins_are_set() -> None:
    configuration = HTTP_APIS[template.API_RESOURCE]["Properties"]["CorsConfiguration"]
    condition, when_set, otherwise = configuration["If"]

    assert condition == "CorsEnabled" and otherwise == {"Ref": "AWS::NoValue"}
    # A String split by CloudFormation: SAM resolves a parameter's !Ref to its raw text when it translates.
    assert when_set["AllowOrigins"] == {"Split": [",", {"Ref": template.CORS_PARAMETER}]}
    assert template.cors_configuration({template.CORS_PARAMETER: "https://a.example,http://localhost:5173"})[
        "AllowOrigins"
    ] == ["https://a.example", "http://localhost:5173"]


def test_sam_keeps_the_cors_conditions_names_intact() -> None:
    # SAM turns an intrinsic CorsConfiguration into x-amazon-apigateway-cors by renaming these keywords in its JSON
    # text (AllowOrigins → allowOrigins, …): a parameter or condition whose name contains one would be renamed too.
    configuration = json.dumps(HTTP_APIS[template.API_RESOURCE]["Properties"]["CorsConfiguration"])
    for keyword in CORS_KEYWORDS:
        assert configuration.count(f'"{keyword}"') == configuration.count(keyword), keyword


def test_cors_allows_the_methods_of_the_routes_and_the_headers_the_api_reads() -> None:
    from ledgerline.api import routes

    allowed = template.cors_configuration({template.CORS_PARAMETER: "https://app.example.com"})

    assert set(allowed["AllowMethods"]) == {route.method for route in template.routes()}
    headers = {name.lower() for name in allowed["AllowHeaders"]}
    assert {"authorization", "content-type", routes.IDEMPOTENCY_HEADER, routes.BUSINESS_HEADER} == headers
    assert "AllowCredentials" not in allowed  # a bearer token in Authorization is not a CORS credential


def test_cors_exposes_the_response_headers_clients_need() -> None:
    from ledgerline.api import downloads
    from ledgerline_tools import server

    exposed = {name.lower() for name in template.cors_configuration({template.CORS_PARAMETER: "*"})["ExposeHeaders"]}
    sent = [
        server.REQUEST_ID_HEADER,
        "Retry-After",
        "Idempotent-Replayed",
        downloads.NEXT_CURSOR_HEADER,
        "Content-Disposition",
    ]

    assert {name.lower() for name in sent} == exposed
    code = "".join(path.read_text() for path in (ROOT / "shared" / "ledgerline" / "api").glob("*.py"))
    for name in sent[1:]:  # each is one the functions send (apigw-requestid is API Gateway's own)
        assert f'"{name}"' in code, f"the API no longer sends {name}: stop exposing it"


def test_browsers_cache_a_preflight_for_an_hour_at_most() -> None:
    max_age = template.cors_configuration({template.CORS_PARAMETER: "*"})["MaxAge"]

    assert 0 < max_age <= 3600  # Chromium caps it at 7,200 s; an hour spares a preflight per request


# ---- issue item 10: samconfig.toml, so that sam validate / build / deploy / delete need no flags -------------------


def samconfig() -> dict[str, Any]:
    import tomllib

    return tomllib.loads((ROOT / "samconfig.toml").read_text())


def test_samconfig_names_the_stack_region_bucket_and_capabilities_every_command_needs() -> None:
    config = samconfig()["default"]
    where, deploy = config["global"]["parameters"], config["deploy"]["parameters"]

    assert where["stack_name"] and re.fullmatch(r"[a-z]{2}(-[a-z]+)+-\d", where["region"])
    assert deploy["resolve_s3"] is True
    # Only roles without names are created: CAPABILITY_NAMED_IAM would be a broader grant than needed.
    assert deploy["capabilities"] == "CAPABILITY_IAM"
    assert not any("RoleName" in str(resource.get("Properties", {})) for resource in RESOURCES.values())


def test_samconfig_parameters_are_the_templates_and_cloudformation_would_take_them() -> None:
    overrides = samconfig()["default"]["deploy"]["parameters"]["parameter_overrides"]
    pairs = re.findall(r'(\w+)="([^"]*)"', overrides)

    assert re.sub(r'\w+="[^"]*"', "", overrides).strip() == ""  # nothing but Name="value" pairs
    values = dict(pairs)
    assert set(values) == set(PARAMETERS)  # every parameter shown, to be changed there
    template.parameter_values(values)  # AllowedPattern / AllowedValues, as CloudFormation checks them
    for name, value in values.items():
        spec = PARAMETERS[name]
        if spec["Type"] == "Number":
            assert spec.get("MinValue", float("-inf")) <= float(value) <= spec.get("MaxValue", float("inf")), name
        assert value == str(spec["Default"]), f"{name}: samconfig.toml and template.yaml disagree on the default"
