# FOI Tracker — the two set-up commands are `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/postgres
TEST_REDIS_URL ?= redis://127.0.0.1:6379/13
PYTEST_ARGS ?=

.PHONY: run test test-sqlite test-postgres lint format bench fuzz clean screenshots

$(VENV)/.runtime: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt requirements.txt $(VENV)/.runtime
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

# axe-core for the browser tests' accessibility checks (package.json, package-lock.json).
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund --silent && touch $@; \
	else echo "npm is not installed: the accessibility checks will be skipped (apt-get install npm)"; fi

run: $(VENV)/.runtime
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) manage.py ensure_first_user
	$(PY) manage.py runall

test: $(VENV)/.dev
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgres

test-sqlite: $(VENV)/.dev node_modules/.installed
	@echo "==> test suite on SQLite"
	env -u DATABASE_URL TEST_REDIS_URL=$(TEST_REDIS_URL) $(PY) -m pytest $(PYTEST_ARGS)

test-postgres: $(VENV)/.dev node_modules/.installed
	@if $(PY) scripts/check_services.py postgres "$(TEST_DATABASE_URL)"; then \
		echo "==> test suite on PostgreSQL ($(TEST_DATABASE_URL))"; \
		DATABASE_URL=$(TEST_DATABASE_URL) TEST_REDIS_URL=$(TEST_REDIS_URL) \
			$(PY) -m pytest $(PYTEST_ARGS); \
	else \
		test "$$FOI_REQUIRE_SERVICES" != 1; \
	fi

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .
	$(VENV)/bin/lint-imports

format: $(VENV)/.dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Benchmarks against the database in DATABASE_URL (the local PostgreSQL by default):
# loads BENCH_N synthetic requests once, then times the pages and the alert sweep.
BENCH_N ?= 10000
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/foi_bench
bench: $(VENV)/.dev
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) scripts/bench.py --requests $(BENCH_N)

# A longer fuzzing run than the one the test suite does.
fuzz: $(VENV)/.dev
	FOI_FUZZ_PROFILE=fuzz FOI_FUZZ_EXAMPLES=$${FOI_FUZZ_EXAMPLES:-2000} $(PY) -m pytest -q tests/trust/test_fuzz.py

# The screenshots in docs/screenshots/ (README and docs/design.md show them), taken from the
# demo data on a throwaway database at 390 and 1280 px. SCREENSHOTS_ARGS="--all --out DIR"
# takes every main page.
screenshots: $(VENV)/.dev
	$(PY) scripts/screenshots.py $(SCREENSHOTS_ARGS)

clean:
	rm -rf var/celery var/mail
