"""The DynamoDB client and table name, created once per container and reused by warm invocations."""

import os
import random
from functools import lru_cache

from botocore.config import Config
from botocore.session import Session

from ledgerline.store import aws_data

DEFAULT_TABLE_NAME = "ledgerline"


def table_name() -> str:
    """``LEDGER_TABLE_NAME``, or ``ledgerline`` when it is not set."""
    return os.environ.get("LEDGER_TABLE_NAME", DEFAULT_TABLE_NAME)


@lru_cache(maxsize=1)
def session() -> Session:
    """botocore's session for the ledger's clients, reading the ledger's trimmed copy of botocore's data
    when the build wrote one for this botocore (store/aws_data.py: ~80–100 ms less per cold start)."""
    created = Session()
    trimmed = aws_data.loader()
    if trimmed is not None:
        created.register_component("data_loader", trimmed)
    return created


@lru_cache(maxsize=1)
def dynamodb_client():
    """The low-level DynamoDB client, created once per container (:func:`reset` drops it)."""
    # botocore's own session, not boto3's: the same low-level client without importing boto3's resources
    # (~80 ms of a cold start, docs/decisions.md). botocore honours AWS_ENDPOINT_URL_DYNAMODB, which is how
    # DynamoDB Local is reached.
    # "standard" retries throttled and transient calls with jittered backoff; a
    # TransactionCanceledException is not retried here: the ledger decides what a cancellation means.
    # DynamoDB answers in milliseconds: short timeouts leave time, inside the function's 10 s, for the
    # ledger's own resends of an ambiguous write (store/transactions.py) and a truthful answer.
    config = Config(retries={"mode": "standard", "max_attempts": 3}, connect_timeout=2, read_timeout=5)
    return session().create_client("dynamodb", config=config)


def reset() -> None:
    """Forget the cached client and its session (tests switch between moto and DynamoDB Local)."""
    dynamodb_client.cache_clear()
    session.cache_clear()


def after_snapstart_restore() -> None:
    """SnapStart (template parameter): a restored snapshot shares the state of every other restore.

    Re-seed the jitter of the retries (ids come from ``os.urandom``, which is safe) and drop the client,
    whose connections were opened before the snapshot.
    """
    random.seed()
    reset()


try:  # only Lambda's Python runtime (3.12+) has the SnapStart hooks
    from snapshot_restore_py import register_after_restore
except ImportError:
    pass
else:  # pragma: no cover - runs in Lambda
    register_after_restore(after_snapstart_restore)
