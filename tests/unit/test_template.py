"""SPEC §1 and §8: what template.yaml must say — lint-clean, a safe table, least privilege, an authorized API."""

import ast
import re
from pathlib import Path
from typing import Any

import pytest
from cfnlint.api import lint_file

from ledgerline_tools import template

TEMPLATE = template.load()
RESOURCES = TEMPLATE["Resources"]
FUNCTIONS = {k: r for k, r in RESOURCES.items() if r["Type"] == "AWS::Serverless::Function"}
HTTP_APIS = {k: r for k, r in RESOURCES.items() if r["Type"] == "AWS::Serverless::HttpApi"}
# SAM policy templates that grant Scan or wildcard actions: never least privilege for the ledger.
BROAD_POLICY_TEMPLATES = {"DynamoDBCrudPolicy", "DynamoDBReadPolicy", "DynamoDBReconfigurePolicy",
                          "DynamoDBBackupFullAccessAndRestorePolicy", "DynamoDBRestoreFromBackupPolicy"}


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
        assert layer["Metadata"]["BuildMethod"] == runtime


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
        assert authorizer["FunctionArn"] == {"GetAtt": f"{template.AUTHORIZER_RESOURCE}.Arn"}
        assert 0 <= int(max_cache) <= 60, "a revoked token must stop working within 60 s"


@pytest.mark.parametrize("route", template.routes(), ids=lambda r: r.route_key)
def test_every_route_goes_through_the_authorized_api(route: template.Route) -> None:
    events = RESOURCES[route.function.logical_id]["Properties"]["Events"].values()
    event = next(e for e in events if e["Type"] == "HttpApi" and e["Properties"]["Path"] == route.path
                 and e["Properties"]["Method"].upper() == route.method)

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
