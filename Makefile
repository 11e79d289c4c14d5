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

.PHONY: setup run dev demo test test-core lint typecheck bench data clean browsers backup

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
	PYTHONPATH=web $(BIN)/lint-imports

typecheck: setup
	DJANGO_SECRET_KEY=typecheck-only $(BIN)/mypy

test: lint typecheck
	$(BIN)/pytest -q -n 2 --dist loadfile --no-loadscope-reorder

bench: setup
	$(BIN)/python -m benchmarks

# Rebuild the shipped dataset from ../shared/seeds (tests fail when it drifts).
data: setup
	$(BIN)/skillsubsidy dataset build

clean:
	rm -rf $(VENV) $(TOOLS) .mypy_cache .ruff_cache .pytest_cache

# --- web app ---------------------------------------------------------------------------------------
# `make run`: migrate an embedded SQLite database (var/), import the shipped dataset (a no-op when
# unchanged), collect static files and serve on http://127.0.0.1:8000 with waitress + WhiteNoise in
# SKILLSUBSIDY_WEB_WORKERS processes (default one a core) of SKILLSUBSIDY_WEB_THREADS threads (default 4).
# A local secret key is generated once into var/secret_key unless DJANGO_SECRET_KEY(_FILE) is set,
# and a key for personal data into var/data_keys unless SKILLSUBSIDY_DATA_KEYS(_FILE) is set.
WEB_ENV = DJANGO_SECRET_KEY_FILE=$${DJANGO_SECRET_KEY_FILE:-var/secret_key} \
	SKILLSUBSIDY_DATA_KEYS_FILE=$${SKILLSUBSIDY_DATA_KEYS_FILE:-var/data_keys}
run: setup
	$(BIN)/python scripts/secret_key.py var/secret_key
	$(BIN)/python scripts/secret_key.py var/data_keys --fernet
	$(WEB_ENV) $(BIN)/python web/manage.py bootstrap
	$(WEB_ENV) $(BIN)/python web/manage.py serve --host $${HOST:-127.0.0.1} --port $${PORT:-8000}

# `make backup`: a consistent copy of the serving database into var/backups/ (README: "Backup and
# restore"); safe while the site runs.
backup: setup
	$(WEB_ENV) $(BIN)/python web/manage.py backup

# `make demo`: the `make run` database plus a demo city (Guangzhou), loaded through the services and
# marked as demo; refused when already loaded. Nothing else ever loads it.
demo: setup
	$(BIN)/python scripts/secret_key.py var/secret_key
	$(BIN)/python scripts/secret_key.py var/data_keys --fernet
	$(WEB_ENV) $(BIN)/python web/manage.py bootstrap
	$(WEB_ENV) $(BIN)/python web/manage.py load_demo

# `make dev`: the same data with Django's autoreloading development server and DEBUG on.
dev: setup
	DJANGO_DEBUG=1 $(BIN)/python web/manage.py bootstrap
	DJANGO_DEBUG=1 $(BIN)/python web/manage.py runserver 127.0.0.1:$${PORT:-8000}

# Debian chromium and CJK fonts for the browser tests (a dpkg query when already installed).
browsers:
	scripts/install_browsers.sh

test: browsers
