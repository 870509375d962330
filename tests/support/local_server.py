"""The local server as `make run` serves it, on a free port, for tests that talk HTTP to it."""

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from ledgerline_tools.dynamodb_local import free_port
from ledgerline_tools.server import serve


@contextmanager
def serving(name: str, parameters: dict[str, str] | None = None) -> Iterator[str]:
    """Its base URL while it runs; it reads the table from the environment per request, as a function would.
    ``parameters``: template parameter values, as `ledgerline serve`'s options set them."""
    server = serve(free_port(), None, parameters)
    thread = threading.Thread(target=server.serve_forever, name=name, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
