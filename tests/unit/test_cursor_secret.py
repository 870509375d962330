"""SPEC §9.4: the cursor key is read at run time from Secrets Manager and cached, never from the environment
of a deployed function, and never a key built into the source.

Order: ``CURSOR_SECRET`` (the local stack only) → ``CURSOR_SECRET_ARN`` via Secrets Manager → refuse.
"""

import io
import json
import subprocess
import sys
from collections.abc import Iterator

import boto3
import pytest
from aws_lambda_powertools.utilities import parameters
from moto import mock_aws
from support import Api, entry_body

from ledgerline import cursors
from ledgerline.errors import InvalidCursor
from ledgerline.observability import logger
from ledgerline_tools import cli, template

SCOPE = "entries|business|None|None|None"
POSITION = {"PK": "B#1", "SK": "E#2"}
# The key every local stack uses: public, so it must never be what a deployed function signs with.
LOCAL_KEY = cli.LOCAL_CURSOR_SECRET


@pytest.fixture
def no_key(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Neither key source, and no secret cached by an earlier test; what the test (or the CLI) sets is undone."""
    for name in ("CURSOR_SECRET", "CURSOR_SECRET_ARN"):
        monkeypatch.setenv(name, "")  # records the session's value, restored afterwards
        monkeypatch.delenv(name)
    parameters.clear_caches()
    yield
    parameters.clear_caches()


@pytest.fixture
def secret_arn(no_key: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A deployed function's configuration: the secret's ARN in CURSOR_SECRET_ARN, the key in Secrets Manager."""
    with mock_aws():
        arn = boto3.client("secretsmanager").create_secret(Name="ledgerline-cursor", SecretString="key-one")["ARN"]
        monkeypatch.setenv("CURSOR_SECRET_ARN", arn)
        yield arn


def signed_with(key: str, monkeypatch: pytest.MonkeyPatch) -> str:
    with monkeypatch.context() as scoped:
        scoped.setenv("CURSOR_SECRET", key)
        return cursors.encode(SCOPE, POSITION)


# ---- the local key --------------------------------------------------------------------------------------------


def test_a_local_key_in_the_environment_signs_and_checks_cursors(no_key: None, monkeypatch) -> None:
    monkeypatch.setenv("CURSOR_SECRET", "local-key")

    cursor = cursors.encode(SCOPE, POSITION)

    assert cursors.decode(SCOPE, cursor) == POSITION
    with pytest.raises(InvalidCursor):
        cursors.decode(SCOPE, signed_with("another-key", monkeypatch))


def test_the_local_key_wins_without_asking_secrets_manager(no_key: None, monkeypatch) -> None:
    with mock_aws():
        # An ARN that does not exist: asking Secrets Manager would fail.
        monkeypatch.setenv("CURSOR_SECRET_ARN", "arn:aws:secretsmanager:us-east-1:123456789012:secret:nope-AbCdEf")
        monkeypatch.setenv("CURSOR_SECRET", "local-key")

        assert cursors.decode(SCOPE, cursors.encode(SCOPE, POSITION)) == POSITION


# ---- deployed: the key from Secrets Manager --------------------------------------------------------------------


def test_with_the_arn_cursors_are_signed_with_the_secret_in_secrets_manager(secret_arn: str, monkeypatch) -> None:
    cursor = cursors.encode(SCOPE, POSITION)

    assert cursor == signed_with("key-one", monkeypatch)
    assert cursors.decode(SCOPE, cursor) == POSITION
    # A cursor signed with the public local key is refused by a deployed function.
    with pytest.raises(InvalidCursor):
        cursors.decode(SCOPE, signed_with(LOCAL_KEY, monkeypatch))


def test_the_secret_is_fetched_once_and_cached(secret_arn: str, monkeypatch) -> None:
    calls: list[str] = []
    original = boto3.session.Session.client

    def counting_client(self, service_name, *args, **kwargs):  # noqa: ANN001, ANN202
        client = original(self, service_name, *args, **kwargs)
        if service_name == "secretsmanager":
            client.meta.events.register(
                "before-call.secrets-manager.GetSecretValue", lambda **_: calls.append("GetSecretValue")
            )
        return client

    monkeypatch.setattr(boto3.session.Session, "client", counting_client)
    first = cursors.encode(SCOPE, POSITION)
    boto3.client("secretsmanager").put_secret_value(SecretId=secret_arn, SecretString="key-two")

    for _ in range(5):
        assert cursors.encode(SCOPE, POSITION) == first
        assert cursors.decode(SCOPE, first) == POSITION

    assert calls == ["GetSecretValue"]
    assert cursors.SECRET_MAX_AGE_SECONDS >= 60
    # Once the cache expires, the new key is used.
    parameters.clear_caches()
    assert cursors.encode(SCOPE, POSITION) == signed_with("key-two", monkeypatch)


# ---- neither: refuse ---------------------------------------------------------------------------------------------


def test_without_a_key_signing_and_checking_refuse_with_a_clear_error(no_key: None, monkeypatch) -> None:
    cursor = signed_with(LOCAL_KEY, monkeypatch)

    with pytest.raises(cursors.CursorSecretUnavailable, match="CURSOR_SECRET_ARN"):
        cursors.encode(SCOPE, POSITION)
    # Not InvalidCursor (a 400 blaming the caller): our configuration is at fault.
    with pytest.raises(cursors.CursorSecretUnavailable, match="CURSOR_SECRET_ARN"):
        cursors.decode(SCOPE, cursor)
    assert not issubclass(cursors.CursorSecretUnavailable, InvalidCursor | ValueError | TypeError)


def test_a_listing_that_needs_no_cursor_needs_no_key(no_key: None) -> None:
    assert cursors.encode(SCOPE, None) is None
    assert cursors.decode(SCOPE, None) is None


def test_a_listing_without_a_key_answers_a_generic_500_and_logs_why(unit_api: Api, no_key: None, monkeypatch) -> None:
    # Given two entries (so a one-entry page has a next cursor) and a function with no key configured
    for memo in ("first", "second"):
        monkeypatch.setenv("CURSOR_SECRET", LOCAL_KEY)
        assert unit_api.post(f"{unit_api.base}/custom-journal-entries", entry_body(memo=memo)).status == 201
    monkeypatch.delenv("CURSOR_SECRET")
    log = io.StringIO()
    monkeypatch.setattr(logger.registered_handler, "stream", log)

    # When it lists one entry per page
    answer = unit_api.get(f"{unit_api.base}/ledger/entries", query="limit=1")

    # Then the caller gets the family's generic 500, the log says why
    assert answer.status == 500
    body = answer.json()
    assert body["type"] == "Unknown" and body["description"] == "Internal server error."
    assert "CURSOR" not in answer.body.decode() and "Traceback" not in answer.body.decode()
    assert "CURSOR_SECRET_ARN" in log.getvalue()


# ---- cold start and the local tooling ----------------------------------------------------------------------------


def test_secrets_manager_support_is_imported_only_when_a_cursor_is_signed() -> None:
    code = (
        "import sys; import ledgerline.cursors; "
        "print(json.dumps('aws_lambda_powertools.utilities.parameters' in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", f"import json; {code}"],
        capture_output=True,
        text=True,
        check=True,
        cwd=template.ROOT,
        env={"PYTHONPATH": str(template.ROOT / "shared")},
    )

    assert json.loads(result.stdout) is False


@pytest.mark.parametrize(
    "environment, expected",
    [
        ({}, {"CURSOR_SECRET": LOCAL_KEY}),
        ({"CURSOR_SECRET": "mine"}, {"CURSOR_SECRET": "mine"}),
    ],
)
def test_the_local_tooling_gives_functions_the_local_key(no_key: None, monkeypatch, environment, expected) -> None:
    for name, value in environment.items():
        monkeypatch.setenv(name, value)

    cli.use_local_cursor_secret()

    assert {name: cli.os.environ.get(name) for name in expected} == expected


def test_invoke_against_a_deployed_stack_keeps_its_secret_arn(no_key: None, monkeypatch) -> None:
    monkeypatch.setenv("CURSOR_SECRET_ARN", "arn:aws:secretsmanager:us-east-1:123456789012:secret:c-AbCdEf")

    cli.use_local_cursor_secret(unless_arn=True)

    assert "CURSOR_SECRET" not in cli.os.environ


def test_ledgerline_invoke_pages_with_the_local_key(unit_api: Api, no_key: None, capsys, tmp_path) -> None:
    # Given two entries, and an event asking for one per page
    for memo in ("first", "second"):
        with pytest.MonkeyPatch.context() as scoped:
            scoped.setenv("CURSOR_SECRET", LOCAL_KEY)
            assert unit_api.post(f"{unit_api.base}/custom-journal-entries", entry_body(memo=memo)).status == 201
    text = (template.ROOT / "events" / "list_ledger_entries.json").read_text()
    event = json.loads(text.replace("11111111-1111-4111-8111-111111111111", unit_api.business_id))
    event["rawQueryString"], event["queryStringParameters"] = "limit=1", {"limit": "1"}
    (tmp_path / "event.json").write_text(json.dumps(event))
    capsys.readouterr()  # what the posts printed (metrics)

    # When `ledgerline invoke` runs the function, with no key in the environment
    cli.main(["invoke", "ListLedgerEntriesFunction", "--event", str(tmp_path / "event.json"), "--aws"])

    # Then it pages with the local key
    response = json.loads(capsys.readouterr().out)
    assert response["statusCode"] == 200, response
    cursor = json.loads(response["body"])["meta"]["pagination"]["cursor"]
    assert cursor and cursor.split(".")[0]
    # and the cursor it gave opens the next page
    event["rawQueryString"], event["queryStringParameters"] = (
        f"limit=1&cursor={cursor}",
        {"limit": "1", "cursor": cursor},
    )
    (tmp_path / "event.json").write_text(json.dumps(event))
    cli.main(["invoke", "ListLedgerEntriesFunction", "--event", str(tmp_path / "event.json"), "--aws"])
    second = json.loads(capsys.readouterr().out)
    assert second["statusCode"] == 200, second
    assert len(json.loads(second["body"])["data"]) == 1
