"""Test session setup: moto for unit tests, DynamoDB Local (started here) for integration tests.

Both tables are created from template.yaml's own definition, so neither can drift from the deploy.
"""

import os
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

# Never touch a real AWS account, and keep Powertools quiet and local.
os.environ.update(
    {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_REGION": "us-east-1",
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_METRICS_NAMESPACE": "Ledgerline",
        "POWERTOOLS_SERVICE_NAME": "ledgerline",
        "POWERTOOLS_LOG_LEVEL": "WARNING",
        "CURSOR_SECRET": "ledgerline-local-cursor-secret",  # deployed functions read theirs from Secrets Manager
    }
)
os.environ.pop("AWS_ENDPOINT_URL_DYNAMODB", None)
os.environ.pop("AWS_ENDPOINT_URL", None)
sys.path.insert(0, str(Path(__file__).parent))  # support/
sys.path.insert(
    1, str(Path(__file__).resolve().parents[1])
)  # the repository: bench/ (its contention double, item counts)

import pytest  # noqa: E402
from moto import mock_aws  # noqa: E402

from ledgerline.store import runtime  # noqa: E402
from ledgerline_tools import template  # noqa: E402
from ledgerline_tools.dynamodb_local import DynamoDBLocal, ensure_installed, free_port  # noqa: E402

pytest.register_assert_rewrite("support")  # the helpers' asserts explain themselves, as the tests' do
from support import Api, new_api  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def create_table(name: str) -> None:
    runtime.dynamodb_client().create_table(TableName=name, **template.table_definition())


@pytest.fixture
def moto_table(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    with mock_aws():
        name = f"ledgerline-test-{uuid.uuid4().hex[:8]}"
        monkeypatch.setenv("LEDGER_TABLE_NAME", name)
        runtime.reset()
        create_table(name)
        yield name
    runtime.reset()


@pytest.fixture(scope="session")
def dynamodb_local() -> Iterator[DynamoDBLocal]:
    local_dir = ROOT / ".local"
    ensure_installed(local_dir)
    with DynamoDBLocal(local_dir, free_port(), in_memory=True) as server:
        yield server


@pytest.fixture
def local_table(dynamodb_local: DynamoDBLocal, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    name = f"ledgerline-it-{uuid.uuid4().hex[:8]}"
    monkeypatch.setenv("LEDGER_TABLE_NAME", name)
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", dynamodb_local.endpoint_url)
    runtime.reset()
    create_table(name)
    yield name
    runtime.dynamodb_client().delete_table(TableName=name)
    runtime.reset()


@pytest.fixture(params=["moto", pytest.param("dynamodb_local", marks=pytest.mark.integration)])
def table(request: pytest.FixtureRequest) -> str:
    """Runs a test on moto and again on DynamoDB Local."""
    return request.getfixturevalue("moto_table" if request.param == "moto" else "local_table")


@pytest.fixture
def api(table: str) -> Api:
    return new_api()


@pytest.fixture
def unit_api(moto_table: str) -> Api:
    return new_api()
