# Quick start: `make run` serves the demo, `make test` runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_DB ?= sqlite:///demo.db

.PHONY: run test lint typecheck unit install dev clean messages screenshots fuzz

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

$(VENV)/.installed-fuzz: $(VENV)/.installed-dev
	$(BIN)/pip install --quiet -e '.[fuzz]'
	touch $@

install: $(VENV)/.installed
dev: $(VENV)/.installed-dev

run: install
	$(BIN)/consular demo --db $(DEMO_DB)

lint: dev
	$(BIN)/ruff check consular tests benchmarks tools
	$(BIN)/ruff format --check consular tests benchmarks tools
	# The layering contract (pyproject.toml [tool.importlinter]).
	$(BIN)/lint-imports

typecheck: dev
	$(BIN)/mypy

unit: dev
	$(BIN)/pytest --cov --cov-report=term

test: lint typecheck unit

clean:
	rm -rf $(VENV) demo.db demo.db-wal demo.db-shm demo.key

# After changing a page's text: extract the strings, then translate the new ones in the .po files.
messages: dev
	$(BIN)/pybabel extract -F babel.cfg --no-location --omit-header -o consular/i18n/translations/messages.pot .
	$(BIN)/pybabel update -i consular/i18n/translations/messages.pot -d consular/i18n/translations

# The README's screenshots (needs Debian's chromium: apt-get install chromium fonts-nanum).
screenshots: dev
	$(BIN)/python tools/screenshots.py

# Fuzz the JSON API against its OpenAPI document (not part of `make test`; about 9 minutes).
fuzz: $(VENV)/.installed-fuzz
	$(BIN)/python tools/fuzz.py
