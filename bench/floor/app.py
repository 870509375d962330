"""The floor of a cold start with the design card's libraries and none of Ledgerline's code.

A write-off-shaped route on Powertools' typed resolver (``enable_validation=True``) with a Pydantic
body and answer, Logger, Metrics and Tracer (patching botocore, as the functions do) and one
DynamoDB GetItem. ``make bench`` measures it beside the real functions: what is above this line is
ours to trim, what is below it is the libraries' own (docs/performance.md).
"""

import os
from typing import Annotated

import boto3
from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.event_handler.openapi.params import Body
from pydantic import BaseModel

logger = Logger()
metrics = Metrics(namespace="LedgerlineBench")
tracer = Tracer(patch_modules=["botocore"])
app = APIGatewayHttpResolver(enable_validation=True)
_client = None


class WriteOff(BaseModel):
    write_off_date: str | None = None
    principal_cents: int | None = None
    memo: str | None = None


class Answer(BaseModel):
    instrument_id: str
    found: bool


@app.post("/api/v1/loans/<instrument_id>/write-off")
def write_off(instrument_id: str, body: Annotated[WriteOff | None, Body()] = None) -> Answer:
    global _client
    _client = _client or boto3.client("dynamodb")
    item = _client.get_item(
        TableName=os.environ["LEDGER_TABLE_NAME"], Key={"PK": {"S": f"FLOOR#{instrument_id}"}, "SK": {"S": "FLOOR"}}
    )
    return Answer(instrument_id=instrument_id, found="Item" in item)


@logger.inject_lambda_context
@metrics.log_metrics
@tracer.capture_lambda_handler(capture_response=False)
def lambda_handler(event: dict, context: object) -> dict:
    return app.resolve(event, context)
