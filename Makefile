# Quick start: `make run` serves the demo, `make test` runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_DB ?= sqlite:///demo.db

.PHONY: run test lint typecheck unit install dev clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed
dev: $(VENV)/.installed-dev

run: install
	$(BIN)/consular demo --db $(DEMO_DB)

lint: dev
	$(BIN)/ruff check consular tests benchmarks
	$(BIN)/ruff format --check consular tests benchmarks

typecheck: dev
	$(BIN)/mypy

unit: dev
	$(BIN)/pytest --cov --cov-report=term

test: lint typecheck unit

clean:
	rm -rf $(VENV) demo.db demo.db-wal demo.db-shm
