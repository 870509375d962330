"""Write-off policy through its handlers (SPEC §7, §3): PUT validates and stores, GET reads it back.

Every refusal is a 400 ``ApiError`` that changes nothing — neither the books nor the stored policy.
"""

from typing import Any

import pytest
from support import assert_error, books, error_fields, stable
from support.write_offs import policy_body, put_policy, set_policy

pytest_plugins = ["support.write_offs"]  # its fixture: business


@pytest.fixture
def write_off_table(moto_table: str) -> str:
    return moto_table


def get_policy(api, **kwargs: Any):
    return api.get(f"{api.base}/write-off-policy", **kwargs)


# ---- GET ----------------------------------------------------------------------------------------------


def test_a_business_that_never_set_a_policy_gets_the_disabled_default(business):
    api = business()

    response = get_policy(api)

    assert response.status == 200, response.json()
    assert response.json() == {
        "business_id": api.business_id,
        "enabled": False,
        "updated_at": None,
        "invoices": {"enabled": False, "days_past_due": 90, "destination_ledger_account": stable("BAD_DEBT")},
        "loans": {"enabled": False, "days_past_maturity": None, "days_without_payment": None},
    }


def test_put_stores_the_policy_and_get_reads_it_back(business):
    api = business()

    stored = set_policy(api)

    assert stored == {
        "business_id": api.business_id,
        "enabled": True,
        "updated_at": "2026-06-01T12:00:00Z",
        "invoices": {"enabled": True, "days_past_due": 90, "destination_ledger_account": stable("BAD_DEBT")},
        "loans": {"enabled": True, "days_past_maturity": 30, "days_without_payment": 180},
    }
    assert get_policy(api).json() == stored


def test_the_latest_put_wins(business):
    api = business()
    set_policy(api)

    set_policy(api, days_past_due=120, enabled=False)

    assert get_policy(api).json()["enabled"] is False
    assert get_policy(api).json()["invoices"]["days_past_due"] == 120


def test_a_destination_named_by_account_id_is_kept_as_given(business):
    api = business()
    destination = {"type": "AccountId", "id": api.accounts["UNCATEGORIZED_EXPENSES"]}
    body = policy_body()
    body["invoices"]["destination_ledger_account"] = destination

    response = put_policy(api, body)

    assert response.status == 200, response.json()
    assert get_policy(api).json()["invoices"]["destination_ledger_account"] == destination


def test_a_policy_may_cover_loans_by_one_rule_only(business):
    api = business()

    stored = set_policy(api, days_past_maturity=None, days_without_payment=365)

    assert stored["loans"] == {"enabled": True, "days_past_maturity": None, "days_without_payment": 365}


def test_putting_a_policy_posts_nothing(business):
    api = business()
    before = books(api.business_id)

    set_policy(api)

    assert books(api.business_id) == before


# ---- validation (400, nothing changes) -----------------------------------------------------------------


def _with(path: str, value: Any) -> dict[str, Any]:
    body = policy_body()
    section, _, name = path.rpartition(".")
    (body[section] if section else body)[name] = value
    return body


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (_with("invoices.days_past_due", 0), "invoices.days_past_due"),
        (_with("invoices.days_past_due", 3651), "invoices.days_past_due"),
        (_with("invoices.days_past_due", "90"), "invoices.days_past_due"),
        (_with("invoices.days_past_due", 90.0), "invoices.days_past_due"),
        (_with("invoices.days_past_due", True), "invoices.days_past_due"),
        (_with("loans.days_without_payment", 0), "loans.days_without_payment"),
        (_with("loans.days_without_payment", 3651), "loans.days_without_payment"),
        (_with("loans.days_past_maturity", 3651), "loans.days_past_maturity"),
        (_with("loans.days_past_maturity", -1), "loans.days_past_maturity"),
        (_with("surprise", 1), "surprise"),
        (_with("invoices.surprise", 1), "invoices.surprise"),
        (_with("loans.direction", "borrow"), "loans.direction"),
        (_with("enabled", "yes"), "enabled"),
        ({"invoices": {"enabled": True}}, "enabled"),
    ],
    ids=[
        "days-0",
        "days-3651",
        "days-string",
        "days-float",
        "days-bool",
        "silence-0",
        "silence-3651",
        "maturity-3651",
        "maturity-negative",
        "unknown-field",
        "unknown-invoice-field",
        "unknown-loan-field",
        "enabled-string",
        "enabled-missing",
    ],
)
def test_an_invalid_policy_is_refused_naming_the_field(business, body, field):
    api = business()
    set_policy(api)
    before, stored = books(api.business_id), get_policy(api).json()

    response = put_policy(api, body)

    assert field in error_fields(response)
    assert books(api.business_id) == before
    assert get_policy(api).json() == stored


def test_loans_enabled_with_neither_rule_is_refused(business):
    api = business()
    before = books(api.business_id)

    response = put_policy(api, policy_body(days_past_maturity=None, days_without_payment=None))

    assert error_fields(response) == ["loans"]
    assert books(api.business_id) == before
    assert get_policy(api).json()["enabled"] is False


@pytest.mark.parametrize("name", ["SALES", "CASH", "ACCOUNTS_PAYABLE", "OPENING_BALANCE_EQUITY"])
def test_a_destination_that_is_not_an_expense_is_refused(business, name):
    api = business()
    body = policy_body()
    body["invoices"]["destination_ledger_account"] = stable(name)

    response = put_policy(api, body)

    assert error_fields(response) == ["invoices.destination_ledger_account"]
    assert get_policy(api).json()["enabled"] is False


def test_a_debit_normal_revenue_destination_is_accepted(business):
    """SPEC §6.3: contra-revenue (DISCOUNTS) is a valid write-off destination, as for manual write-offs."""
    api = business()
    body = policy_body()
    body["invoices"]["destination_ledger_account"] = stable("DISCOUNTS")

    assert put_policy(api, body).status == 200


@pytest.mark.parametrize(
    "identifier",
    [stable("NO_SUCH_ACCOUNT"), {"type": "AccountId", "id": "00000000-0000-4000-8000-000000000000"}],
    ids=["stable-name", "account-id"],
)
def test_an_unknown_destination_account_is_refused(business, identifier):
    api = business()
    body = policy_body()
    body["invoices"]["destination_ledger_account"] = identifier
    before = books(api.business_id)

    response = put_policy(api, body)

    assert error_fields(response) == ["invoices.destination_ledger_account"]
    assert books(api.business_id) == before


def test_another_business_account_is_an_unknown_destination(business):
    api, other = business(), business("Other Co")
    body = policy_body()
    body["invoices"]["destination_ledger_account"] = {"type": "AccountId", "id": other.accounts["BAD_DEBT"]}

    assert error_fields(put_policy(api, body)) == ["invoices.destination_ledger_account"]


def test_malformed_json_is_refused(business):
    api = business()

    response = api.request("PUT", f"{api.base}/write-off-policy", body='{"enabled": tr')

    assert_error(response, 400, "InvalidParameters", "InvalidPayload")


# ---- authentication and business access (SPEC §3) --------------------------------------------------------


def test_another_business_token_is_forbidden_to_read_or_set_the_policy(business):
    api, other = business(), business("Other Co")
    set_policy(api)
    as_other = {"token": f"Bearer {other.token}"}

    assert_error(get_policy(api, **as_other), 403, "AuthFailure", None)
    assert_error(put_policy(api, policy_body(enabled=False), **as_other), 403, "AuthFailure", None)
    assert get_policy(api).json()["enabled"] is True


def test_no_token_is_unauthorized(business):
    api = business()

    response = get_policy(api, token=None)

    assert response.status == 401
    assert response.json() == {"message": "Unauthorized"}
