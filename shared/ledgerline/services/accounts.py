"""Naming accounts in requests: an ``AccountIdentifier`` resolved against the business's chart."""

from collections.abc import Mapping

from pydantic import TypeAdapter

from ledgerline.domain.accounts import Account, Chart
from ledgerline.errors import UnknownAccount
from ledgerline.schemas.common import AccountId, AccountIdentifier, AccountStableName

_IDENTIFIER: TypeAdapter[AccountId | AccountStableName] = TypeAdapter(AccountIdentifier)


def identifier(named: Mapping[str, str] | None, *, default: str | None = None) -> AccountId | AccountStableName:
    """An account identifier given as JSON (a command's), or the stable name ``default`` when none is given."""
    if named is not None:
        return _IDENTIFIER.validate_python(dict(named))
    if default is None:
        raise ValueError("no account named, and no default")  # a command built without a required account
    return AccountStableName(type="StableName", stable_name=default)


def resolve(chart: Chart, named: AccountId | AccountStableName, *, field: str) -> Account:
    """The chart's account ``named`` identifies; unknown → 400 naming ``field``."""
    if isinstance(named, AccountId):
        account = chart.by_id(named.id)
    else:
        account = chart.by_stable_name(named.stable_name)
    if account is None:
        raise UnknownAccount(field)
    return account


def resolve_id(chart: Chart, account_id: str, *, field: str) -> Account:
    """Loans-family fields such as ``cash_ledger_id`` carry a bare account id."""
    return resolve(chart, AccountId(type="AccountId", id=account_id), field=field)
