"""``ledgerline upgrade-business``: items written before GSI4 and before the monthly accrual list get what
they lack, so filtered listings find them and the month-end schedule accrues the business; running it
again adds nothing. On moto (``--aws``) and DynamoDB Local (``--endpoint-url``)."""

import json
import os

import pytest
from support import Api, post_entry, sale
from support.invoices import create_invoice, item
from support.loans import Loans

from ledgerline.store import accrual_runs, codec, keys
from ledgerline.store import items as item_reads
from ledgerline.store.runtime import dynamodb_client, table_name
from ledgerline_tools import cli

pytest_plugins = ["support.loans"]


def as_written_before_gsi4(business_id: str, prefix: str) -> None:
    """Strip the GSI4 keys from the business's items under ``prefix``, as an older Ledgerline wrote them."""
    for found in item_reads.query_prefix(business_id, prefix):
        if "GSI4PK" in found:
            dynamodb_client().update_item(
                TableName=table_name(),
                Key=codec.to_item(keys.key(found["PK"], found["SK"])),
                UpdateExpression="REMOVE GSI4PK, GSI4SK",
            )


def upgrade(business_id: str, capsys: pytest.CaptureFixture[str]) -> dict:
    endpoint = os.environ.get("AWS_ENDPOINT_URL_DYNAMODB")
    capsys.readouterr()
    cli.main(
        ["upgrade-business", "--business-id", business_id, *(["--endpoint-url", endpoint] if endpoint else ["--aws"])]
    )
    printed = capsys.readouterr().out
    return json.loads(printed[printed.index("{\n") :])  # after any metrics line the requests left behind


def listed(client: Api, path: str, query: str) -> list[str]:
    response = client.get(f"{client.base}/{path}", query=query)
    assert response.status == 200, response.body
    return [found["id"] for found in response.json()["data"]]


def test_old_entries_and_invoices_come_back_into_the_filtered_listings(api: Api, capsys) -> None:
    entry = post_entry(api, sale(1_200, entry_at="2024-02-01T10:00:00Z")).json()
    invoice = create_invoice(api, item(5_000))
    as_written_before_gsi4(api.business_id, keys.ENTRY_PREFIX)
    as_written_before_gsi4(api.business_id, keys.INVOICE_PREFIX)
    assert listed(api, "ledger/entries", "source_type=CUSTOM_JOURNAL_ENTRY") == []
    assert listed(api, "invoices", "status=SENT") == []

    added = upgrade(api.business_id, capsys)

    assert added == {"entries": 2, "invoices": 1, "accrual_schedule": 0}  # the custom entry and the invoice's
    assert listed(api, "ledger/entries", "source_type=CUSTOM_JOURNAL_ENTRY") == [entry["id"]]
    assert listed(api, "invoices", "status=SENT") == [invoice["id"]]
    assert upgrade(api.business_id, capsys) == {"entries": 0, "invoices": 0, "accrual_schedule": 0}


def test_a_business_with_an_older_interest_bearing_loan_joins_the_monthly_accruals(api: Api, pinned, capsys) -> None:
    Loans(api).instrument("lend")
    dynamodb_client().delete_item(
        TableName=table_name(), Key=codec.to_item(keys.key(keys.ACCRUING_BUSINESSES_PK, api.business_id))
    )
    assert api.business_id not in accrual_runs.accruing_businesses()

    assert upgrade(api.business_id, capsys)["accrual_schedule"] == 1

    assert api.business_id in accrual_runs.accruing_businesses()
    assert upgrade(api.business_id, capsys)["accrual_schedule"] == 0
