"""Every ``ledgerline`` command's arguments: what ``ledgerline COMMAND --help`` shows.

Each command has a description and an example; each option and positional a help text, and the default
of every option that has one is shown (an option without a default says in its help what happens when
it is left out). ``cli.main`` runs the command named by ``args.command``.
"""

import argparse
import os

from ledgerline_tools import export

SAMPLE_BUSINESS = "3f1d2c4b-5a69-4e7f-8a1b-2c3d4e5f6a7b"
LOCAL_ENDPOINT = "--endpoint-url http://127.0.0.1:8000"


class HelpFormatter(argparse.ArgumentDefaultsHelpFormatter):
    """Defaults shown where there is one to show; descriptions wrapped, example lines (indented) kept as written."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        if action.required or action.default is None or action.default is False or "default" in (action.help or ""):
            return action.help
        return super()._get_help_string(action)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        fill = super()._fill_text
        return "\n".join(
            indent + line if not line or line.startswith("  ") else fill(line, width, indent)
            for line in text.splitlines()
        )


def _command(
    commands: argparse._SubParsersAction, name: str, summary: str, about: str, example: str
) -> argparse.ArgumentParser:
    return commands.add_parser(
        name, help=summary, description=about, epilog=f"Example:\n  {example}", formatter_class=HelpFormatter
    )


def _add_target_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--endpoint-url",
        metavar="URL",
        help="the DynamoDB endpoint, e.g. http://127.0.0.1:8000; `make run`'s is dynamodb_endpoint "
        "in .local/demo.json (default: $AWS_ENDPOINT_URL_DYNAMODB)",
    )
    parser.add_argument(
        "--aws",
        action="store_true",
        help="use the AWS account of your environment and the table named by $LEDGER_TABLE_NAME",
    )


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(
        prog="ledgerline",
        description="Ledgerline's local stack and tools.",
        formatter_class=HelpFormatter,
        epilog="Each command's options, their defaults and an example: ledgerline COMMAND --help",
    )
    commands = root.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _serve(commands)
    _businesses_and_tokens(commands)
    _invoke(commands)
    _jobs(commands)
    _code(commands)
    return root


def _serve(commands: argparse._SubParsersAction) -> None:
    serve = _command(
        commands,
        "serve",
        "DynamoDB Local + the API on 127.0.0.1 (what `make run` runs)",
        "Starts DynamoDB Local (data in .local/data/), creates the table from template.yaml if it is missing and "
        "the demo business on first start (saved in .local/demo.json with both URLs), then serves the API as API "
        "Gateway would, OpenAPI at /openapi.json and Swagger UI at /docs. It refuses to start, in one line, while "
        "either port is in use or another serve holds .local. Ctrl-C or SIGTERM stops both.",
        "ledgerline serve --port 3001 --dynamodb-port 8001",
    )
    serve.add_argument(
        "--port",
        type=int,
        default=int(os.environ.get("PORT", 3000)),
        help="the API's port on 127.0.0.1 ($PORT when set)",
    )
    serve.add_argument(
        "--dynamodb-port",
        type=int,
        default=int(os.environ.get("DYNAMODB_PORT", 8000)),
        help="DynamoDB Local's port ($DYNAMODB_PORT when set)",
    )
    serve.add_argument(
        "--in-memory",
        action="store_true",
        help="a throwaway DynamoDB Local in memory instead of .local/data/ (demo.json is still written)",
    )
    serve.add_argument(
        "--cors-origins",
        metavar="ORIGINS",
        default=os.environ.get("CORS_ORIGINS"),
        help="browser origins allowed to call the API (CORS), comma-separated without spaces, e.g. "
        "http://localhost:5173,https://app.example.com, or '*'; the template parameter "
        "CorsAllowedOrigins, emulated as API Gateway applies it; '' turns CORS off "
        "(default: $CORS_ORIGINS when set, else the parameter's default: empty, CORS off)",
    )


def _businesses_and_tokens(commands: argparse._SubParsersAction) -> None:
    business = _command(
        commands,
        "create-business",
        "a business with the default chart and a token",
        "Creates a business with the default chart of accounts and a 90-day token, and prints them as JSON: "
        "{business_id, token, ledger_accounts: {STABLE_NAME: id}}.",
        f"ledgerline create-business --name 'Acme Ltd' --timezone Europe/Berlin {LOCAL_ENDPOINT}",
    )
    business.add_argument("--name", required=True, help="the business's name")
    business.add_argument(
        "--timezone", default="UTC", help="IANA timezone: the business's days (its today, entry dates) are in it"
    )
    business.add_argument("--currency", default="USD", help="ISO 4217 code of the business's currency")
    _add_target_options(business)

    token = _command(
        commands,
        "create-token",
        "a new token for a business",
        "Issues a new token for a business and prints it as JSON; the token is shown only here.",
        f"ledgerline create-token --business-id {SAMPLE_BUSINESS} --expires-in-days 30 {LOCAL_ENDPOINT}",
    )
    token.add_argument("--business-id", required=True, help="the business the token opens")
    token.add_argument("--expires-in-days", type=int, default=90, help="the token's lifetime, 1 to 365 days")
    _add_target_options(token)

    revoke = _command(
        commands,
        "revoke-token",
        "revoke a token",
        "Revokes a token: it stops working on the next request locally, within AuthorizerCacheSeconds on AWS.",
        f"ledgerline revoke-token llk_0123456789abcdef {LOCAL_ENDPOINT}",
    )
    revoke.add_argument("token", help="the token to revoke (llk_…)")
    _add_target_options(revoke)


def _invoke(commands: argparse._SubParsersAction) -> None:
    invoke = _command(
        commands,
        "invoke",
        "run one function on an event file, like `sam local invoke`",
        "Runs one function of template.yaml on an event, as `sam local invoke` does: with the function's "
        "Environment from template.yaml (a parameter takes its default; the table, the cursor secret and the "
        "write-off queue have local stand-ins; a variable already set wins), its logs on stderr and its response "
        "on stdout. An event for an authorized route carries what the authorizer adds "
        "(requestContext.authorizer.lambda.business_ids); the samples in events/ do.",
        f"ledgerline invoke WriteOffSchedulerFunction --event events/write_off_scheduler.json {LOCAL_ENDPOINT}",
    )
    invoke.add_argument(
        "logical_id",
        metavar="LOGICAL_ID",
        help="the function's logical id in template.yaml, e.g. GetTrialBalanceFunction",
    )
    invoke.add_argument("--event", required=True, metavar="FILE", help="the event, a JSON file (samples: events/)")
    _add_target_options(invoke)


def _jobs(commands: argparse._SubParsersAction) -> None:
    runs = _command(
        commands,
        "run-write-offs",
        "run the scheduled write-off job now, print its summaries",
        "The daily write-off job, in this process: a run for every business with an enabled policy (or one "
        'business), printed as a JSON list of run summaries, each also stored with trigger "cli". A run of more '
        "than 50 candidates goes through in-process queue workers; the command waits for them.",
        f"ledgerline run-write-offs --business-id {SAMPLE_BUSINESS} --date 2026-11-20 --dry-run {LOCAL_ENDPOINT}",
    )
    runs.add_argument("--date", help="the run date, YYYY-MM-DD (default: each business's today)")
    runs.add_argument("--business-id", help="only this business (default: every business with an enabled policy)")
    runs.add_argument("--dry-run", action="store_true", help="list the candidates, post nothing")
    runs.add_argument(
        "--workers", type=int, default=2, help="in-process queue workers finishing runs of more than 50 candidates"
    )
    _add_target_options(runs)

    journal = _command(
        commands, "export", "the journal as beancount or CSV on stdout", export.DESCRIPTION, export.EXAMPLE
    )
    export.add_arguments(journal)
    _add_target_options(journal)

    rebuild = _command(
        commands,
        "rebuild-periods",
        "rewrite a business's period rows (what statements read) from its entries",
        "For books whose entries predate the period rows that financial statements read (SPEC §10.3): deletes the "
        "business's rows and writes them again from its journal entries. Not one transaction: run it while the "
        "business does not post.",
        f"ledgerline rebuild-periods --business-id {SAMPLE_BUSINESS} {LOCAL_ENDPOINT}",
    )
    rebuild.add_argument("--business-id", required=True, help="the business whose rows to rebuild")
    _add_target_options(rebuild)

    upgrade = _command(
        commands,
        "upgrade-business",
        "add what a business's items written by an older Ledgerline lack",
        "Adds, where missing, the GSI4 keys of journal entries and invoices (filtered listings) and the business "
        "on the monthly accrual schedule's list; each write only if still missing, so it is safe to repeat and to "
        "run while the business posts. Prints what it added.",
        f"ledgerline upgrade-business --business-id {SAMPLE_BUSINESS} {LOCAL_ENDPOINT}",
    )
    upgrade.add_argument("--business-id", required=True, help="the business to upgrade")
    _add_target_options(upgrade)


def _code(commands: argparse._SubParsersAction) -> None:
    docs = _command(
        commands,
        "openapi",
        "regenerate docs/openapi.json (or --check it)",
        "Writes docs/openapi.json, the OpenAPI document generated from the functions' route declarations (what "
        "the local server serves at /openapi.json).",
        "ledgerline openapi --check",
    )
    docs.add_argument(
        "--check", action="store_true", help="only check that docs/openapi.json is up to date, and fail if it is not"
    )

    samples = _command(
        commands,
        "events",
        "check events/*.json against the routes' declarations (or --write them)",
        "Every API function's sample event is rendered from its first route's declaration (path, sample body, "
        "query, Idempotency-Key); this checks that events/ holds what the declarations render.",
        "ledgerline events --write",
    )
    samples.add_argument("--write", action="store_true", help="rewrite the stale files (default: only check)")

    new = _command(
        commands,
        "new-endpoint",
        "scaffold a function: handler, template.yaml block, sample event, test stub",
        "Writes functions/NAME/app.py (the route's one declaration), its template.yaml block and log group, "
        "events/NAME.json and tests/unit/test_NAME.py.",
        "ledgerline new-endpoint get_cash_flow GET /v1/businesses/{businessId}/reports/cash-flow --access read",
    )
    new.add_argument("name", help="the function's folder, snake_case (e.g. get_cash_flow)")
    new.add_argument("method", choices=["GET", "POST", "PUT", "DELETE"], type=str.upper, help="the HTTP method")
    new.add_argument("path", help="the route, API Gateway style: /v1/businesses/{businessId}/...")
    new.add_argument(
        "--access",
        choices=["read", "post", "queue"],
        default=None,
        help="the function's DynamoDB/SQS permissions (default: read for GET, post otherwise)",
    )
