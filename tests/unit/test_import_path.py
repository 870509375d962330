"""Issue 10: a function loads what its own request needs, not the whole ledger (cold start).

Each case imports one function's ``app.py`` in a fresh interpreter (as Lambda does) and lists the
ledger modules it must not have loaded: the other families' models, the reports, the runs. A new
module-level import that drags one of them back in fails here before it costs every cold start.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import json, sys
sys.path.insert(0, {folder!r})
import app  # noqa: F401
print(json.dumps(sorted(m for m in sys.modules if m.startswith(("ledgerline", "boto3")))))
"""

NOT_LOADED = {
    "write_off_loan": {
        "boto3",
        "ledgerline.domain.invoices",
        "ledgerline.domain.policy",
        "ledgerline.domain.statements",
        "ledgerline.domain.runs",
        "ledgerline.domain.bank_transactions",
        "ledgerline.schemas.invoices",
        "ledgerline.schemas.policy",
        "ledgerline.schemas.ledger",
        "ledgerline.services.bank_transactions",
        "ledgerline.services.invoices",
        "ledgerline.services.statements",
        "ledgerline.services.write_offs",
        # the loans family's other use cases: each function loads its own requests and answers
        "ledgerline.schemas.instruments",
        "ledgerline.schemas.loan_payments",
        "ledgerline.schemas.accruals",
        "ledgerline.schemas.bank_transactions",
        "ledgerline.api.instrument_views",
        "ledgerline.api.loan_payment_views",
        "ledgerline.api.accrual_views",
    },
    "record_debt_payment": {
        "boto3",
        "ledgerline.domain.invoices",
        "ledgerline.domain.policy",
        "ledgerline.domain.statements",
        "ledgerline.domain.runs",
        "ledgerline.schemas.invoices",
        "ledgerline.schemas.policy",
        "ledgerline.services.invoices",
        "ledgerline.services.statements",
        "ledgerline.schemas.instruments",
        "ledgerline.schemas.loan_write_offs",
        "ledgerline.schemas.accruals",
        "ledgerline.api.instrument_views",
        "ledgerline.api.loan_write_off_views",
        "ledgerline.api.accrual_views",
    },
    "create_custom_journal_entry": {
        "boto3",
        "ledgerline.domain.invoices",
        "ledgerline.domain.loans",
        "ledgerline.domain.policy",
        "ledgerline.domain.statements",
        "ledgerline.schemas.loans",
        "ledgerline.schemas.invoices",
        "ledgerline.services.loans",
        "ledgerline.services.invoices",
        "ledgerline.services.statements",
    },
    "get_trial_balance": {
        "boto3",
        "ledgerline.domain.invoices",
        "ledgerline.domain.loans",
        "ledgerline.domain.statements",
        "ledgerline.schemas.loans",
        "ledgerline.schemas.invoices",
        "ledgerline.services.statements",
    },
}


@pytest.mark.parametrize("function", sorted(NOT_LOADED))
def test_a_function_loads_only_what_its_request_needs(function: str) -> None:
    folder = str(ROOT / "functions" / function)
    env = {
        "PATH": "/usr/bin:/bin",
        "AWS_DEFAULT_REGION": "us-east-1",
        "LEDGER_TABLE_NAME": "t",
        "CURSOR_SECRET": "import-path-test",
        "POWERTOOLS_TRACE_DISABLED": "true",
    }
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(folder=folder)],
        capture_output=True,
        text=True,
        env=env,
        cwd=folder,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    loaded = set(json.loads(done.stdout.splitlines()[-1]))
    assert "ledgerline.api.app" in loaded  # the probe did import the function
    assert loaded & NOT_LOADED[function] == set()
