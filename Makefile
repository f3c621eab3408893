# Two entry points for a fresh machine: `make run` (set up, ingest, chat) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: setup run test lint bench clean

# torch is installed first and pinned: plain pip finds the machine's CPU wheel of 2.13.0
# through its own configuration; any other version pulls a multi-GB CUDA build.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q torch==2.13.0
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

run: setup
	GRADIO_ANALYTICS_ENABLED=False $(BIN)/hr-assistant serve

lint: setup
	$(BIN)/ruff check assistant ingest ui tests bench
	$(BIN)/mypy

test: lint
	$(BIN)/pytest

bench: setup
	$(BIN)/python -m bench.latency
	$(BIN)/python -m bench.crosslingual

clean:
	rm -rf $(VENV) .data
