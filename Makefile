# The two commands in the README are `make run` and `make test`; everything else is a helper.
PYTHON ?= python3.11
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
BIN := $(VENV)/bin
export UV_PROJECT_ENVIRONMENT := $(VENV)
export UV_PYTHON := $(PYTHON)
export UV_PYTHON_DOWNLOADS := never

.PHONY: setup run dev test test-core lint typecheck bench data clean browsers

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

# The stamp makes a second `make` a no-op while keeping the install tied to the lock file.
$(VENV)/.synced: uv.lock pyproject.toml | $(UV)
	$(UV) sync --frozen --all-groups
	touch $@

setup: $(VENV)/.synced

lint: setup
	$(BIN)/ruff check src web tests benchmarks
	$(BIN)/ruff format --check src web tests benchmarks
	$(BIN)/lint-imports

typecheck: setup
	$(BIN)/mypy

test: lint typecheck
	$(BIN)/pytest -q -n 2 --dist loadfile

bench: setup
	$(BIN)/python -m benchmarks

# Rebuild the shipped dataset from ../shared/seeds (tests fail when it drifts).
data: setup
	$(BIN)/skillsubsidy dataset build

clean:
	rm -rf $(VENV) $(TOOLS) .mypy_cache .ruff_cache .pytest_cache
