# Two commands set up everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint migration clean

$(BIN)/activate: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.test-installed: $(BIN)/activate
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

# Local use only: a moderator token for /admin/ unless you set your own.
run: export COMMENTS_ADMIN_TOKENS ?= admin:local-admin-token
run: $(BIN)/activate
	@echo "moderation page: http://$(HOST):$(PORT)/admin/ (token: $${COMMENTS_ADMIN_TOKENS#*:})"
	$(BIN)/gunicorn --bind $(HOST):$(PORT) --workers 2 --access-logfile - wsgi:app

test: $(VENV)/.test-installed
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/pytest

lint: $(VENV)/.test-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# After changing models: write the next Alembic script (review it before committing).
migration: $(BIN)/activate
	COMMENTS_DATABASE_URL=sqlite:///$(CURDIR)/instance/migration.db $(BIN)/flask --app wsgi db upgrade
	COMMENTS_DATABASE_URL=sqlite:///$(CURDIR)/instance/migration.db $(BIN)/flask --app wsgi db migrate -m "$(m)"

clean:
	rm -rf $(VENV) instance .pytest_cache .mypy_cache .ruff_cache
