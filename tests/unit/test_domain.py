"""The ledger's pure rules (SPEC §3, §4): no DynamoDB, no HTTP — values in, values or errors out."""

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from ledgerline.domain import ids
from ledgerline.domain.accounts import DEFAULT_CHART, Account, AccountType, Direction, balance_shard
from ledgerline.domain.business import Business
from ledgerline.domain.journal import (
    MAX_ACCOUNTS_PER_ENTRY,
    JournalEntry,
    Line,
    Source,
    balance_moves,
    check_entry,
    reversal_of,
)
from ledgerline.domain.money import MAX_CENTS, round_half_even
from ledgerline.errors import InvalidEntry, UnbalancedEntry

DEBIT, CREDIT = Direction.DEBIT, Direction.CREDIT
CASH = Account("a-cash", "Cash", "CASH", AccountType.ASSET, DEBIT)
SALES = Account("a-sales", "Sales", "SALES", AccountType.REVENUE, CREDIT)
FEES = Account("a-fees", "Bank Fees", "BANK_FEES", AccountType.EXPENSE, DEBIT)
CHART = (CASH, SALES, FEES)
AT = datetime(2024, 1, 15, 12, tzinfo=UTC)


def entry(*lines: Line, entry_id: str = "e-1") -> JournalEntry:
    return JournalEntry(
        id=entry_id,
        business_id="b-1",
        entry_date=AT.date(),
        entry_at=AT,
        created_at=AT,
        memo="sale",
        source=Source("CUSTOM_JOURNAL_ENTRY", entry_id),
        lines=lines,
        external_id="ext-1",
    )


# ---- check_entry: the invariants enforced before anything is written -----------------------------


def test_a_balanced_entry_of_known_accounts_passes():
    check_entry([Line(CASH, DEBIT, 500), Line(SALES, CREDIT, 500)], business_accounts=CHART)


def test_an_entry_needs_at_least_two_lines():
    with pytest.raises(InvalidEntry, match="at least two"):
        check_entry([Line(CASH, DEBIT, 500)], business_accounts=CHART)


@pytest.mark.parametrize("amount", [0, -500, 10.5, 500.0, Decimal("500")])
def test_every_amount_is_a_positive_integer_of_cents(amount):
    with pytest.raises(InvalidEntry, match="positive integer"):
        check_entry([Line(CASH, DEBIT, amount), Line(SALES, CREDIT, 500)], business_accounts=CHART)


def test_debits_must_equal_credits():
    with pytest.raises(UnbalancedEntry, match=r"Debits \(500\) must equal credits \(499\)"):
        check_entry([Line(CASH, DEBIT, 500), Line(SALES, CREDIT, 499)], business_accounts=CHART)


def test_an_unbalanced_entry_is_an_invalid_entry():
    assert issubclass(UnbalancedEntry, InvalidEntry)


def test_every_account_belongs_to_the_business():
    stranger = Account("a-other", "Cash", "CASH", AccountType.ASSET, DEBIT)
    with pytest.raises(InvalidEntry, match="account of this business"):
        check_entry([Line(stranger, DEBIT, 500), Line(SALES, CREDIT, 500)], business_accounts=CHART)


def _accounts(count: int) -> tuple[Account, ...]:
    return tuple(Account(f"a-{n}", f"A{n}", f"A{n}", AccountType.ASSET, DEBIT) for n in range(count))


def _spread_over(accounts: tuple[Account, ...]) -> list[Line]:
    """One debit of 1 on each account but the last, which takes the balancing credit."""
    *debited, credited = accounts
    return [*(Line(a, DEBIT, 1) for a in debited), Line(credited, CREDIT, len(debited))]


def test_an_entry_may_touch_fifty_distinct_accounts():
    accounts = _accounts(MAX_ACCOUNTS_PER_ENTRY)
    check_entry(_spread_over(accounts), business_accounts=accounts)


def test_an_entry_may_not_touch_more_than_fifty_distinct_accounts():
    accounts = _accounts(MAX_ACCOUNTS_PER_ENTRY + 1)
    with pytest.raises(InvalidEntry, match="at most 50 distinct accounts"):
        check_entry(_spread_over(accounts), business_accounts=accounts)


def test_many_lines_on_few_accounts_count_each_account_once():
    lines = [Line(CASH, DEBIT, 1)] * 60 + [Line(SALES, CREDIT, 60)]
    check_entry(lines, business_accounts=CHART)


# ---- balance_moves: how an entry moves balances kept in each account's normal direction -------------


def test_a_line_on_the_normal_side_raises_the_balance_and_the_other_side_lowers_it():
    moves = balance_moves([Line(CASH, DEBIT, 700), Line(SALES, CREDIT, 500), Line(FEES, CREDIT, 200)])
    assert moves == {"a-cash": 700, "a-sales": 500, "a-fees": -200}


def test_lines_on_one_account_are_netted_into_one_move():
    moves = balance_moves([Line(CASH, DEBIT, 300), Line(CASH, DEBIT, 200), Line(SALES, CREDIT, 500)])
    assert moves == {"a-cash": 500, "a-sales": 500}


def test_an_account_whose_lines_cancel_out_is_not_moved():
    moves = balance_moves(
        [Line(CASH, DEBIT, 300), Line(CASH, CREDIT, 300), Line(FEES, DEBIT, 1), Line(SALES, CREDIT, 1)]
    )
    assert moves == {"a-fees": 1, "a-sales": 1}


def test_a_balanced_entry_moves_both_sides_of_the_trial_balance_equally():
    lines = [Line(CASH, DEBIT, 900), Line(FEES, CREDIT, 100), Line(SALES, CREDIT, 800)]
    moves = balance_moves(lines)
    by_id = {a.id: a for a in CHART}
    debit_side = sum(delta for account_id, delta in moves.items() if by_id[account_id].normality is DEBIT)
    credit_side = sum(delta for account_id, delta in moves.items() if by_id[account_id].normality is CREDIT)
    assert debit_side == credit_side == 800


# ---- reversal_of: a correction is the same lines with directions swapped, linked both ways ----------


def _reversal() -> tuple[JournalEntry, JournalEntry]:
    original = entry(Line(CASH, DEBIT, 500, memo="till"), Line(SALES, CREDIT, 500))
    later = datetime(2024, 2, 1, tzinfo=UTC)
    return original, reversal_of(
        original, reversal_id="e-2", entry_date=original.entry_date, entry_at=original.entry_at, created_at=later
    )


def test_a_reversal_swaps_every_direction_and_keeps_accounts_amounts_and_memos():
    original, reversal = _reversal()
    assert [(line.account, line.direction.opposite, line.amount, line.memo) for line in original.lines] == [
        (line.account, line.direction, line.amount, line.memo) for line in reversal.lines
    ]


def test_a_reversal_links_to_the_entry_it_reverses():
    original, reversal = _reversal()
    assert (reversal.id, reversal.reverses, reversal.reversed_by) == ("e-2", original.id, None)
    assert reversal.memo == f"Reversal of {original.id}"


def test_a_reversal_does_not_take_over_the_external_id():
    _original, reversal = _reversal()
    assert reversal.external_id is None


def test_a_reversal_undoes_every_balance_move():
    original, reversal = _reversal()
    undone = {k: -v for k, v in balance_moves(original.lines).items()}
    assert balance_moves(reversal.lines) == undone


def test_a_reversal_may_carry_its_own_memo_and_source():
    original = entry(Line(CASH, DEBIT, 500), Line(SALES, CREDIT, 500))
    reversal = reversal_of(
        original,
        reversal_id="e-2",
        entry_date=date(2024, 1, 20),
        entry_at=AT,
        created_at=AT,
        memo="Voided",
        source=Source("INVOICE_VOID", "inv-1"),
    )
    assert (reversal.memo, reversal.source, reversal.entry_date) == (
        "Voided",
        Source("INVOICE_VOID", "inv-1"),
        date(2024, 1, 20),
    )


# ---- money --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "cents"),
    [
        ("0.5", 0),
        ("1.5", 2),
        ("2.5", 2),
        ("3.5", 4),
        ("-2.5", -2),
        ("2.5000001", 3),
        ("2.4999999", 2),
        ("10411.09589041095890410958904", 10411),
    ],
)
def test_cents_are_rounded_half_to_even(value, cents):
    rounded = round_half_even(Decimal(value))
    assert rounded == cents and type(rounded) is int


def test_the_largest_amount_is_ten_to_the_thirteen_cents():
    assert MAX_CENTS == 10**13


def test_the_default_chart_has_the_eighteen_accounts_of_the_spec():
    assert len(DEFAULT_CHART) == 18 and len({stable for stable, *_ in DEFAULT_CHART}) == 18


# ---- ids ------------------------------------------------------------------------------------------


def test_new_ids_are_rfc_9562_uuid_version_7():
    value = uuid.UUID(ids.new_id())
    assert value.version == 7
    assert value.variant == uuid.RFC_4122


def test_a_new_id_starts_with_the_unix_time_in_milliseconds(monkeypatch):
    monkeypatch.setattr(ids.time, "time_ns", lambda: 1_709_262_000_123_456_789)
    assert uuid.UUID(ids.new_id()).int >> 80 == 1_709_262_000_123


def test_ids_made_in_a_later_millisecond_sort_after_earlier_ones(monkeypatch):
    clock = iter(range(1_700_000_000_000_000_000, 1_700_000_000_000_000_000 + 50 * 1_000_000, 1_000_000))
    monkeypatch.setattr(ids.time, "time_ns", lambda: next(clock))
    made = [ids.new_id() for _ in range(50)]
    assert made == sorted(made)


def test_new_ids_do_not_repeat_within_one_millisecond(monkeypatch):
    monkeypatch.setattr(ids.time, "time_ns", lambda: 1_700_000_000_000_000_000)
    assert len({ids.new_id() for _ in range(1000)}) == 1000


# ---- a business's calendar day --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("timezone", "moment", "local"),
    [
        ("America/Los_Angeles", "2024-03-01T03:00:00+00:00", "2024-02-29"),  # still the leap day in LA
        ("UTC", "2024-03-01T03:00:00+00:00", "2024-03-01"),
        ("Asia/Tokyo", "2024-02-29T15:00:00+00:00", "2024-03-01"),  # already tomorrow in Tokyo
        ("Asia/Tokyo", "2024-02-29T14:59:59+00:00", "2024-02-29"),
        ("America/Los_Angeles", "2024-03-10T07:59:59+00:00", "2024-03-09"),  # PST, the night clocks spring forward
        ("America/Los_Angeles", "2024-03-10T08:00:00+00:00", "2024-03-10"),
        ("America/Los_Angeles", "2024-11-03T07:30:00+00:00", "2024-11-03"),  # PDT, the night clocks fall back
        ("America/Los_Angeles", "2024-03-01T00:00:00-08:00", "2024-03-01"),  # an offset that is already local
    ],
)
def test_a_business_day_is_its_own_timezone_calendar_date(timezone, moment, local):
    business = Business(id="b-1", name="Acme", timezone=timezone)
    assert business.local_date(datetime.fromisoformat(moment)) == date.fromisoformat(local)


# ---- balance shards (issue 12 §5) -------------------------------------------------------------------------


def test_a_posting_moves_one_shard_the_same_on_every_resend_and_postings_spread_over_all():
    plain = Account("a-1", "Bank Fees", "BANK_FEES", AccountType.EXPENSE, Direction.DEBIT)
    hot = Account("a-2", "Cash", "CASH", AccountType.ASSET, Direction.DEBIT, balance_shards=8)

    assert {balance_shard(plain, f"entry-{n}") for n in range(100)} == {0}
    assert balance_shard(hot, "entry-1") == balance_shard(hot, "entry-1")
    assert {balance_shard(hot, f"entry-{n}") for n in range(200)} == set(range(8))
