"""Reads ``template.yaml`` — the single source of the table definition and the route table.

The local server, the CLI and the tests all build from here, so what runs locally cannot drift
from what is deployed.
"""

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
