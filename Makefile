# remu — every target the README and CI use. `make help` lists them.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PACKAGES := rules remuneration payments exports api

.PHONY: help install run demo test test-postgres lint format typecheck contracts check bench screenshots clean

help:
	@echo "make run        install, create the SQLite database with demo data, serve the API"
	@echo "make test       install and run the whole test suite (SQLite; PostgreSQL too when"
	@echo "                REMU_TEST_DATABASE_URL is set)"
	@echo "make check      lint, format check, type check, import contracts"
	@echo "make bench      run the benchmarks (reports in bench/results/)"
	@echo "make screenshots  the console's pages per role, as PNG files in var/screenshots/"

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev,postgres]"
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/remu serve --demo

test: install
	$(BIN)/pytest --cov=rules --cov-report=term:skip-covered --cov-fail-under=100

test-postgres: install
	REMU_TEST_DATABASE_URL="$$(bash .ci/start-postgres.sh)" $(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

typecheck: install
	$(BIN)/mypy $(PACKAGES) bench tests

contracts: install
	$(BIN)/lint-imports

check: lint typecheck contracts

bench: install
	$(BIN)/pip install --quiet -e ".[bench]"
	$(BIN)/python bench/evaluate.py
	@for script in bench/sepa.py bench/payment_run.py bench/api.py bench/console.py; do \
		if [ -f $$script ]; then $(BIN)/python $$script || exit 1; fi; done

screenshots: install
	PYTHONPATH=. $(BIN)/python -m tests.console.screenshots

clean:
	rm -rf $(VENV) var/ .pytest_cache .mypy_cache .ruff_cache bench/results
