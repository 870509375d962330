"""Cold start: import + first request of a function in a fresh process, against a bare boto3 client.

The parent (:func:`measure`) spawns this file as a script in a Lambda-like environment; the child
(:func:`child`) times its own work with ``perf_counter`` (interpreter start-up is the same for both
sides and not counted) and prints one ``BENCH_RESULT {json}`` line.

Kept to the standard library at module level: whatever this file imports, the child has imported
before the clock starts.
"""

import json
import os
import sys
import time

MARK = "BENCH_RESULT "


def _trace_header() -> str:
    """What the Lambda runtime sets per invocation with Tracing: Active (a sampled request)."""
    return f"Root=1-{int(time.time()):08x}-{os.urandom(12).hex()};Parent={os.urandom(8).hex()};Sampled=1"


class _Context:
    function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "bench")
    function_version = "$LATEST"
    invoked_function_arn = f"arn:aws:lambda:us-east-1:000000000000:function:{function_name}"
    memory_limit_in_mb = 1024
    log_group_name = f"/aws/lambda/{function_name}"
    log_stream_name = "bench"

    def __init__(self) -> None:
        self.aws_request_id = os.urandom(16).hex()

    def get_remaining_time_in_millis(self) -> int:
        return 10_000


def child(mode: str, event_path: str = "", warm: str = "0") -> dict:
    """Phases of a cold start, each as [wall ms, CPU ms]: import, client (creating the boto3 client;
    the handler would do it lazily in its first request) and request (the rest of that request)."""
    event = json.loads(open(event_path).read()) if event_path else None
    marks = [(time.perf_counter(), time.process_time())]

    def phase_end() -> list[float]:
        marks.append((time.perf_counter(), time.process_time()))
        return [(marks[-1][0] - marks[-2][0]) * 1000, (marks[-1][1] - marks[-2][1]) * 1000]

    if mode == "baseline":
        import boto3

        imported = phase_end()
        boto3.client("dynamodb")
        return {"phases": {"import": imported, "client": phase_end()}}

    staged = mode.startswith("stages=")
    if staged:  # the same cold start, its imports taken one layer at a time to attribute their cost
        mode = mode.removeprefix("stages=")
        import boto3  # noqa: F401

        stages = {"boto3": phase_end()}
        import pydantic  # lazy: its model machinery loads with the first model class

        type("Warmup", (pydantic.BaseModel,), {"__annotations__": {"x": int}})
        stages["pydantic (with its model machinery)"] = phase_end()
        import aws_lambda_powertools.event_handler  # noqa: F401

        stages["powertools event_handler"] = phase_end()
        import ledgerline.observability  # noqa: F401

        stages["Logger, Metrics, Tracer (X-Ray)"] = phase_end()

    import importlib.util

    spec = importlib.util.spec_from_file_location("app", os.path.join(mode, "app.py"))
    module = importlib.util.module_from_spec(spec)
    sys.modules["app"] = module
    spec.loader.exec_module(module)
    imported = phase_end()
    if "ledgerline.store.runtime" in sys.modules:  # imported by the function: free
        sys.modules["ledgerline.store.runtime"].dynamodb_client()
    client = phase_end()  # bench/floor creates its client in its first request instead

    def invoke() -> dict:
        os.environ["_X_AMZN_TRACE_ID"] = _trace_header()
        answer = module.lambda_handler(json.loads(json.dumps(event)), _Context())
        status = (
            answer.get("statusCode", 200) if "isAuthorized" not in answer else (200 if answer["isAuthorized"] else 403)
        )
        if not 200 <= status < 300:
            raise SystemExit(f"{mode}: status {status}: {answer.get('body')}")
        return answer

    invoke()
    phases = {"import": imported, "client": client, "request": phase_end()}
    if staged:
        return {
            "phases": {**stages, "ledgerline + the function": imported, "client": client, "request": phases["request"]}
        }
    warm_ms = []
    for _ in range(int(warm)):
        begin = time.perf_counter()
        invoke()
        warm_ms.append((time.perf_counter() - begin) * 1000)
    return {"phases": phases, "warm_ms": warm_ms}


# ---- parent side --------------------------------------------------------------------------------


def lambda_env(function_dir: str | None, *, layer: str, runtime: str, endpoint: str, table: str) -> dict[str, str]:
    """Only what a Lambda function would see (nothing inherited but PATH): no profile, no stray config."""
    name = os.path.basename(function_dir) if function_dir else "baseline"
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        "TZ": ":UTC",
        "LAMBDA_TASK_ROOT": function_dir or runtime,
        "AWS_LAMBDA_FUNCTION_NAME": name,
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "1024",
        "AWS_EXECUTION_ENV": "AWS_Lambda_python3.13",
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_ENDPOINT_URL_DYNAMODB": endpoint,
        "LEDGER_TABLE_NAME": table,
        "AWS_XRAY_DAEMON_ADDRESS": "127.0.0.1:2000",
        "AWS_XRAY_CONTEXT_MISSING": "LOG_ERROR",
        "POWERTOOLS_SERVICE_NAME": "ledgerline",
        "POWERTOOLS_METRICS_NAMESPACE": "Ledgerline",
        "POWERTOOLS_LOG_LEVEL": "INFO",
        "CURSOR_SECRET": "ledgerline-bench-cursor-secret",
        # Lambda's file systems are read-only: nothing a cold start compiles is kept for the next one.
        "PYTHONDONTWRITEBYTECODE": "1",
        # /var/task (the function), /opt/python (the built layer), then the runtime's boto3 (/var/runtime).
        "PYTHONPATH": os.pathsep.join(p for p in (function_dir, None if function_dir is None else layer, runtime) if p),
    }
    return env


def spawn(python: str, args: list[str], env: dict[str, str], *, importtime: bool = False) -> tuple[dict, str]:
    import subprocess

    # -S: no site-packages (the dev venv's extra packages); everything comes from PYTHONPATH.
    command = [python, "-S", *(["-X", "importtime"] if importtime else []), os.path.abspath(__file__), *args]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60, check=False)
    for line in done.stdout.splitlines():
        if line.startswith(MARK):
            return json.loads(line[len(MARK) :]), done.stderr
    raise RuntimeError(
        f"cold-start child {args} failed ({done.returncode}):\n{done.stdout[-1500:]}{done.stderr[-3000:]}"
    )


def top_imports(logs: list[str], count: int = 10, baseline_logs: list[str] = ()) -> dict:
    """``-X importtime`` logs → the costliest top-level packages (summed self time) and single
    modules, each the median over the logs; with ``baseline_logs``, also what the function imports
    beyond ``import boto3; boto3.client("dynamodb")`` (the part a cold start can trim)."""
    packages: dict[str, list[int]] = {}
    modules: dict[str, list[tuple[int, int]]] = {}
    for log in logs:
        totals: dict[str, int] = {}
        for line in log.splitlines():
            if not line.startswith("import time:") or "self [us]" in line:
                continue
            self_us, cumulative_us, name = (part.strip() for part in line[len("import time:") :].split("|"))
            totals[name.split(".")[0]] = totals.get(name.split(".")[0], 0) + int(self_us)
            modules.setdefault(name, []).append((int(self_us), int(cumulative_us)))
        for name, total in totals.items():
            packages.setdefault(name, []).append(total)
    package_ms = {name: _median([us / 1000 for us in values]) for name, values in packages.items()}
    module_ms = {
        name: (_median([s / 1000 for s, _ in v]), _median([c / 1000 for _, c in v])) for name, v in modules.items()
    }
    beyond = {}
    if baseline_logs:
        base = {
            p["package"]: p["self_ms"] for p in top_imports(list(baseline_logs), count=10_000)["packages_by_self_time"]
        }
        beyond = {name: round(ms - base.get(name, 0.0), 1) for name, ms in package_ms.items()}
    return {
        "total_ms": round(sum(package_ms.values()), 1),
        **(
            {
                "beyond_baseline_ms": round(sum(v for v in beyond.values() if v > 0), 1),
                "packages_beyond_baseline": [
                    {"package": name, "extra_self_ms": ms}
                    for name, ms in sorted(beyond.items(), key=lambda kv: -kv[1])[:count]
                ],
            }
            if beyond
            else {}
        ),
        "packages_by_self_time": [
            {"package": name, "self_ms": ms} for name, ms in sorted(package_ms.items(), key=lambda kv: -kv[1])[:count]
        ],
        "modules_by_self_time": [
            {"module": name, "self_ms": s, "cumulative_ms": c}
            for name, (s, c) in sorted(module_ms.items(), key=lambda kv: -kv[1][0])[:count]
        ],
    }


def paired_ratio(ours: list[dict], theirs: list[dict], index: int) -> float:
    """The median, over rounds, of one case's total over another's in the same round (``index`` 0: wall,
    1: CPU). Cases run interleaved, so a round's pair saw the same machine: steadier than a ratio of
    medians when the machine's speed drifts during a run."""
    import statistics

    def total(result: dict) -> float:
        return sum(phase[index] for phase in result["phases"].values())

    return round(statistics.median(total(a) / total(b) for a, b in zip(ours, theirs, strict=True)), 2)


def _median(values: list[float]) -> float:
    import statistics

    return round(statistics.median(values), 1)


def _without_bytecode(layer: str, folder: str) -> str:
    """A copy of the built layer as SAM's own python builder ships it: sources only, no .pyc."""
    import shutil

    copy = os.path.join(folder, "layer-without-pyc")
    shutil.copytree(layer, copy, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


FLOOR = "floor: Powertools + Pydantic + Logger/Metrics/Tracer, no Ledgerline code (bench/floor)"


def measure(
    events: dict[str, dict],
    *,
    root: str,
    artifact: dict,
    endpoint: str,
    table: str,
    runs: int = 7,
    warm: int = 10,
    untraced: tuple[str, ...] = (),
    unbytecoded: tuple[str, ...] = (),
) -> dict:
    """Median of ``runs`` fresh processes per case, cases interleaved round by round after a
    discarded run per function (it warms the file cache). ``events``: function folder → event;
    ``artifact``: the built layer and runtime stand-in (bench/layer.py). The first function's event
    also drives :data:`FLOOR`, the same route with the libraries alone."""
    import shutil
    import tempfile

    folder = tempfile.mkdtemp(prefix="ledgerline-bench-")
    bare_layer = _without_bytecode(artifact["path"], folder) if unbytecoded else ""
    cases = [("baseline", None, {})] + [(name, name, {}) for name in events]
    cases += [(f"{name} (POWERTOOLS_TRACE_DISABLED)", name, {"POWERTOOLS_TRACE_DISABLED": "true"}) for name in untraced]
    cases += [
        (f"{name} (layer as SAM's python3.13 builder ships it: no .pyc)", name, {"layer": bare_layer})
        for name in unbytecoded
    ]
    floor_of = next(iter(events))
    cases.append((FLOOR, f"floor={floor_of}", {}))
    paths = {}
    for name, event in events.items():
        paths[name] = os.path.join(folder, f"{name}.json")
        with open(paths[name], "w") as handle:
            json.dump(event, handle)

    def run(name: str | None, extra: dict[str, str], warm_calls: int = 0, **kwargs) -> tuple[dict, str]:
        mode, name = (name.partition("=")[0] + "=", name.partition("=")[2]) if name and "=" in name else ("", name)
        function_dir = os.path.join(root, "functions", name) if name else None
        if mode == "floor=":  # the first function's event, bench/floor's code
            mode, function_dir = "", os.path.join(root, "bench", "floor")
        extra = dict(extra)
        env = {
            **lambda_env(
                function_dir,
                layer=extra.pop("layer", artifact["path"]),
                runtime=artifact["runtime_path"],
                endpoint=endpoint,
                table=table,
            ),
            **extra,
        }
        args = [mode + function_dir, paths[name], str(warm_calls)] if name else ["baseline"]
        return spawn(artifact["python"], args, env, **kwargs)

    samples: dict[str, list[dict]] = {label: [] for label, _, _ in cases}
    try:
        for name in [None, *events, f"floor={floor_of}"]:  # a discarded run each: fresh .pyc, warm file cache
            run(name, {})
        for _ in range(runs):
            for label, name, extra in cases:
                samples[label].append(run(name, extra, warm)[0])
        profiled = next(iter(events))
        logs = [run(profiled, {}, importtime=True)[1] for _ in range(3)]
        baseline_logs = [run(None, {}, importtime=True)[1] for _ in range(3)]
        stages = [run(f"stages={profiled}", {})[0] for _ in range(3)]
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    def summary(results: list[dict]) -> dict:
        out = {}
        for index, unit in ((0, "ms"), (1, "cpu_ms")):
            for name in results[0]["phases"]:
                out[f"{name}_{unit}"] = _median([r["phases"][name][index] for r in results])
            out[f"total_{unit}"] = _median([sum(p[index] for p in r["phases"].values()) for r in results])
        return out

    baseline = summary(samples["baseline"])
    report = {
        "runs": runs,
        "baseline": baseline,
        "functions": {},
        "stages": {
            "function": profiled,
            "runs": len(stages),
            "note": "CPU ms is the steadier figure",
            "cpu_ms": {name: _median([r["phases"][name][1] for r in stages]) for name in stages[0]["phases"]},
            "ms": {name: _median([r["phases"][name][0] for r in stages]) for name in stages[0]["phases"]},
        },
        "importtime": {"function": profiled, "runs": len(logs), **top_imports(logs, baseline_logs=baseline_logs)},
    }
    for label, _, extra in cases[1:]:
        results = summary(samples[label])
        report["functions"][label] = {
            "tracer": "disabled" if "POWERTOOLS_TRACE_DISABLED" in extra else "enabled (as deployed)",
            "bytecode": "none in the layer" if "layer" in extra else "as built: .pyc in the layer",
            **results,
            # SPEC §8's "first request" = creating the client + the request itself.
            "first_request_ms": round(results["client_ms"] + results["request_ms"], 1),
            "ratio_vs_baseline": round(results["total_ms"] / baseline["total_ms"], 2),
            "pass": results["total_ms"] <= 1.5 * baseline["total_ms"],
            # CPU time: what the machine's load does not inflate (the wait on DynamoDB is excluded).
            "ratio_cpu_vs_baseline": round(results["total_cpu_ms"] / baseline["total_cpu_ms"], 2),
            "warm_p50_ms": _median([ms for s in samples[label] for ms in s["warm_ms"]]),
            # Against the libraries alone, round by round: what our own code adds (decision 130).
            "paired_ratio_vs_floor": paired_ratio(samples[label], samples[FLOOR], 0),
            "paired_ratio_cpu_vs_floor": paired_ratio(samples[label], samples[FLOOR], 1),
            "paired_ratio_vs_baseline": paired_ratio(samples[label], samples["baseline"], 0),
        }
    return report


if __name__ == "__main__":
    print(MARK + json.dumps(child(*sys.argv[1:])), flush=True)
