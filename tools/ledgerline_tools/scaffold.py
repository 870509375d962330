"""``ledgerline new-endpoint NAME METHOD PATH``: one command for what a new endpoint needs.

It writes the handler with the route's one declaration (``functions/NAME/app.py``), the function's
block and log group in ``template.yaml`` (its permissions from a small vocabulary), the sample event
rendered from the declaration and a test stub that sends that event through the function. What is
left to the developer: the use case, the response model, the sample body and the test's assertions.
"""

import re
from pathlib import Path

from ledgerline.api.routes import BUSINESS_PARAMETERS, RESOURCES
from ledgerline_tools import events, template

ACCESS = {
    "read": "[dynamodb:Query, dynamodb:GetItem, dynamodb:BatchGetItem]",
    "post": "[dynamodb:Query, dynamodb:GetItem, dynamodb:BatchGetItem, dynamodb:PutItem, dynamodb:UpdateItem, dynamodb:ConditionCheckItem]",
}
"""What each kind of endpoint may do to the table; ``queue`` is ``post`` plus sending to the write-off queue."""
QUEUE_STATEMENT = """            - Effect: Allow
              Action: [sqs:SendMessage]
              Resource: !GetAtt WriteOffQueue.Arn
"""
QUEUE_ENVIRONMENT = """      Environment:
        Variables:
          WRITE_OFF_QUEUE_URL: !Ref WriteOffQueue
"""
SECTIONS = {
    "/api/v1/": "  # ---------------------------------------------------------------- invoices",
    "/v1/": "  # ---------------------------------------------------------------- batch write-offs",
}
"""Where a new function's block goes: at the end of its family's section of template.yaml."""
VERBS = {"GET": "get", "POST": "create", "PUT": "put", "DELETE": "delete"}
NAME = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")


def logical_id(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_")) + "Function"


def _check(root: Path, name: str, method: str, path: str) -> list[str]:
    if not NAME.match(name):
        raise ValueError(f"{name!r} is not a snake_case function name (e.g. get_cash_flow)")
    if (root / "functions" / name).exists():
        raise ValueError(f"functions/{name}/ already exists")
    if method not in VERBS:
        raise ValueError(f"method must be one of {', '.join(VERBS)}")
    if not path.startswith(("/v1/businesses/{businessId}/", "/api/v1/")):
        raise ValueError("the path must start with /v1/businesses/{businessId}/ (ledger family) or /api/v1/ (loans)")
    parameters = re.findall(r"{([^}]+)}", path)
    unknown = [p for p in parameters if p not in BUSINESS_PARAMETERS and p not in RESOURCES]
    if unknown:
        raise ValueError(
            f"path parameter(s) {', '.join(unknown)} name no resource: add them to RESOURCES in "
            "shared/ledgerline/api/routes.py (and a placeholder in tools/ledgerline_tools/events.py)"
        )
    return parameters


FIRST_IMPORT = (
    "from ledgerline import cold_start  # noqa: F401 - first: no garbage collection while the container starts\n"
)
"""Every function's first import (ledgerline/cold_start.py): the collector waits until the start is over."""


def handler(name: str, method: str, path: str, parameters: list[str]) -> str:
    loans = path.startswith("/api/v1/")
    rule = re.sub(r"{([^}]+)}", r"<\1>", path)
    words = [p for p in path.split("/") if p and not p.startswith("{") and p not in ("v1", "api", "businesses")]
    operation = "" if loans else f'\n    operation_id="business.{".".join(words)}.{VERBS[method]}",'
    status = "" if method in ("GET", "PUT", "DELETE") else "\n    status_code=201,"
    envelope = f'\n    message="TODO: what happened",\n    code="{name.upper()}",' if loans else ""
    sample = "\n    sample=Sample({}),  # TODO: a body the demo business accepts" if method in ("POST", "PUT") else ""
    arguments = ", ".join(
        [
            "call: ThisCall",
            *(f"{p}: str" for p in parameters),
            *(["body: dict[str, Any]"] if method in ("POST", "PUT") else []),
        ]
    )
    family = "LOANS" if loans else "LEDGER"
    imports = "Sample, ThisCall" if sample else "ThisCall"
    return f'''"""TODO: one line on what {method} {path} does."""

{FIRST_IMPORT}
# isort: split
from typing import Any

from aws_lambda_powertools.event_handler import Response

from ledgerline.api.app import create_app
from ledgerline.api.families import {family}
from ledgerline.api.routes import {imports}

app = lambda_handler = create_app({family})


@app.{method.lower()}(
    "{rule}",{operation}{status}
    summary="TODO: a short summary",
    description="TODO: what it does, for the readers of docs/openapi.json",{envelope}{sample}
)
def {name}({arguments}) -> Response[dict[str, Any]]:
    # TODO: call the use case with call.scope (and a response model in place of dict[str, Any]).
    return call.respond({{}})
'''


def template_block(name: str, method: str, path: str, access: str) -> str:
    actions = ACCESS["post" if access == "queue" else access]
    queue = QUEUE_STATEMENT if access == "queue" else ""
    environment = QUEUE_ENVIRONMENT if queue else ""
    return f"""  {logical_id(name)}:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: functions/{name}/
      Handler: app.lambda_handler
{environment}      Policies:
        - Statement:
            - Effect: Allow
              Action: {actions}
              Resource: !GetAtt LedgerTable.Arn
{queue}      Events:
        Api:
          Type: HttpApi
          Properties:
            ApiId: !Ref LedgerApi
            Method: {method}
            Path: "{path}"

"""


def log_group(name: str) -> str:
    return f"""  {logical_id(name)}LogGroup:
    Type: AWS::Logs::LogGroup
    DeletionPolicy: Retain
    UpdateReplacePolicy: Retain
    Properties:
      LogGroupName: !Sub "/aws/lambda/${{{logical_id(name)}}}"
      RetentionInDays: !Ref LogRetentionDays

"""


def test_stub(name: str, method: str, path: str) -> str:
    return f'''"""{method} {path}: TODO — the behaviour, the refusals (each with the books unchanged)."""

import json

from support import Api

from ledgerline_tools import events, template
from ledgerline_tools.functions import LambdaContext, invoke

FUNCTION = template.functions()["{logical_id(name)}"]


def test_the_sample_request_succeeds(unit_api: Api) -> None:
    event = events.render(FUNCTION)
    text = json.dumps(event).replace(events.SAMPLE_BUSINESS, unit_api.business_id)

    result = invoke(FUNCTION, json.loads(text), LambdaContext(FUNCTION.logical_id, "test"))

    assert 200 <= result["statusCode"] < 300, result
    # TODO: assert the answer's content and what the books hold afterwards.
'''


def _insert_before(text: str, marker: str, block: str) -> str:
    """``block`` inserted before the line that starts with ``marker``."""
    at = text.index("\n" + marker) + 1
    return text[:at] + block + text[at:]


def new_endpoint(
    name: str, method: str, path: str, *, access: str | None = None, root: Path = template.ROOT
) -> list[Path]:
    """Writes the four files of a new endpoint under ``root`` and returns their paths."""
    method = method.upper()
    parameters = _check(root, name, method, path)
    access = access or ("read" if method == "GET" else "post")
    if access not in (*ACCESS, "queue"):
        raise ValueError(f"access must be one of read, post, queue (not {access!r})")
    code = root / "functions" / name / "app.py"
    code.parent.mkdir(parents=True)
    code.write_text(handler(name, method, path, parameters))
    template_path = root / "template.yaml"
    text = template_path.read_text()
    section = SECTIONS["/api/v1/" if path.startswith("/api/v1/") else "/v1/"]
    text = _insert_before(text, section, template_block(name, method, path, access))
    template_path.write_text(_insert_before(text, "Outputs:", log_group(name)))
    test = root / "tests" / "unit" / f"test_{name}.py"
    test.write_text(test_stub(name, method, path))
    template.load.cache_clear()  # the template just changed
    function = template.functions(template.load(template_path), root=root)[logical_id(name)]
    event = root / "events" / f"{name}.json"
    event.write_text(events.text(function))
    return [code, template_path, event, test]
