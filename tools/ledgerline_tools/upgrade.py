"""``ledgerline upgrade-business``: bring a business's items written by an older Ledgerline up to today's.

What it adds, each only where missing and each write conditional on still missing it (so running it
twice, or while the business posts, changes nothing twice):

- the GSI4 keys of journal entries and invoice headers written before GSI4 existed, without which
  filtered listings (``source_type``, ``status``) miss them (docs/table-design.md);
- the business on the monthly accrual schedule's list, if it has an interest-bearing instrument created
  before the list existed (decision 111).

The period rows that statements read are rebuilt by ``ledgerline rebuild-periods`` (not here: that one
rewrites rows and must run while the business does not post).
"""

from typing import Any

from botocore.exceptions import ClientError

from ledgerline.store import accrual_runs, codec, keys
from ledgerline.store import instruments as instrument_store
from ledgerline.store import items as item_reads
from ledgerline.store.chart import Accounts
from ledgerline.store.invoices import due_date, invoice_from_item
from ledgerline.store.runtime import dynamodb_client, table_name


def _add_keys(item: dict[str, Any], index_keys: dict[str, str]) -> bool:
    """SET the index keys on the item if it still has none; whether this call added them."""
    names = {f"#k{n}": name for n, name in enumerate(index_keys)}
    values = {f":v{n}": value for n, value in enumerate(index_keys.values())}
    try:
        dynamodb_client().update_item(
            TableName=table_name(),
            Key=codec.to_item(keys.key(item["PK"], item["SK"])),
            UpdateExpression="SET " + ", ".join(f"#k{n} = :v{n}" for n in range(len(index_keys))),
            ConditionExpression="attribute_exists(PK) AND attribute_not_exists(#k0)",
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=codec.to_item(values),
        )
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
            return False  # added meanwhile (by a change of the item, or another run of this command)
        raise
    return True


def upgrade_business(business_id: str) -> dict[str, int]:
    """Add what the business's older items lack; how many of each were added."""
    index_pk, _index_sk = keys.index_key_names(keys.FILTERED_INDEX)
    done = {"entries": 0, "invoices": 0, "accrual_schedule": 0}
    for item in item_reads.query_prefix(business_id, keys.ENTRY_PREFIX):
        if index_pk not in item:
            done["entries"] += _add_keys(
                item, keys.entry_source_keys(business_id, item["source_type"], item["entry_date"], item["entry_id"])
            )
    chart = Accounts(business_id)
    for item in item_reads.query_prefix(business_id, keys.INVOICE_PREFIX):
        if item.get("kind") == "INVOICE" and index_pk not in item:
            invoice = invoice_from_item(item, chart)  # an embedded (pre-issue-12) header derives its status
            done["invoices"] += _add_keys(
                item, keys.invoice_status_keys(business_id, invoice.status.value, due_date(invoice), invoice.id)
            )
    if any(i.interest_rate_bps > 0 for i in instrument_store.all_instruments(business_id)):
        if business_id not in accrual_runs.accruing_businesses():
            action = accrual_runs.register_accruing(business_id)
            dynamodb_client().put_item(**action.request["Put"])
            done["accrual_schedule"] = 1
    return done
