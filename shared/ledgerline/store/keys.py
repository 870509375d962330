"""Every key of the single table, in one place (docs/table-design.md describes the access patterns).

PK ``BIZ#<business>`` holds a business's profile and chart (``CHART#…``, one Query loads both),
stable-name guards, journal entries, idempotency and external-id records. Tokens live apart under
``TOKEN#<sha256>`` so the authorizer reads one item. GSI1 lists entries by date.
"""

import hashlib

CHART_PREFIX = "CHART#"
PROFILE_SK = "CHART#PROFILE"
ACCOUNT_PREFIX = "CHART#ACCOUNT#"
ENTRY_PREFIX = "ENTRY#"
TOKEN_SK = "TOKEN"


def sha256_hex(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def business_pk(business_id: str) -> str:
    return f"BIZ#{business_id}"


def account_sk(account_id: str) -> str:
    return f"{ACCOUNT_PREFIX}{account_id}"


def stable_name_sk(stable_name: str) -> str:
    return f"STABLE#{stable_name}"


def entry_sk(entry_id: str) -> str:
    return f"{ENTRY_PREFIX}{entry_id}"


def entries_by_date_pk(business_id: str) -> str:
    return f"BIZ#{business_id}#ENTRIES"


def entries_by_date_sk(entry_date: str, entry_id: str) -> str:
    return f"{entry_date}#{entry_id}"


def idempotency_sk(key: str) -> str:
    # Keys are caller-chosen strings of up to 255 characters; hashing keeps the sort key bounded.
    return f"IDEMPOTENCY#{sha256_hex(key)}"


def external_id_sk(kind: str, external_id: str) -> str:
    return f"EXTERNAL#{kind}#{sha256_hex(external_id)}"


def token_pk(token_hash: str) -> str:
    return f"TOKEN#{token_hash}"


def key(pk: str, sk: str) -> dict[str, str]:
    return {"PK": pk, "SK": sk}
