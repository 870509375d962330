"""Answers that are files, not JSON: a journal export's page, and how OpenAPI documents it.

The response families (``families.py``) shape JSON; an export is text in its own media type, so its
success answer is built here, once: the page as the body, ``Content-Disposition`` with a file name,
and ``Ledgerline-Next-Cursor`` while more pages follow. Errors stay the family's JSON.
"""

from typing import Any

from aws_lambda_powertools.event_handler import Response

from ledgerline.services.exports import ExportPage

NEXT_CURSOR_HEADER = "Ledgerline-Next-Cursor"
PAGING = (
    "An export larger than one response (about 5 MB) comes in pages: a page that does not end the export "
    f"carries the `{NEXT_CURSOR_HEADER}` response header; request the same URL with that value as `cursor` "
    "for the next page, until a response comes without the header. The pages' bodies, concatenated in order, "
    "are the whole export (never split inside an entry). The cursor is signed and bound to the business, the "
    "format and the dates: a tampered or foreign one is a 400."
)


def download(page: ExportPage) -> Response[str]:
    """The page as the response body, in its media type, with its file name and the next page's cursor."""
    headers = {"Content-Disposition": f'attachment; filename="{page.filename}"'}
    if page.cursor is not None:
        headers[NEXT_CURSOR_HEADER] = page.cursor
    return Response(status_code=200, content_type=page.media_type, body=page.text, headers=headers)


def download_responses(description: str, media_types: dict[str, str]) -> dict[int, Any]:
    """The OpenAPI ``responses=`` of a route answering :func:`download`: its 200 in each media type."""
    return {
        200: {
            "description": f"{description} {PAGING}",
            "headers": {
                NEXT_CURSOR_HEADER: {
                    "description": "Present while more pages follow: the `cursor` of the next one.",
                    "schema": {"type": "string"},
                },
                "Content-Disposition": {"description": "`attachment` with a file name.", "schema": {"type": "string"}},
            },
            "content": {
                media_type: {"schema": {"type": "string", "description": about}}
                for media_type, about in media_types.items()
            },
        }
    }
