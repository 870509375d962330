"""Setting up the local books: table from template.yaml, the demo business, Swagger UI assets."""

import json
import os
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError

from ledgerline.services import businesses
from ledgerline.store import chart as chart_store
from ledgerline.store import runtime
from ledgerline_tools import events, npm, template
from ledgerline_tools.npm import Say

LOCAL_DIR = template.ROOT / ".local"
DEMO_FILE = LOCAL_DIR / "demo.json"
SWAGGER_UI_VERSION = "5.35.0"
SWAGGER_UI_MB = 12  # MiB unpacked
DEMO_ACCOUNT_IDS = {"CASH": events.CASH}
"""The demo business's CASH is the account the samples' ``cash_ledger_id`` names (55555555-…): the request
examples of docs/openapi.json (the routes' samples) succeed against it as they are, in Swagger UI's Try it out."""


def use_local_endpoint(endpoint_url: str) -> None:
    """Point boto3 at DynamoDB Local with throwaway credentials, never at a real account."""
    os.environ["AWS_ENDPOINT_URL_DYNAMODB"] = endpoint_url
    os.environ["AWS_ACCESS_KEY_ID"] = "local"
    os.environ["AWS_SECRET_ACCESS_KEY"] = "local"
    os.environ.pop("AWS_SESSION_TOKEN", None)
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    runtime.reset()


def ensure_table(say: Say | None = None) -> bool:
    """Create the table exactly as template.yaml defines it; True if it was created now."""
    client = runtime.dynamodb_client()
    name = runtime.table_name()
    try:
        client.describe_table(TableName=name)
        if say is not None:
            say(f"Using the table {name} (created on an earlier run)")
        return False
    except ClientError as error:
        if error.response["Error"]["Code"] != "ResourceNotFoundException":
            raise
    if say is not None:
        say(f"Creating the table {name} (template.yaml's definition)")
    client.create_table(TableName=name, **template.table_definition())
    client.get_waiter("table_exists").wait(TableName=name)
    if ttl := template.ttl_attribute():
        client.update_time_to_live(TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": ttl})
    return True


def business_summary(created: businesses.NewBusiness) -> dict[str, Any]:
    return {
        "business_id": created.business.id,
        "token": created.token,
        "ledger_accounts": {account.stable_name: account.id for account in created.accounts},
    }


def ensure_demo(api_url: str, dynamodb_endpoint: str) -> tuple[dict[str, Any], bool]:
    """The demo business and token, created on first start and kept in .local/demo.json.

    The file also says where this run serves the API and DynamoDB Local, for the README's walkthroughs
    and scripts (``AWS_ENDPOINT_URL_DYNAMODB=$(demo dynamodb_endpoint)``).
    """
    where = {"api_url": api_url, "dynamodb_endpoint": dynamodb_endpoint}
    if DEMO_FILE.exists():
        demo = json.loads(DEMO_FILE.read_text())
        business, _chart = chart_store.load(demo.get("business_id", ""))
        if business is not None and businesses.authenticate(demo.get("token", "")):
            demo = {**where, **{k: v for k, v in demo.items() if k not in where}}
            DEMO_FILE.write_text(json.dumps(demo, indent=2) + "\n")
            return demo, False
    created = businesses.create_business("Demo Co", timezone="UTC", token_days=365, account_ids=DEMO_ACCOUNT_IDS)
    demo = {**where, **business_summary(created)}
    LOCAL_DIR.mkdir(parents=True, exist_ok=True)
    DEMO_FILE.write_text(json.dumps(demo, indent=2) + "\n")
    return demo, True


def swagger_assets(say: Say | None = None) -> Path | None:
    """Swagger UI from the npm registry, served locally; None (use a CDN) if npm can't fetch it."""
    folder = LOCAL_DIR / "swagger"
    dist = folder / "node_modules" / "swagger-ui-dist"
    if (dist / "swagger-ui-bundle.js").exists():
        return dist
    if say is not None:
        say(f"Fetching Swagger UI {SWAGGER_UI_VERSION} from npm (swagger-ui-dist, about {SWAGGER_UI_MB} MB, once)")
    folder.mkdir(parents=True, exist_ok=True)
    try:
        npm.install("swagger-ui-dist", SWAGGER_UI_VERSION, folder, expected_mb=SWAGGER_UI_MB, say=say)
    except RuntimeError:
        if say is not None:
            say("Swagger UI could not be fetched from npm: /docs loads it from a CDN instead")
        return None
    return dist if (dist / "swagger-ui-bundle.js").exists() else None
