# Ledgerline — the two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 3000
DYNAMODB_PORT ?= 8000
STAMP := $(VENV)/.installed-stamp

.PHONY: install run test lint bench openapi clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## make run: DynamoDB Local + the API on http://127.0.0.1:$(PORT) (Ctrl-C stops both)
run: install
	$(BIN)/ledgerline serve --port $(PORT) --dynamodb-port $(DYNAMODB_PORT)

## make test: template lint, unit tests (moto) and integration tests (DynamoDB Local)
test: install lint
	$(BIN)/python -m pytest -n 2 --dist loadfile

lint:
	$(BIN)/cfn-lint template.yaml

## make bench: performance targets, written to bench/results.json
bench: install
	$(BIN)/python bench/run.py

## make openapi: regenerate docs/openapi.json from the functions' code
openapi: install
	$(BIN)/ledgerline openapi

clean:
	rm -rf $(VENV) .pytest_cache
