"""botocore's data for the two clients the ledger creates (DynamoDB, SQS), and nothing else.

To create one client, botocore's own loader lists the folder of every service it knows (~420: some 900
directory reads and 2,700 stats, to check the name exists), parses the 1.2 MB ``endpoints.json`` that
describes them all, and decompresses a service model written mostly of documentation. That is ~80–100 ms
of every cold start, a fifth of the whole of ``import boto3; boto3.client("dynamodb")``
(docs/performance.md, decision 131).

The layer's build (``shared/Makefile``) and ``make install`` write :data:`FOLDER` from the very botocore
they ship or installed: the same models for DynamoDB and SQS with their ``documentation`` strings left
out, ``endpoints.json`` cut to those two services, the files every client reads, and a stamp with
botocore's version. :func:`loader` reads it only when the stamp is the imported botocore's version, so a
copy left from another version is never used (the client then reads botocore's own data, as before).

    python -m ledgerline.store.aws_data [DESTINATION]

Kept to ``os`` at module level: the functions import this on their cold-start path.
"""

import os

import botocore
from botocore.loaders import Loader

SERVICES = ("dynamodb", "sqs")
"""Every service the ledger makes a client for (store/runtime.py, store/queue.py)."""
FOLDER = os.path.join(os.path.dirname(__file__), "aws-data")
STAMP = "botocore-version"
SHARED = ("endpoints", "partitions", "_retry", "sdk-default-configuration")
"""What botocore reads for any client, besides the service's own models."""
MODELS = ("service-2", "endpoint-rule-set-1", "paginators-1", "waiters-2")
"""A service's models: the API (its documentation dropped) and its endpoint rules; paginators and waiters
are read only when asked for (the tools' waiters use them), and are small."""


def loader(folder: str = FOLDER) -> Loader | None:
    """A loader that reads only ``folder``, if it holds data written for the imported botocore; else None."""
    try:
        with open(os.path.join(folder, STAMP)) as stamp:
            written_for = stamp.read().strip()
    except OSError:
        return None
    if written_for != botocore.__version__:
        return None
    return Loader(extra_search_paths=[folder], include_default_search_paths=False)


def without_documentation(node: object) -> object:
    """A model with every ``documentation`` string left out (nothing a client does reads them)."""
    if isinstance(node, dict):
        return {key: without_documentation(value) for key, value in node.items() if key != "documentation"}
    if isinstance(node, list):
        return [without_documentation(value) for value in node]
    return node


def trimmed() -> dict[str, object]:
    """What :data:`FOLDER` holds, relative path → JSON, from the imported botocore's own data."""
    from botocore.exceptions import DataNotFoundError

    source = Loader()
    files: dict[str, object] = {}
    for service in SERVICES:
        version = source.determine_latest_version(service, "service-2")
        for model in MODELS:
            try:
                data = source.load_service_model(service, model, version)
            except DataNotFoundError:  # not every service has paginators or waiters
                continue
            files[f"{service}/{version}/{model}.json"] = without_documentation(data) if model == "service-2" else data
    for name in SHARED:
        files[f"{name}.json"] = source.load_data(name)
    endpoints = files["endpoints.json"]
    for partition in endpoints["partitions"]:  # type: ignore[index]
        partition["services"] = {k: v for k, v in partition["services"].items() if k in SERVICES}
    return files


def write(destination: str = FOLDER) -> None:
    """Write the trimmed data and its stamp to ``destination``, replacing what was there whole."""
    import json
    import shutil
    import tempfile

    parent = os.path.dirname(os.path.abspath(destination))
    staging = tempfile.mkdtemp(prefix=".aws-data-", dir=parent)
    try:
        for path, data in trimmed().items():
            target = os.path.join(staging, path)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "w") as handle:
                json.dump(data, handle, separators=(",", ":"))
        with open(os.path.join(staging, STAMP), "w") as stamp:
            stamp.write(botocore.__version__ + "\n")
        shutil.rmtree(destination, ignore_errors=True)
        os.replace(staging, destination)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


if __name__ == "__main__":
    import sys

    write(sys.argv[1] if len(sys.argv) > 1 else FOLDER)
