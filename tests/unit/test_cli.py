"""SPEC §2: the ``ledgerline`` console script — business and token chores, ``invoke``, and no silent AWS default.

moto intercepts only AWS's own endpoints, so moto tests target the table the way a deployed stack is
targeted (``--aws`` + ``LEDGER_TABLE_NAME``); ``--endpoint-url`` is exercised on DynamoDB Local.
"""

import argparse
import json
import uuid
from pathlib import Path
from typing import Any

import botocore.client
import pytest

from ledgerline.services import businesses
from ledgerline.store import chart as chart_store
from ledgerline_tools import cli, template

SAMPLE_BUSINESS = "11111111-1111-4111-8111-111111111111"
DEFAULT_STABLE_NAMES = {  # SPEC §4
    "CASH", "ACCOUNTS_RECEIVABLE", "NOTES_RECEIVABLE", "INTEREST_RECEIVABLE", "ACCOUNTS_PAYABLE", "INTEREST_PAYABLE",
    "LONG_TERM_DEBT", "OPENING_BALANCE_EQUITY", "RETAINED_EARNINGS", "SALES", "DISCOUNTS", "UNCATEGORIZED_REVENUE",
    "INTEREST_INCOME", "DEBT_FORGIVENESS_INCOME", "BAD_DEBT", "INTEREST_EXPENSE", "UNCATEGORIZED_EXPENSES", "BANK_FEES",
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
