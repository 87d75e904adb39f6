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

# The payment run is measured on SQLite and, beside it, on the throw-away PostgreSQL server of
# `make test-postgres` (its own database remu_bench, dropped and migrated by the benchmark);
# sepaxml is compared with on the file alone (bench/sepa.py), not at every run size.
BENCH_SIZES ?= 10000 30000 100000

bench: install
	$(BIN)/pip install --quiet -e ".[bench]"
	$(BIN)/python bench/evaluate.py
	$(BIN)/python bench/sepa.py
	PG_URL="$$(bash .ci/start-postgres.sh)" && \
		$(BIN)/python bench/payment_run.py --n $(BENCH_SIZES) --skip-sepaxml \
			--postgres-url "$${PG_URL%/*}/remu_bench"
	$(BIN)/python bench/api.py
	$(BIN)/python bench/console.py

screenshots: install
	PYTHONPATH=. $(BIN)/python -m tests.console.screenshots

clean:
	rm -rf $(VENV) var/ .pytest_cache .mypy_cache .ruff_cache bench/results
