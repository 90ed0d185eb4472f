# Two commands do all the set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export PORT
STAMP := $(VENV)/.installed-stamp
# `make run` is for a developer's own machine: DEBUG on unless the caller says otherwise.
RUN_ENV := DEBUG=$${DEBUG:-true}

.PHONY: install run test lint typecheck coverage format migrate demo bench messages clean twoprocess loadtest probes axe apilint

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# Local settings for a developer's machine (git-ignored): a generated SECRET_KEY, DEBUG on.
# manage.py reads it, so the commands in README.md and docs/ work as written after `make run`.
.env: | $(STAMP)
	$(BIN)/python -m kia.env

migrate: install .env
	$(RUN_ENV) $(BIN)/python manage.py migrate --noinput
	$(RUN_ENV) $(BIN)/python manage.py collectstatic --noinput -v0

demo: migrate
	$(RUN_ENV) $(BIN)/python manage.py kia_demo

# The server and the background worker (PDF rendering) run together; Ctrl+C stops both.
run: demo
	@echo "Serving on http://127.0.0.1:$(PORT)/ with a background worker (Ctrl+C stops both)"
	@$(RUN_ENV) $(BIN)/python manage.py kia_worker --interval 0.5 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(RUN_ENV) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# Benchmarks on a throwaway SQLite database, run like production (DEBUG off).
BENCH_ENV := DEBUG=false SECRET_KEY=bench-only-secret-key-0123456789abcdef \
	DATABASE_URL=sqlite:///$(CURDIR)/var/bench.sqlite3 TASK_BACKEND=immediate \
	SECURE_SSL_REDIRECT=false
bench: install
	@mkdir -p var
	@$(BENCH_ENV) $(BIN)/python manage.py migrate --noinput -v0
	@$(BENCH_ENV) $(BIN)/python manage.py collectstatic --noinput -v0
	$(BENCH_ENV) $(BIN)/python -m tests.bench report
	$(BENCH_ENV) $(BIN)/python -m tests.bench pages
	$(BENCH_ENV) $(BIN)/python -m tests.bench large

# Two gunicorn processes and a worker sharing PostgreSQL, Redis and storage (loopback only).
twoprocess: install
	$(BIN)/python -m tests.multiprocess.twoprocess

# Concurrent editors and faults against gunicorn on PostgreSQL and SQLite (loopback only,
# bounded in time); prints req/s, p50/p95/p99, lost/phantom saves and recovery times.
loadtest: install
	$(BIN)/python -m tests.multiprocess.loadtest

# Hostile input and faults against gunicorn on PostgreSQL and Redis (loopback only):
# prints one line per probe (issue 22's items 17-22) to compare before and after a change.
probes: install
	$(BIN)/python -m tests.multiprocess.probes

# Style, and the import contract of the layers (pyproject.toml, docs/architecture.md).
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# axe-core for the accessibility test (tests/test_browser_a11y.py), into the git-ignored
# node_modules; nothing is fetched while the tests run. Without npm the test is skipped.
AXE := node_modules/axe-core/axe.min.js
$(AXE):
	@if command -v npm >/dev/null; then npm install --no-save --no-audit --no-fund --silent axe-core@4.14.1; \
	else echo "npm not found: the axe-core accessibility test will be skipped"; fi
axe: $(AXE)

# The OpenAPI document against the NL GOV API Design Rules: Spectral from npm (pinned, into
# the git-ignored var/spectral) with Logius's ruleset kept in tools/adr/ (its README says
# which version). Errors fail; warnings kept are listed in docs/api.md. The contact address
# is the deployment's DEFAULT_FROM_EMAIL; here a placeholder, as kia@localhost is no address.
SPECTRAL := var/spectral/node_modules/.bin/spectral
$(SPECTRAL):
	@if command -v npm >/dev/null; then npm install --prefix var/spectral --no-save --no-audit --no-fund --silent @stoplight/spectral-cli@6.16.3; \
	else echo "npm not found: the API rules are checked by tests/test_api_rules.py only"; fi
apilint: install $(SPECTRAL)
	@mkdir -p var
	DEBUG=true DEFAULT_FROM_EMAIL=kia@example.org $(BIN)/python manage.py export_openapi_schema \
		--api assessments.interfaces.api.main.api --indent 1 --output var/openapi.json
	@if [ -x $(SPECTRAL) ]; then $(SPECTRAL) lint --fail-severity error -r tools/adr/spectral.yml var/openapi.json; fi

# Types of assessments/ (mypy with django-stubs; settings in pyproject.toml).
typecheck: install
	$(BIN)/mypy

test: lint typecheck axe apilint
	$(BIN)/pytest

# The suite with the coverage floor that CI enforces (SQLite run).
coverage: lint typecheck axe apilint
	$(BIN)/pytest --cov=assessments --cov-report=term:skip-covered --cov-fail-under=90

messages: install
	DEBUG=true $(BIN)/python manage.py makemessages -l nl --no-obsolete --ignore=.venv --ignore=tests
	DEBUG=true $(BIN)/python manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache .coverage *.egg-info node_modules var/spectral
