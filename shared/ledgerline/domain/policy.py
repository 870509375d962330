"""Write-off policies and who is eligible on a run date (SPEC §7). Pure.

An invoice is eligible when it is open (not voided, outstanding > 0) and ``due_at + days_past_due``
is on or before the run date. A loan we made (``lend``; debt we owe is never written off
automatically) is eligible when it is active with principal outstanding and either rule that is
set is met: ``maturity_date + days_past_maturity`` or ``last payment (or start) + days_without_payment``
on or before the run date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Literal

from ledgerline.domain.loans import Instrument, InstrumentStatus, LoanDirection
from ledgerline.domain.runs import Progress, RunItem, Tally

if TYPE_CHECKING:  # annotations only: a loan function need not load the invoice model (cold start)
    from ledgerline.domain.invoices import Invoice

AUTOMATIC_MEMO = "Automatic write-off (policy)"
DEFAULT_DESTINATION = {"type": "StableName", "stable_name": "BAD_DEBT"}
DEFAULT_DAYS_PAST_DUE = 90


@dataclass(frozen=True)
class InvoiceRule:
    """When an overdue invoice is written off, and to which account."""

    enabled: bool
    days_past_due: int
    destination: dict[str, str]
    """An AccountIdentifier (default BAD_DEBT)."""

    def latest_due(self, run_date: date) -> date:
        """The latest due date that is ``days_past_due`` days overdue on ``run_date``."""
        return run_date - timedelta(days=self.days_past_due)

    def eligible(self, invoice: Invoice, run_date: date, local_due: date | None) -> bool:
        """Whether the rule writes the invoice off on ``run_date``: enabled, not voided, outstanding, overdue."""
        return (
            self.enabled
            and invoice.voided_at is None
            and invoice.outstanding_balance > 0
            and local_due is not None
            and local_due <= self.latest_due(run_date)
        )


@dataclass(frozen=True)
class LoanRule:
    """When a loan we made is written off: days past maturity, days without payment, or either."""

    enabled: bool
    days_past_maturity: int | None
    days_without_payment: int | None

    def matured_by(self, run_date: date) -> date | None:
        """The latest maturity date overdue on ``run_date``; None without ``days_past_maturity``."""
        return run_date - timedelta(days=self.days_past_maturity) if self.days_past_maturity is not None else None

    def last_activity_by(self, run_date: date) -> date | None:
        """The latest last activity still too old on ``run_date``; None without ``days_without_payment``."""
        return run_date - timedelta(days=self.days_without_payment) if self.days_without_payment is not None else None

    def eligible(self, instrument: Instrument, run_date: date) -> bool:
        """Whether the rule writes off an active loan we made, with principal left, on ``run_date``."""
        if not self.enabled or instrument.direction is not LoanDirection.LEND:
            return False
        if instrument.status is not InstrumentStatus.ACTIVE or instrument.current_balance_cents <= 0:
            return False
        matured_by, active_by = self.matured_by(run_date), self.last_activity_by(run_date)
        overdue = matured_by is not None and instrument.maturity_date <= matured_by
        silent = active_by is not None and instrument.last_activity <= active_by
        return overdue or silent


INVOICE_RULE_OFF = InvoiceRule(False, DEFAULT_DAYS_PAST_DUE, DEFAULT_DESTINATION)
"""The invoice rule of a policy that does not set one."""
LOAN_RULE_OFF = LoanRule(False, None, None)
"""The loan rule of a policy that does not set one."""


@dataclass(frozen=True)
class WriteOffPolicy:
    """What the daily job may write off for one business; ``enabled`` switches the whole policy."""

    business_id: str
    enabled: bool
    invoices: InvoiceRule
    loans: LoanRule
    updated_at: str
    """ISO 8601, UTC; empty for the default policy of a business that never set one."""


@dataclass(frozen=True)
class SetWriteOffPolicy:
    """A command: replace the business's write-off policy; a rule left out is off (at its defaults)."""

    enabled: bool
    invoices: InvoiceRule = INVOICE_RULE_OFF
    loans: LoanRule = LOAN_RULE_OFF


# ---- what a run did -----------------------------------------------------------------------------

RunStatus = Literal["running", "completed", "completed_with_failures", "no_policy"]
RunItemType = Literal["invoice", "loan"]


@dataclass(frozen=True)
class RunTotals:
    """How many items each list of a run holds in all (the lists themselves are capped), and the cents written off."""

    candidates: int
    written_off: int
    written_off_cents: int
    skipped: int
    failed: int


@dataclass(frozen=True)
class WriteOffRun:
    """A write-off run's summary: what the policy found on ``run_date`` and what became of each item."""

    id: str
    """A UUIDv7, so runs sort by time."""
    business_id: str
    run_date: date
    dry_run: bool
    """Planned only: ``candidates`` lists what a real run would write off, and nothing was posted."""
    trigger: str
    """Who started it: ``api``, ``schedule`` or ``cli``."""
    status: RunStatus
    """``no_policy`` without an enabled policy; ``running`` while queued chunks are still being processed;
    ``completed_with_failures`` when any item failed."""
    started_at: datetime
    finished_at: datetime | None
    """``None`` while the run is ``running``."""
    candidates: tuple[RunItem, ...]
    """A dry run's would-be write-offs; a real run's are those it wrote off."""
    written_off: tuple[RunItem, ...]
    skipped: tuple[RunItem, ...]
    """No longer eligible when read, exempt (an invoice whose automatic write-off a user deleted), or already
    written off for this run date (by an earlier run)."""
    failed: tuple[RunItem, ...]
    totals: RunTotals
    progress: Progress | None = None
    """A queued run's progress (``None`` for a run done within its request)."""


def run_totals(tally: Tally, dry_run: bool) -> RunTotals:
    """A write-off run's totals from what its items became (a real run's candidates are what it wrote off)."""
    return RunTotals(
        candidates=tally.count("candidates" if dry_run else "written_off"),
        written_off=tally.count("written_off"),
        written_off_cents=tally.cents,
        skipped=tally.count("skipped"),
        failed=tally.count("failed"),
    )
