"""Issue 10: the deployed layer ships bytecode (Lambda's /opt is read-only: what is not compiled at
build time is compiled again by every cold start).

Builds the layer with shared/Makefile's build-LedgerLayer — the target `sam build` runs — with the
runtime's Python 3.13 when this machine has it (else this interpreter, whose .pyc are then checked).
"""

import sys
from pathlib import Path

import pytest

from ledgerline_tools import template

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench import layer  # noqa: E402

UNCHECKED_HASH = 0b01  # PEP 552 flags: hash-based, not checked against the source


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict:
    return layer.build_layer(ROOT, tmp_path_factory.mktemp("layer"))


def test_sam_build_runs_the_makefile_target_for_the_layer():
    resource = template.load()["Resources"]["LedgerLayer"]
    assert resource["Metadata"]["BuildMethod"] == "makefile"
    assert "build-LedgerLayer:" in (ROOT / "shared" / "Makefile").read_text()


def test_every_module_of_the_built_layer_has_its_bytecode(built):
    site = Path(built["path"])
    assert (site / "ledgerline" / "store" / "transactions.py").is_file()
    assert (site / "pydantic").is_dir() and (site / "aws_lambda_powertools").is_dir()
    assert layer.missing_bytecode(site, built["tag"]) == []


def test_the_bytecode_is_never_checked_against_the_read_only_sources(built):
    site = Path(built["path"])
    pyc = layer.bytecode_of(site / "ledgerline" / "store" / "transactions.py", built["tag"])
    flags = int.from_bytes(pyc.read_bytes()[4:8], "little")
    assert flags == UNCHECKED_HASH


def test_the_built_layer_carries_botocore_data_for_its_own_botocore(built):
    """The functions' clients read the ledger's trimmed copy of botocore's data (store/aws_data.py),
    written by the build from the botocore the layer ships; a copy for another version would be ignored."""
    site = Path(built["path"])
    data = site / "ledgerline" / "store" / "aws-data"
    shipped = next(site.glob("botocore-*.dist-info")).name.removeprefix("botocore-").removesuffix(".dist-info")
    assert (data / "botocore-version").read_text().strip() == shipped
    assert (data / "endpoints.json").stat().st_size < 50_000  # botocore's own: 1.2 MB
    assert sorted(p.name for p in data.iterdir() if p.is_dir()) == ["dynamodb", "sqs"]
