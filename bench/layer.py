"""A stand-in for the deployed /opt/python layer + the runtime's boto3, linked from the venv.

The dev venv also holds moto, pytest, requests… and the Tracer's ``patch_all()`` imports every
library it can patch that is installed, so timing imports in the venv would count packages Lambda
never has. The cold-start children therefore run with ``python -S`` (no site-packages) on a folder
of symlinks to exactly the distributions of ``shared/requirements.txt`` (what ``sam build`` puts in
the layer) plus ``boto3`` (the Lambda runtime's), with their dependencies — same versions as the venv.
"""

import shutil
from importlib import metadata
from pathlib import Path

try:
    from packaging.requirements import Requirement
except ImportError:  # pragma: no cover - pip always vendors it
    from pip._vendor.packaging.requirements import Requirement  # type: ignore[no-redef]


def requirements(path: Path) -> list[str]:
    lines = (line.split("#", 1)[0].strip() for line in path.read_text().splitlines())
    return [line for line in lines if line] + ["boto3"]


def distributions(roots: list[str]) -> dict[str, metadata.Distribution]:
    """Every installed distribution ``roots`` need, following extras and environment markers."""
    found: dict[str, metadata.Distribution] = {}
    todo = [Requirement(root) for root in roots]
    while todo:
        requirement = todo.pop()
        key = requirement.name.lower().replace("_", "-")
        extras = set(requirement.extras)
        if key in found and not extras:
            continue
        try:
            dist = found.get(key) or metadata.distribution(requirement.name)
        except metadata.PackageNotFoundError:
            continue  # an optional dependency the venv does not have: the layer would not either
        found[key] = dist
        for text in dist.requires or []:
            needed = Requirement(text)
            if needed.marker is None or any(needed.marker.evaluate({"extra": e}) for e in extras or {""}):
                todo.append(needed)
    return found


def _top_level(dist: metadata.Distribution) -> set[str]:
    return {Path(str(f)).parts[0] for f in dist.files or []} - {"..", "__pycache__"}


def build(requirements_file: Path, target: Path) -> dict[str, list[str]]:
    """(Re)create ``target`` as links to each distribution's top-level files.

    Returns the distributions ('name==version') and the top-level names ``sam build`` would vendor
    into the layer: the whole closure of requirements.txt, which includes botocore (aws-xray-sdk
    needs it), so the layer's botocore shadows the runtime's; only boto3 and s3transfer come from
    the runtime.
    """
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    roots = requirements(requirements_file)
    dists = distributions(roots)
    for dist in dists.values():
        site = Path(dist.locate_file(""))
        for top in _top_level(dist):
            if (site / top).exists() and not (target / top).exists():
                (target / top).symlink_to(site / top)
    vendored = distributions(roots[:-1])  # without the runtime's boto3
    return {
        "distributions": sorted(f"{d.metadata['Name']}=={d.version}" for d in dists.values()),
        "vendored_by_sam_build": sorted({top for d in vendored.values() for top in _top_level(d)
                                         if not top.endswith((".dist-info", "-stubs"))}),
    }
