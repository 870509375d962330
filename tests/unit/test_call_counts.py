"""What each ledger request costs in DynamoDB calls (SPEC §8 Performance).

A mutating request makes at most 2 reads and exactly 1 ``TransactWriteItems``; no path ever Scans.

How the function's calls are told apart from the authorizer's: the authorizer is a different Lambda
function and reads the token item (one ``GetItem``) before the ledger function runs. The ``calls``
fixture wraps the local gateway's authorizer step and resets the function's counter right after it,
so ``calls.function`` holds exactly what the endpoint's own function did; ``calls.everything`` is
never reset and sees every call of the test, setup included (that is where "no Scan" is checked).
"""

from dataclasses import dataclass

import pytest
from support import Api, CallCounter, assert_books_balance, line, post_entry, sale

from ledgerline_tools.gateway import LocalGateway

MUTATION_READ_BUDGET = 2


@dataclass
class Calls:
    function: CallCounter
    everything: CallCounter

    def assert_never_scanned(self) -> None:
        assert "Scan" not in self.everything.calls, dict(self.everything.calls)

    def assert_one_posting(self) -> None:
        """SPEC §8: ≤ 2 reads and exactly one TransactWriteItems, and nothing else that writes."""
        made = dict(self.function.calls)
        assert self.function.reads <= MUTATION_READ_BUDGET, made
        assert made.get("TransactWriteItems") == 1, made
        assert not {"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem"} & set(made), made


@pytest.fixture
def calls(unit_api: Api, monkeypatch: pytest.MonkeyPatch):
    everything, function = CallCounter(), CallCounter()
    authorize = LocalGateway._authorize

    def authorize_then_reset(self, event):
        denied = authorize(self, event)
        function.reset()  # the token GetItem belongs to the authorizer function, not to the endpoint
        return denied

    monkeypatch.setattr(LocalGateway, "_authorize", authorize_then_reset)
    yield Calls(function, everything)
    assert_books_balance(unit_api.business_id)
    report = unit_api.get(f"{unit_api.base}/reports/trial-balance").json()
    assert report["total_debits"] == report["total_credits"]
    calls_seen = dict(everything.calls)
    assert "Scan" not in calls_seen, calls_seen


def test_the_authorizer_reads_one_token_item_per_request(unit_api, calls):
    calls.everything.reset()

    unit_api.get(f"{unit_api.base}/ledger/accounts")

    assert calls.everything.calls["GetItem"] - calls.function.calls["GetItem"] == 1


def test_posting_a_custom_entry_is_one_read_and_one_transaction(unit_api, calls):
    calls.function.reset()

    response = post_entry(unit_api, sale(2_500))

    assert response.status == 201
    calls.assert_one_posting()
    calls.assert_never_scanned()


def test_posting_with_an_external_id_and_an_idempotency_key_stays_within_budget(unit_api, calls):
    calls.function.reset()

    response = post_entry(unit_api, sale(2_500, external_id="je-1"), headers={"Idempotency-Key": "k-1"})

    assert response.status == 201
    calls.assert_one_posting()
    calls.assert_never_scanned()


def test_deleting_a_custom_entry_is_two_reads_and_one_transaction(unit_api, calls):
    created = post_entry(unit_api, sale(2_500)).json()
    calls.function.reset()

    response = unit_api.delete(f"{unit_api.base}/custom-journal-entries/{created['id']}")

    assert response.status == 200
    calls.assert_one_posting()
    calls.assert_never_scanned()


def test_creating_an_account_is_one_read_and_one_transaction(unit_api, calls):
    calls.function.reset()

    response = unit_api.post(f"{unit_api.base}/ledger/accounts", {"name": "Petty Cash", "account_type": "ASSET"})

    assert response.status == 201
    calls.assert_one_posting()
    calls.assert_never_scanned()


def test_a_refused_entry_reads_once_and_writes_nothing(unit_api, calls):
    calls.function.reset()

    response = post_entry(unit_api, {"line_items": [line("CASH", 1, "DEBIT"), line("SALES", 2, "CREDIT")]})

    assert response.status == 400
    assert dict(calls.function.calls) == {"BatchGetItem": 1}  # the profile and both accounts


def test_an_invalid_body_never_reaches_the_table(unit_api, calls):
    calls.function.reset()

    response = post_entry(unit_api, sale(2_500, amount_in_dollars=25))

    assert response.status == 400
    assert dict(calls.function.calls) == {}


def test_an_idempotent_replay_posts_nothing_more(unit_api, calls):
    post_entry(unit_api, sale(2_500), headers={"Idempotency-Key": "k-1"})
    calls.function.reset()

    response = post_entry(unit_api, sale(2_500), headers={"Idempotency-Key": "k-1"})

    assert response.status == 201
    assert calls.function.reads <= MUTATION_READ_BUDGET
    assert calls.function.calls["TransactWriteItems"] <= 1  # the one that is refused by the record
    calls.assert_never_scanned()


def test_an_external_id_replay_stays_within_budget(unit_api, calls):
    post_entry(unit_api, sale(2_500, external_id="je-1"))
    calls.function.reset()

    response = post_entry(unit_api, sale(2_500, external_id="je-1"))

    assert response.status == 200
    calls.assert_one_posting()  # the one transaction is the one the external_id record refuses
    calls.assert_never_scanned()


@pytest.mark.parametrize(
    ("path", "reads"),
    [
        ("/ledger/accounts", 1),  # the whole chart: one Query
        ("/reports/trial-balance", 1),
        ("/ledger/entries", 2),  # the page, then the profile and its lines' accounts (cold container)
        ("/ledger/entries/{entry_id}", 2),
    ],
)
def test_reads_are_a_query_or_two_and_never_write(unit_api, calls, path, reads):
    created = post_entry(unit_api, sale(2_500)).json()
    calls.function.reset()

    response = unit_api.get(unit_api.base + path.format(entry_id=created["id"]))

    assert response.status == 200
    assert calls.function.reads == reads, dict(calls.function.calls)
    assert set(calls.function.calls) <= {"Query", "GetItem", "BatchGetItem"}
    calls.assert_never_scanned()


def test_a_walk_through_every_ledger_endpoint_never_scans(unit_api, calls):
    """One of each request, errors included; the fixture checks ``everything`` once more at the end."""
    created = post_entry(unit_api, sale(2_500, external_id="je-1")).json()
    post_entry(unit_api, sale(2_500, external_id="je-1"))
    post_entry(unit_api, {"line_items": [line("CASH", 1, "DEBIT")]})
    unit_api.post(f"{unit_api.base}/ledger/accounts", {"name": "Petty Cash", "account_type": "ASSET"})
    unit_api.get(f"{unit_api.base}/ledger/entries", query="limit=1")
    unit_api.get(f"{unit_api.base}/ledger/entries", query="source_type=CUSTOM_JOURNAL_ENTRY")
    unit_api.get(f"{unit_api.base}/ledger/entries/{created['id']}")
    unit_api.delete(f"{unit_api.base}/custom-journal-entries/{created['id']}")
    unit_api.delete(f"{unit_api.base}/custom-journal-entries/{created['id']}")
    unit_api.get(f"{unit_api.base}/reports/trial-balance")

    calls.assert_never_scanned()
    assert calls.everything.calls["TransactWriteItems"] >= 3
