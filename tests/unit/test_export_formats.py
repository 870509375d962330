"""The export formats as pure functions (``domain/exports.py``, ``domain/currencies.py``): names beancount
accepts and that never collide, strings that read back exactly, amounts in the currency's places."""

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support.exports import load_beancount, stable_name_of

from ledgerline.domain.accounts import Account, AccountType, Direction
from ledgerline.domain.business import Business
from ledgerline.domain.currencies import exponent, major_units
from ledgerline.domain.exports import Beancount, Header, Opening, account_component, beancount_account, quoted

STABLE_NAMES = st.from_regex(r"[A-Z][A-Z0-9]{0,6}(_[A-Z0-9]{1,6}){0,4}", fullmatch=True)
BUSINESS = Business("b", "Biz")


def account(stable_name: str, kind: AccountType = AccountType.ASSET, account_id: str = "a") -> Account:
    return Account(account_id, stable_name.title(), stable_name, kind, Direction.DEBIT)


@pytest.mark.parametrize(
    ("stable_name", "kind", "name"),
    [
        ("CASH", AccountType.ASSET, "Assets:Cash"),
        ("ACCOUNTS_RECEIVABLE", AccountType.ASSET, "Assets:AccountsReceivable"),
        ("LONG_TERM_DEBT", AccountType.LIABILITY, "Liabilities:LongTermDebt"),
        ("OPENING_BALANCE_EQUITY", AccountType.EQUITY, "Equity:OpeningBalanceEquity"),
        ("DISCOUNTS", AccountType.REVENUE, "Income:Discounts"),
        ("BAD_DEBT", AccountType.EXPENSE, "Expenses:BadDebt"),
        ("NOTE_2024", AccountType.ASSET, "Assets:Note-2024"),
        ("NOTE2024", AccountType.ASSET, "Assets:Note2024"),
        ("B2B_SALES", AccountType.REVENUE, "Income:B2bSales"),
    ],
)
def test_an_account_is_named_by_its_type_and_stable_name(stable_name, kind, name):
    assert beancount_account(account(stable_name, kind)) == name


@settings(max_examples=300, deadline=None)
@given(STABLE_NAMES)
def test_the_stable_name_reads_back_from_the_name_so_no_two_accounts_share_one(stable_name):
    assert stable_name_of(beancount_account(account(stable_name))) == stable_name


def test_a_stable_name_outside_upper_snake_gets_a_name_of_its_id_that_no_stable_name_makes():
    odd = account("lower case", account_id="0190E1B2-7C4D-7A1B-8C3D-4E5F6A7B8C9D")

    assert account_component(odd) == "Account--0190e1b27c4d7a1b8c3d4e5f6a7b8c9d"


@settings(max_examples=60, deadline=None)
@given(st.text(st.characters(codec="utf-8"), max_size=40))
def test_a_quoted_string_reads_back_exactly(text):
    source = (
        f"2024-01-01 open Assets:Cash\n2024-01-01 open Income:Sales\n"
        f"2024-01-02 * {quoted(text)}\n  Assets:Cash  1.00 USD\n  Income:Sales  -1.00 USD\n"
    )

    entries, errors, _options = load_beancount(source)

    assert not errors
    assert entries[-1].narration == text


@pytest.mark.parametrize(
    ("cents", "currency", "text"),
    [
        (12_345, "USD", "123.45"),
        (-5, "EUR", "-0.05"),
        (0, "USD", "0.00"),
        (10**13, "USD", "100000000000.00"),
        (1_200, "JPY", "1200"),
        (-1_234, "KWD", "-1.234"),
        (7, "CLF", "0.0007"),
        (1, "xyz", "0.01"),
    ],
)
def test_amounts_are_exact_decimals_with_the_currencys_places(cents, currency, text):
    assert major_units(cents, currency) == text


def test_an_unknown_currency_has_two_places():
    assert (exponent("USD"), exponent("JPY"), exponent("ZZZ")) == (2, 0, 2)


def test_an_opening_without_balances_writes_no_transaction():
    cash = account("CASH")

    text = Beancount().header(
        Header(BUSINESS, (cash,), date(2024, 2, 1), None, date(2024, 2, 1), Opening(date(2024, 2, 1), ((cash, 0),)))
    )

    entries, errors, _options = load_beancount(text)
    assert not errors
    assert [type(e).__name__ for e in entries] == ["Open"]
