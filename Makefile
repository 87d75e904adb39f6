# remu — every target the README and CI use. `make help` lists them.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PACKAGES := rules remuneration payments exports api

PORT ?= 8000

.PHONY: help install run test test-postgres coverage-gate lint format typecheck contracts \
	yamllint typos docs check pre-commit bench screenshots clean

help: ## list every target with what it does
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | \
		awk 'BEGIN {FS = ":.*## "}; {printf "make %-15s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev,postgres]"
	touch $(STAMP)

install: $(STAMP) ## create .venv and install remu with its dev and PostgreSQL extras

run: install ## create var/remu.sqlite3 with demo data and serve the API on PORT (default 8000)
	@echo "remu: make run serves on port $(PORT) (another port: make run PORT=8001)"
	$(BIN)/remu serve --demo --port $(PORT)

test: install ## run the test suite with the coverage gate (PostgreSQL instead of SQLite when REMU_TEST_DATABASE_URL is set)
	$(BIN)/pytest --cov --cov-report=term:skip-covered
	$(MAKE) --no-print-directory coverage-gate

coverage-gate: ## from the last test run: every package at least 95 %, rules/ 100 % (branches included)
	@for package in $(PACKAGES); do \
		floor=95; [ "$$package" = rules ] && floor=100; \
		total=$$($(BIN)/coverage report --include="$$package/*" --format=total) || exit 1; \
		echo "coverage of $$package/: $$total % (at least $$floor %)"; \
		$(BIN)/coverage report --include="$$package/*" --fail-under=$$floor >/dev/null || \
			{ echo "coverage of $$package/ is under $$floor %"; exit 1; }; \
	done

test-postgres: install ## start a throw-away PostgreSQL and run the test suite on it
	REMU_TEST_DATABASE_URL="$$(bash .ci/start-postgres.sh)" $(BIN)/pytest

lint: install ## ruff lint and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install ## ruff format and safe fixes
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

typecheck: install ## mypy strict on every package, the benchmarks and the tests
	$(BIN)/mypy $(PACKAGES) bench tests docs

contracts: install ## import-linter: the layers and the doors
	$(BIN)/lint-imports

yamllint: install ## lint every YAML file (.yamllint.yaml)
	$(BIN)/yamllint --strict .

typos: install ## spelling of code and documents (_typos.toml allows the French words)
	$(BIN)/typos

docs: install ## regenerate docs/rules.md's parameter table and examples/requests/
	$(BIN)/python docs/generate_parameters.py
	$(BIN)/python docs/generate_examples.py

check: lint typecheck contracts yamllint typos ## every static check: ruff, mypy, import-linter, yamllint, typos

pre-commit: install ## install the git pre-commit hook (it runs the checks of make check)
	$(BIN)/pre-commit install

# The payment run is measured on SQLite and, beside it, on the throw-away PostgreSQL server of
# `make test-postgres` (its own database remu_bench, dropped and migrated by the benchmark);
# sepaxml is compared with on the file alone (bench/sepa.py), not at every run size.
BENCH_SIZES ?= 10000 30000 100000

bench: install ## run the benchmarks (reports in bench/results/)
	$(BIN)/pip install --quiet -e ".[bench]"
	$(BIN)/python bench/evaluate.py
	$(BIN)/python bench/lines_floor.py
	$(BIN)/python bench/sepa.py
	PG_URL="$$(bash .ci/start-postgres.sh)" && \
		$(BIN)/python bench/payment_run.py --n $(BENCH_SIZES) --skip-sepaxml \
			--postgres-url "$${PG_URL%/*}/remu_bench"
	$(BIN)/python bench/search.py
	$(BIN)/python bench/api.py
	$(BIN)/python bench/console.py

screenshots: install ## the console's pages per role, as PNG files in var/screenshots/
	PYTHONPATH=. $(BIN)/python -m tests.console.screenshots

clean: ## remove .venv, var/ and the caches
	rm -rf $(VENV) var/ .pytest_cache .mypy_cache .ruff_cache bench/results
