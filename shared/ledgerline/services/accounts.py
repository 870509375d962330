"""Naming accounts in requests: an ``AccountIdentifier`` resolved against the business's chart."""

from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any

from pydantic import TypeAdapter

from ledgerline.domain.accounts import Account
from ledgerline.errors import UnknownAccount
from ledgerline.schemas.common import AccountId, AccountIdentifier, AccountStableName
from ledgerline.store.chart import Accounts


@cache
def _identifier() -> TypeAdapter[AccountId | AccountStableName]:
    """Built on first use, not at import: most functions never validate a command's account (cold start)."""
    return TypeAdapter(AccountIdentifier)


def identifier(named: Mapping[str, str] | None, *, default: str | None = None) -> AccountId | AccountStableName:
    """An account identifier given as JSON (a command's), or the stable name ``default`` when none is given."""
    if named is not None:
        return _identifier().validate_python(dict(named))
    if default is None:
        raise ValueError("no account named, and no default")  # a command built without a required account
    return AccountStableName(type="StableName", stable_name=default)


def resolve(chart: Accounts, named: AccountId | AccountStableName, *, field: str) -> Account:
    """The chart's account ``named`` identifies; unknown → 400 naming ``field``."""
    if isinstance(named, AccountId):
        account = chart.by_id(named.id)
    else:
        account = chart.by_stable_name(named.stable_name)
    if account is None:
        raise UnknownAccount(field)
    return account


def resolve_id(chart: Accounts, account_id: str, *, field: str) -> Account:
    """Loans-family fields such as ``cash_ledger_id`` carry a bare account id."""
    return resolve(chart, AccountId(type="AccountId", id=account_id), field=field)


def wanted(named: Iterable[Any], *, stable_names: Iterable[str] = ()) -> dict[str, list[str]]:
    """The ids and stable names that identifiers (models, JSON mappings or None) name, with
    ``stable_names`` besides: ``load_books(business_id, **wanted(...))`` reads them all at once."""
    ids, names = [], list(stable_names)
    for each in named:
        found = each.model_dump() if hasattr(each, "model_dump") else each
        if isinstance(found, Mapping):
            if isinstance(found.get("id"), str):
                ids.append(found["id"])
            if isinstance(found.get("stable_name"), str):
                names.append(found["stable_name"])
    return {"ids": ids, "stable_names": names}
