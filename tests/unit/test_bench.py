"""The bench's helpers (bench/): parsing, rules and route coverage. No timing is asserted here."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench import coldstart, harness, latency, layer, samples  # noqa: E402

IMPORTTIME = """import time: self [us] | cumulative | imported package
import time:       100 |        100 |     botocore.compat
import time:      2000 |       2100 |   botocore
import time:       500 |        500 | pydantic.main
import time:      1500 |       2000 | pydantic
"""


def test_top_imports_sums_self_time_per_package():
    top = coldstart.top_imports([IMPORTTIME, IMPORTTIME])
    assert top["packages_by_self_time"] == [
        {"package": "botocore", "self_ms": 2.1},
        {"package": "pydantic", "self_ms": 2.0},
    ]
    assert top["modules_by_self_time"][0] == {"module": "botocore", "self_ms": 2.0, "cumulative_ms": 2.1}
    assert top["total_ms"] == 4.1


def test_spec_rules_on_call_counts():
    assert all(samples.checks("POST", {"Query": 1, "GetItem": 1, "TransactWriteItems": 1}).values())
    assert samples.checks("POST", {"Query": 3, "TransactWriteItems": 1})["max_2_reads"] is False
    assert samples.checks("DELETE", {"Query": 1, "PutItem": 1, "TransactWriteItems": 1})["one_transact_write"] is False
    assert samples.checks("GET", {"Scan": 1}) == {"no_scan": False}


def test_routes_without_a_sample_are_reported_not_guessed():
    assert isinstance(samples.samples_for("POST", "/v1/things", "POST /v1/things"), str)
    assert "thing_id" in samples.samples_for("GET", "/v1/things/{thing_id}", "GET /v1/things/{thing_id}")
    assert samples.samples_for("GET", "/v1/businesses/{businessId}/x", "GET /v1/businesses/{businessId}/x") == [
        samples.Sample()
    ]


def test_every_sample_names_a_route_of_the_template():
    from ledgerline_tools import template

    assert set(samples.SAMPLES) <= {route.route_key for route in template.routes()}


def test_floor_replays_with_fresh_ids_and_percentiles():
    swapped = latency._swap({"Item": {"SK": {"S": "ENTRY#abc"}}, "L": ["abc", 1]}, "abc", "xyz")
    assert swapped == {"Item": {"SK": {"S": "ENTRY#xyz"}}, "L": ["xyz", 1]}
    assert harness.percentiles([0.001 * i for i in range(1, 101)])["p50_ms"] == 50.5


def test_the_bytecode_check_names_sources_without_their_pyc(tmp_path):
    (tmp_path / "pkg" / "__pycache__").mkdir(parents=True)
    (tmp_path / "pkg" / "a.py").write_text("")
    (tmp_path / "pkg" / "b.py").write_text("")
    layer.bytecode_of(tmp_path / "pkg" / "a.py", layer.python_tag((3, 13))).write_bytes(b"")
    assert layer.missing_bytecode(tmp_path, "cpython-313") == [tmp_path / "pkg" / "b.py"]
    assert coldstart._trace_header().startswith("Root=1-")


def test_imports_beyond_the_baseline():
    baseline = "import time:      1900 |       1900 | botocore\n"
    top = coldstart.top_imports([IMPORTTIME], baseline_logs=[baseline])
    assert top["packages_beyond_baseline"][0] == {"package": "pydantic", "extra_self_ms": 2.0}
    assert top["beyond_baseline_ms"] == 2.2


def test_every_route_that_takes_a_body_is_first_sent_its_declared_sample():
    from ledgerline_tools import template

    for route in template.routes():
        if route.method in ("POST", "PUT"):
            found = samples.samples_for(route.method, route.path, route.route_key)
            assert not isinstance(found, str), f"{route.route_key}: {found}"
            assert found[0].variant == "declared sample", route.route_key


def test_a_run_floor_writes_as_many_fresh_puts_as_the_transaction_had_actions():
    from bench.runs import _as_puts

    request = {
        "TransactItems": [
            {
                "Put": {
                    "TableName": "t",
                    "Item": {"PK": {"S": "BIZ#1"}, "SK": {"S": "ENTRY#1"}, "memo": {"S": "m" * 50}},
                    "ConditionExpression": "attribute_not_exists(PK)",
                }
            },
            {
                "Update": {
                    "TableName": "t",
                    "Key": {"PK": {"S": "BIZ#1"}, "SK": {"S": "INVOICE#1"}},
                    "UpdateExpression": "ADD outstanding_balance :minus",
                    "ConditionExpression": "outstanding_balance > :a",
                    "ExpressionAttributeValues": {":minus": {"N": "-5"}, ":a": {"N": "5"}},
                }
            },
        ]
    }

    puts = _as_puts(request)["TransactItems"]

    assert [list(p) for p in puts] == [["Put"], ["Put"]]
    assert all(p["Put"]["Item"]["PK"]["S"].startswith("FLOOR#") and "ConditionExpression" not in p["Put"] for p in puts)
    assert puts[0]["Put"]["Item"]["memo"] == {"S": "m" * 50}  # as large as what it stands for
    assert puts[1]["Put"]["Item"]["minus"] == {"N": "-5"}


def test_a_paired_ratio_compares_each_round_with_its_own_round():
    def run(*totals: float) -> list[dict]:
        return [{"phases": {"import": [t, t / 2], "request": [0.0, 0.0]}} for t in totals]

    # The machine changed speed between rounds: a ratio of medians says 3.3, each round says 1.1.
    ours, floor = run(110, 330, 330), run(100, 300, 100)

    assert coldstart.paired_ratio(ours, floor, 0) == 1.1
    assert coldstart.paired_ratio(ours, floor, 1) == 1.1
