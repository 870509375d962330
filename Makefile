# Ledgerline — the two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 3000
DYNAMODB_PORT ?= 8000
STAMP := $(VENV)/.installed-stamp
# checkov pins its own test stack (it conflicts with the project's pytest): it lives in a venv of its own.
CHECKOV_VENV := .venv-checkov
CHECKOV_VERSION := 3.2.459
CHECKOV_STAMP := $(CHECKOV_VENV)/.installed-stamp-$(CHECKOV_VERSION)

.PHONY: install run test lint bench openapi clean soak

# Said step by step, with pip's own progress bars: a first install downloads for a minute or so.
$(STAMP): pyproject.toml
	@echo "==> Creating $(VENV) with $(PYTHON) and upgrading pip"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	@echo "==> Installing Python packages into $(VENV): pip install -e '.[dev]' (again whenever pyproject.toml changes)"
	$(BIN)/python -m pip install --progress-bar on -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## make run: DynamoDB Local + the API on http://127.0.0.1:$(PORT) (Ctrl-C stops both)
run: install
	@echo "==> Starting Ledgerline: DynamoDB Local on :$(DYNAMODB_PORT), the API on :$(PORT)"
	@$(BIN)/ledgerline serve --port $(PORT) --dynamodb-port $(DYNAMODB_PORT)

## make test: template lint, unit tests (moto) and integration tests (DynamoDB Local)
test: install lint
	$(BIN)/python -m pytest -n 2 --dist loadfile

$(CHECKOV_STAMP):
	$(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(CHECKOV_VENV)/bin/python -m pip install --quiet 'checkov==$(CHECKOV_VERSION)'
	touch $(CHECKOV_STAMP)

## make lint: cfn-lint, then checkov with the reasoned skips of .checkov.yaml
lint: $(CHECKOV_STAMP)
	$(BIN)/cfn-lint template.yaml
	$(CHECKOV_VENV)/bin/checkov -f template.yaml --framework cloudformation --config-file .checkov.yaml \
		--compact --quiet

## make soak SEED=… STEPS=…: the simulation (tests/simulation) for as long as asked; a failure replays with
## the same SEED and STEPS (default: a new seed each time, printed)
SEED ?= $(shell date +%s)
STEPS ?= 5000
soak: install
	SIM_SEED=$(SEED) SIM_STEPS=$(STEPS) $(BIN)/python -m pytest tests/simulation -q -p no:cacheprovider

## make bench: performance targets, written to bench/results.json
bench: install
	$(BIN)/python bench/run.py

## make openapi: regenerate docs/openapi.json from the functions' code
openapi: install
	$(BIN)/ledgerline openapi

clean:
	rm -rf $(VENV) $(CHECKOV_VENV) .pytest_cache
