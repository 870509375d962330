"""Logs help an operator without helping an attacker: request ids and business ids, never a token;
an unexpected failure is logged in full and answered with a generic 500 that names the request."""

import io
import json
import logging
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from support import books, post_entry

from ledgerline.observability import logger
from ledgerline.services import businesses, ledger


class Logs:
    """Everything a function writes to stdout (its log stream in Lambda) and every log record, at DEBUG."""

    def __init__(
        self, stream: io.StringIO, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
    ) -> None:
        self._stream = stream
        self._capsys = capsys
        self._caplog = caplog
        self._printed = ""

    def read(self) -> str:
        self._printed += self._capsys.readouterr().out  # e.g. the metrics, printed as EMF
        return "\n".join((self._stream.getvalue(), self._printed, self._caplog.text))

    def lines(self) -> list[dict[str, Any]]:
        parsed = []
        for line in self._stream.getvalue().splitlines():
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if isinstance(record, dict) and "level" in record:
                parsed.append(record)
        return parsed

    def line(self, message: str) -> dict[str, Any]:
        found = [record for record in self.lines() if record.get("message") == message]
        assert found, f"no log line {message!r}"
        return found[-1]


@pytest.fixture
def logs(
    capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Logs]:
    monkeypatch.setenv("POWERTOOLS_LOG_LEVEL", "DEBUG")
    previous_level = logger.log_level
    logger.setLevel("DEBUG")  # the shared logger was built at import, before the variable was set
    # The Logger's handler holds the stdout of the moment it was built: give it a stdout of our own.
    stream = io.StringIO()
    monkeypatch.setattr(logger.registered_handler, "stream", stream)
    caplog.set_level(logging.DEBUG)
    try:
        yield Logs(stream, capsys, caplog)
    finally:
        logger.setLevel(previous_level)


@pytest.fixture
def broken_posting(monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(*_args: Any, **_kwargs: Any) -> Any:
        raise RuntimeError("disk on fire at /var/task/ledgerline/secret_internals.py")

    monkeypatch.setattr(ledger, "post_custom_entry", explode)


def assert_no_token(text: str, token: str) -> None:
    assert token not in text
    assert token.removeprefix(businesses.TOKEN_PREFIX) not in text


# ---- tokens never reach the logs ---------------------------------------------------------------


def test_a_successful_request_logs_no_token(unit_api, logs):
    response = post_entry(unit_api, headers={"Idempotency-Key": "log-1"})
    assert response.status == 201

    text = logs.read()
    assert unit_api.business_id in text  # the request's debug trail was captured…
    assert_no_token(text, unit_api.token)  # …and the token is nowhere in it


def test_a_refused_token_is_not_logged(unit_api, logs):
    guessed = f"{businesses.TOKEN_PREFIX}{uuid.uuid4().hex}{uuid.uuid4().hex}"

    response = post_entry(unit_api, token=f"Bearer {guessed}")

    assert response.status == 401
    assert logs.line("token refused")  # the refusal is logged — without the token
    assert_no_token(logs.read(), guessed)


def test_an_unexpected_error_logs_no_token(unit_api, logs, broken_posting):
    response = post_entry(unit_api)
    assert response.status == 500

    assert logs.line("unexpected error")
    assert_no_token(logs.read(), unit_api.token)


# ---- what a log line carries -------------------------------------------------------------------


def test_a_log_line_carries_the_request_id_and_the_business_id(unit_api, logs):
    response = unit_api.get(f"{unit_api.base}/ledger/entries/{uuid.uuid4()}")
    assert response.status == 404

    line = logs.line("request refused")

    assert line["business_id"] == unit_api.business_id
    assert line["correlation_id"]
    assert line["correlation_id"] == line["function_request_id"]


def test_a_log_line_carries_no_business_of_an_earlier_request(unit_api, logs):
    unit_api.get(f"{unit_api.base}/ledger/entries/{uuid.uuid4()}")

    response = post_entry(unit_api, token="Bearer nobody")

    assert response.status == 401
    assert "business_id" not in logs.line("token refused")


# ---- an unexpected failure ---------------------------------------------------------------------


def test_an_unexpected_error_is_a_generic_500_with_the_request_id(unit_api, logs, broken_posting):
    before = books(unit_api.business_id)

    response = post_entry(unit_api)

    assert response.status == 500
    body = response.json()
    assert body["type"] == "Unknown"
    assert body["description"] == "Internal server error."
    request_id = body["meta"]["request_id"]
    assert uuid.UUID(request_id)
    text = response.body.decode()
    for leak in ("Traceback", "RuntimeError", "disk on fire", "secret_internals", ".py"):
        assert leak not in text
    assert books(unit_api.business_id) == before


def test_an_unexpected_error_is_logged_in_full_under_the_same_request_id(unit_api, logs, broken_posting):
    response = post_entry(unit_api)

    line = logs.line("unexpected error")

    assert line["level"] == "ERROR"
    assert line["correlation_id"] == response.json()["meta"]["request_id"]
    assert line["business_id"] == unit_api.business_id
    assert "disk on fire" in line["exception"]
