# The two commands: `make demo` and `make test`. Everything else is a helper.
# Each target creates the virtual environment on first use; nothing is installed by hand.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000
MANAGE := $(BIN)/python example_site/manage.py

.PHONY: help venv demo screenshots test lint format docs bench clean

help:
	@echo "make demo   - set up and serve the example site on http://$(HOST):$(PORT)"
	@echo "make test   - lint, import contract, types, tests with coverage, docs"
	@echo "make bench  - run benchmarks and write figures to docs/performance.md"
	@echo "make lint   - ruff, import-linter, mypy"
	@echo "make docs   - build the documentation (warnings are errors)"
	@echo "make screenshots - retake the example site's screenshots in docs/_static/screenshots"

# Re-install whenever pyproject.toml changes.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[wagtail,dev]"
	touch $(STAMP)

venv: $(STAMP)

# seed_demo and demo_admin only add what is missing: running `make demo` again changes nothing.
demo: venv
	$(MANAGE) migrate --noinput
	$(MANAGE) seed_demo
	$(MANAGE) demo_admin
	@echo "Serving the example site on http://$(HOST):$(PORT)/ (admin: /admin/)"
	$(MANAGE) runserver $(HOST):$(PORT)

# PNGs of the example site for the docs, taken with Debian's Chromium on a throwaway database.
screenshots: venv
	$(BIN)/python scripts/screenshots.py

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

format: venv
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

docs: venv
	$(BIN)/sphinx-build -W --keep-going -n -q -b html docs docs/_build/html

test: lint
	$(BIN)/python -m pytest --cov --cov-report=term
	$(MAKE) docs

bench: venv
	$(BIN)/python -m tests.bench.bench_core --write docs/performance.md
	$(BIN)/python -m tests.bench.bench_pages --write docs/performance.md
	$(BIN)/python -m tests.bench.bench_wall --write docs/performance.md
	$(BIN)/python -m tests.bench.bench_social --write docs/performance.md

clean:
	rm -rf $(VENV) docs/_build .pytest_cache .mypy_cache .ruff_cache .hypothesis .coverage
