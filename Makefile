# The two commands: `make demo` and `make test`. Everything else is a helper.
# Each target creates the virtual environment on first use; nothing is installed by hand.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000
MANAGE := $(BIN)/python example_site/manage.py

.PHONY: help venv demo test lint format docs bench clean

help:
	@echo "make demo   - set up and serve the example site on http://$(HOST):$(PORT)"
	@echo "make test   - lint, import contract, types, tests with coverage, docs"
	@echo "make bench  - run benchmarks and write figures to docs/performance.md"
	@echo "make lint   - ruff, import-linter, mypy"
	@echo "make docs   - build the documentation (warnings are errors)"

# Re-install whenever pyproject.toml changes.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[wagtail,dev]"
	touch $(STAMP)

venv: $(STAMP)

demo: venv
	$(MANAGE) migrate --noinput
	@echo "Serving the example site on http://$(HOST):$(PORT)/ (admin: /admin/)"
	$(MANAGE) runserver $(HOST):$(PORT)

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

clean:
	rm -rf $(VENV) docs/_build .pytest_cache .mypy_cache .ruff_cache .hypothesis .coverage
