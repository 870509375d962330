"""The ``ledgerline`` console script: the local stack and its everyday chores."""

import argparse
import contextlib
import json
import os
import signal
import sys
from pathlib import Path
from typing import Any

from ledgerline.errors import LedgerError
from ledgerline_tools import export, localstack, template

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
        os.environ["AWS_ENDPOINT_URL_DYNAMODB"] = endpoint
        os.environ.setdefault("AWS_ACCESS_KEY_ID", "local")
        os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "local")
        os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    elif not args.aws:
        sys.exit("ledgerline: set AWS_ENDPOINT_URL_DYNAMODB or --endpoint-url (e.g. http://127.0.0.1:8000), "
                 "or pass --aws to use the AWS account of your environment with LEDGER_TABLE_NAME.")
    elif not os.environ.get("LEDGER_TABLE_NAME"):
        sys.exit("ledgerline: --aws needs LEDGER_TABLE_NAME (the deployed stack's table).")
    from ledgerline.store import runtime

    runtime.reset()


def _print(value: Any) -> None:
    print(json.dumps(value, indent=2, default=str))


def cmd_serve(args: argparse.Namespace) -> None:
    from ledgerline_tools.dynamodb_local import DynamoDBLocal, ensure_installed
    from ledgerline_tools.server import serve
    from ledgerline_tools.worker import LocalQueue

    os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "true")
    os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
    os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")
    use_local_cursor_secret()
    local_dir = localstack.LOCAL_DIR
    ensure_installed(local_dir)
    dynamodb = DynamoDBLocal(local_dir, args.dynamodb_port, in_memory=args.in_memory,
                             db_path=None if args.in_memory else local_dir / "data")
    with dynamodb:
        localstack.use_local_endpoint(dynamodb.endpoint_url)
        localstack.ensure_table()
        api_url = f"http://127.0.0.1:{args.port}"
        demo, created = localstack.ensure_demo(api_url)
        server = serve(args.port, localstack.swagger_assets())
        # `kill` (SIGTERM) stops both servers as cleanly as Ctrl-C does.
        signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
        _banner(demo, created, dynamodb.endpoint_url)
        try:
            with LocalQueue(workers=2):  # runs answered 202 are finished here, as the SQS worker would
                server.serve_forever()
        except KeyboardInterrupt:
            print("\nStopping Ledgerline and DynamoDB Local.")
        finally:
            server.server_close()


def _banner(demo: dict[str, Any], created: bool, endpoint: str) -> None:
    accounts = demo["ledger_accounts"]
    print(f"""
Ledgerline is running at {demo['api_url']}   (Ctrl-C stops it and DynamoDB Local)
  DynamoDB Local: {endpoint}   table: {os.environ.get('LEDGER_TABLE_NAME', 'ledgerline')}
  OpenAPI: {demo['api_url']}/openapi.json   Swagger UI: {demo['api_url']}/docs
  Demo business {'(new)' if created else '(existing)'}: {demo['business_id']}
  Token: {demo['token']}
  Saved in {localstack.DEMO_FILE}

Ledger accounts:""")
    for stable_name, account_id in accounts.items():
        print(f"  {stable_name:<24} {account_id}")
    print(f"""
Try it:
  curl -s {demo['api_url']}/v1/businesses/{demo['business_id']}/reports/trial-balance \\
    -H 'Authorization: Bearer {demo['token']}'
""", flush=True)


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

    functions = template.functions()
    if args.logical_id not in functions:
        sys.exit(f"ledgerline: no function {args.logical_id!r}; one of: {', '.join(sorted(functions))}")
    event = json.loads(Path(args.event).read_text())
    os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "true")
    use_local_cursor_secret(unless_arn=True)
    # Like `sam local invoke`: what the function prints (logs, EMF metrics) goes to stderr, its response to stdout.
    with contextlib.redirect_stdout(sys.stderr):
        response = invoke(functions[args.logical_id], event, LambdaContext(args.logical_id, "local-invoke"))
    _print(response)


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
        summaries = [write_offs.run_for_business(business_id, run_date, dry_run=args.dry_run, trigger="cli")
                     for business_id in business_ids]
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
        sys.exit("ledgerline: out of date (run `ledgerline events --write`): "
                 + ", ".join(path.name for path in stale))
    print("events/ is up to date")


def cmd_new_endpoint(args: argparse.Namespace) -> None:
    from ledgerline_tools import scaffold

    for path in scaffold.new_endpoint(args.name, args.method, args.path, access=args.access):
        print(f"wrote {path}")


def _add_target_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--endpoint-url", help="DynamoDB endpoint (default: $AWS_ENDPOINT_URL_DYNAMODB)")
    parser.add_argument("--aws", action="store_true", help="use the real AWS account of your environment")


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="ledgerline", description="Ledgerline's local stack and tools.")
    commands = root.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="DynamoDB Local + the API on 127.0.0.1 (what `make run` runs)")
    serve.add_argument("--port", type=int, default=int(os.environ.get("PORT", 3000)))
    serve.add_argument("--dynamodb-port", type=int, default=int(os.environ.get("DYNAMODB_PORT", 8000)))
    serve.add_argument("--in-memory", action="store_true", help="a throwaway DynamoDB Local")
    serve.set_defaults(run=cmd_serve)

    business = commands.add_parser("create-business", help="a business with the default chart and a token")
    business.add_argument("--name", required=True)
    business.add_argument("--timezone", default="UTC")
    business.add_argument("--currency", default="USD")
    _add_target_options(business)
    business.set_defaults(run=cmd_create_business)

    token = commands.add_parser("create-token", help="a new token for a business")
    token.add_argument("--business-id", required=True)
    token.add_argument("--expires-in-days", type=int, default=90)
    _add_target_options(token)
    token.set_defaults(run=cmd_create_token)

    revoke = commands.add_parser("revoke-token", help="revoke a token")
    revoke.add_argument("token")
    _add_target_options(revoke)
    revoke.set_defaults(run=cmd_revoke_token)

    invoke = commands.add_parser("invoke", help="run one function on an event file, like `sam local invoke`")
    invoke.add_argument("logical_id")
    invoke.add_argument("--event", required=True)
    _add_target_options(invoke)
    invoke.set_defaults(run=cmd_invoke)

    runs = commands.add_parser("run-write-offs", help="run the scheduled write-off job now, print its summaries")
    runs.add_argument("--date", help="run date YYYY-MM-DD (default: each business's today)")
    runs.add_argument("--business-id", help="only this business (default: every business with an enabled policy)")
    runs.add_argument("--dry-run", action="store_true", help="list the candidates, post nothing")
    runs.add_argument("--workers", type=int, default=2,
                      help="in-process queue workers finishing runs of more than 50 candidates (default: 2)")
    _add_target_options(runs)
    runs.set_defaults(run=cmd_run_write_offs)

    journal = commands.add_parser("export", help="the journal as beancount or CSV on stdout",
                                  description=export.DESCRIPTION)
    export.add_arguments(journal)
    _add_target_options(journal)
    journal.set_defaults(run=cmd_export)

    rebuild = commands.add_parser(
        "rebuild-periods", help="rewrite a business's period rows (what statements read) from its entries",
        description="For books whose entries predate the period rows that financial statements read (SPEC "
                    "§10.3): deletes the business's rows and writes them again from its journal entries. Not "
                    "one transaction: run it while the business does not post. Example: ledgerline "
                    "rebuild-periods --business-id 3f1d2c4b-5a69-4e7f-8a1b-2c3d4e5f6a7b "
                    "--endpoint-url http://127.0.0.1:8000")
    rebuild.add_argument("--business-id", required=True, help="the business whose rows to rebuild")
    _add_target_options(rebuild)
    rebuild.set_defaults(run=cmd_rebuild_periods)

    upgrade_cmd = commands.add_parser(
        "upgrade-business", help="add what a business's items written by an older Ledgerline lack",
        description="Adds, where missing, the GSI4 keys of journal entries and invoices (filtered listings) "
                    "and the business on the monthly accrual schedule's list; each write only if still missing, "
                    "so it is safe to repeat and to run while the business posts. Prints what it added. "
                    "Example: ledgerline upgrade-business --business-id 3f1d2c4b-5a69-4e7f-8a1b-2c3d4e5f6a7b "
                    "--endpoint-url http://127.0.0.1:8000")
    upgrade_cmd.add_argument("--business-id", required=True, help="the business to upgrade")
    _add_target_options(upgrade_cmd)
    upgrade_cmd.set_defaults(run=cmd_upgrade_business)

    docs = commands.add_parser("openapi", help="regenerate docs/openapi.json (or --check it)")
    docs.add_argument("--check", action="store_true")
    docs.set_defaults(run=cmd_openapi)

    samples = commands.add_parser(
        "events", help="check events/*.json against the routes' declarations (or --write them)",
        description="Every API function's sample event is rendered from its first route's declaration "
                    "(path, sample body, query, Idempotency-Key). Example: ledgerline events --write")
    samples.add_argument("--write", action="store_true", help="rewrite the stale files (default: only check)")
    samples.set_defaults(run=cmd_events)

    new = commands.add_parser(
        "new-endpoint", help="scaffold a function: handler, template.yaml block, sample event, test stub",
        description="Writes functions/NAME/app.py (the route's one declaration), its template.yaml block and "
                    "log group, events/NAME.json and tests/unit/test_NAME.py. "
                    "Example: ledgerline new-endpoint get_cash_flow GET "
                    "/v1/businesses/{businessId}/reports/cash-flow --access read")
    new.add_argument("name", help="the function's folder, snake_case (e.g. get_cash_flow)")
    new.add_argument("method", choices=["GET", "POST", "PUT", "DELETE"], type=str.upper, help="the HTTP method")
    new.add_argument("path", help="the route, API Gateway style: /v1/businesses/{businessId}/...")
    new.add_argument("--access", choices=["read", "post", "queue"], default=None,
                     help="the function's DynamoDB/SQS permissions (default: read for GET, post otherwise)")
    new.set_defaults(run=cmd_new_endpoint)
    return root


def main(argv: list[str] | None = None) -> None:
    args = parser().parse_args(argv)
    try:
        args.run(args)
    except ValueError as error:  # e.g. token lifetime out of range, unknown timezone
        sys.exit(f"ledgerline: {error}")
    except LedgerError as error:  # e.g. an unknown business
        sys.exit(f"ledgerline: {error.message}")
