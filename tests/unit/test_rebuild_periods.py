"""``ledgerline rebuild-periods``: books whose entries predate the period rows (SPEC §10.3) get them from
their entries, and the statements then agree with the balances again. Runs the CLI on moto (``--aws``, as
tests/unit/test_cli.py does) and on DynamoDB Local (``--endpoint-url``)."""

import os
import uuid

import pytest
from support import Api, assert_books_balance, post_entry, sale
from support.books import period_items
from support.invoices import create_invoice, item, pay

from ledgerline.store import codec, keys
from ledgerline.store.runtime import dynamodb_client, table_name
from ledgerline_tools import cli


def forget_the_rows(business_id: str) -> None:
    """The books as a business created before the rows has them: entries and balances, no rows."""
    for row in period_items(business_id):
        dynamodb_client().delete_item(TableName=table_name(), Key=codec.to_item(keys.key(row["PK"], row["SK"])))


def rebuild(business_id: str, capsys: pytest.CaptureFixture[str]) -> str:
    endpoint = os.environ.get("AWS_ENDPOINT_URL_DYNAMODB")
    capsys.readouterr()  # what the requests before printed (their metrics)
    cli.main(
        ["rebuild-periods", "--business-id", business_id, *(["--endpoint-url", endpoint] if endpoint else ["--aws"])]
    )
    return capsys.readouterr().out


def balance_sheet(client: Api, day: str) -> dict:
    response = client.get(f"{client.base}/reports/balance-sheet", query=f"effective_date={day}")
    assert response.status == 200, response.body
    return response.json()


def figures(sheet: dict) -> dict:
    return {name: value for name, value in sheet.items() if name != "generated_at"}


def test_rows_rebuilt_from_the_entries_give_the_statements_back(api: Api, capsys) -> None:
    post_entry(api, sale(2_500, entry_at="2024-03-05T10:00:00Z"))
    post_entry(api, sale(1_000, entry_at="2024-04-20T10:00:00Z"))
    invoice = create_invoice(api, item(10_000), sent_at="2024-04-02T10:00:00Z")
    pay(api, invoice["id"], 4_000, paid_at="2024-05-01T10:00:00Z")
    before = balance_sheet(api, "2024-04-30")
    forget_the_rows(api.business_id)
    assert balance_sheet(api, "2024-04-30")["total_assets"] == 0  # what an old business would see

    printed = rebuild(api.business_id, capsys)

    assert printed.startswith("rebuilt ") and api.business_id in printed
    assert figures(balance_sheet(api, "2024-04-30")) == figures(before)
    assert_books_balance(api.business_id)  # the rows equal the lines, account by account and day by day


def test_rebuilding_intact_rows_changes_no_figure(api: Api, capsys) -> None:
    post_entry(api, sale(700, entry_at="2024-06-30T23:00:00Z"))
    before = balance_sheet(api, "2024-06-30")

    rebuild(api.business_id, capsys)
    rebuild(api.business_id, capsys)

    assert figures(balance_sheet(api, "2024-06-30")) == figures(before)
    assert_books_balance(api.business_id)


def test_an_unknown_business_exits_with_a_message(api: Api, capsys) -> None:
    with pytest.raises(SystemExit, match="no business"):
        rebuild(str(uuid.uuid4()), capsys)
