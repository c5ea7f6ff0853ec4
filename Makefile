# Entry points of the project. `make demo` and `make test` set everything up themselves.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
# Python 3.12 is the Lambda runtime we target; find one that really is 3.12 (a pyenv shim may not be).
PYTHON312 ?= $(shell for p in "$$(command -v python3.12)" $$HOME/.pyenv/versions/3.12*/bin/python3.12 /usr/local/bin/python3.12 /usr/bin/python3.12; do \
	[ -x "$$p" ] && "$$p" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 12))' 2>/dev/null && echo "$$p" && break; done)
STAMP := $(VENV)/.installed
export PATH := $(abspath $(BIN)):$(PATH)
export AWS_DEFAULT_REGION ?= eu-west-1
export SAM_CLI_TELEMETRY := 0

# Extra checks run by `make test`; fragments in mk/ append to it.
TEST_CHECKS :=
PYTEST_DEPS :=

.PHONY: help venv demo test test-all checks pytest pytest-all lint typecheck validate build smoke bench chaos clean

help:
	@echo "make demo   - load the sample data into a local org and run every built flow through its handlers"
	@echo "make test   - lint, type-check, validate and build the SAM template, smoke-import the build, run the tests"
	@echo "make test-all - make test plus the tests marked slow (chaos, volume)"
	@echo "make bench  - the benchmark (API requests per document, throughput, memory, cold start)"

# The venv is filled from the hashed lock (requirements-dev.lock, `make lock`) by uv, pinned: it
# downloads and installs in parallel, several times faster than pip on this 2-core machine.
UV_PIN := uv==0.13.9

$(STAMP): pyproject.toml requirements-dev.lock
	@test -n "$(PYTHON312)" || { echo "Python 3.12 not found: install it (pyenv install 3.12) and retry" >&2; exit 1; }
	$(PYTHON312) -m venv $(VENV)
	$(PY) -m pip install --quiet '$(UV_PIN)'
	$(BIN)/uv pip install --quiet --python $(PY) --require-hashes -r requirements-dev.lock
	$(BIN)/uv pip install --quiet --python $(PY) --no-deps -e .
	@touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	$(BIN)/oim-connector demo

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy layers/common/oim_connector layers/common/oim_hooks local/oim_local functions

# The default suite (make test) leaves out tests marked slow (chaos, volume, long benchmarks);
# `make test-all` runs them too (CI can run both). --durations shows where the time goes.
pytest: $(STAMP)
	$(BIN)/pytest -n 2 -q -m "not slow" --durations=30

pytest-all: $(STAMP)
	$(BIN)/pytest -n 2 -q --durations=30

bench: $(STAMP)
	$(BIN)/oim-connector bench

chaos: $(STAMP)
	$(BIN)/oim-connector chaos

clean:
	rm -rf $(VENV) .aws-sam .mypy_cache .ruff_cache .pytest_cache

-include mk/*.mk

# Installs the tests need before they start (fragments in mk/ append to it).
pytest pytest-all: $(PYTEST_DEPS)

# `make test` runs the checks side by side (their installs wait mostly on the network and the disk,
# and most checks use one core), each check's output printed whole when it ends, then the tests
# (which use both cores). A failing check fails the run before the tests start.
CHECK_JOBS ?= 4
SUBMAKE := $(MAKE) --no-print-directory

checks: lint typecheck $(TEST_CHECKS) $(PYTEST_DEPS)

test:
	@$(SUBMAKE) -j$(CHECK_JOBS) --output-sync=target checks
	@$(SUBMAKE) pytest

test-all:
	@$(SUBMAKE) -j$(CHECK_JOBS) --output-sync=target checks
	@$(SUBMAKE) pytest-all
