"""The two response families of SPEC §3, in one place.

Loans (``/api/v1``, DayZero-compatible): a ``SuccessEnvelope``, ``{"detail", "code"}`` errors and a
422 ``HTTPValidationError``. Invoices & ledger (``/v1/businesses/…``, Layer-compatible): bare objects,
``ApiError`` bodies and a 400 ``InvalidParameters`` for validation.
"""

import json
from dataclasses import dataclass
from typing import Any

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
    name: str
    validation_status: int

    def success(self, data: Any, *, message: str = "", code: str = "") -> Any:
        raise NotImplementedError

    def error(self, error: LedgerError) -> dict[str, Any]:
        raise NotImplementedError

    def validation(self, errors: list[dict[str, Any]]) -> dict[str, Any]:
        raise NotImplementedError

    def internal_error(self, request_id: str) -> dict[str, Any]:
        raise NotImplementedError


class LoansFamily(Family):
    def success(self, data: Any, *, message: str = "", code: str = "") -> Any:
        return {"success": True, "message": message, "code": code, "data": data}

    def error(self, error: LedgerError) -> dict[str, Any]:
        return {"detail": error.message, "code": error.code}

    def validation(self, errors: list[dict[str, Any]]) -> dict[str, Any]:
        detail = []
        for error in errors:
            item = {"loc": list(error.get("loc", [])), "msg": _describe(error), "type": error.get("type", "value_error")}
            if "input" in error and error.get("type") != "json_invalid":
                item["input"] = _jsonable(error["input"])
            if error.get("ctx"):
                item["ctx"] = _jsonable(error["ctx"])
            detail.append(item)
        return {"detail": detail}

    def internal_error(self, request_id: str) -> dict[str, Any]:
        return {"detail": "Internal server error.", "code": "INTERNAL_ERROR", "request_id": request_id}


class LedgerFamily(Family):
    def success(self, data: Any, *, message: str = "", code: str = "") -> Any:
        return data

    def error(self, error: LedgerError) -> dict[str, Any]:
        return {"type": error.api_type, "description": error.message, "error_enum": error.error_enum, "meta": error.meta}

    def validation(self, errors: list[dict[str, Any]]) -> dict[str, Any]:
        fields = [{"field": _field_path(e.get("loc", []), e.get("type")), "message": _describe(e)} for e in errors]
        summary = "; ".join(f"{f['field']}: {f['message']}" for f in fields)
        return {
            "type": "InvalidParameters",
            "description": f"Invalid request: {summary}",
            "error_enum": "InvalidPayload",
            "meta": {"errors": fields},
        }

    def internal_error(self, request_id: str) -> dict[str, Any]:
        return {"type": "Unknown", "description": "Internal server error.", "error_enum": None,
                "meta": {"request_id": request_id}}


LOANS = LoansFamily(name="loans", validation_status=422)
LEDGER = LedgerFamily(name="ledger", validation_status=400)
