"""The two response families of SPEC §3, in one place.

Loans (``/api/v1``, DayZero-compatible): a ``SuccessEnvelope``, ``{"detail", "code"}`` errors and a
422 ``HTTPValidationError``. Invoices & ledger (``/v1/businesses/…``, Layer-compatible): bare objects,
``ApiError`` bodies and a 400 ``InvalidParameters`` for validation. What an error's ``code``,
``type`` and ``error_enum`` are comes from the one table, ``api/errors.py``.
"""

import json
from dataclasses import dataclass
from typing import Any

from ledgerline.api.errors import answer_for
from ledgerline.errors import LedgerError

JSON = "application/json"


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


def _field_path(loc: list[Any] | tuple[Any, ...], kind: str | None = None) -> str:
    # ("body", "line_items", 0, "amount") -> "line_items.0.amount"; headers and queries keep their name.
    if kind == "json_invalid":  # loc is ("body", <character offset>): the field is the whole body
        return "body"
    parts = list(loc[1:]) if loc and loc[0] == "body" else list(loc[1:] or loc)
    return ".".join(str(part) for part in parts) or "body"


def _describe(error: dict[str, Any]) -> str:
    if error.get("type") == "json_invalid":
        reason = (error.get("ctx") or {}).get("error", "")
        return f"The request body is not valid JSON{': ' + str(reason) if reason else ''}."
    return str(error.get("msg", "Invalid value"))


@dataclass(frozen=True)
class Family:
    """One response family of SPEC §3: the bodies of a success, a refusal, a validation failure and a 500."""

    name: str
    validation_status: int
    """The status of a validation failure: 422 (loans) or 400 (ledger)."""

    def success(self, data: Any, *, message: str = "", code: str = "") -> Any:
        """The body of a success around ``data`` (the presented result); ``message`` and ``code`` are the envelope's."""
        raise NotImplementedError

    def error(self, error: LedgerError) -> dict[str, Any]:
        """The body of a refusal with ``error`` (its ``code``, ``type`` and ``error_enum``: ``api/errors.py``)."""
        raise NotImplementedError

    def validation(self, errors: list[dict[str, Any]]) -> dict[str, Any]:
        """The body of a validation failure, from errors in the validator's form (``loc``, ``msg``, ``type``…)."""
        raise NotImplementedError

    def internal_error(self, request_id: str) -> dict[str, Any]:
        """The body of a 500: nothing of the failure, only the request id to quote."""
        raise NotImplementedError


class LoansFamily(Family):
    """``/api/v1`` (DayZero): a ``SuccessEnvelope``, ``{"detail", "code"}`` errors, a 422 ``HTTPValidationError``."""

    def success(self, data: Any, *, message: str = "", code: str = "") -> Any:
        """The ``SuccessEnvelope``: ``{"success": true, "message", "code", "data"}``."""
        return {"success": True, "message": message, "code": code, "data": data}

    def error(self, error: LedgerError) -> dict[str, Any]:
        """``{"detail": <message>, "code": <the error's stable code>}``."""
        return {"detail": error.message, "code": answer_for(type(error)).code}

    def validation(self, errors: list[dict[str, Any]]) -> dict[str, Any]:
        """An ``HTTPValidationError``: ``{"detail": [{"loc", "msg", "type", "input"?, "ctx"?}]}``."""
        detail = []
        for error in errors:
            item = {
                "loc": list(error.get("loc", [])),
                "msg": _describe(error),
                "type": error.get("type", "value_error"),
            }
            if "input" in error and error.get("type") != "json_invalid":
                item["input"] = _jsonable(error["input"])
            if error.get("ctx"):
                item["ctx"] = _jsonable(error["ctx"])
            detail.append(item)
        return {"detail": detail}

    def internal_error(self, request_id: str) -> dict[str, Any]:
        """``{"detail", "code": "INTERNAL_ERROR", "request_id"}``."""
        return {"detail": "Internal server error.", "code": "INTERNAL_ERROR", "request_id": request_id}


class LedgerFamily(Family):
    """``/v1/businesses/…`` (Layer-compatible): bare objects, ``ApiError`` bodies, a 400 ``InvalidParameters``."""

    def success(self, data: Any, *, message: str = "", code: str = "") -> Any:
        """``data`` itself, bare (``message`` and ``code`` are ignored)."""
        return data

    def error(self, error: LedgerError) -> dict[str, Any]:
        """An ``ApiError``: ``{"type", "description", "error_enum", "meta"}``."""
        answer = answer_for(type(error))
        return {"type": answer.type, "description": error.message, "error_enum": answer.error_enum, "meta": error.meta}

    def validation(self, errors: list[dict[str, Any]]) -> dict[str, Any]:
        """An ``InvalidParameters`` ``ApiError`` naming each field (a dotted path) and what is wrong with it."""
        fields = [{"field": _field_path(e.get("loc", []), e.get("type")), "message": _describe(e)} for e in errors]
        summary = "; ".join(f"{f['field']}: {f['message']}" for f in fields)
        return {
            "type": "InvalidParameters",
            "description": f"Invalid request: {summary}",
            "error_enum": "InvalidPayload",
            "meta": {"errors": fields},
        }

    def internal_error(self, request_id: str) -> dict[str, Any]:
        """An ``ApiError`` of type ``Unknown``, the request id in its ``meta``."""
        return {
            "type": "Unknown",
            "description": "Internal server error.",
            "error_enum": None,
            "meta": {"request_id": request_id},
        }


LOANS = LoansFamily(name="loans", validation_status=422)
LEDGER = LedgerFamily(name="ledger", validation_status=400)
