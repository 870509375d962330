"""Naming accounts in requests: an ``AccountIdentifier`` resolved against the business's chart."""

from ledgerline.domain.accounts import Account, Chart
from ledgerline.errors import UnknownAccount
from ledgerline.schemas.common import AccountId, AccountStableName


def resolve(chart: Chart, identifier: AccountId | AccountStableName, *, field: str) -> Account:
    if isinstance(identifier, AccountId):
        account = chart.by_id(identifier.id)
    else:
        account = chart.by_stable_name(identifier.stable_name)
    if account is None:
        raise UnknownAccount(field)
    return account


def resolve_id(chart: Chart, account_id: str, *, field: str) -> Account:
    """Loans-family fields such as ``cash_ledger_id`` carry a bare account id."""
    return resolve(chart, AccountId(type="AccountId", id=account_id), field=field)
