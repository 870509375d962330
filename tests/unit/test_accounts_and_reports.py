"""The chart of accounts and the trial balance through the handlers (SPEC §4, §6.6).

Every scenario ends with the books balanced and a trial balance whose totals agree; every refusal
leaves the books exactly as they were.
"""

import pytest
from support import Api, CallCounter, assert_error, balanced_after, books, line, stable

from ledgerline.store import chart, codec, keys
from ledgerline.store.runtime import dynamodb_client, table_name

# SPEC §4: the chart every new business gets.
DEFAULT_CHART = {
    "CASH": ("Cash", "ASSET", "DEBIT"),
    "ACCOUNTS_RECEIVABLE": ("Accounts Receivable", "ASSET", "DEBIT"),
    "NOTES_RECEIVABLE": ("Notes Receivable", "ASSET", "DEBIT"),
    "INTEREST_RECEIVABLE": ("Interest Receivable", "ASSET", "DEBIT"),
    "ACCOUNTS_PAYABLE": ("Accounts Payable", "LIABILITY", "CREDIT"),
    "INTEREST_PAYABLE": ("Accrued Interest Payable", "LIABILITY", "CREDIT"),
    "LONG_TERM_DEBT": ("Long-Term Debt", "LIABILITY", "CREDIT"),
    "OPENING_BALANCE_EQUITY": ("Opening Balance Equity", "EQUITY", "CREDIT"),
    "RETAINED_EARNINGS": ("Retained Earnings", "EQUITY", "CREDIT"),
    "SALES": ("Sales", "REVENUE", "CREDIT"),
    "DISCOUNTS": ("Discounts (contra-revenue)", "REVENUE", "DEBIT"),
    "UNCATEGORIZED_REVENUE": ("Uncategorized Revenue", "REVENUE", "CREDIT"),
    "INTEREST_INCOME": ("Interest Income", "REVENUE", "CREDIT"),
    "DEBT_FORGIVENESS_INCOME": ("Debt Forgiveness Income", "REVENUE", "CREDIT"),
    "BAD_DEBT": ("Bad Debt Expense", "EXPENSE", "DEBIT"),
    "INTEREST_EXPENSE": ("Interest Expense", "EXPENSE", "DEBIT"),
    "UNCATEGORIZED_EXPENSES": ("Uncategorized Expenses", "EXPENSE", "DEBIT"),
    "BANK_FEES": ("Bank Fees", "EXPENSE", "DEBIT"),
}


def post_lines(client: Api, *lines: dict):
    response = client.post(f"{client.base}/custom-journal-entries", {"line_items": list(lines)})
    assert response.status == 201, response.json()
    return response.json()


def create_account(client: Api, body: dict):
    return client.post(f"{client.base}/ledger/accounts", body)


def list_accounts(client: Api) -> list[dict]:
    response = client.get(f"{client.base}/ledger/accounts")
    assert response.status == 200
    return response.json()["data"]


def trial_balance(client: Api) -> dict:
    response = client.get(f"{client.base}/reports/trial-balance")
    assert response.status == 200
    return response.json()


def rows_by_name(report: dict) -> dict[str, tuple[int, int]]:
    return {row["stable_name"]: (row["debit_balance"], row["credit_balance"]) for row in report["accounts"]}


# SPEC §4: after every scenario the books balance and the trial balance agrees.
books_stay_balanced = balanced_after("api", "unit_api")


# ---- the default chart ------------------------------------------------------------------------------------


def test_a_new_business_has_the_default_chart_with_zero_balances(api):
    accounts = list_accounts(api)

    assert {a["stable_name"]: (a["name"], a["account_type"], a["normality"]) for a in accounts} == DEFAULT_CHART
    assert {a["stable_name"]: a["id"] for a in accounts} == api.accounts
    assert {a["balance"] for a in accounts} == {0}


def test_the_account_list_is_a_single_page(api):
    body = api.get(f"{api.base}/ledger/accounts").json()

    assert set(body) == {"data", "meta"}
    assert body["meta"] == {"pagination": {"cursor": None, "has_more": False}}
    assert set(body["data"][0]) == {"id", "name", "stable_name", "account_type", "normality", "balance"}


def test_balances_are_signed_positive_in_the_normal_direction(api):
    post_lines(api, line(stable("CASH"), 5_000, "DEBIT"), line(stable("SALES"), 5_000, "CREDIT"))
    post_lines(api, line(stable("BANK_FEES"), 300, "CREDIT"), line(stable("CASH"), 300, "DEBIT"))

    balances = {a["stable_name"]: a["balance"] for a in list_accounts(api) if a["balance"]}

    assert balances == {"CASH": 5_300, "SALES": 5_000, "BANK_FEES": -300}


# ---- custom accounts ------------------------------------------------------------------------------------------


def test_creating_a_custom_account_returns_201_and_the_account(api):
    response = create_account(
        api, {"name": "Petty Cash", "stable_name": "PETTY_CASH", "account_type": "ASSET", "normality": "DEBIT"}
    )

    assert response.status == 201
    account = response.json()
    assert account == {
        "id": account["id"],
        "name": "Petty Cash",
        "stable_name": "PETTY_CASH",
        "account_type": "ASSET",
        "normality": "DEBIT",
        "balance": 0,
    }
    assert account in list_accounts(api)


@pytest.mark.parametrize(
    ("account_type", "normality"),
    [
        ("ASSET", "DEBIT"),
        ("EXPENSE", "DEBIT"),
        ("LIABILITY", "CREDIT"),
        ("EQUITY", "CREDIT"),
        ("REVENUE", "CREDIT"),
    ],
)
def test_normality_defaults_to_the_natural_side_of_the_account_type(unit_api, account_type, normality):
    response = create_account(unit_api, {"name": f"Custom {account_type}", "account_type": account_type})

    assert response.status == 201
    assert response.json()["normality"] == normality


def test_stable_name_defaults_to_the_name_in_upper_snake_case(api):
    response = create_account(api, {"name": "Owner's Draw – 2024", "account_type": "EQUITY", "normality": "DEBIT"})

    assert response.json()["stable_name"] == "OWNER_S_DRAW_2024"
    assert response.json()["name"] == "Owner's Draw – 2024"


def test_a_contra_account_keeps_the_normality_it_was_given(api):
    response = create_account(api, {"name": "Sales Returns", "account_type": "REVENUE", "normality": "DEBIT"})

    assert (response.status, response.json()["normality"]) == (201, "DEBIT")


def test_an_existing_stable_name_of_the_same_kind_returns_the_existing_account(api):
    first = create_account(api, {"name": "Petty Cash", "account_type": "ASSET"}).json()
    before = books(api.business_id)

    again = create_account(api, {"name": "Petty Cash", "account_type": "ASSET"})

    assert again.status == 200
    assert again.json() == first
    assert books(api.business_id) == before


def test_a_default_account_is_returned_when_asked_for_again(api):
    before = books(api.business_id)

    response = create_account(api, {"name": "Cash", "account_type": "ASSET"})

    assert response.status == 200
    assert response.json()["id"] == api.accounts["CASH"]
    assert books(api.business_id) == before


def test_an_existing_stable_name_of_another_kind_is_a_conflict(api):
    create_account(api, {"name": "Petty Cash", "account_type": "ASSET"})
    before = books(api.business_id)

    response = create_account(api, {"name": "Petty Cash", "account_type": "EXPENSE"})

    assert_error(response, 409, "Conflict", "CustomAccountAlreadyExists")
    assert books(api.business_id) == before


def test_the_same_type_with_another_normality_is_a_conflict(unit_api):
    before = books(unit_api.business_id)

    response = create_account(unit_api, {"name": "Sales", "account_type": "REVENUE", "normality": "DEBIT"})

    assert_error(response, 409, "Conflict", "CustomAccountAlreadyExists")
    assert books(unit_api.business_id) == before


def test_an_invalid_stable_name_is_rejected(api):
    before = books(api.business_id)

    response = create_account(api, {"name": "Petty", "stable_name": "petty-cash", "account_type": "ASSET"})

    body = assert_error(response, 400, "InvalidParameters", "InvalidPayload")
    assert [e["field"] for e in body["meta"]["errors"]] == ["stable_name"]
    assert books(api.business_id) == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "x", "stable_name": "Petty", "account_type": "ASSET"}, "stable_name"),
        ({"name": "x", "stable_name": "_PETTY", "account_type": "ASSET"}, "stable_name"),
        ({"name": "x", "stable_name": "PETTY__CASH", "account_type": "ASSET"}, "stable_name"),
        ({"name": "x", "stable_name": "PETTY_", "account_type": "ASSET"}, "stable_name"),
        ({"name": "x", "stable_name": "1ST", "account_type": "ASSET"}, "stable_name"),
        ({"name": "x", "stable_name": "P" * 101, "account_type": "ASSET"}, "stable_name"),
        ({"name": "", "account_type": "ASSET"}, "name"),
        ({"name": "n" * 201, "account_type": "ASSET"}, "name"),
        ({"account_type": "ASSET"}, "name"),
        ({"name": "x"}, "account_type"),
        ({"name": "x", "account_type": "INCOME"}, "account_type"),
        ({"name": "x", "account_type": "ASSET", "normality": "LEFT"}, "normality"),
        ({"name": "x", "account_type": "ASSET", "balance": 100}, "balance"),
    ],
    ids=[
        "mixed-case",
        "leading-underscore",
        "double-underscore",
        "trailing-underscore",
        "leading-digit",
        "over-100",
        "empty-name",
        "name-over-200",
        "no-name",
        "no-type",
        "unknown-type",
        "unknown-normality",
        "balance-given",
    ],
)
def test_a_custom_account_request_is_validated(unit_api, body, field):
    before = books(unit_api.business_id)

    response = create_account(unit_api, body)

    error = assert_error(response, 400, "InvalidParameters", "InvalidPayload")
    assert [e["field"] for e in error["meta"]["errors"]] == [field]
    assert books(unit_api.business_id) == before


def test_a_name_of_200_characters_is_accepted(unit_api):
    response = create_account(unit_api, {"name": "N" * 200, "stable_name": "LONG_NAME", "account_type": "ASSET"})

    assert response.status == 201
    assert response.json()["name"] == "N" * 200


def test_posting_to_a_new_account_works_by_id_and_by_stable_name(api):
    petty = create_account(api, {"name": "Petty Cash", "account_type": "ASSET"}).json()

    post_lines(
        api, line({"type": "AccountId", "id": petty["id"]}, 2_000, "DEBIT"), line(stable("CASH"), 2_000, "CREDIT")
    )
    post_lines(api, line(stable("BANK_FEES"), 150, "DEBIT"), line(stable("PETTY_CASH"), 150, "CREDIT"))

    balances = {a["stable_name"]: a["balance"] for a in list_accounts(api)}
    assert (balances["PETTY_CASH"], balances["CASH"], balances["BANK_FEES"]) == (1_850, -2_000, 150)
    assert rows_by_name(trial_balance(api))["PETTY_CASH"] == (1_850, 0)


# ---- trial balance -----------------------------------------------------------------------------------------------


def test_a_new_business_trial_balance_is_all_zero(api):
    report = trial_balance(api)

    assert report["business_id"] == api.business_id
    assert report["currency"] == "USD"
    assert (report["total_debits"], report["total_credits"], report["balanced"]) == (0, 0, True)
    assert set(rows_by_name(report)) == set(DEFAULT_CHART)
    assert set(rows_by_name(report).values()) == {(0, 0)}


def test_each_account_stands_on_its_normal_side_and_the_totals_are_equal(api):
    post_lines(api, line(stable("CASH"), 10_000, "DEBIT"), line(stable("OPENING_BALANCE_EQUITY"), 10_000, "CREDIT"))
    post_lines(api, line(stable("ACCOUNTS_RECEIVABLE"), 4_000, "DEBIT"), line(stable("SALES"), 4_000, "CREDIT"))
    post_lines(api, line(stable("BAD_DEBT"), 1_500, "DEBIT"), line(stable("ACCOUNTS_RECEIVABLE"), 1_500, "CREDIT"))

    report = trial_balance(api)

    nonzero = {name: sides for name, sides in rows_by_name(report).items() if sides != (0, 0)}
    assert nonzero == {
        "CASH": (10_000, 0),
        "ACCOUNTS_RECEIVABLE": (2_500, 0),
        "BAD_DEBT": (1_500, 0),
        "OPENING_BALANCE_EQUITY": (0, 10_000),
        "SALES": (0, 4_000),
    }
    assert (report["total_debits"], report["total_credits"], report["balanced"]) == (14_000, 14_000, True)


def test_an_account_below_zero_stands_on_the_other_side(api):
    post_lines(api, line(stable("CASH"), 300, "DEBIT"), line(stable("BANK_FEES"), 300, "CREDIT"))

    report = trial_balance(api)

    assert rows_by_name(report)["BANK_FEES"] == (0, 300)
    assert rows_by_name(report)["CASH"] == (300, 0)
    assert report["total_debits"] == report["total_credits"] == 300


def test_the_trial_balance_row_names_the_account(api):
    row = next(r for r in trial_balance(api)["accounts"] if r["stable_name"] == "DISCOUNTS")

    assert row == {
        "account_id": api.accounts["DISCOUNTS"],
        "name": "Discounts (contra-revenue)",
        "stable_name": "DISCOUNTS",
        "account_type": "REVENUE",
        "normality": "DEBIT",
        "debit_balance": 0,
        "credit_balance": 0,
    }


# ---- issue 12 §1: a request reads the accounts it names -------------------------------------------------


def test_a_stable_name_guard_written_before_it_carried_the_account_still_resolves(api):
    # Guards written before they carried the account's static part hold only its id: the lookup
    # reads the account item too, and the posting is the same.
    for name in ("CASH", "SALES"):
        dynamodb_client().put_item(
            TableName=table_name(),
            Item=codec.to_item(
                {
                    **keys.key(keys.business_pk(api.business_id), keys.stable_name_sk(name)),
                    "kind": "STABLE_NAME",
                    "account_id": api.accounts[name],
                }
            ),
        )
    chart.forget()

    response = api.post(
        f"{api.base}/custom-journal-entries",
        {"line_items": [line("CASH", 2_500, "DEBIT"), line("SALES", 2_500, "CREDIT")]},
    )

    assert response.status == 201, response.json()
    assert [i["account"]["id"] for i in response.json()["line_items"]] == [api.accounts["CASH"], api.accounts["SALES"]]
    assert books(api.business_id)["balances"]["CASH"] == 2_500


def test_a_warm_container_posts_without_reading_the_chart(unit_api):
    unit_api.post(
        f"{unit_api.base}/custom-journal-entries",
        {"line_items": [line("CASH", 100, "DEBIT"), line("SALES", 100, "CREDIT")]},
    )
    counter = CallCounter()
    counter.calls.clear()  # not reset(): keep what the container remembers

    response = unit_api.post(
        f"{unit_api.base}/custom-journal-entries",
        {"line_items": [line("CASH", 100, "DEBIT"), line("SALES", 100, "CREDIT")]},
    )

    assert response.status == 201
    assert counter.calls == {"GetItem": 1, "TransactWriteItems": 1}  # the authorizer's token; then the posting


# ---- issue 12 §5: a hot account's balance is spread over shards and shown as their sum ------------------


def test_postings_to_a_sharded_account_spread_over_its_shards_and_every_balance_shown_is_their_sum(api):
    for amount in range(1_000, 1_040):
        post_lines(api, line("CASH", amount, "DEBIT"), line("SALES", amount, "CREDIT"))
    post_lines(api, line("BANK_FEES", 500, "DEBIT"), line("OPENING_BALANCE_EQUITY", 500, "CREDIT"))
    total = sum(range(1_000, 1_040))

    def parts(name: str) -> list[int]:
        found = dynamodb_client().query(
            TableName=table_name(),
            ConsistentRead=True,
            KeyConditionExpression="PK = :pk AND begins_with(SK, :sk)",
            ExpressionAttributeValues=codec.to_item(
                {":pk": keys.business_pk(api.business_id), ":sk": keys.account_sk(api.accounts[name])}
            ),
        )["Items"]
        return [codec.from_item(item)["balance"] for item in found]

    assert len(parts("CASH")) > 2, "40 postings all moved one item: CASH is not sharded"
    assert sum(parts("CASH")) == total
    assert parts("BANK_FEES") == [500]  # an account without shards moves its own item
    assert {a["stable_name"]: a["balance"] for a in list_accounts(api)}["CASH"] == total
    assert rows_by_name(trial_balance(api))["CASH"] == (total, 0)
    again = create_account(api, {"name": "Cash", "stable_name": "CASH", "account_type": "ASSET"})
    assert (again.status, again.json()["balance"]) == (200, total)
    assert books(api.business_id)["balances"]["SALES"] == total
