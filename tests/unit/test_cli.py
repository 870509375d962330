"""SPEC §2: the ``ledgerline`` console script — business and token chores, ``invoke``, and no silent AWS default.

moto intercepts only AWS's own endpoints, so moto tests target the table the way a deployed stack is
targeted (``--aws`` + ``LEDGER_TABLE_NAME``); ``--endpoint-url`` is exercised on DynamoDB Local.
"""

import argparse
import json
import os
import re
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import botocore.client
import pytest
from support import new_api
from support.write_offs import set_policy

from ledgerline.services import businesses
from ledgerline.store import chart as chart_store
from ledgerline.store import policies, runtime
from ledgerline_tools import cli, dynamodb_local, functions, lambda_environment, local_run, localstack, template
from ledgerline_tools.dynamodb_local import free_port

SAMPLE_BUSINESS = "11111111-1111-4111-8111-111111111111"
DEFAULT_STABLE_NAMES = {  # SPEC §4
    "CASH",
    "ACCOUNTS_RECEIVABLE",
    "NOTES_RECEIVABLE",
    "INTEREST_RECEIVABLE",
    "ACCOUNTS_PAYABLE",
    "INTEREST_PAYABLE",
    "LONG_TERM_DEBT",
    "OPENING_BALANCE_EQUITY",
    "RETAINED_EARNINGS",
    "SALES",
    "DISCOUNTS",
    "UNCATEGORIZED_REVENUE",
    "INTEREST_INCOME",
    "DEBT_FORGIVENESS_INCOME",
    "BAD_DEBT",
    "INTEREST_EXPENSE",
    "UNCATEGORIZED_EXPENSES",
    "BANK_FEES",
}


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    cli.main(list(argv))
    return json.loads(capsys.readouterr().out)


def create_business(capsys: pytest.CaptureFixture[str], *target: str) -> dict[str, Any]:
    return run(capsys, "create-business", "--name", "Cli Test Co", "--timezone", "America/New_York", *target)


def test_create_business_prints_the_business_its_token_and_default_chart(moto_table: str, capsys) -> None:
    created = create_business(capsys, "--aws")

    assert set(created) == {"business_id", "token", "ledger_accounts"}
    uuid.UUID(created["business_id"])
    assert set(created["ledger_accounts"]) == DEFAULT_STABLE_NAMES
    assert all(uuid.UUID(account_id) for account_id in created["ledger_accounts"].values())
    assert businesses.authenticate(created["token"]) == [created["business_id"]]
    business, _chart = chart_store.load(created["business_id"])
    assert business is not None and business.timezone == "America/New_York"


def test_create_business_refuses_an_unknown_timezone(moto_table: str) -> None:
    with pytest.raises(SystemExit, match="timezone"):
        cli.main(["create-business", "--name", "Nowhere Co", "--timezone", "Mars/Olympus_Mons", "--aws"])


def test_create_token_gives_a_token_that_authenticates(moto_table: str, capsys) -> None:
    business_id = create_business(capsys, "--aws")["business_id"]

    created = run(capsys, "create-token", "--business-id", business_id, "--expires-in-days", "7", "--aws")

    assert created["business_id"] == business_id and created["expires_in_days"] == 7
    assert businesses.authenticate(created["token"]) == [business_id]


@pytest.mark.parametrize("days", ["0", "366"])
def test_create_token_refuses_a_lifetime_outside_1_to_365_days(moto_table: str, capsys, days: str) -> None:
    business_id = create_business(capsys, "--aws")["business_id"]

    with pytest.raises(SystemExit, match="365 days"):
        cli.main(["create-token", "--business-id", business_id, "--expires-in-days", days, "--aws"])


def test_create_token_for_an_unknown_business_exits_with_a_message(moto_table: str) -> None:
    with pytest.raises(SystemExit, match="no business"):
        cli.main(["create-token", "--business-id", str(uuid.uuid4()), "--aws"])


def test_revoke_token_stops_it_authenticating(moto_table: str, capsys) -> None:
    token = create_business(capsys, "--aws")["token"]

    assert run(capsys, "revoke-token", token, "--aws") == {"revoked": True}
    assert businesses.authenticate(token) is None


def test_revoke_an_unknown_token_exits_with_a_message(moto_table: str) -> None:
    with pytest.raises(SystemExit, match="no such token"):
        cli.main(["revoke-token", "llk_not-a-token", "--aws"])


def sample_event(tmp_path: Path, name: str, business_id: str) -> Path:
    event = tmp_path / name
    event.write_text((template.ROOT / "events" / name).read_text().replace(SAMPLE_BUSINESS, business_id))
    return event


def test_invoke_runs_a_function_on_an_events_file(moto_table: str, capsys, tmp_path: Path) -> None:
    business_id = create_business(capsys, "--aws")["business_id"]
    event = sample_event(tmp_path, "get_trial_balance.json", business_id)

    response = run(capsys, "invoke", "GetTrialBalanceFunction", "--event", str(event), "--aws")

    assert response["statusCode"] == 200
    body = json.loads(response["body"])
    assert body["business_id"] == business_id and body["balanced"] is True


def test_invoke_posts_through_a_mutating_function(moto_table: str, capsys, tmp_path: Path) -> None:
    business_id = create_business(capsys, "--aws")["business_id"]
    event = sample_event(tmp_path, "create_custom_journal_entry.json", business_id)

    response = run(capsys, "invoke", "CreateCustomJournalEntryFunction", "--event", str(event), "--aws")

    assert response["statusCode"] == 201, response
    assert json.loads(response["body"])["total_amount"] == 2_500_000


def test_invoke_an_unknown_function_names_the_known_ones(moto_table: str, tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match="GetTrialBalanceFunction"):
        cli.main(["invoke", "NoSuchFunction", "--event", str(tmp_path / "event.json"), "--aws"])


def test_openapi_check_passes_on_the_committed_document(capsys) -> None:
    cli.main(["openapi", "--check"])
    assert "up to date" in capsys.readouterr().out


def test_events_check_passes_on_the_committed_samples(capsys) -> None:
    cli.main(["events"])
    assert "up to date" in capsys.readouterr().out


def test_events_check_names_a_stale_sample_and_write_fixes_it(capsys, tmp_path: Path, monkeypatch) -> None:
    from ledgerline_tools import events

    monkeypatch.setattr(events, "EVENTS", tmp_path)
    with pytest.raises(SystemExit, match="ledgerline events --write"):
        cli.main(["events"])
    cli.main(["events", "--write"])
    assert "wrote" in capsys.readouterr().out
    cli.main(["events"])
    assert "up to date" in capsys.readouterr().out


def test_new_endpoint_refuses_an_existing_function_in_one_line(capsys) -> None:
    with pytest.raises(SystemExit, match="^ledgerline: functions/list_invoices/ already exists$"):
        cli.main(["new-endpoint", "list_invoices", "GET", "/v1/businesses/{businessId}/invoices"])


def _table_commands() -> list[list[str]]:
    """Every subcommand that reaches the table (it takes --aws), with dummy values for what it requires."""
    subparsers = next(a for a in cli.parser()._actions if isinstance(a, argparse._SubParsersAction))
    commands = []
    for name, sub in subparsers.choices.items():
        if not any("--aws" in action.option_strings for action in sub._actions):
            continue
        argv = [name]
        for action in sub._actions:
            if action.required and action.option_strings:
                argv += [action.option_strings[0], "x"]
            elif not action.option_strings and action.nargs is None:
                argv.append("x")
        commands.append(argv)
    return commands


@pytest.fixture
def no_aws(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any AWS API call fails the test, whatever client makes it."""

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the command called AWS")

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", refuse)
    monkeypatch.delenv("AWS_ENDPOINT_URL_DYNAMODB", raising=False)


@pytest.mark.parametrize("argv", _table_commands(), ids=lambda argv: argv[0])
def test_without_an_endpoint_or_aws_a_command_exits_and_calls_nothing(no_aws: None, argv: list[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(argv)
    assert "AWS_ENDPOINT_URL_DYNAMODB" in str(exited.value.code) and "--aws" in str(exited.value.code)


@pytest.mark.parametrize("argv", _table_commands(), ids=lambda argv: argv[0])
def test_aws_without_a_table_name_exits_and_calls_nothing(no_aws: None, monkeypatch, argv: list[str]) -> None:
    monkeypatch.delenv("LEDGER_TABLE_NAME", raising=False)
    with pytest.raises(SystemExit) as exited:
        cli.main([*argv, "--aws"])
    assert "LEDGER_TABLE_NAME" in str(exited.value.code)


@pytest.fixture
def no_aws_session(no_aws: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    """No region and no credentials anywhere boto3 looks (and no instance metadata service to ask)."""
    for name in (
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_PROFILE",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("LEDGER_TABLE_NAME", "ledgerline-LedgerTable-0123ABCD")
    return monkeypatch


def test_aws_without_a_region_is_one_line_and_calls_nothing(no_aws_session: pytest.MonkeyPatch) -> None:
    message = one_line_exit(["create-business", "--aws", "--name", "Acme Ltd"])

    assert message.startswith("ledgerline: --aws needs a region: set AWS_DEFAULT_REGION")


def test_aws_without_credentials_is_one_line_and_calls_nothing(no_aws_session: pytest.MonkeyPatch) -> None:
    no_aws_session.setenv("AWS_DEFAULT_REGION", "eu-west-1")

    message = one_line_exit(["create-business", "--aws", "--name", "Acme Ltd"])

    assert message.startswith("ledgerline: --aws found no AWS credentials")


@pytest.mark.integration
def test_the_endpoint_comes_from_the_environment(local_table: str, capsys) -> None:
    created = create_business(capsys)  # AWS_ENDPOINT_URL_DYNAMODB points at DynamoDB Local

    assert businesses.authenticate(created["token"]) == [created["business_id"]]


@pytest.mark.integration
def test_endpoint_url_targets_dynamodb_local(local_table: str, capsys, monkeypatch) -> None:
    from ledgerline.store import runtime

    endpoint = runtime.dynamodb_client().meta.endpoint_url
    monkeypatch.delenv("AWS_ENDPOINT_URL_DYNAMODB")  # restored after the test, whatever the command sets

    created = create_business(capsys, "--endpoint-url", endpoint)

    assert businesses.authenticate(created["token"]) == [created["business_id"]]


# ---- issue 11: a second `make run` is refused before it starts anything -----------------------------------------

ANOTHER_RUN = "is another make run going?"


@pytest.fixture
def local_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """serve's .local in a temporary folder, where starting DynamoDB Local or fetching it fails the test."""

    def started(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("serve started something")

    local = tmp_path / ".local"
    monkeypatch.setattr(localstack, "LOCAL_DIR", local)
    monkeypatch.setattr(localstack, "DEMO_FILE", local / "demo.json")
    monkeypatch.setattr(dynamodb_local, "ensure_installed", started)
    monkeypatch.setattr(dynamodb_local.DynamoDBLocal, "start", started)
    return local


@pytest.fixture
def busy_port() -> Iterator[int]:
    """A port something listens on."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


def serve_refusal(*argv: str) -> str:
    with pytest.raises(SystemExit) as exited:
        cli.main(["serve", *argv])
    message = str(exited.value.code)
    assert "\n" not in message and "()" not in message  # one line, and no internal function named
    return message


@pytest.mark.parametrize("option", ["--port", "--dynamodb-port"])
def test_serve_refuses_a_port_in_use_in_one_line_and_starts_nothing(
    local_dir: Path, busy_port: int, option: str
) -> None:
    ports = {"--port": free_port(), "--dynamodb-port": free_port(), option: busy_port}

    message = serve_refusal(*(str(part) for pair in ports.items() for part in pair))

    assert message.startswith(f"ledgerline: port {busy_port} is in use — {ANOTHER_RUN}")
    assert not local_dir.exists()  # no lock taken, no demo.json written


def test_serve_refuses_while_another_serve_holds_local_and_leaves_demo_json_alone(local_dir: Path) -> None:
    local_dir.mkdir()
    demo = local_dir / "demo.json"
    demo.write_text('{"business_id": "the running one"}')

    with local_run.one_serve_at_a_time(local_dir, "http://127.0.0.1:3000"):
        message = serve_refusal("--port", str(free_port()), "--dynamodb-port", str(free_port()))

    assert re.fullmatch(
        rf"ledgerline: \S*data is in use by ledgerline serve \(pid {os.getpid()}, "
        rf"http://127.0.0.1:3000\) — {re.escape(ANOTHER_RUN)}",
        message,
    ), message
    assert demo.read_text() == '{"business_id": "the running one"}'


def test_the_lock_is_released_when_the_serve_ends(local_dir: Path) -> None:
    with local_run.one_serve_at_a_time(local_dir, "http://127.0.0.1:3000"):
        pass
    with local_run.one_serve_at_a_time(local_dir, "http://127.0.0.1:3001"):
        assert "http://127.0.0.1:3001" in (local_dir / local_run.LOCK_FILE).read_text()


def test_demo_json_records_both_endpoints_and_a_later_start_updates_them(moto_table: str, local_dir: Path) -> None:
    created, new = localstack.ensure_demo("http://127.0.0.1:3000", "http://127.0.0.1:8000")
    reused, again = localstack.ensure_demo("http://127.0.0.1:3001", "http://127.0.0.1:8001")

    assert new and not again and reused["business_id"] == created["business_id"]
    saved = json.loads((local_dir / "demo.json").read_text())
    assert saved == reused
    assert (saved["api_url"], saved["dynamodb_endpoint"]) == ("http://127.0.0.1:3001", "http://127.0.0.1:8001")


# ---- issue 11: one line, not a traceback ------------------------------------------------------------------------


def one_line_exit(argv: list[str]) -> str:
    with pytest.raises(SystemExit) as exited:
        cli.main(argv)
    message = str(exited.value.code)
    assert message.startswith("ledgerline") and "\n" not in message and "Traceback" not in message
    return message


def test_invoke_without_its_event_file_says_so(moto_table: str, tmp_path: Path) -> None:
    missing = tmp_path / "missing.json"

    message = one_line_exit(["invoke", "GetTrialBalanceFunction", "--event", str(missing), "--aws"])

    assert message == f"ledgerline: no event file {missing} (sample events are in events/)"


def test_invoke_on_an_event_file_that_is_not_json_says_so(moto_table: str, tmp_path: Path) -> None:
    event = tmp_path / "event.json"
    event.write_text("{not json")

    assert one_line_exit(["invoke", "GetTrialBalanceFunction", "--event", str(event), "--aws"]).startswith(
        f"ledgerline: the event file {event} is not JSON:"
    )


@pytest.mark.parametrize("argv", _table_commands(), ids=lambda argv: argv[0])
def test_an_endpoint_nothing_answers_on_is_one_line_for_every_table_command(no_aws: None, argv: list[str]) -> None:
    port = free_port()  # nothing listens on it

    message = one_line_exit([*argv, "--endpoint-url", f"http://127.0.0.1:{port}"])

    assert message == f"ledgerline: nothing answers at http://127.0.0.1:{port} — is make run running on :{port}?"


def test_an_unreachable_endpoint_from_the_environment_is_one_line_too(no_aws: None, monkeypatch) -> None:
    port = free_port()
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", f"http://127.0.0.1:{port}")

    assert one_line_exit(["run-write-offs", "--dry-run"]).endswith(f"is make run running on :{port}?")


def test_the_scheduler_with_aws_and_no_queue_url_is_one_line_and_sends_nothing(no_aws: None, monkeypatch) -> None:
    monkeypatch.setenv("LEDGER_TABLE_NAME", "ledgerline-deployed")
    monkeypatch.delenv("WRITE_OFF_QUEUE_URL", raising=False)
    event = str(template.ROOT / "events" / "write_off_scheduler.json")

    message = one_line_exit(["invoke", "WriteOffSchedulerFunction", "--event", event, "--aws"])

    assert message == (
        "ledgerline: WriteOffSchedulerFunction sends to the write-off queue: with --aws, set "
        "WRITE_OFF_QUEUE_URL to the deployed stack's WriteOffQueue URL"
    )


def test_a_functions_environment_resolves_parameters_the_table_and_stand_ins() -> None:
    resolved = lambda_environment.resolve("WriteOffSchedulerFunction")

    assert resolved.values == {
        "LEDGER_TABLE_NAME": runtime.table_name(),
        "POWERTOOLS_SERVICE_NAME": "ledgerline",
        "POWERTOOLS_METRICS_NAMESPACE": "Ledgerline",
        "POWERTOOLS_LOG_LEVEL": "INFO",
    }
    assert resolved.stood_in == {"WRITE_OFF_QUEUE_URL": "WriteOffQueue"}
    assert resolved.unresolved == []
    assert lambda_environment.resolve("ListLedgerEntriesFunction").stood_in == {"CURSOR_SECRET_ARN": "CursorSecret"}


def test_invoke_runs_the_function_with_its_template_environment_and_then_restores_it(
    moto_table: str, capsys, tmp_path: Path, monkeypatch
) -> None:
    # Given a variable the template sets (LogLevel's default) and one the environment already sets
    monkeypatch.delenv("POWERTOOLS_LOG_LEVEL", raising=False)
    monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", "mine")
    seen: dict[str, str | None] = {}

    def fake_invoke(function: Any, event: Any, context: Any) -> dict[str, Any]:
        seen.update(
            {
                name: os.environ.get(name)
                for name in (
                    "POWERTOOLS_LOG_LEVEL",
                    "POWERTOOLS_SERVICE_NAME",
                    "CURSOR_SECRET_ARN",
                    "LEDGER_TABLE_NAME",
                )
            }
        )
        return {"statusCode": 200}

    monkeypatch.setattr(functions, "invoke", fake_invoke)
    business_id = create_business(capsys, "--aws")["business_id"]
    event = sample_event(tmp_path, "get_trial_balance.json", business_id)

    # When the function is invoked
    assert run(capsys, "invoke", "GetTrialBalanceFunction", "--event", str(event), "--aws") == {"statusCode": 200}

    # Then it ran with the template's values where the environment had none, and the rest left as it was
    assert seen == {
        "POWERTOOLS_LOG_LEVEL": "INFO",
        "POWERTOOLS_SERVICE_NAME": "mine",
        "CURSOR_SECRET_ARN": None,
        "LEDGER_TABLE_NAME": moto_table,
    }
    assert "POWERTOOLS_LOG_LEVEL" not in os.environ


@pytest.mark.integration
def test_invoke_the_scheduler_locally_runs_its_messages_on_the_in_process_worker(
    local_table: str, capsys, monkeypatch
) -> None:
    monkeypatch.delenv("WRITE_OFF_QUEUE_URL", raising=False)
    api = new_api("Scheduled Co")
    set_policy(api)
    event = str(template.ROOT / "events" / "write_off_scheduler.json")
    capsys.readouterr()  # what setting the policy printed (its function's metrics)

    response = run(capsys, "invoke", "WriteOffSchedulerFunction", "--event", event)

    assert response == {"businesses": 1}
    runs, _more = policies.list_runs(api.business_id, limit=5, start_key=None)
    assert [(r.trigger, r.status) for r in runs] == [("schedule", "completed")]


# ---- issue 11: every option says what it does and its default; every command has an example ---------------------


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    return next(a for a in cli.parser()._actions if isinstance(a, argparse._SubParsersAction)).choices


@pytest.mark.parametrize("name", sorted(_subcommands()))
def test_every_command_has_a_description_an_example_and_help_on_every_argument(name: str) -> None:
    command = _subcommands()[name]
    assert command.description and command.epilog.startswith(f"Example:\n  ledgerline {name}")
    for action in command._actions:
        if isinstance(action, argparse._HelpAction):
            continue
        assert action.help and action.help != argparse.SUPPRESS, f"{name} {action.dest} has no help"
        optional_value = action.option_strings and not action.required and action.nargs != 0
        if optional_value and action.default is None:  # left out, it does what its help says
            assert "default" in action.help, f"{name} {action.option_strings[0]} does not say its default"


def test_help_shows_the_defaults(capsys) -> None:
    with pytest.raises(SystemExit):
        cli.main(["create-token", "--help"])
    shown = " ".join(capsys.readouterr().out.split())
    assert "the token's lifetime, 1 to 365 days (default: 90)" in shown
    assert "(default: $AWS_ENDPOINT_URL_DYNAMODB)" in shown
