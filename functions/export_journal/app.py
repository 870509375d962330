"""The journal as a beancount or CSV file, a page of text at a time (SPEC §10.4)."""

from ledgerline import cold_start  # noqa: F401 - first: no garbage collection while the container starts

# isort: split
from typing import Annotated, Literal

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query

from ledgerline.api.app import create_app
from ledgerline.api.downloads import download, download_responses
from ledgerline.api.families import LEDGER
from ledgerline.api.routes import Sample, ThisCall
from ledgerline.schemas.common import Day
from ledgerline.services import exports

app = lambda_handler = create_app(LEDGER)

SAMPLE = Sample(query={"format": "beancount", "start_date": "2025-01-01", "end_date": "2025-12-31"})
DESCRIPTION = (
    "Every journal entry of the range, in date order. `beancount`: a file `bean-check` accepts — every account "
    "opened no later than the file's first transaction, one transaction per entry (date, memo, entry id and "
    "source as metadata), amounts in the business currency, a range's opening balances as one transaction "
    "the day before `start_date`, and, when nothing is dated after the export's end, a `balance` assertion "
    "of Ledgerline's balance for every account. `csv`: one row per line, amounts in integer cents."
)


@app.get(
    "/v1/businesses/<businessId>/exports/journal",
    operation_id="business.exports.journal.get",
    sample=SAMPLE,
    summary="The journal as a beancount or CSV file",
    description=DESCRIPTION,
    tags=["exports"],
    responses=download_responses(
        "The export, or one page of it.",
        {
            "text/plain": "format=beancount (UTF-8)",
            "text/csv": "format=csv (UTF-8, RFC 4180): entry_id, entry_date, account_stable_name, account_name, "
            "debit, credit (integer cents, the other side 0), memo (the line's, else the entry's)",
        },
    ),
)
def export_journal(
    call: ThisCall,
    businessId: str,
    format: Annotated[Literal["beancount", "csv"], Query(description="beancount or csv.")],
    start_date: Annotated[Day | None, Query(description="First entry date included (default: the first).")] = None,
    end_date: Annotated[Day | None, Query(description="Last entry date included (default: the last).")] = None,
    cursor: Annotated[
        str | None, Query(max_length=2048, description="The previous page's Ledgerline-Next-Cursor.")
    ] = None,
) -> Response[str]:
    return download(exports.export_journal(call.scope, format=format, start=start_date, end=end_date, cursor=cursor))
