"""Write-off policies and run summaries (invoices & ledger family, SPEC §7)."""

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import Field, StrictBool, StrictInt

from ledgerline.domain.policy import (
    DEFAULT_DESTINATION,
    INVOICE_RULE_OFF,
    LOAN_RULE_OFF,
    InvoiceRule,
    LoanRule,
    SetWriteOffPolicy,
)
from ledgerline.schemas.common import AccountIdentifier, Day, Model, RunProgress, Strict

Days = Annotated[StrictInt, Field(ge=1, le=3650)]


class InvoicePolicyInput(Strict):
    enabled: StrictBool = True
    days_past_due: Days = 90
    destination_ledger_account: AccountIdentifier | None = Field(default=None, description="Default: BAD_DEBT.")

    def rule(self) -> InvoiceRule:
        """The invoice rule this input sets."""
        destination = self.destination_ledger_account
        return InvoiceRule(
            self.enabled, self.days_past_due, destination.model_dump() if destination else DEFAULT_DESTINATION
        )


class LoanPolicyInput(Strict):
    enabled: StrictBool = True
    days_past_maturity: Annotated[StrictInt, Field(ge=0, le=3650)] | None = None
    days_without_payment: Days | None = None

    def rule(self) -> LoanRule:
        """The loan rule this input sets."""
        return LoanRule(self.enabled, self.days_past_maturity, self.days_without_payment)


class WriteOffPolicyRequest(Strict):
    enabled: StrictBool
    invoices: InvoicePolicyInput | None = None
    loans: LoanPolicyInput | None = Field(default=None, description="Loans we made (lend) only.")

    def command(self) -> SetWriteOffPolicy:
        """The use case's command for this request."""
        return SetWriteOffPolicy(
            enabled=self.enabled,
            invoices=self.invoices.rule() if self.invoices else INVOICE_RULE_OFF,
            loans=self.loans.rule() if self.loans else LOAN_RULE_OFF,
        )


class InvoicePolicy(Model):
    enabled: bool
    days_past_due: int
    destination_ledger_account: AccountIdentifier


class LoanPolicy(Model):
    enabled: bool
    days_past_maturity: int | None
    days_without_payment: int | None


class WriteOffPolicyView(Model):
    business_id: str
    enabled: bool
    invoices: InvoicePolicy
    loans: LoanPolicy
    updated_at: datetime | None


class WriteOffRunRequest(Strict):
    run_date: Day | None = Field(default=None, description="Default: today in the business's timezone.")
    dry_run: StrictBool = False


class RunItem(Model):
    type: Literal["invoice", "loan"]
    id: str
    amount: int | None = None
    journal_entry_id: str | None = None
    reason: str | None = None


class WriteOffRun(Model):
    id: str
    business_id: str
    run_date: date
    dry_run: bool
    trigger: str
    status: Literal["running", "completed", "completed_with_failures", "no_policy"] = Field(
        description="running while a queued run's chunks are processed; completed_with_failures when any item failed."
    )
    started_at: datetime
    finished_at: datetime | None = Field(description="null while the run is running.")
    candidates: list[RunItem]
    written_off: list[RunItem]
    skipped: list[RunItem]
    failed: list[RunItem]
    totals: dict[str, Any]
    progress: RunProgress | None = Field(
        default=None, description="A queued run's progress (null for a run finished within its request)."
    )


class WriteOffRunList(Model):
    data: list[WriteOffRun]
    meta: dict[str, Any]


class WriteOffMessage(Strict):
    """One business's run, as the scheduler queues it (``type`` absent or ``run``)."""

    type: Literal["run"] = "run"
    business_id: Annotated[str, Field(min_length=1, max_length=64)]
    scheduled_time: datetime | None = None
    run_date: Day | None = None
    dry_run: StrictBool = False
    trigger: Annotated[str, Field(max_length=32)] = "schedule"


class WriteOffChunkMessage(Strict):
    """One chunk of a queued write-off run: its candidates as ``[type, id]`` pairs."""

    type: Literal["write-off-chunk"]
    business_id: Annotated[str, Field(min_length=1, max_length=64)]
    run_id: Annotated[str, Field(min_length=1, max_length=64)]
    index: Annotated[int, Field(ge=0)]
    run_date: Day
    dry_run: StrictBool = False
    items: Annotated[
        list[tuple[Literal["invoice", "loan"], Annotated[str, Field(min_length=1, max_length=64)]]],
        Field(max_length=1000),
    ]
