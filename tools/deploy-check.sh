#!/usr/bin/env bash
# `make deploy-check`: what `sam deploy` would build and send, checked without an AWS account —
# `sam validate` (SAM's own translation of template.yaml), `sam validate --lint` (cfn-lint) and `sam build`,
# all with samconfig.toml's settings and no flags.
#
# Needs the AWS SAM CLI and a Python 3.13 (the functions' runtime, which `sam build` and shared/Makefile use).
#   SAM CLI:     $SAM, else `sam` on PATH, else .venv-sam/bin/sam
#                (python3 -m venv .venv-sam && .venv-sam/bin/pip install aws-sam-cli).
#   Python 3.13: $PYTHON313, else a python3.13 on PATH that really is 3.13 (a pyenv shim may not be), else
#                ~/.pyenv/versions/3.13*/bin/python3.13; its folder is put first on PATH for `sam build`.
#
# Exit status: 0 when every check ran and passed, or when a tool is missing (each missing one is said in one
# line starting "deploy-check: SKIPPED", and what could run still ran); the failing command's status when a check
# fails; 3 when a tool is missing and STRICT=1 (for a machine that must deploy, e.g. a release job).
set -uo pipefail
cd "$(dirname "$0")/.."

export SAM_CLI_TELEMETRY=0  # no metrics sent to AWS from a check
STRICT=${STRICT:-0}
missing=0

say() { echo "==> $*"; }
skip() {
    echo "deploy-check: SKIPPED $1 — $2"
    missing=1
}

find_sam() {
    if [ -n "${SAM:-}" ]; then command -v "$SAM" 2>/dev/null; return; fi  # as told, or not at all
    if command -v sam >/dev/null 2>&1; then command -v sam; return; fi
    if [ -x .venv-sam/bin/sam ]; then echo .venv-sam/bin/sam; return; fi
}

is_313() { "$1" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 13))' >/dev/null 2>&1; }

find_python313() {
    local candidate candidates
    if [ -n "${PYTHON313:-}" ]; then
        candidates=("$PYTHON313")  # as told, or not at all
    else
        candidates=("$(command -v python3.13 2>/dev/null)" ~/.pyenv/versions/3.13*/bin/python3.13)
    fi
    for candidate in "${candidates[@]}"; do
        if [ -n "$candidate" ] && [ -x "$candidate" ] && is_313 "$candidate"; then
            echo "$candidate"
            return
        fi
    done
}

run() {
    say "$*"
    "$@"
    local status=$?
    if [ $status -ne 0 ]; then
        echo "deploy-check: FAILED ($status): $*"
        exit $status
    fi
}

sam_cli=$(find_sam)
python313=$(find_python313)

if [ -z "$sam_cli" ]; then
    skip "sam validate, sam validate --lint, sam build" \
        "no AWS SAM CLI (${SAM:+not at \$SAM=$SAM, }none on PATH, no .venv-sam/bin/sam): python3 -m venv .venv-sam && .venv-sam/bin/pip install aws-sam-cli"
else
    say "Using $("$sam_cli" --version) ($sam_cli)"
    run "$sam_cli" validate
    run "$sam_cli" validate --lint
fi

if [ -z "$python313" ]; then
    skip "sam build" \
        "no Python 3.13, the functions' runtime (${PYTHON313:+not at \$PYTHON313=$PYTHON313, }none on PATH or in ~/.pyenv/versions/3.13*/bin): install one (e.g. pyenv install 3.13) or set PYTHON313"
elif [ -n "$sam_cli" ]; then
    say "Using Python $("$python313" -c 'import platform; print(platform.python_version())') ($python313) for the build"
    PATH="$(dirname "$python313"):$PATH" run "$sam_cli" build
    say "Built into .aws-sam/build: sam deploy sends that (samconfig.toml: stack, region, S3, capabilities, parameters)"
fi

if [ $missing -ne 0 ]; then
    if [ "$STRICT" = 1 ]; then
        echo "deploy-check: incomplete (STRICT=1): a tool above is missing"
        exit 3
    fi
    echo "deploy-check: incomplete — only what the tools here allow was checked (STRICT=1 makes this an error)"
else
    echo "deploy-check: OK — sam validate, sam validate --lint and sam build passed"
fi
