"""store/codec.py stands in for boto3's TypeSerializer/TypeDeserializer (off the cold start): it must
write and read every value the way they do."""

from decimal import Decimal
from typing import Any

import pytest
from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from hypothesis import given
from hypothesis import strategies as st

from ledgerline.store import codec

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**37), max_value=10**37),
    st.text(max_size=20),
    st.decimals(allow_nan=False, allow_infinity=False, places=4, min_value=-(10**20), max_value=10**20),
)
sets = st.one_of(
    st.frozensets(st.text(max_size=5), min_size=1, max_size=4),
    st.frozensets(st.integers(min_value=-1000, max_value=1000), min_size=1, max_size=4),
)


def _nested(leaves: st.SearchStrategy) -> st.SearchStrategy:
    return st.recursive(
        leaves,
        lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=5), inner, max_size=4)),
        max_leaves=12,
    )


values = _nested(st.one_of(scalars, sets, st.binary(max_size=8)))
stored = _nested(st.one_of(scalars, sets))
"""What the ledger stores: no binary (boto3 reads it back wrapped in its own ``Binary``)."""


def _plain_like_before(value: Any) -> Any:
    """What the ledger read before: boto3's deserializer, every Decimal (not in a set) an int."""
    if isinstance(value, Decimal):
        return int(value)
    if isinstance(value, list):
        return [_plain_like_before(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain_like_before(v) for k, v in value.items()}
    return value


def _unordered(attr: Any) -> Any:
    """Sets serialize in iteration order: compare them as sets."""
    if isinstance(attr, dict):
        return {k: (frozenset(v) if k in ("SS", "NS", "BS") else _unordered(v)) for k, v in attr.items()}
    if isinstance(attr, list):
        return [_unordered(v) for v in attr]
    return attr


@given(values)
def test_writes_every_value_as_boto3_does(value: Any) -> None:
    assert _unordered(codec.to_attr(value)) == _unordered(TypeSerializer().serialize(value))


@given(st.dictionaries(st.text(min_size=1, max_size=5), stored, max_size=5))
def test_reads_every_item_as_before(values_: dict[str, Any]) -> None:
    item = {k: TypeSerializer().serialize(v) for k, v in values_.items()}
    assert codec.from_item(item) == {k: _plain_like_before(TypeDeserializer().deserialize(v)) for k, v in item.items()}


def test_a_none_value_is_left_out_of_an_item_but_is_null_alone() -> None:
    assert codec.to_item({"a": None, "b": 1}) == {"b": {"N": "1"}}
    assert codec.to_attr(None) == {"NULL": True}


@pytest.mark.parametrize("value", [1.5, 10**40, Decimal("NaN"), Decimal("Infinity"), {1, "a"}, object()])
def test_refuses_what_boto3_refuses(value: Any) -> None:
    with pytest.raises(Exception) as ours:
        codec.to_attr(value)
    with pytest.raises(Exception) as theirs:
        TypeSerializer().serialize(value)
    assert type(ours.value) is type(theirs.value)


def test_the_ledger_does_not_import_boto3_to_read_and_write() -> None:
    import subprocess
    import sys

    probe = (
        "import sys; import ledgerline.store.codec, ledgerline.store.runtime; "
        "ledgerline.store.runtime.dynamodb_client(); print('boto3' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=True,
        env={"AWS_DEFAULT_REGION": "us-east-1", "PATH": "/usr/bin:/bin"},
    )
    assert done.stdout.strip() == "False"
