"""Reads ``template.yaml`` — the single source of the table definition and the route table.

The local server, the CLI and the tests all build from here, so what runs locally cannot drift
from what is deployed.
"""

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "template.yaml"
TABLE_RESOURCE = "LedgerTable"
AUTHORIZER_RESOURCE = "AuthorizerFunction"


class _CfnLoader(yaml.SafeLoader):
    """Accepts CloudFormation's short-form tags (!Ref, !GetAtt, !Sub…) as plain values."""


def _tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    return {suffix: value}


_CfnLoader.add_multi_constructor("!", _tag)


@lru_cache(maxsize=4)
def load(path: Path = TEMPLATE) -> dict[str, Any]:
    return yaml.load(path.read_text(), Loader=_CfnLoader)  # noqa: S506 - SafeLoader subclass


def table_definition(template: dict[str, Any] | None = None) -> dict[str, Any]:
    """``create_table`` arguments (without TableName) exactly as the template declares the table."""
    props = (template or load())["Resources"][TABLE_RESOURCE]["Properties"]
    definition = {key: props[key] for key in ("AttributeDefinitions", "KeySchema", "BillingMode")}
    if props.get("GlobalSecondaryIndexes"):
        definition["GlobalSecondaryIndexes"] = props["GlobalSecondaryIndexes"]
    return definition


def ttl_attribute(template: dict[str, Any] | None = None) -> str | None:
    spec = (template or load())["Resources"][TABLE_RESOURCE]["Properties"].get("TimeToLiveSpecification") or {}
    return spec.get("AttributeName") if spec.get("Enabled") else None


@dataclass(frozen=True)
class Function:
    logical_id: str
    code_uri: Path
    handler: str


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    function: Function
    authorized: bool = True

    @property
    def route_key(self) -> str:
        return f"{self.method} {self.path}"


def functions(template: dict[str, Any] | None = None, root: Path = ROOT) -> dict[str, Function]:
    """Every Lambda function of the template (``root``: where its CodeUri paths start)."""
    resources = (template or load())["Resources"]
    return {
        logical_id: Function(logical_id, root / resource["Properties"]["CodeUri"], resource["Properties"]["Handler"])
        for logical_id, resource in resources.items()
        if resource["Type"] == "AWS::Serverless::Function"
    }


def routes(template: dict[str, Any] | None = None) -> list[Route]:
    """Every HttpApi event of every function: what API Gateway would route where."""
    template = template or load()
    by_id = functions(template)
    found = []
    for logical_id, resource in template["Resources"].items():
        if resource["Type"] != "AWS::Serverless::Function":
            continue
        for event in (resource["Properties"].get("Events") or {}).values():
            if event["Type"] != "HttpApi":
                continue
            props = event["Properties"]
            auth = props.get("Auth", {}).get("Authorizer")
            found.append(Route(props["Method"].upper(), props["Path"], by_id[logical_id], auth != "NONE"))
    return found


# ---- parameters and the HTTP API's CORS configuration, resolved as CloudFormation would ----------------------------

API_RESOURCE = "LedgerApi"
CORS_PARAMETER = "CorsAllowedOrigins"
_NO_VALUE = object()
"""``!Ref AWS::NoValue``: the property it stands for is left out."""


def parameter_values(overrides: dict[str, str] | None = None, template: dict[str, Any] | None = None) -> dict[str, str]:
    """Every parameter's value: its default unless ``overrides`` gives one, each checked like CloudFormation does."""
    declared = (template or load()).get("Parameters") or {}
    unknown = sorted(set(overrides or {}) - set(declared))
    if unknown:
        raise ValueError(f"no template parameter {', '.join(unknown)}")
    values = {name: str(spec["Default"]) for name, spec in declared.items() if "Default" in spec}
    for name, value in (overrides or {}).items():
        check_parameter(name, value, template)
        values[name] = value
    return values


def check_parameter(name: str, value: str, template: dict[str, Any] | None = None, *, label: str | None = None) -> None:
    """A ``ValueError`` saying why CloudFormation would refuse ``value`` for the parameter (AllowedPattern/Values);
    ``label``: what the message calls it (default: the parameter's name)."""
    spec = ((template or load()).get("Parameters") or {})[name]
    pattern, allowed = spec.get("AllowedPattern"), spec.get("AllowedValues")
    refused_by_pattern = pattern is not None and not re.fullmatch(pattern, value)
    if refused_by_pattern or (allowed is not None and value not in map(str, allowed)):
        why = spec.get("ConstraintDescription") or (f"one of {allowed}" if allowed else f"matching {pattern}")
        raise ValueError(f"{label or name} {value!r} is refused: {why}")


def evaluate(value: Any, parameters: dict[str, str], template: dict[str, Any] | None = None) -> Any:
    """``value`` with the intrinsic functions a parameter decides (Ref, If, Equals, Not, Split, Join) worked out."""
    template = template or load()

    def walk(node: Any) -> Any:
        if isinstance(node, list):
            return [item for item in map(walk, node) if item is not _NO_VALUE]
        if not isinstance(node, dict):
            return node
        if len(node) == 1:
            ((function, argument),) = node.items()
            if function == "Ref":
                if argument == "AWS::NoValue":
                    return _NO_VALUE
                if argument in parameters:
                    return parameters[argument]
                raise ValueError(f"!Ref {argument} cannot be resolved locally")
            if function == "If":
                condition, if_true, if_false = argument
                return walk(if_true if holds(condition) else if_false)
            if function == "Equals":
                left, right = walk(argument)
                return str(left) == str(right)
            if function == "Not":
                return not walk(argument[0])
            if function == "Split":
                separator, text = walk(argument)
                return text.split(separator)
            if function == "Join":
                separator, items = walk(argument)
                return separator.join(items)
            if function in ("Sub", "GetAtt", "Select", "And", "Or", "Condition", "ImportValue", "FindInMap"):
                raise ValueError(f"!{function} cannot be resolved locally")
        return {key: item for key, item in ((k, walk(v)) for k, v in node.items()) if item is not _NO_VALUE}

    def holds(condition: str) -> bool:
        return bool(walk(template["Conditions"][condition]))

    resolved = walk(value)
    return None if resolved is _NO_VALUE else resolved


def cors_configuration(
    parameters: dict[str, str] | None = None, template: dict[str, Any] | None = None
) -> dict[str, Any] | None:
    """The HTTP API's ``CorsConfiguration`` for these parameter values (default: every default); None: CORS off."""
    template = template or load()
    spec = template["Resources"][API_RESOURCE]["Properties"].get("CorsConfiguration")
    if spec is None:
        return None
    return evaluate(spec, parameters if parameters is not None else parameter_values(template=template), template)
