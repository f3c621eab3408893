# Two entry points for a fresh machine: `make run` (set up, ingest, chat) and `make test`.
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -ec
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: setup system-packages run test lint bench clean

# pip's notes about the machine's partial local package index are filtered out.
PIP_QUIET := 2>&1 | { grep -v 'is ignored: it is neither a file nor a directory' || true; }

# torch is installed first and pinned: plain pip finds the machine's CPU wheel of 2.13.0
# through its own configuration; any other version pulls a multi-GB CUDA build.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q torch==2.13.0 $(PIP_QUIET)
	$(BIN)/python -m pip install -q -e '.[dev]' $(PIP_QUIET)
	touch $(STAMP)

setup: $(STAMP)

run: setup
	GRADIO_ANALYTICS_ENABLED=False $(BIN)/hr-assistant serve

lint: setup
	$(BIN)/ruff check assistant ingest ui tests bench
	$(BIN)/mypy

# The tests use Debian's Chromium (never a downloaded browser build) and PostgreSQL.
system-packages:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

test: lint system-packages
	$(BIN)/pytest

bench: setup
	$(BIN)/python -m bench.latency
	$(BIN)/python -m bench.crosslingual
	$(BIN)/python -m bench.reingest
	$(BIN)/python -m bench.load
	$(BIN)/python -m bench.scale

clean:
	rm -rf $(VENV) .data
