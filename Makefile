# Ledgerline — the two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 3000
DYNAMODB_PORT ?= 8000
# Origins a browser app may call the local API from (CORS, the template's CorsAllowedOrigins); empty: off.
CORS_ORIGINS ?=
STAMP := $(VENV)/.installed-stamp
AWS_DATA := shared/ledgerline/store/aws-data/botocore-version
# checkov pins its own test stack (it conflicts with the project's pytest): it lives in a venv of its own.
CHECKOV_VENV := .venv-checkov
CHECKOV_VERSION := 3.2.459
CHECKOV_STAMP := $(CHECKOV_VENV)/.installed-stamp-$(CHECKOV_VERSION)
# Redocly CLI lints docs/openapi.json (rules in redocly.yaml); pinned exactly, one self-contained npm package.
REDOCLY_VERSION := 2.77.0
REDOCLY_DIR := .local/redocly
REDOCLY_STAMP := $(REDOCLY_DIR)/.installed-stamp-$(REDOCLY_VERSION)

.PHONY: install run test lint format bench openapi clean soak deploy-check

# Said step by step, with pip's own progress bars: a first install downloads for a minute or so.
$(STAMP): pyproject.toml
	@echo "==> Creating $(VENV) with $(PYTHON) and upgrading pip"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	@echo "==> Installing Python packages into $(VENV): pip install -e '.[dev]' (again whenever pyproject.toml changes)"
	$(BIN)/python -m pip install --progress-bar on -e '.[dev]'
	touch $(STAMP)

# botocore's data for the ledger's two clients, written from the installed botocore (store/aws_data.py);
# the layer's build writes its own (shared/Makefile).
$(AWS_DATA): $(STAMP) shared/ledgerline/store/aws_data.py
	$(BIN)/python -m ledgerline.store.aws_data

install: $(STAMP) $(AWS_DATA)

## make run: DynamoDB Local + the API on http://127.0.0.1:$(PORT) (Ctrl-C stops both);
## make run CORS_ORIGINS=https://app.example.com lets a browser app on that origin call it
run: install
	@echo "==> Starting Ledgerline: DynamoDB Local on :$(DYNAMODB_PORT), the API on :$(PORT)"
	@$(BIN)/ledgerline serve --port $(PORT) --dynamodb-port $(DYNAMODB_PORT)$(if $(CORS_ORIGINS), --cors-origins '$(CORS_ORIGINS)')

## make test: template lint, unit tests (moto) and integration tests (DynamoDB Local)
test: install lint
	$(BIN)/python -m pytest -n 2 --dist loadfile

$(CHECKOV_STAMP):
	$(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(CHECKOV_VENV)/bin/python -m pip install --quiet 'checkov==$(CHECKOV_VERSION)'
	touch $(CHECKOV_STAMP)

$(REDOCLY_STAMP):
	@echo "==> Fetching Redocly CLI $(REDOCLY_VERSION) from npm (@redocly/cli, about 15 MB, once) into $(REDOCLY_DIR)/"
	rm -rf $(REDOCLY_DIR) && mkdir -p $(REDOCLY_DIR)
	npm install --prefix $(REDOCLY_DIR) --no-save --no-audit --no-fund --ignore-scripts --no-progress \
		--loglevel=error '@redocly/cli@$(REDOCLY_VERSION)'
	touch $(REDOCLY_STAMP)

## make lint: ruff (lint rules and formatting, pyproject.toml), cfn-lint, checkov with the reasoned skips of
## .checkov.yaml, then Redocly on docs/openapi.json. `make format` applies ruff's fixes and formatting.
lint: install $(CHECKOV_STAMP) $(REDOCLY_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/cfn-lint template.yaml
	$(CHECKOV_VENV)/bin/checkov -f template.yaml --framework cloudformation --config-file .checkov.yaml \
		--compact --quiet
	REDOCLY_SUPPRESS_UPDATE_NOTICE=true $(REDOCLY_DIR)/node_modules/.bin/redocly lint docs/openapi.json --config redocly.yaml

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

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

## make deploy-check: sam validate (+ --lint) and sam build with samconfig.toml, no AWS account needed; each
## missing tool (SAM CLI, Python 3.13) is one SKIPPED line, not a failure (STRICT=1: it is). tools/deploy-check.sh
deploy-check:
	@bash tools/deploy-check.sh

clean:
	rm -rf $(VENV) $(CHECKOV_VENV) .venv-sam .aws-sam .pytest_cache
