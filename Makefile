# patnav — every target sets up what it needs first, so a fresh clone needs nothing else.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
VENDOR := src/patnav/web/static/vendor
ASSETS := $(VENDOR)/.installed
export PATNAV_DATA_DIR ?= $(abspath ../shared/data)
DEMO_DIR ?= demo-output
PYTEST_WORKERS ?= 2

.DEFAULT_GOAL := help
.PHONY: help setup demo test bench lint fmt docs lock clean serve

help:  ## list the targets
	@grep -hE '^[a-z-]+:.*##' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml requirements/dev.lock scripts/system-deps.sh
	@bash scripts/system-deps.sh
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements/dev.lock
	$(PY) -m pip install --quiet --no-deps -e .
	@touch $@

# Web assets (ECharts, htmx, Swagger UI) from npm, pinned by package-lock.json, served locally.
$(ASSETS): package.json package-lock.json | $(STAMP)
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	mkdir -p $(VENDOR)/swagger-ui
	cp node_modules/echarts/dist/echarts.min.js node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/
	cp node_modules/swagger-ui-dist/swagger-ui-bundle.js node_modules/swagger-ui-dist/swagger-ui.css $(VENDOR)/swagger-ui/
	@touch $@

setup: $(STAMP) $(ASSETS)  ## create or update .venv from the pinned lock file, and the web assets

demo: $(STAMP) $(ASSETS)  ## import real data into a fresh store and print the first look
	@PY=$(PY) DEMO_DIR=$(DEMO_DIR) bash scripts/demo.sh

test: $(STAMP) $(ASSETS)  ## run the test suite on the real data in PATNAV_DATA_DIR
	$(PY) -m pytest -n $(PYTEST_WORKERS) -q

bench: $(STAMP) $(ASSETS)  ## measure throughput and memory against baselines, print the figures
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

serve: $(STAMP) $(ASSETS)  ## run the web platform on http://127.0.0.1:8000
	$(VENV)/bin/patnav serve

clean:  ## remove the virtual environment and generated files
	rm -rf $(VENV) $(DEMO_DIR) .pytest_cache .mypy_cache .ruff_cache node_modules $(VENDOR)
