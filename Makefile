# Channel Portal — `make run` (demo) and `make test` (the whole suite). See README.md.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/channel_portal
TEST_REDIS_URL ?= redis://127.0.0.1:6379/0
TEST_WORKERS ?= 2
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/channel_portal_bench

.PHONY: run test bench bench-pytest venv lint messages compilemessages check-services system-deps system-deps-run e2e-deps clean

## Debian packages the machine lacks (gettext, python3-venv; for tests also chromium and
## fonts-noto-cjk): installed with apt-get when root or password-less sudo, else the one
## command to run is printed.
system-deps-run:
	@PYTHON=$(PYTHON) bash scripts/system-deps.sh run

system-deps:
	@PYTHON=$(PYTHON) bash scripts/system-deps.sh test

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Python 3.11+ is required (set PYTHON=python3.11)"; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

venv: $(STAMP)

compilemessages: $(STAMP)
	$(PY) manage.py compilemessages --ignore=.venv --ignore=var -v 0

## Translations: extract every app's strings into its own catalogue, and templates/ into locale/
## (then translate zh_Hans and run `python scripts/i18n.py hant`; see scripts/i18n.py).
messages: $(STAMP)
	@for d in $$($(PY) scripts/i18n.py apps); do \
		mkdir -p $$d/locale; \
		(cd $$d && ../$(PY) ../manage.py makemessages -l zh_Hans -l zh_Hant --no-obsolete -v 0) ; \
	done
	cd templates && ../$(PY) ../manage.py makemessages -l zh_Hans -l zh_Hant --no-obsolete -v 0

## The demo: SQLite and a file-based queue unless DATABASE_URL / REDIS_URL are set.
run: system-deps-run $(STAMP)
	@bash scripts/run-demo.sh

check-services: $(STAMP)
	@DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} \
		$(PY) scripts/check_services.py

e2e-deps: system-deps

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

test: system-deps $(STAMP) check-services compilemessages
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} \
		$(PY) manage.py makemigrations --check --dry-run
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} \
		PORTAL_TESTING=1 $(PY) -m pytest -n $(TEST_WORKERS) --dist load $(PYTEST_ARGS)

bench: $(STAMP) check-services
	DATABASE_URL=$${BENCH_DATABASE_URL:-$(BENCH_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} \
		API_KEY_RATE=1000000/min $(PY) -m benchmarks.run $(if $(QUICK),--quick)

bench-pytest: $(STAMP) check-services
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} \
		PORTAL_TESTING=1 API_KEY_RATE=1000000/min $(PY) -m pytest benchmarks --benchmark-enable --benchmark-disable-gc $(PYTEST_ARGS)

clean:
	rm -rf var/cache var/celery-queue var/staticfiles
