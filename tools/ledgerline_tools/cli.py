"""The ``ledgerline`` console script: the local stack and its everyday chores (arguments: arguments.py).

What a user can get wrong ends in one line on stderr, never a traceback: a missing event file, a DynamoDB
endpoint nothing answers on, a refused value.
"""

import argparse
import contextlib
import json
import os
import socket
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from botocore.exceptions import ConnectTimeoutError, EndpointConnectionError

from ledgerline.errors import LedgerError
from ledgerline_tools import export, lambda_environment, localstack, template
from ledgerline_tools.arguments import parser

# The local stack's pagination cursor key: public, so only for local books. Deployed functions read
# theirs from Secrets Manager (CURSOR_SECRET_ARN); shared/ledgerline/cursors.py has no default.
LOCAL_CURSOR_SECRET = "ledgerline-local-cursor-secret"


def use_local_cursor_secret(*, unless_arn: bool = False) -> None:
    """Give the functions run here a cursor key, as template.yaml gives deployed ones a secret's ARN.

    A key already in CURSOR_SECRET is kept; with ``unless_arn`` so is a CURSOR_SECRET_ARN (``invoke
    --aws`` then signs cursors with the deployed stack's own key).
    """
    if os.environ.get("CURSOR_SECRET") or (unless_arn and os.environ.get("CURSOR_SECRET_ARN")):
        return
    os.environ["CURSOR_SECRET"] = LOCAL_CURSOR_SECRET


def _target_table(args: argparse.Namespace) -> None:
    """Commands other than serve need an explicit DynamoDB endpoint (or --aws): no silent default."""
    endpoint = args.endpoint_url or os.environ.get("AWS_ENDPOINT_URL_DYNAMODB")
    if endpoint:
        _refuse_unreachable(endpoint)
        os.environ["AWS_ENDPOINT_URL_DYNAMODB"] = endpoint
        os.environ.setdefault("AWS_ACCESS_KEY_ID", "local")
        os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "local")
        os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    elif not args.aws:
        sys.exit(
            "ledgerline: set AWS_ENDPOINT_URL_DYNAMODB or --endpoint-url (e.g. http://127.0.0.1:8000), "
            "or pass --aws to use the AWS account of your environment with LEDGER_TABLE_NAME."
        )
    elif not os.environ.get("LEDGER_TABLE_NAME"):
        sys.exit("ledgerline: --aws needs LEDGER_TABLE_NAME (the deployed stack's table).")
    else:
        _refuse_without_an_aws_session()
    from ledgerline.store import runtime

    runtime.reset()


def _refuse_without_an_aws_session() -> None:
    """--aws: one line now when boto3 finds no region or no credentials, rather than every call failing later
    (the store would answer it as a write whose outcome is unknown)."""
    import boto3

    session = boto3.session.Session()
    if not session.region_name:
        sys.exit(
            "ledgerline: --aws needs a region: set AWS_DEFAULT_REGION to the stack's (samconfig.toml's region), "
            "or use a profile that has one (AWS_PROFILE)"
        )
    if session.get_credentials() is None:
        sys.exit("ledgerline: --aws found no AWS credentials: `aws configure` or `aws sso login`, or set AWS_PROFILE")


def _refuse_unreachable(endpoint: str) -> None:
    """One line now when nothing listens there, rather than botocore's retries and then a traceback."""
    parts = urlsplit(endpoint)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        sys.exit(f"ledgerline: {endpoint!r} is not a DynamoDB endpoint URL such as http://127.0.0.1:8000")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        socket.create_connection((parts.hostname, port), timeout=2).close()
    except OSError:
        sys.exit(f"ledgerline: nothing answers at {endpoint} — is make run running on :{port}?")


def _print(value: Any) -> None:
    print(json.dumps(value, indent=2, default=str))


def cmd_serve(args: argparse.Namespace) -> None:
    from ledgerline_tools import local_run

    if args.cors_origins is not None:  # refused before anything starts, as CloudFormation would refuse it
        template.check_parameter(template.CORS_PARAMETER, args.cors_origins, label="--cors-origins")
    use_local_cursor_secret()
    local_run.serve(
        port=args.port, dynamodb_port=args.dynamodb_port, in_memory=args.in_memory, cors_origins=args.cors_origins
    )


def cmd_create_business(args: argparse.Namespace) -> None:
    _target_table(args)
    from ledgerline.services import businesses

    created = businesses.create_business(args.name, timezone=args.timezone, currency=args.currency)
    _print(localstack.business_summary(created))


def cmd_create_token(args: argparse.Namespace) -> None:
    _target_table(args)
    from ledgerline.services import businesses

    try:
        token = businesses.create_token(args.business_id, days=args.expires_in_days)
    except LookupError:
        sys.exit(f"ledgerline: no business {args.business_id}")
    _print({"business_id": args.business_id, "token": token, "expires_in_days": args.expires_in_days})


def cmd_revoke_token(args: argparse.Namespace) -> None:
    _target_table(args)
    from ledgerline.services import businesses

    try:
        businesses.revoke_token(args.token)
    except LookupError:
        sys.exit("ledgerline: no such token")
    _print({"revoked": True})


def cmd_invoke(args: argparse.Namespace) -> None:
    _target_table(args)
    from ledgerline_tools.functions import LambdaContext, invoke
    from ledgerline_tools.worker import LocalQueue

    functions = template.functions()
    if args.logical_id not in functions:
        sys.exit(f"ledgerline: no function {args.logical_id!r}; one of: {', '.join(sorted(functions))}")
    event = _read_event(args.event)
    environment = lambda_environment.resolve(args.logical_id)
    unset_queue = environment.unset_queue()
    if unset_queue and args.aws:  # the deployed worker should get what the deployed scheduler would send
        sys.exit(
            f"ledgerline: {args.logical_id} sends to the write-off queue: with --aws, set {unset_queue[0]} to "
            "the deployed stack's WriteOffQueue URL"
        )
    for name in environment.unresolved:
        print(f"ledgerline invoke: {name} cannot be resolved locally and is left unset", file=sys.stderr)
    os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "true")
    use_local_cursor_secret(unless_arn=True)
    queue = LocalQueue(workers=2) if unset_queue else contextlib.nullcontext()
    # Like `sam local invoke`: what the function prints (logs, EMF metrics) goes to stderr, its response to stdout.
    with lambda_environment.applied(environment.values), contextlib.redirect_stdout(sys.stderr), queue as local:
        response = invoke(functions[args.logical_id], event, LambdaContext(args.logical_id, "local-invoke"))
        if local is not None:
            local.drain()  # what the function queued, finished by the in-process worker
    _print(response)


def _read_event(path: str) -> Any:
    try:
        return json.loads(Path(path).read_text())
    except FileNotFoundError:
        sys.exit(f"ledgerline: no event file {path} (sample events are in events/)")
    except OSError as error:
        sys.exit(f"ledgerline: cannot read the event file {path}: {error.strerror}")
    except ValueError as error:  # not UTF-8, not JSON
        sys.exit(f"ledgerline: the event file {path} is not JSON: {error}")


def cmd_run_write_offs(args: argparse.Namespace) -> None:
    """The scheduled job, locally: every business with an enabled policy (or one), summaries as JSON."""
    _target_table(args)
    from datetime import date

    from ledgerline.services import write_offs
    from ledgerline.store import policies
    from ledgerline_tools.worker import LocalQueue

    run_date = date.fromisoformat(args.date) if args.date else None
    business_ids = [args.business_id] if args.business_id else policies.businesses_with_enabled_policy()
    # Powertools flushes EMF metrics to stdout once 100 values pile up; keep stdout the summaries' JSON.
    with contextlib.redirect_stdout(sys.stderr), LocalQueue(workers=args.workers) as local:
        summaries = [
            write_offs.run_for_business(business_id, run_date, dry_run=args.dry_run, trigger="cli")
            for business_id in business_ids
        ]
        local.drain()  # a run of more than 50 candidates went through the queue: wait for its chunks
        summaries = [policies.get_run(s.business_id, s.id) or s if s.status == "running" else s for s in summaries]
    _print([policies.run_document(summary) for summary in summaries])


def cmd_export(args: argparse.Namespace) -> None:
    """The journal on stdout, every page of it (tools/ledgerline_tools/export.py)."""
    _target_table(args)
    export.check_format(args)
    use_local_cursor_secret(unless_arn=True)  # the pages' cursors never leave this process
    # Powertools may print metrics to stdout; keep stdout the export's bytes alone.
    stdout = sys.stdout.buffer
    with contextlib.redirect_stdout(sys.stderr):
        export.write(args, stdout)


def cmd_rebuild_periods(args: argparse.Namespace) -> None:
    """A business's period rows rewritten from its entries (store/periods.py ``rebuild``)."""
    from ledgerline.store import chart as chart_store  # noqa: PLC0415 - only this command needs them
    from ledgerline.store import periods

    _target_table(args)
    if chart_store.read(args.business_id, profile=True) is None:
        sys.exit(f"ledgerline rebuild-periods: no business {args.business_id} in this table")
    written = periods.rebuild(args.business_id, chart_store.Accounts(args.business_id))
    print(f"rebuilt {written} period rows of business {args.business_id} from its journal entries")


def cmd_upgrade_business(args: argparse.Namespace) -> None:
    """What a business's older items lack, added (tools/ledgerline_tools/upgrade.py)."""
    from ledgerline.store import chart as chart_store  # noqa: PLC0415 - only this command needs them
    from ledgerline_tools import upgrade

    _target_table(args)
    if chart_store.read(args.business_id, profile=True) is None:
        sys.exit(f"ledgerline upgrade-business: no business {args.business_id} in this table")
    _print(upgrade.upgrade_business(args.business_id))


def cmd_openapi(args: argparse.Namespace) -> None:
    from ledgerline_tools import openapi

    if args.check:
        current = openapi.DOCUMENT.read_text() if openapi.DOCUMENT.exists() else ""
        if current != openapi.render():
            sys.exit("docs/openapi.json is out of date: run `ledgerline openapi`")
        print("docs/openapi.json is up to date")
    else:
        print(f"wrote {openapi.write()}")


def cmd_events(args: argparse.Namespace) -> None:
    from ledgerline_tools import events

    if args.write:
        written = events.write()
        print("\n".join(f"wrote {path}" for path in written) or "events/ is up to date")
        return
    if stale := events.stale():
        sys.exit("ledgerline: out of date (run `ledgerline events --write`): " + ", ".join(path.name for path in stale))
    print("events/ is up to date")


def cmd_new_endpoint(args: argparse.Namespace) -> None:
    from ledgerline_tools import scaffold

    for path in scaffold.new_endpoint(args.name, args.method, args.path, access=args.access):
        print(f"wrote {path}")


COMMANDS = {
    "serve": cmd_serve,
    "create-business": cmd_create_business,
    "create-token": cmd_create_token,
    "revoke-token": cmd_revoke_token,
    "invoke": cmd_invoke,
    "run-write-offs": cmd_run_write_offs,
    "export": cmd_export,
    "rebuild-periods": cmd_rebuild_periods,
    "upgrade-business": cmd_upgrade_business,
    "openapi": cmd_openapi,
    "events": cmd_events,
    "new-endpoint": cmd_new_endpoint,
}


def main(argv: list[str] | None = None) -> None:
    args = parser().parse_args(argv)
    try:
        COMMANDS[args.command](args)
    except ValueError as error:  # e.g. token lifetime out of range, unknown timezone
        sys.exit(f"ledgerline: {error}")
    except LedgerError as error:  # e.g. an unknown business
        sys.exit(f"ledgerline: {error.message}")
    except (EndpointConnectionError, ConnectTimeoutError) as error:  # it went away after the command started
        sys.exit(f"ledgerline: {error} — is make run running?")
    except KeyboardInterrupt:
        sys.exit("\nledgerline: interrupted")
