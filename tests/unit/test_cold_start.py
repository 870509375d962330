"""Decision 132: in Lambda, no garbage collection while a container starts (ledgerline/cold_start.py).

Each case runs in a fresh interpreter, as a container does: the collector's state is per process. A
function's first import pauses it in Lambda only; the first invocation, as it begins, freezes what the
start made and resumes it, once — whatever that invocation then answers or raises.
"""

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ledgerline_tools import template

ROOT = Path(__file__).resolve().parents[2]
LAMBDA = {"AWS_EXECUTION_ENV": "AWS_Lambda_python3.13", "POWERTOOLS_TRACE_DISABLED": "true"}

PROBE = """
import gc, json, sys
sys.path[:0] = [{folder!r}, {tools!r}]
states = {{}}
import app
states["imported"] = gc.isenabled()
import ledgerline.api.app as entry
refusal = entry._refusal
entry._refusal = lambda *args: states.setdefault("during", gc.isenabled()) is None or refusal(*args)
from ledgerline_tools.functions import LambdaContext
try:
    answer = app.lambda_handler({event}, LambdaContext("probe", "request-1"))
    states["status"] = answer.get("statusCode")
except Exception as error:
    states["raised"] = str(error)
states["after"], states["frozen"] = gc.isenabled(), gc.get_freeze_count() > 0
gc.collect()
app.lambda_handler({event}, LambdaContext("probe", "request-2")) if "status" in states else None
states["again"] = gc.isenabled()
print(json.dumps(states))
"""

# Answered before any DynamoDB call: a body that is not JSON (415), a request without a token (401).
REFUSED_BODY = {"body": "x", "headers": {"content-type": "text/plain"}, "requestContext": {"requestId": "r"}}


def probe(function: str, event: dict, extra_env: dict[str, str]) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "AWS_EXECUTION_ENV"}
    code = PROBE.format(folder=str(ROOT / "functions" / function), tools=str(ROOT / "tools"), event=repr(event))
    done = subprocess.run(
        [sys.executable, "-c", code], env={**env, **extra_env}, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_in_lambda_an_http_function_starts_without_collection_and_resumes_with_its_first_request():
    states = probe("write_off_loan", REFUSED_BODY, LAMBDA)

    assert states == {"imported": False, "during": True, "status": 415, "after": True, "frozen": True, "again": True}


def test_in_lambda_the_authorizer_resumes_collection_even_when_it_refuses():
    states = probe("authorizer", {"headers": {}}, LAMBDA)

    assert states == {"imported": False, "raised": "Unauthorized", "after": True, "frozen": True, "again": True}


def test_outside_lambda_nothing_changes():
    states = probe("write_off_loan", REFUSED_BODY, {})

    assert states == {"imported": True, "during": True, "status": 415, "after": True, "frozen": False, "again": True}


@pytest.mark.parametrize("function", sorted(f.code_uri.name for f in template.functions().values()))
def test_every_function_imports_it_before_anything_else(function):
    module = ast.parse((ROOT / "functions" / function / "app.py").read_text())
    first = next(node for node in module.body if not isinstance(node, ast.Expr))  # after the docstring

    assert isinstance(first, ast.ImportFrom) and (first.module, [a.name for a in first.names]) == (
        "ledgerline",
        ["cold_start"],
    ), f"functions/{function}/app.py must begin with `from ledgerline import cold_start`"
