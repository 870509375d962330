"""The DynamoDB client and table name, created once per container and reused by warm invocations."""

import os
from functools import lru_cache

import boto3
from botocore.config import Config

DEFAULT_TABLE_NAME = "ledgerline"


def table_name() -> str:
    return os.environ.get("LEDGER_TABLE_NAME", DEFAULT_TABLE_NAME)


@lru_cache(maxsize=1)
def dynamodb_client():
    # boto3 honours AWS_ENDPOINT_URL_DYNAMODB, which is how DynamoDB Local is reached.
    # "standard" retries throttled and transient calls with jittered backoff; a
    # TransactionCanceledException is not retried here: the ledger decides what a cancellation means.
    # DynamoDB answers in milliseconds: short timeouts leave time, inside the function's 10 s, for the
    # ledger's own resends of an ambiguous write (store/transactions.py) and a truthful answer.
    config = Config(retries={"mode": "standard", "max_attempts": 3}, connect_timeout=2, read_timeout=5)
    return boto3.client("dynamodb", config=config)


def reset() -> None:
    """Forget the cached client (tests switch between moto and DynamoDB Local)."""
    dynamodb_client.cache_clear()

