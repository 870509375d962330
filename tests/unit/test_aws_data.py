"""The ledger's trimmed copy of botocore's data (store/aws_data.py, decision 131) makes the same clients as
botocore's own data: the same API for every operation, the same endpoint in every partition and mode, the
same request on the wire. And the ledger's session uses it only when it was written for this botocore."""

import json
from pathlib import Path
from typing import Any

import botocore
import pytest
from botocore.awsrequest import AWSResponse
from botocore.config import Config
from botocore.session import Session

from ledgerline.store import aws_data, runtime

REGIONS = [
    ("us-east-1", {}),
    ("eu-west-1", {}),
    ("ap-southeast-2", {}),
    ("us-east-1", {"use_fips_endpoint": True}),
    ("eu-central-1", {"use_dualstack_endpoint": True}),
    ("us-gov-west-1", {}),
    ("cn-north-1", {}),
    ("us-iso-east-1", {}),
]
KEYS = {"aws_access_key_id": "AKIDEXAMPLE", "aws_secret_access_key": "secret"}


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> str:
    written = str(tmp_path_factory.mktemp("aws") / "aws-data")
    aws_data.write(written)
    return written


def sessions(folder: str) -> tuple[Session, Session]:
    trimmed = Session()
    trimmed.register_component("data_loader", aws_data.loader(folder))
    return Session(), trimmed


@pytest.mark.parametrize("service", aws_data.SERVICES)
def test_every_operation_has_the_same_api_without_its_documentation(folder, service):
    full, trimmed = sessions(folder)
    ours = trimmed.create_client(service, region_name="us-east-1", **KEYS).meta.service_model
    theirs = full.create_client(service, region_name="us-east-1", **KEYS).meta.service_model

    assert ours.operation_names == theirs.operation_names
    assert ours.metadata == theirs.metadata
    assert ours._service_description == aws_data.without_documentation(theirs._service_description)


@pytest.mark.parametrize("service", aws_data.SERVICES)
@pytest.mark.parametrize(("region", "options"), REGIONS)
def test_every_partition_and_endpoint_mode_resolves_to_the_same_endpoint(folder, service, region, options):
    full, trimmed = sessions(folder)

    def endpoint(session: Session) -> tuple[str, str]:
        client = session.create_client(service, region_name=region, config=Config(**options), **KEYS)
        return client.meta.endpoint_url, client.meta.region_name

    assert endpoint(trimmed) == endpoint(full)


def test_a_request_goes_out_the_same_byte_for_byte(folder, monkeypatch):
    """A TransactWriteItems, as the ledger sends it: URL, headers (the signature's credential scope
    included) and body; botocore's clock is held so both signatures are the same."""
    monkeypatch.setattr("botocore.auth.datetime", _Frozen)
    sent = []

    def capture(request: Any, **_: Any) -> AWSResponse:
        sent.append((request.url, dict(request.headers), request.body))
        return AWSResponse(request.url, 200, {}, _Raw(b"{}"))

    for session in sessions(folder):
        client = session.create_client("dynamodb", region_name="eu-west-1", **KEYS)
        client.meta.events.register("before-send", capture)
        client.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": "ledgerline", "Item": {"PK": {"S": "BIZ#1"}, "SK": {"S": "ENTRY#1"}}}},
                {
                    "Update": {
                        "TableName": "ledgerline",
                        "Key": {"PK": {"S": "BIZ#1"}, "SK": {"S": "ACCOUNT#1"}},
                        "UpdateExpression": "ADD balance :c",
                        "ExpressionAttributeValues": {":c": {"N": "100"}},
                    }
                },
            ],
            ClientRequestToken="token",
        )
    (url, headers, body), (url_again, headers_again, body_again) = sent
    assert (url, body) == (url_again, body_again)
    per_request = {"User-Agent", "amz-sdk-invocation-id"}  # a fresh id each request; neither is signed
    assert {k: v for k, v in headers.items() if k not in per_request} == {
        k: v for k, v in headers_again.items() if k not in per_request
    }
    assert "/eu-west-1/dynamodb/aws4_request" in headers["Authorization"].decode()


def test_what_the_folder_holds_is_small_and_stamped(folder):
    files = {p.relative_to(folder).as_posix(): p.stat().st_size for p in Path(folder).rglob("*") if p.is_file()}
    assert (Path(folder) / aws_data.STAMP).read_text().strip() == botocore.__version__
    endpoints = json.loads((Path(folder) / "endpoints.json").read_text())
    assert all(set(p["services"]) <= set(aws_data.SERVICES) for p in endpoints["partitions"])
    assert sum(files.values()) < 400_000, files  # botocore's own for these: ~2 MB once decompressed


def test_a_copy_written_for_another_botocore_is_never_read(folder, tmp_path):
    stale = tmp_path / "aws-data"
    stale.mkdir()
    (stale / aws_data.STAMP).write_text("0.0.1\n")

    assert aws_data.loader(str(stale)) is None
    assert aws_data.loader(str(tmp_path / "absent")) is None
    assert aws_data.loader(folder) is not None


def test_the_ledgers_clients_read_the_trimmed_copy():
    """`make install` (and the layer's build) write it; every test against moto and DynamoDB Local then
    runs the clients the functions run."""
    assert aws_data.loader() is not None, "no botocore data for this botocore: run `make install`"
    runtime.reset()
    try:
        assert runtime.session().get_component("data_loader").search_paths == [aws_data.FOLDER]
        assert runtime.dynamodb_client().meta.service_model.service_name == "dynamodb"
    finally:
        runtime.reset()


class _Frozen:
    """``botocore.auth``'s clock, held at one instant."""

    @staticmethod
    def now(tz: Any = None) -> Any:
        import datetime

        return datetime.datetime(2026, 12, 1, 12, 0, 0, tzinfo=tz)

    utcnow = now


class _Raw:
    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any) -> Any:
        yield self._body

    def read(self, *_: Any) -> bytes:
        body, self._body = self._body, b""
        return body
