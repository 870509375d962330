"""Runs a change to the books: read, decide, and commit everything in one ``TransactWriteItems``.

A use case plans its change as a :class:`Posting`, or a :class:`Refusal` saying why it is not
possible; :func:`post_outcome` adds the idempotency record, the journal entry and every balance it
moves, commits them together, retries lost races and says what happened (:class:`Posted`,
:class:`Replayed` or the :class:`Refusal`); :func:`post` is the same for the HTTP paths, raising what
is not a result.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, Generic, TypeVar

from ledgerline import clock
from ledgerline import idempotency as idem
from ledgerline.domain.journal import JournalEntry, balance_moves
from ledgerline.errors import ExternalIdConflict, IdempotentReplay, LedgerError, OutcomeUnknown
from ledgerline.observability import MetricUnit, metrics
from ledgerline.store import chart as chart_store
from ledgerline.store import entries as entry_store
from ledgerline.store import external_ids, periods, transactions

R = TypeVar("R")


@dataclass(frozen=True)
class Scope:
    """Who is asking: the business the request acts for, and its Idempotency-Key if any."""

    business_id: str
    idempotency: idem.Idempotency | None = None
    request_token: str = field(default_factory=lambda: str(uuid.uuid4()))
    """Fixed for the life of the request: with the decision round and the content of each transaction
    it makes that transaction's ClientRequestToken (SPEC §9.3)."""

    @property
    def token_seed(self) -> str:
        """A keyed request's tokens follow its key, so a concurrent duplicate that decides the very same
        transaction is answered by DynamoDB's own token check; unkeyed ones are unique per request."""
        if self.idempotency is None:
            return self.request_token
        return f"{self.business_id}|{self.idempotency.key}|{self.idempotency.fingerprint}"


@dataclass(frozen=True)
class Posting(Generic[R]):
    """A planned change: its result, the entries it posts and the guarded writes that go with them."""

    result: R
    """What the caller gets back (and what an idempotent replay returns)."""
    entries: tuple[JournalEntry, ...] = ()
    actions: tuple[transactions.Action, ...] = ()
    """The business objects the change touches, each with its guarding condition."""
    guards: tuple[transactions.Action, ...] = field(default=())
    """Actions checked before the object actions (e.g. an external_id reservation)."""
    keyed: bool = True
    """Whether this posting carries the request's idempotency record (a multi-transaction use case
    sets it on its last transaction only, whose result is the whole answer)."""


@dataclass(frozen=True)
class Refusal:
    """Why a planned change cannot be posted, said instead of raised."""

    reason: str
    """In the business's words (a run summary shows it)."""
    error: LedgerError | None = None
    """The domain error an HTTP caller is answered with; ``None`` for a refusal only a batch makes."""

    @classmethod
    def because(cls, error: LedgerError) -> "Refusal":
        """The refusal a domain rule's error stands for."""
        return cls(error.message, error)


@dataclass(frozen=True)
class Posted(Generic[R]):
    """The plan was committed (or found committed): what the use case returns."""

    result: R


@dataclass(frozen=True)
class Planned(Generic[R]):
    """A dry run's answer: the plan's result, nothing committed."""

    result: R


@dataclass(frozen=True)
class Replayed:
    """This request's Idempotency-Key already has a response: nothing new was posted."""

    status: int
    body: str
    """The first response, as its idempotency record keeps it."""


def post(scope: Scope, decide: Callable[[], Posting[R] | Refusal]) -> R:
    """Commit what ``decide`` plans, retrying from fresh reads when a race is lost; raise what is not a result."""
    outcome = _commit(scope, decide)
    if isinstance(outcome, Refusal):
        raise outcome.error or LedgerError(outcome.reason)
    return outcome


def post_outcome(
    scope: Scope, decide: Callable[[], Posting[R] | Refusal], *, dry_run: bool = False
) -> Posted[R] | Planned[R] | Replayed | Refusal:
    """Like :func:`post`, but a replay or a refusal is returned as a value (what a batch reports per item);
    a dry run stops at the plan."""
    try:
        outcome = _commit(scope, decide, dry_run=dry_run)
    except IdempotentReplay as replay:  # the store's answer for a recorded key, turned into a value here
        return Replayed(replay.status, replay.body)
    return outcome if isinstance(outcome, Refusal | Planned) else Posted(outcome)


def _commit(
    scope: Scope, decide: Callable[[], Posting[R] | Refusal], *, dry_run: bool = False
) -> R | Planned[R] | Refusal:
    last: dict[str, Any] = {}

    def attempt(number: int) -> R | Planned[R] | Refusal:
        posting = decide()
        if isinstance(posting, Refusal):
            return posting
        spread = posting.entries[0].id if posting.entries else ""
        earliest = min((entry.entry_date for entry in posting.entries), default=None)
        if earliest is not None and (locked := periods.refusal_for(scope.business_id, earliest)):
            return Refusal.because(locked)
        if dry_run:
            return Planned(posting.result)
        now = clock.now()
        actions: list[transactions.Action] = []
        if scope.idempotency is not None and posting.keyed:
            actions.append(idem.record_action(scope.business_id, scope.idempotency, posting.result, now))
        if earliest is not None:
            actions.append(periods.open_check(scope.business_id, earliest, spread=spread))
        actions.extend(posting.guards)
        actions.extend(posting.actions)
        moves: dict[str, int] = {}
        moved = {line.account.id: line.account for entry in posting.entries for line in entry.lines}
        for entry in posting.entries:
            actions.append(transactions.put(entry_store.entry_item(entry)))
            for account_id, delta in balance_moves(entry.lines).items():
                moves[account_id] = moves.get(account_id, 0) + delta
        actions.extend(
            chart_store.move_balance(scope.business_id, moved[account_id], delta, now.isoformat(), spread=spread)
            for account_id, delta in moves.items()
            if delta
        )
        actions.extend(
            periods.posting_actions(
                scope.business_id, posting.entries, spread=spread, room=transactions.MAX_ITEMS - len(actions)
            )
        )
        if not actions:  # nothing to write (and no idempotency record to keep)
            return posting.result
        last.update(actions=actions, posting=posting)
        token = transactions.token_for(scope.token_seed, number, actions)
        try:
            transactions.commit(actions, token=token)
        except transactions.TokenReused:
            # The same keyed request already committed under this token: answer as the first did.
            if scope.idempotency is not None:
                idem.raise_if_recorded(scope.business_id, scope.idempotency)
            raise transactions.Retryable("client request token in use") from None
        return _posted(posting)

    try:
        outcome = transactions.with_retries(attempt, on_retry=_count_retry)
    except OutcomeUnknown:
        # Proof beats doubt: an item only this transaction could have written, read back as written.
        if transactions.committed(last["actions"]):
            return _posted(last["posting"])
        if scope.idempotency is not None:
            _answer_if_recorded(scope, OutcomeUnknown())
        raise
    except LedgerError as error:
        # A duplicate can fail a state rule the first request changed (e.g. "already reversed"):
        # if this key already has a response, that response is the answer.
        if scope.idempotency is not None:
            _answer_if_recorded(scope, error)
        raise
    if isinstance(outcome, Refusal) and scope.idempotency is not None:
        # As for a raised rule: a duplicate refused because its first copy changed the state is a replay
        # (and if the record cannot be read, the read's 503: the key may have its answer).
        idem.raise_if_recorded(scope.business_id, scope.idempotency)
    return outcome


def _posted(posting: Posting[R]) -> R:
    metrics.add_metric(name="JournalEntriesPosted", unit=MetricUnit.Count, value=len(posting.entries))
    return posting.result


def _answer_if_recorded(scope: Scope, error: LedgerError) -> None:
    assert scope.idempotency is not None
    try:
        idem.raise_if_recorded(scope.business_id, scope.idempotency)
    except transactions.STORE_ERRORS:
        if isinstance(error, OutcomeUnknown):
            raise error from None  # the ledger is unreachable: the first answer stands
        # A rule refused a request whose key may already have its answer (a replay whose first copy
        # changed the state), and that answer cannot be read: the read's own 503 (SPEC §9.3), not the rule's.
        raise


def _count_retry() -> None:
    metrics.add_metric(name="WriteRetries", unit=MetricUnit.Count, value=1)


def post_once(
    scope: Scope,
    *,
    kind: str,
    external_id: str | None,
    content: Any,
    decide: Callable[[str], Posting[R] | Refusal],
    existing: Callable[[str], R],
    new_id: Callable[[], str],
) -> tuple[R, bool]:
    """Create an object at most once per ``external_id``: (result, created).

    The same external_id with the same content returns the existing object (also when the retry
    would now break a rule the first copy changed); other content → 409.
    """
    object_id = new_id()
    if external_id is None:
        return post(scope, lambda: decide(object_id)), True
    fingerprint = external_ids.content_fingerprint(content)

    def decide_and_reserve() -> Posting[R] | Refusal:
        posting = decide(object_id)
        if isinstance(posting, Refusal):
            return posting
        guard = external_ids.reserve(scope.business_id, kind, external_id, object_id, fingerprint)
        return replace(posting, guards=(guard, *posting.guards))

    try:
        return post(scope, decide_and_reserve), True
    except external_ids.ExternalIdTaken as taken:
        if taken.fingerprint != fingerprint:
            raise ExternalIdConflict(kind.replace("_", " "), external_id) from None
        return existing(taken.object_id), False
    except LedgerError as error:
        # A retry can break a rule only because its first copy succeeded (e.g. that payment settled
        # the invoice), and an unknown outcome may have been a commit: if the external_id is taken,
        # the object that holds it (or a 409) is the answer.
        try:
            taken = external_ids.find(scope.business_id, kind, external_id)
        except transactions.STORE_ERRORS:
            raise error from None
        if taken is None:
            raise
        if taken.fingerprint != fingerprint:
            raise ExternalIdConflict(kind.replace("_", " "), external_id) from None
        # Our own object_id means this very request committed (its outcome was unknown): created.
        return existing(taken.object_id), isinstance(error, OutcomeUnknown) and taken.object_id == object_id
