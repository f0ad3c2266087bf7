# The two commands of the README: `make run` and `make test`. Both install what they need.
SHELL := /bin/bash
UV := python3 -m uv
RUN := $(UV) run --frozen
# The service alone: no test, lint or browser tools (those are the `dev` group of pyproject.toml)
SERVE := $(UV) run --frozen --no-dev
export UV_PROJECT_ENVIRONMENT := .venv
export PLAYWRIGHT_CHROMIUM := /usr/bin/chromium
PYTEST_WORKERS ?= 2

.PHONY: uv install install-service run test lint types imports pytest pg chromium screenshots db demo clean

uv:
	@python3 -m uv --version >/dev/null 2>&1 || python3 -m pip install --quiet uv

# Everything: the service and the development tools (pytest, Playwright, mypy, ruff...).
install: uv
	$(UV) sync --frozen --quiet

# What the service needs to run, and nothing else; tools already installed are left alone.
install-service: uv
	$(UV) sync --frozen --no-dev --inexact --quiet

# Starts the service on http://127.0.0.1:8000 (the console at /, the API at /api/v1) with an
# embedded SQLite file under ./var/, the Alto simulator on :8101, and the demo agency connected
# to it and synced; mail is caught in the process and shown on the console's Mail page; it
# prints the demo login. It runs as local development (docs/security.md): `keys init` makes the
# key that seals stored secrets in var/secret.key, and the simulators on 127.0.0.1 may be called.
run: export REPAIRLINK_ENVIRONMENT ?= development
run: install-service
	$(SERVE) repairlink keys init
	$(SERVE) repairlink db upgrade
	$(SERVE) repairlink serve --demo

lint: install
	$(RUN) ruff format --check src tests bench
	$(RUN) ruff check src tests bench

types: install
	$(RUN) mypy

imports: install
	$(RUN) lint-imports

# PostgreSQL must answer on 127.0.0.1:5432 for the store tests; start it when it does not.
pg:
	@pg_isready -q -h 127.0.0.1 -p 5432 || pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start
	@for i in $$(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && exit 0; sleep 1; done; echo "PostgreSQL did not start" >&2; exit 1

# The browser tests (tests/e2e) drive Debian's Chromium; `playwright install` cannot download
# browsers here, so install the distribution's package when it is missing.
chromium:
	@test -x $(PLAYWRIGHT_CHROMIUM) || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium)

pytest: install pg chromium
	$(RUN) pytest -n $(PYTEST_WORKERS) --dist loadfile

test: lint types imports pytest

# Refreshes docs/console/*.png from the browser tests (`make test` leaves them as they are).
screenshots: install pg chromium
	REPAIRLINK_SCREENSHOTS=1 $(RUN) pytest -n $(PYTEST_WORKERS) --dist loadfile tests/e2e

clean:
	rm -rf .venv var .mypy_cache .ruff_cache .pytest_cache
