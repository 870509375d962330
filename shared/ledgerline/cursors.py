"""Opaque, tamper-proof pagination cursors.

A cursor is the store's position, bound to the listing it came from (business, endpoint and
filters) and signed with HMAC-SHA256; altered, truncated or foreign cursors are refused (400).
"""

import base64
import hashlib
import hmac
import json
import os
from typing import Any

from ledgerline.errors import InvalidCursor

LOCAL_SECRET = "ledgerline-local-cursor-secret"


def _secret() -> bytes:
    # Deployed functions get a generated secret (template.yaml); the local stack uses a fixed one.
    return os.environ.get("CURSOR_SECRET", LOCAL_SECRET).encode()


def _sign(payload: bytes) -> bytes:
    return hmac.new(_secret(), payload, hashlib.sha256).digest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def encode(scope: str, position: dict[str, Any] | None) -> str | None:
    if position is None:
        return None
    payload = json.dumps({"s": scope, "p": position}, separators=(",", ":"), sort_keys=True).encode()
    return f"{_b64(payload)}.{_b64(_sign(payload))}"


def decode(scope: str, cursor: str | None) -> dict[str, Any] | None:
    if cursor is None:
        return None
    try:
        payload_text, signature_text = cursor.split(".")
        payload = _unb64(payload_text)
        if not hmac.compare_digest(_sign(payload), _unb64(signature_text)):
            raise InvalidCursor()
        data = json.loads(payload)
    except (ValueError, TypeError):
        raise InvalidCursor() from None
    if data.get("s") != scope or not isinstance(data.get("p"), dict):
        raise InvalidCursor()
    return data["p"]
