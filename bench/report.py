"""Markdown tables from bench/results.json, for docs/performance.md: `.venv/bin/python bench/report.py`."""

import json
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results.json"


def _calls(counts: dict[str, int]) -> str:
    return ", ".join(f"{n} {op}" for op, n in sorted(counts.items())) or "none"


def tables(results: dict) -> str:
    env, cold = results["environment"], results["cold_start"]
    out = [
        f"Run of {env['date']} — Python {env['python']}, {env['cpu_count']} CPUs, {env['platform']}, "
        f"load average {env['load_average_1m']['start']} → {env['load_average_1m']['end']}, "
        f"{results['duration_s']} s.",
        "",
    ]
    base = cold["baseline"]
    out += [
        f"**Cold start** (median of {cold['runs']} fresh processes; target ≤ 1.5× the baseline; "
        "wall ms, CPU ms in parentheses)",
        "",
        "| case | import | client | request | total | × baseline | CPU × baseline | target | × floor, paired (CPU) "
        "| warm p50 |",
        "|---|---:|---:|---:|---:|---:|---:|---|---:|---:|",
        f'| baseline `import boto3; boto3.client("dynamodb")` | {base["import_ms"]} ({base["import_cpu_ms"]}) | '
        f"{base['client_ms']} ({base['client_cpu_ms']}) | — | {base['total_ms']} ({base['total_cpu_ms']}) | 1 | 1 | | | |",
    ]
    for name, r in cold["functions"].items():
        out.append(
            f"| {name} | {r['import_ms']} ({r['import_cpu_ms']}) | {r['client_ms']} ({r['client_cpu_ms']}) | "
            f"{r['request_ms']} ({r['request_cpu_ms']}) | {r['total_ms']} ({r['total_cpu_ms']}) | "
            f"{r['ratio_vs_baseline']:.2f} | {r['ratio_cpu_vs_baseline']:.2f} | "
            f"{'pass' if r['pass'] else '**fail**'} | "
            f"{r.get('paired_ratio_vs_floor', '—')} ({r.get('paired_ratio_cpu_vs_floor', '—')}) | {r['warm_p50_ms']} |"
        )
    stages = cold["stages"]
    out += [
        "",
        f"**Where a cold start of `{stages['function']}` goes** (its imports taken one layer at a time, "
        f"median of {stages['runs']}; CPU ms, wall ms in parentheses)",
        "",
        "| stage | CPU ms | wall ms |",
        "|---|---:|---:|",
    ]
    for name, cpu in stages["cpu_ms"].items():
        out.append(f"| {name} | {cpu} | {stages['ms'][name]} |")
    imports = cold["importtime"]
    out += [
        "",
        f"**Top imports** of `{imports['function']}` (`-X importtime`, self time summed per package, "
        f"median of {imports['runs']}; total {imports['total_ms']} ms, of which {imports['beyond_baseline_ms']} ms "
        "beyond the baseline's)",
        "",
        "| package | self ms | beyond baseline ms |",
        "|---|---:|---:|",
    ]
    beyond = {p["package"]: p["extra_self_ms"] for p in imports["packages_beyond_baseline"]}
    for p in imports["packages_by_self_time"]:
        out.append(f"| {p['package']} | {p['self_ms']} | {beyond.get(p['package'], '—')} |")
    out += [
        "",
        f"**DynamoDB calls per request** (the authorizer adds {_calls(results['authorizer_calls_per_request'])})",
        "",
        "| route | variant | status | function's calls | SPEC §8 |",
        "|---|---|---:|---|---|",
    ]
    skipped = []
    for route, rows in results["calls_per_request"].items():
        for row in rows:
            if "skipped" in row:
                skipped.append(route)
                continue
            verdict = (
                "ok"
                if all(row["checks"].values())
                else "**" + ", ".join(k for k, v in row["checks"].items() if not v) + "**"
            )
            out.append(
                f"| `{route}` | {row['variant']} | {row['status']} | {_calls(row['function_calls'])} | {verdict} |"
            )
    if skipped:
        out += ["", f"Not measured yet (no sample in `bench/samples.py`): {len(skipped)} routes."]
    lat = results["latency"]
    out += [
        "",
        f"**Warm latency** (n = {lat['n']}, {lat['mode']}; ms)",
        "",
        "| request | ours p50 | ours p95 | floor p50 | floor p95 | overhead p50 | overhead p95 | function only: ours / floor p50 |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for name, r in lat["endpoints"].items():
        out.append(
            f"| {name} | {r['ours']['p50_ms']} | {r['ours']['p95_ms']} | {r['floor']['p50_ms']} | "
            f"{r['floor']['p95_ms']} | {r['overhead_p50_ms']} | {r['overhead_p95_ms']} | "
            f"{r['ours_function_only']['p50_ms']} / {r['floor_function_only']['p50_ms']} |"
        )
    return "\n".join(out)


if __name__ == "__main__":
    print(tables(json.loads(RESULTS.read_text())))
