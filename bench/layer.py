"""The deployed artifact, built here as `sam build` builds it, for the cold-start measurement.

The ledger layer comes from ``shared/Makefile``'s ``build-LedgerLayer`` — the very target `sam build`
runs (template.yaml: ``BuildMethod: makefile``) — with the runtime's Python 3.13 when this machine has
it, for this machine's CPU (the deployed layer targets arm64: the same files but for the native
extensions). The Lambda runtime's own boto3, which the baseline imports, is stood in for by the same
boto3 installed and compiled for that interpreter: the runtime ships it compiled.
"""

import glob
import os
import platform
import shutil
import subprocess
import sys
from pathlib import Path

RUNTIME = (3, 13)


def runtime_python() -> tuple[str, bool]:
    """The runtime's interpreter if this machine has one (on PATH or under pyenv), else this one."""
    version = f"{RUNTIME[0]}.{RUNTIME[1]}"
    candidates = [
        *sorted(glob.glob(os.path.expanduser(f"~/.pyenv/versions/{version}*/bin/python{version}"))),
        shutil.which(f"python{version}"),
    ]
    for candidate in filter(None, candidates):
        probe = subprocess.run(
            [candidate, "-c", "import sys; print(sys.version_info[:2])"], capture_output=True, text=True, check=False
        )
        if probe.returncode == 0 and probe.stdout.strip() == str(RUNTIME):  # pyenv shims may point elsewhere
            return candidate, True
    return sys.executable, False


def _version(python: str) -> str:
    return subprocess.run(
        [python, "-c", "import platform; print(platform.python_version())"], capture_output=True, text=True, check=True
    ).stdout.strip()


def build_layer(root: Path, target: Path) -> dict:
    """``shared/Makefile``'s build-LedgerLayer into ``target`` (the layer's root, as ARTIFACTS_DIR)."""
    python, is_runtime = runtime_python()
    machine = {"x86_64": "x86_64", "amd64": "x86_64", "aarch64": "aarch64", "arm64": "aarch64"}[
        platform.machine().lower()
    ]
    make = [
        "make",
        "--no-print-directory",
        "-C",
        str(root / "shared"),
        "build-LedgerLayer",
        f"ARTIFACTS_DIR={target}",
        f"PYTHON_FOR_LAYER={python}",
        f"PLATFORM=manylinux2014_{machine}",
    ]
    if not is_runtime:  # measure what can be measured, and say so
        make.append("REQUIRE_RUNTIME_PYTHON=0")
    done = subprocess.run(make, capture_output=True, text=True, check=False)
    if done.returncode:
        raise RuntimeError(f"building the layer failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    site = target / "python"
    version = _version(python)
    sources = list(site.rglob("*.py"))
    return {
        "python": python,
        "python_version": version,
        "runtime_python": is_runtime,
        "tag": python_tag(tuple(int(part) for part in version.split(".")[:2])),
        "note": (
            "built with the Lambda runtime's Python 3.13, as sam build does"
            if is_runtime
            else f"no Python 3.13 here: built and measured with {version}, NOT the runtime's Python"
        ),
        "platform": f"manylinux2014_{machine} (deployed: manylinux2014_aarch64)",
        "path": str(site),
        "py_files": len(sources),
        "size_mb": round(sum(p.stat().st_size for p in site.rglob("*") if p.is_file()) / 2**20, 1),
    }


def build(root: Path, target: Path, boto3_version: str) -> dict:
    """The layer (``target/layer/python``) and the runtime's compiled boto3 (``target/runtime``)."""
    shutil.rmtree(target, ignore_errors=True)
    built = build_layer(root, target / "layer")
    python, runtime = built["python"], target / "runtime"
    subprocess.run(
        [
            python,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--no-compile",
            "--target",
            str(runtime),
            f"boto3=={boto3_version}",
        ],
        check=True,
        capture_output=True,
    )
    subprocess.run([python, "-m", "compileall", "-q", "-j", "0", str(runtime)], check=True, capture_output=True)
    missing = missing_bytecode(Path(built["path"]), built["tag"])
    return {**built, "runtime_path": str(runtime), "pyc_files": built["py_files"] - len(missing)}


def python_tag(version: tuple[int, ...]) -> str:
    return f"cpython-{version[0]}{version[1]}"


def bytecode_of(source: Path, tag: str) -> Path:
    return source.parent / "__pycache__" / f"{source.stem}.{tag}.pyc"


def missing_bytecode(site: Path, tag: str) -> list[Path]:
    """Sources of a built layer without their compiled file (a deployed layer must have none)."""
    return [p for p in site.rglob("*.py") if not bytecode_of(p, tag).exists()]
