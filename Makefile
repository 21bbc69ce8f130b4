# Two commands for a fresh clone: `make run` and `make test`. Everything else is optional.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
NPM := $(shell command -v npm 2>/dev/null)
CHROMIUM ?= /usr/bin/chromium

.PHONY: install run test lint migrate clean web web-types test-web test-web-unit bench

install: $(STAMP)

# Reinstall when the dependencies or their pins change.
$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

# A failed web build (no registry, say) must not keep the API from starting.
run: install
	@$(MAKE) --no-print-directory web || echo "web app build failed (see above): UI skipped or stale"
	$(BIN)/helpdesk serve --with-worker

test: install
	$(BIN)/pytest
ifeq ($(NPM),)
	@echo "npm not found: web app tests skipped"
else ifeq ($(wildcard $(CHROMIUM)),)
	@$(MAKE) --no-print-directory test-web-unit
	@echo "$(CHROMIUM) not found: browser (end-to-end) tests skipped; apt-get install chromium to run them"
else
	@$(MAKE) --no-print-directory test-web
endif

# The web app (web/: React + Vite), served by the service at /. Built only when npm is
# there, and only when its sources or its lock file changed since the last build.
WEB_DEPS := web/node_modules/.installed-stamp
WEB_BUILT := web/dist/.built-stamp
WEB_SOURCES := $(shell find web/src web/public -type f ! -name '*.test.*' ! -path 'web/src/test/*' 2>/dev/null) \
	web/index.html web/package.json web/vite.config.ts web/tsconfig.json

ifeq ($(NPM),)
web:
	@echo "npm not found: UI skipped (the API still starts; install Node.js and npm for the web app)"
else
web: $(WEB_BUILT)
endif

$(WEB_DEPS): web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund
	touch $@

$(WEB_BUILT): $(WEB_DEPS) $(WEB_SOURCES)
	cd web && npm run build
	touch $@

# Regenerate web/src/api/schema.d.ts after an API change (then fix what `tsc` reports).
web-types: install $(WEB_DEPS)
	cd web && npm run api:types

# Its API types still match /openapi.json, it type-checks (vitest alone would not), and
# the Vitest component tests.
test-web-unit: install $(WEB_DEPS)
	cd web && npm run api:check
	cd web && npm run typecheck
	cd web && npm test

# ...and the end-to-end suite: Debian's Chromium (playwright-core) against a real service
# on a fresh embedded PostgreSQL.
test-web: test-web-unit web
	cd web && CHROMIUM_PATH=$(CHROMIUM) npm run e2e

lint: install
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests
	$(BIN)/mypy

migrate: install
	$(BIN)/helpdesk migrate

# The benchmark (README, "Performance"): a dataset of BENCH_TICKETS tickets in its own
# database (kept when it already has that size), then wrk over every request mix with 1
# and 2 workers; results in bench/results/. BENCH_DATABASE_URL picks another server.
BENCH_TICKETS ?= 1000000
BENCH_WORKERS ?= 1 2
bench: install
	@command -v wrk >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get install -y wrk || { apt-get update && apt-get install -y wrk; }; \
	  else echo "wrk is missing: run 'sudo apt-get install wrk', then make bench again"; exit 1; fi; }
	$(BIN)/python bench/dataset.py --tickets $(BENCH_TICKETS) --if-missing
	$(BIN)/python bench/run.py --workers $(BENCH_WORKERS)
	$(BIN)/python bench/events.py --markdown bench/results/events-latest.md
	$(BIN)/python bench/overload.py --markdown bench/results/overload-latest.md

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
