"""What a function's code asks of AWS, checked against what its template policy grants.

Moto and DynamoDB Local never check IAM, so a call the policy forgets (e.g. ``BatchGetItem``) would
pass every test and fail on every deployed request. :func:`recorded_calls` records each AWS call a
function makes while it runs; :func:`missing_permissions` says which of them its policy would deny.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

from botocore.client import BaseClient

TRANSACT_ACTIONS = {
    "Put": "PutItem",
    "Update": "UpdateItem",
    "Delete": "DeleteItem",
    "ConditionCheck": "ConditionCheckItem",
    "Get": "GetItem",
}
"""The IAM action each part of a TransactWriteItems / TransactGetItems needs."""
SAME_PERMISSION = {"sqs:SendMessageBatch": "sqs:SendMessage"}
"""API calls authorised by another action's permission."""


@contextmanager
def recorded_calls() -> Iterator[list[tuple[str, str, dict[str, Any]]]]:
    """Every AWS call made inside the block: (service, operation, parameters)."""
    calls: list[tuple[str, str, dict[str, Any]]] = []
    original = BaseClient._make_api_call  # noqa: SLF001 - the one place every boto3 call goes through

    def record(client: BaseClient, operation: str, parameters: dict[str, Any]) -> Any:
        calls.append((client.meta.service_model.endpoint_prefix, operation, parameters))
        return original(client, operation, parameters)

    with mock.patch.object(BaseClient, "_make_api_call", record):
        yield calls


def needed(calls: list[tuple[str, str, dict[str, Any]]]) -> set[tuple[str, str]]:
    """The (IAM action, resource) pairs the calls need: resource ``table``, ``index/<name>`` or the service."""
    wanted: set[tuple[str, str]] = set()
    for service, operation, parameters in calls:
        if service != "dynamodb":
            action = f"{service}:{operation}"
            wanted.add((SAME_PERMISSION.get(action, action), service))
        elif operation in ("TransactWriteItems", "TransactGetItems"):
            for item in parameters["TransactItems"]:
                wanted |= {(f"dynamodb:{TRANSACT_ACTIONS[kind]}", "table") for kind in item}
        else:
            index = parameters.get("IndexName")
            wanted.add((f"dynamodb:{operation}", f"index/{index}" if index else "table"))
    return wanted


def _resource(value: Any) -> str:
    """``table``, ``index/<name>``, or the resource as written (a queue, a secret)."""
    text = str(value)
    if "LedgerTable" in text:
        return f"index/{text.rsplit('/index/', 1)[1].rstrip('}').rstrip(chr(39))}" if "/index/" in text else "table"
    return text


def granted(function: dict[str, Any]) -> set[tuple[str, str]]:
    """The (action, resource) pairs the function's inline policy statements allow."""
    allowed: set[tuple[str, str]] = set()
    for policy in function["Properties"].get("Policies") or []:
        statements = policy.get("Statement", []) if isinstance(policy, dict) else []
        for statement in statements if isinstance(statements, list) else [statements]:
            if statement.get("Effect") != "Allow":
                continue
            actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
            resources = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
            for action in actions:
                service = action.split(":")[0]
                for resource in resources:
                    allowed.add((action, _resource(resource) if service == "dynamodb" else service))
    return allowed


def missing_permissions(function: dict[str, Any], calls: list[tuple[str, str, dict[str, Any]]]) -> set[tuple[str, str]]:
    """What the calls needed that the function's policy does not grant (index/* grants every index)."""
    allowed = granted(function)
    return {
        (action, resource)
        for action, resource in needed(calls)
        if (action, resource) not in allowed and not (resource.startswith("index/") and (action, "index/*") in allowed)
    }
