# Every target bootstraps its own environment: a private uv in .tools/, then the
# project's .venv synced from uv.lock. Nothing installed by hand is needed.
PYTHON ?= python3
UV_VERSION := 0.13.8
UV := .tools/bin/uv
VENV := .venv
export UV_PYTHON := $(PYTHON)
export UV_PYTHON_DOWNLOADS := never
export UV_LINK_MODE := copy

.PHONY: help venv test lint demo bench docs format clean

help:
	@echo "make demo   run the full checkout flow against the embedded sandbox"
	@echo "make test   run the test suite (asyncio and trio)"
	@echo "make lint   ruff + mypy --strict"
	@echo "make bench  benchmarks, as ratios against raw httpx and the gr4vy SDK"
	@echo "make docs   build the documentation site (mkdocs --strict) into site/"

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

# Everything: tests, lint, bench and docs tools (a superset of what the demo needs).
$(VENV)/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --all-extras --all-groups
	@touch $@ $(VENV)/.demo-synced

# The demo needs only the package and its sandbox extra. --inexact: never remove what
# a full sync installed before it.
$(VENV)/.demo-synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --extra sandbox --no-default-groups --inexact
	@touch $@

venv: $(VENV)/.synced

test: venv
	$(UV) run --frozen --no-sync pytest -q -p no:cacheprovider $(PYTEST_ARGS)

lint: venv
	$(UV) run --frozen --no-sync ruff check src tests examples
	$(UV) run --frozen --no-sync ruff format --check src tests examples
	$(UV) run --frozen --no-sync mypy

format: venv
	$(UV) run --frozen --no-sync ruff check --fix src tests examples
	$(UV) run --frozen --no-sync ruff format src tests examples

demo: $(VENV)/.demo-synced
	$(UV) run --frozen --no-sync python examples/quickstart.py

bench: venv
	$(UV) run --frozen --no-sync python -m bench $(BENCH_ARGS)

docs: venv
	$(UV) run --frozen --no-sync mkdocs build --strict

clean:
	rm -rf .venv .tools .mypy_cache .ruff_cache build dist site
