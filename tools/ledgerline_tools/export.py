"""``ledgerline export``: the journal as beancount or CSV on stdout, read straight from the table.

It runs the export endpoint's own use case (``services/exports.py``) page after page, following each
page's cursor as an API caller follows ``Ledgerline-Next-Cursor``, and writes every page as it comes:
the same bytes as the API's pages put together, one page in memory at a time.
"""

import argparse
from datetime import date
from typing import BinaryIO

from ledgerline.domain import dates
from ledgerline.domain.exports import FORMATS
from ledgerline.services import exports
from ledgerline.services.posting import Scope

DESCRIPTION = (
    "Writes the journal of a business to stdout as a beancount file (which bean-check accepts, its balance "
    "assertions equal to Ledgerline's balances) or as CSV (one row per line, amounts in integer cents), every "
    "page of it: the same bytes as GET /exports/journal's pages put together."
)
EXAMPLE = (
    "ledgerline export --business-id 3f1d2c4b-5a69-4e7f-8a1b-2c3d4e5f6a7b --format beancount "
    "--endpoint-url http://127.0.0.1:8000 > books.beancount && bean-check books.beancount"
)


def day(text: str) -> date:
    """A ``YYYY-MM-DD`` date inside the ledger's window (argparse's ``type=``)."""
    try:
        value = date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date in YYYY-MM-DD format") from None
    if len(text) != 10 or not dates.in_window(value):
        raise argparse.ArgumentTypeError(f"{text!r} must be a YYYY-MM-DD date from {dates.WINDOW}")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``ledgerline export`` (the DynamoDB target options are the CLI's common ones)."""
    parser.add_argument("--business-id", required=True, help="the business whose journal to export")
    # Checked by check_format once the table is known, like every table command's own arguments.
    parser.add_argument(
        "--format",
        required=True,
        metavar="{beancount,csv}",
        help="beancount (plain-text accounting; check it with bean-check) or csv (one row per line)",
    )
    parser.add_argument(
        "--start-date",
        type=day,
        help="first entry date included, YYYY-MM-DD (default: the first "
        "entry); beancount then starts with the balances before it",
    )
    parser.add_argument("--end-date", type=day, help="last entry date included, YYYY-MM-DD (default: the last entry)")


def check_format(args: argparse.Namespace) -> None:
    """Exit with a message unless ``--format`` names a format the export knows."""
    if args.format not in FORMATS:
        raise SystemExit(f"ledgerline export: --format must be one of {', '.join(FORMATS)}, not {args.format!r}")


def write(args: argparse.Namespace, out: BinaryIO) -> int:
    """Every page of the export to ``out`` as UTF-8 bytes (CSV keeps its CRLF); the number of pages."""
    cursor, pages = None, 0
    while True:
        page = exports.export_journal(
            Scope(args.business_id), format=args.format, start=args.start_date, end=args.end_date, cursor=cursor
        )
        out.write(page.text.encode())
        out.flush()
        pages += 1
        cursor = page.cursor
        if cursor is None:
            return pages
