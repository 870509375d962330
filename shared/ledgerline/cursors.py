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

# Secrets Manager is asked at most once per this many seconds per container (Powertools' cache).
SECRET_MAX_AGE_SECONDS = 300


class CursorSecretUnavailable(RuntimeError):
    """Neither key source is configured: a configuration fault (500), never a caller's error (4xx)."""


def _secret() -> bytes:
    """The HMAC key, looked up only when a cursor is actually signed or checked.

    1. ``CURSOR_SECRET``: the key itself. Only the local stack sets it (``ledgerline serve``,
       ``ledgerline invoke``, the test session); a deployed function never has it.
    2. ``CURSOR_SECRET_ARN``: the deployed case (template.yaml). The key is read at run time from
       Secrets Manager and cached, never resolved into the function's environment.
    3. Neither: refuse. There is no built-in key to fall back on, since a key in the source would
       let anyone forge cursors for a deployment that lost its configuration.
    """
    local = os.environ.get("CURSOR_SECRET")
    if local:
        return local.encode()
    arn = os.environ.get("CURSOR_SECRET_ARN")
    if not arn:
        raise CursorSecretUnavailable(
            "no pagination cursor key: CURSOR_SECRET_ARN (the Secrets Manager secret template.yaml gives "
            "every function that pages) is not set, nor CURSOR_SECRET (the local stack's key)"
        )
    # Imported here, not at the top: functions that never page don't pay for it at cold start.
    from aws_lambda_powertools.utilities.parameters import get_secret

    value = get_secret(arn, max_age=SECRET_MAX_AGE_SECONDS)
    if isinstance(value, bytes | bytearray):
        key = bytes(value)
    elif isinstance(value, str):
        key = value.encode()
    else:
        key = b""
    if not key:
        raise CursorSecretUnavailable(f"the pagination cursor secret {arn} is empty")
    return key


def _sign(payload: bytes) -> bytes:
    return hmac.new(_secret(), payload, hashlib.sha256).digest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def encode(scope: str, position: dict[str, Any] | None) -> str | None:
    """The signed cursor of ``position`` in the listing ``scope``; None when there is no next page."""
    if position is None:
        return None
    payload = json.dumps({"s": scope, "p": position}, separators=(",", ":"), sort_keys=True).encode()
    return f"{_b64(payload)}.{_b64(_sign(payload))}"


def decode(scope: str, cursor: str | None) -> dict[str, Any] | None:
    """The position ``cursor`` holds (None for none); :class:`InvalidCursor` unless ours, intact and of ``scope``."""
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
