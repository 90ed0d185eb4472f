# Two commands do all the set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed-stamp
# `make run` is for a developer's own machine: DEBUG on unless the caller says otherwise.
RUN_ENV := DEBUG=$${DEBUG:-true}

.PHONY: install run test lint format migrate demo bench messages clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(RUN_ENV) $(BIN)/python manage.py migrate --noinput

demo: migrate
	@if $(RUN_ENV) $(BIN)/python manage.py help kia_demo >/dev/null 2>&1; then \
		$(RUN_ENV) $(BIN)/python manage.py kia_demo; \
	else \
		echo "To log in, create an account: $(BIN)/python manage.py createsuperuser"; \
	fi

run: demo
	@echo "Serving on http://127.0.0.1:$(PORT)/ (Ctrl+C stops)"
	$(RUN_ENV) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: lint
	$(BIN)/pytest

messages: install
	DEBUG=true $(BIN)/python manage.py makemessages -l nl -l en --ignore=.venv --ignore=tests
	DEBUG=true $(BIN)/python manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info
