"""`ledgerline new-endpoint`: one command writes a working endpoint — handler, template block, event, test."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from support import Api

from ledgerline_tools import events, scaffold, template
from ledgerline_tools.functions import LambdaContext, invoke


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of what the scaffold edits: template.yaml, and empty functions/, events/, tests/unit/."""
    for folder in ("functions", "events", "tests/unit"):
        (tmp_path / folder).mkdir(parents=True)
    shutil.copy(template.TEMPLATE, tmp_path / "template.yaml")
    return tmp_path


def _function(project: Path, logical_id: str) -> template.Function:
    template.load.cache_clear()
    return template.functions(template.load(project / "template.yaml"), root=project)[logical_id]


def test_a_new_read_endpoint_is_routed_declared_and_answers(project: Path, unit_api: Api) -> None:
    # When a read endpoint is scaffolded
    written = scaffold.new_endpoint(
        "get_cash_flow", "GET", "/v1/businesses/{businessId}/reports/cash-flow", root=project
    )

    # Then the template routes it to the new function, with read-only access and a log group
    assert [p.relative_to(project).as_posix() for p in written] == [
        "functions/get_cash_flow/app.py",
        "template.yaml",
        "events/get_cash_flow.json",
        "tests/unit/test_get_cash_flow.py",
    ]
    loaded = template.load(project / "template.yaml")
    routes = {r.route_key: r.function.logical_id for r in template.routes(loaded)}
    assert routes["GET /v1/businesses/{businessId}/reports/cash-flow"] == "GetCashFlowFunction"
    statement = loaded["Resources"]["GetCashFlowFunction"]["Properties"]["Policies"][0]["Statement"][0]
    assert statement["Action"] == ["dynamodb:Query", "dynamodb:GetItem", "dynamodb:BatchGetItem"]
    assert "GetCashFlowFunctionLogGroup" in loaded["Resources"]

    # And its code declares that route, with an operation id in seed 001's style
    function = _function(project, "GetCashFlowFunction")
    [declared] = events.declarations(function)
    assert declared.route_key == "GET /v1/businesses/{businessId}/reports/cash-flow"
    assert declared.operation_id == "business.reports.cash-flow.get"

    # And its rendered sample, sent through it, is answered (the business checked like any route)
    event = json.loads(json.dumps(events.render(function)).replace(events.SAMPLE_BUSINESS, unit_api.business_id))
    result = invoke(function, event, LambdaContext(function.logical_id, "scaffold"))
    assert result["statusCode"] == 200, result
    another = events.render(function)  # the sample business's path, with a token for the test's business only
    another["requestContext"]["authorizer"]["lambda"]["business_ids"] = unit_api.business_id
    forbidden = invoke(function, another, LambdaContext(function.logical_id, "scaffold"))
    assert forbidden["statusCode"] == 403, forbidden


def test_a_queue_endpoint_may_send_to_the_write_off_queue(project: Path) -> None:
    scaffold.new_endpoint("close_loan", "POST", "/api/v1/loans/{instrument_id}/close", access="queue", root=project)

    properties = template.load(project / "template.yaml")["Resources"]["CloseLoanFunction"]["Properties"]
    actions = [s["Action"] for s in properties["Policies"][0]["Statement"]]
    assert actions == [
        [
            "dynamodb:Query",
            "dynamodb:GetItem",
            "dynamodb:BatchGetItem",
            "dynamodb:PutItem",
            "dynamodb:UpdateItem",
            "dynamodb:ConditionCheckItem",
        ],
        ["sqs:SendMessage"],
    ]
    assert properties["Environment"]["Variables"] == {"WRITE_OFF_QUEUE_URL": {"Ref": "WriteOffQueue"}}
    [declared] = events.declarations(_function(project, "CloseLoanFunction"))
    assert (declared.status_code, declared.code) == (201, "CLOSE_LOAN")


def test_the_scaffolded_template_and_test_are_valid(project: Path) -> None:
    scaffold.new_endpoint("get_cash_flow", "GET", "/v1/businesses/{businessId}/reports/cash-flow", root=project)

    lint = subprocess.run(
        [Path(sys.executable).parent / "cfn-lint", project / "template.yaml"], capture_output=True, text=True
    )
    assert lint.returncode == 0, lint.stdout + lint.stderr
    compile((project / "tests/unit/test_get_cash_flow.py").read_text(), "test_get_cash_flow.py", "exec")
    # `make lint` runs ruff on the whole repository: what the scaffold writes must pass it as written.
    written = [project / "functions/get_cash_flow/app.py", project / "tests/unit/test_get_cash_flow.py"]
    settings = ["--config", str(Path(__file__).resolve().parents[2] / "pyproject.toml")]
    ruff = Path(sys.executable).parent / "ruff"
    for command in (["check", *settings], ["format", "--check", "--diff", *settings]):
        done = subprocess.run([ruff, *command, *written], capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize(
    ("name", "method", "path", "message"),
    [
        ("GetBalanceSheet", "GET", "/v1/businesses/{businessId}/x", "snake_case"),
        ("list_invoices", "GET", "/v1/businesses/{businessId}/x", "already exists"),
        ("get_x", "PATCH", "/v1/businesses/{businessId}/x", "method"),
        ("get_x", "GET", "/v2/x", "must start with"),
        ("get_x", "GET", "/v1/businesses/{businessId}/widgets/{widgetId}", "widgetId"),
    ],
)
def test_a_bad_request_writes_nothing(project: Path, name: str, method: str, path: str, message: str) -> None:
    (project / "functions" / "list_invoices").mkdir()
    before = (project / "template.yaml").read_text()

    with pytest.raises(ValueError, match=message):
        scaffold.new_endpoint(name, method, path, root=project)

    assert (project / "template.yaml").read_text() == before
    assert [p.name for p in (project / "functions").iterdir()] == ["list_invoices"]
