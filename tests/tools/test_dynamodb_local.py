"""DynamoDB Local launcher: install (reused from .local/), start, use, stop."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import boto3
import pytest

from ledgerline_tools import dynamodb_local
from ledgerline_tools.dynamodb_local import DynamoDBLocal, ensure_installed, free_port

pytestmark = pytest.mark.integration

_REPO_LOCAL = Path(__file__).resolve().parents[2] / ".local"


@pytest.fixture(scope="module")
def local_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Reuse the project's git-ignored .local/ so the ~57 MB package is fetched once;
    # fall back to a temporary folder only when the checkout is read-only.
    try:
        _REPO_LOCAL.mkdir(exist_ok=True)
        if os.access(_REPO_LOCAL, os.W_OK):
            return _REPO_LOCAL
    except OSError:
        pass
    return tmp_path_factory.mktemp("local")


def _accepts_connections(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def test_ensure_installed_finds_jar(local_dir: Path) -> None:
    jar_dir = ensure_installed(local_dir)
    assert (jar_dir / "DynamoDBLocal.jar").is_file()
    assert (jar_dir / "DynamoDBLocal_lib").is_dir()
    # Second call is the cached path and must point at the same place.
    assert ensure_installed(local_dir) == jar_dir


def test_in_memory_roundtrip_then_port_is_freed(local_dir: Path) -> None:
    port = free_port()
    ddb = DynamoDBLocal(local_dir, port, in_memory=True)
    assert ddb.endpoint_url == f"http://127.0.0.1:{port}"

    with ddb:
        assert ddb.running
        client = boto3.client(
            "dynamodb",
            endpoint_url=ddb.endpoint_url,
            aws_access_key_id="local",
            aws_secret_access_key="local",
            region_name="us-east-1",
        )
        client.create_table(
            TableName="ledger_test",
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            BillingMode="PAY_PER_REQUEST",
        )
        client.put_item(TableName="ledger_test", Item={"pk": {"S": "acct#1"}, "balance": {"N": "42"}})
        item = client.get_item(TableName="ledger_test", Key={"pk": {"S": "acct#1"}})["Item"]
        assert item == {"pk": {"S": "acct#1"}, "balance": {"N": "42"}}

    assert not ddb.running
    assert ddb not in dynamodb_local._RUNNING  # atexit hook has nothing left to stop
    assert not _accepts_connections(port)
    assert not dynamodb_local._port_in_use(port)
    ddb.stop()  # idempotent


def test_port_already_in_use_is_a_clear_error(local_dir: Path) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        port = squatter.getsockname()[1]
        with pytest.raises(RuntimeError, match=f"port {port} is already in use"):
            DynamoDBLocal(local_dir, port, in_memory=True).start()
