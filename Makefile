# patnav — every target sets up what it needs first, so a fresh clone needs nothing else.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export PATNAV_DATA_DIR ?= $(abspath ../shared/data)
DEMO_DIR ?= demo-output
PYTEST_WORKERS ?= 2

.DEFAULT_GOAL := help
.PHONY: help setup demo test bench lint fmt docs lock clean

help:  ## list the targets
	@grep -hE '^[a-z-]+:.*##' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml requirements/dev.lock scripts/system-deps.sh
	@bash scripts/system-deps.sh
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements/dev.lock
	$(PY) -m pip install --quiet --no-deps -e .
	@touch $@

setup: $(STAMP)  ## create or update .venv from the pinned lock file

demo: $(STAMP)  ## import real data into a fresh store and print the first look
	@PY=$(PY) DEMO_DIR=$(DEMO_DIR) bash scripts/demo.sh

test: $(STAMP)  ## run the test suite on the real data in PATNAV_DATA_DIR
	$(PY) -m pytest -n $(PYTEST_WORKERS) -q

bench: $(STAMP)  ## measure throughput and memory against baselines, print the figures
	$(PY) -m bench

lint: $(STAMP)  ## ruff check, ruff format --check, mypy
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench
	$(VENV)/bin/mypy

fmt: $(STAMP)  ## format the code with ruff
	$(VENV)/bin/ruff check --fix src tests bench
	$(VENV)/bin/ruff format src tests bench

docs: $(STAMP)  ## regenerate docs/reference from the code
	$(PY) scripts/gen_docs.py docs/reference

lock: $(STAMP)  ## re-pin requirements/dev.lock from pyproject.toml
	$(PY) -m pip install --quiet uv==0.13.8
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev --python-version 3.11 -o requirements/dev.lock

clean:  ## remove the virtual environment and generated files
	rm -rf $(VENV) $(DEMO_DIR) .pytest_cache .mypy_cache .ruff_cache
