# Two commands set everything up on a fresh machine:
#   make run    create .venv, install, ingest corpus/ if the store is empty, start the app
#   make test   install what the tests need, lint, run the test suite
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8501
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False

.PHONY: install run ingest watch test test-slow test-all lint browser bench eval clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	# The CPU build of torch first: an unpinned torch would pull a multi-GB CUDA build.
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e '.[dev]'
	@touch $@

install: $(STAMP)

ingest: install
	$(BIN)/python -m ingest --if-empty

# Loopback only, unless users exist (`python -m kb users add NAME --role admin`): then the app
# listens on ADDRESS and SERVER_NAME is the name browsers use (setting it, or a specific
# address, also keeps Streamlit from looking up the machine's external IP at start).
ADDRESS ?= 0.0.0.0
SERVER_NAME ?= $(shell hostname -f 2>/dev/null || hostname)
run: install ingest
	@if $(BIN)/python -c 'import sys; from kb.settings import Settings; from kb.users import has_users; sys.exit(0 if has_users(Settings()) else 1)'; then \
		bind="--server.address $(ADDRESS) --browser.serverAddress $(SERVER_NAME)"; \
	else \
		bind="--server.address 127.0.0.1"; \
	fi; \
	echo "$(BIN)/streamlit run app.py --server.port $(PORT) $$bind"; \
	$(BIN)/streamlit run app.py --server.port $(PORT) $$bind --server.headless true \
		--browser.gatherUsageStats false

# Refresh the news-feed subscriptions every 30 minutes (beside `make run`; Ctrl-C stops it).
watch: install
	$(BIN)/python -m ingest --watch --every 30m

# Debian's Chromium for the browser tests (Playwright's own browser download fails here).
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
		else \
			echo "Install Chromium for the browser tests: sudo apt-get install chromium"; \
		fi; \
	fi

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: install browser lint
	$(BIN)/python -m pytest -q

test-slow: install browser
	$(BIN)/python -m pytest -q -m slow

test-all: install browser lint
	$(BIN)/python -m pytest -q -m "slow or not slow"

eval: install
	$(BIN)/python -m eval

bench: install
	$(BIN)/python -m eval.bench

clean:
	rm -rf .kb eval/reports tests/artifacts .pytest_cache .ruff_cache
