"""Write-off policies and who is eligible on a run date (SPEC §7). Pure.

An invoice is eligible when it is open (not voided, outstanding > 0) and ``due_at + days_past_due``
is on or before the run date. A loan we made (``lend``; debt we owe is never written off
automatically) is eligible when it is active with principal outstanding and either rule that is
set is met: ``maturity_date + days_past_maturity`` or ``last payment (or start) + days_without_payment``
on or before the run date.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from ledgerline.domain.invoices import Invoice
from ledgerline.domain.loans import Instrument, InstrumentStatus, LoanDirection

AUTOMATIC_MEMO = "Automatic write-off (policy)"


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
        return (self.enabled and invoice.voided_at is None and invoice.outstanding_balance > 0
                and local_due is not None and local_due <= self.latest_due(run_date))


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
        silent = active_by is not None and last_activity(instrument) <= active_by
        return overdue or silent


def last_activity(instrument: Instrument) -> date:
    """The last payment, or the start when nothing was ever paid."""
    return instrument.last_payment_date or instrument.start_date


@dataclass(frozen=True)
class WriteOffPolicy:
    business_id: str
    enabled: bool
    invoices: InvoiceRule
    loans: LoanRule
    updated_at: str
