"""The ledger as a caller sees it: request bodies, entries, balances and the ``ApiError`` shape (SPEC §3, §6.6)."""

from collections import Counter
from typing import Any

from support.api import Api

MISSING_ID = "00000000-0000-4000-8000-000000000000"
"""A well-formed id (UUID v4) that names nothing: asking for it is a 404, not a 400."""


# ---- request bodies ------------------------------------------------------------------------------------


def stable(name: str) -> dict[str, str]:
    """An account identifier by stable name."""
    return {"type": "StableName", "stable_name": name}


def by_id(account_id: str) -> dict[str, str]:
    """An account identifier by id."""
    return {"type": "AccountId", "id": account_id}


def line(account: str | dict[str, str], amount: Any, direction: str, **extra: Any) -> dict[str, Any]:
    """A line item; ``account`` is a stable name or an identifier (:func:`stable`, :func:`by_id`)."""
    identifier = stable(account) if isinstance(account, str) else account
    return {"account_identifier": identifier, "amount": amount, "direction": direction, **extra}


def entry_body(amount: int = 10_000, memo: str = "Owner contribution", **extra: Any) -> dict[str, Any]:
    """A balanced two-line custom journal entry: Dr CASH / Cr OPENING_BALANCE_EQUITY."""
    return {
        "memo": memo,
        "line_items": [line("CASH", amount, "DEBIT"), line("OPENING_BALANCE_EQUITY", amount, "CREDIT")],
        **extra,
    }


def sale(amount: Any = 1_000, **fields: Any) -> dict[str, Any]:
    """A balanced two-line custom journal entry without a memo: Dr CASH / Cr SALES."""
    return {"line_items": [line("CASH", amount, "DEBIT"), line("SALES", amount, "CREDIT")], **fields}


# ---- requests --------------------------------------------------------------------------------------------


def post_entry(client: Api, body: Any = None, **kwargs: Any):
    """POST a custom journal entry: ``body``, or :func:`entry_body` when none is given."""
    return client.post(f"{client.base}/custom-journal-entries", entry_body() if body is None else body, **kwargs)


def list_entries(client: Api, query: str = ""):
    return client.get(f"{client.base}/ledger/entries", query=query)


def get_entry(client: Api, entry_id: str) -> dict[str, Any]:
    """An entry that exists (200)."""
    response = client.get(f"{client.base}/ledger/entries/{entry_id}")
    assert response.status == 200, response.json()
    return response.json()


# ---- answers --------------------------------------------------------------------------------------------


def netted(entry: dict[str, Any]) -> dict[tuple[str, str], int]:
    """An entry's lines netted per (stable name, direction): {("CASH", "DEBIT"): 20_000, ...}."""
    totals: Counter[tuple[str, str]] = Counter()
    for item in entry["line_items"]:
        totals[(item["account"]["stable_name"], item["direction"])] += item["amount"]
    return dict(totals)


def lines(client: Api, entry_id: str) -> dict[tuple[str, str], int]:
    """A posted entry's lines, netted per (stable name, direction)."""
    return netted(get_entry(client, entry_id))


def lines_of(entry: dict[str, Any]) -> list[tuple[str, str, int]]:
    """An entry's lines as sorted (stable_name, direction, amount)."""
    return sorted((item["account"]["stable_name"], item["direction"], item["amount"]) for item in entry["line_items"])


def balances(client: Api) -> dict[str, int]:
    """Every account's balance, by stable name, as ``GET /ledger/accounts`` lists them."""
    listed = client.get(f"{client.base}/ledger/accounts").json()["data"]
    return {account["stable_name"]: account["balance"] for account in listed}


def assert_error(response: Any, status: int, api_type: str, error_enum: str | None) -> dict[str, Any]:
    """An ApiError of exactly seed 001's shape, with a description."""
    assert response.status == status, (response.status, response.body[:400])
    body = response.json()
    assert set(body) == {"type", "description", "error_enum", "meta"}
    assert (body["type"], body["error_enum"]) == (api_type, error_enum)
    assert body["description"]
    return body


def error_fields(response: Any) -> list[str]:
    """The fields a 400 ApiError ``InvalidParameters`` / ``InvalidPayload`` names, in order."""
    return [
        error["field"] for error in assert_error(response, 400, "InvalidParameters", "InvalidPayload")["meta"]["errors"]
    ]


def assert_invalid(response: Any, *fields: str) -> dict[str, Any]:
    """400 ``InvalidParameters`` / ``InvalidPayload`` naming exactly ``fields`` (in order), each with a message."""
    assert response.status == 400, (response.status, response.body[:400])
    body = response.json()
    assert set(body) == {"type", "description", "error_enum", "meta"}
    assert (body["type"], body["error_enum"]) == ("InvalidParameters", "InvalidPayload")
    assert [error["field"] for error in body["meta"]["errors"]] == list(fields), body
    assert all(error["message"] for error in body["meta"]["errors"])
    return body
