# Two commands set up everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run demo test lint migration clean

$(BIN)/activate: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

# The browser tests' axe-core comes from npm, pinned by tests/browser/package-lock.json.
$(VENV)/.test-installed: $(BIN)/activate tests/browser/package-lock.json
	$(BIN)/pip install --quiet -e '.[test]'
	test -f tests/browser/node_modules/axe-core/axe.min.js || npm ci --prefix tests/browser --no-audit --no-fund
	touch $@

# Local use only: a moderator token for /admin/ unless you set your own.
run: export COMMENTS_ADMIN_TOKENS ?= admin:local-admin-token
run: $(BIN)/activate
	@echo "demo news site: http://$(HOST):$(PORT)/demo/"
	@echo "moderation page: http://$(HOST):$(PORT)/admin/ (token: $${COMMENTS_ADMIN_TOKENS#*:})"
	$(BIN)/gunicorn --bind $(HOST):$(PORT) --workers 2 --access-logfile - wsgi:app

# A first look: the demo site's five articles filled with comments, reviews and a few
# entries awaiting moderation (once: nothing is added to a database with entries), then
# `make run`.
demo: $(BIN)/activate
	$(BIN)/flask --app wsgi db upgrade
	$(BIN)/flask --app wsgi demo-data --if-empty
	@$(MAKE) --no-print-directory run

# Prints the 15 slowest tests; `pytest -m "not browser and not server"` (see pyproject.toml) runs a part.
# Two pytest-xdist workers (TEST_WORKERS): each has its own databases, Chromium, gunicorns
# and log; tests sharing a costly fixture across workers say so (xdist_group) or lock it.
# Bytecode is written even where PYTHONDONTWRITEBYTECODE is set: without it each worker
# rewrites every test module's asserts again, 4 of its 9 seconds of collection.
TEST_WORKERS ?= 2
test: $(VENV)/.test-installed
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	PYTHONDONTWRITEBYTECODE= $(BIN)/pytest -n $(TEST_WORKERS) --dist loadgroup --durations=15

lint: $(VENV)/.test-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/hadolint Dockerfile

# After changing models: write the next Alembic script (review it before committing).
migration: $(BIN)/activate
	COMMENTS_DATABASE_URL=sqlite:///$(CURDIR)/instance/migration.db $(BIN)/flask --app wsgi db upgrade
	COMMENTS_DATABASE_URL=sqlite:///$(CURDIR)/instance/migration.db $(BIN)/flask --app wsgi db migrate -m "$(m)"

# How well the toxicity score agrees with people on a labelled sample of real comments
# (tests/data/toxicity/SOURCE.md): precision, recall, and the threshold that balances them.
.PHONY: eval-toxicity
eval-toxicity: $(BIN)/activate
	$(BIN)/python bench/eval_toxicity.py

clean:
	rm -rf $(VENV) instance .pytest_cache .mypy_cache .ruff_cache

# Hostile input, harder than `make test`: FUZZ_SCALE times as many examples for every
# property-based and Schemathesis test in tests/hostile, and random rather than the fixed
# examples CI runs. About 20 minutes at the default scale on two cores.
FUZZ_SCALE ?= 20
.PHONY: fuzz
fuzz: $(VENV)/.test-installed
	FUZZ_SCALE=$(FUZZ_SCALE) $(BIN)/pytest --timeout=3600 \
		tests/hostile/test_sanitizer_properties.py tests/hostile/test_schemathesis.py

# Benchmarks, never part of `make test`: a fresh database, gunicorn (2 sync workers) and wrk
# (installed from Debian when missing); the markdown table goes to bench/results/.
# BENCH_ARGS passes options through, e.g. BENCH_ARGS="--quick" or "--db sqlite".
# The peer, Isso 0.14, gets a virtualenv of its own (bench/.isso-venv) on the first run.
.PHONY: bench bench-scale bench-viral bench-profile bench-instructions wrk nginx valgrind
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

wrk:
	@command -v wrk >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq wrk >/dev/null; }

nginx:
	@command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || { $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq nginx >/dev/null; }

valgrind:
	@command -v valgrind >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq valgrind >/dev/null; }

bench: $(BIN)/activate wrk
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# Read latency at 10k, 100k and 1M comments: flat means at most 1.3x slower at 1M.
bench-scale: $(BIN)/activate wrk
	$(BIN)/python bench/run.py --scale $(BENCH_ARGS)

# A viral story: PostgreSQL, Redis, two gunicorns behind deploy/nginx (Debian's nginx),
# 64 connections on one article, with the proxy's cache and without; bench/results/viral.md.
bench-viral: $(BIN)/activate wrk nginx
	$(BIN)/python bench/viral.py $(BENCH_ARGS)

# Where a request's CPU goes, in-process (cProfile): the cheap paths, the writes and the
# duplicate check as one client's entries grow.
bench-profile: $(BIN)/activate
	$(BIN)/python bench/cpu_profile.py --dup $(BENCH_ARGS)

# Instructions per request (valgrind's callgrind), which a busy machine does not move: to
# compare two commits, or COMMENTS_TOXICITY=on and off, when requests/s are too noisy.
bench-instructions: $(BIN)/activate valgrind
	$(BIN)/python bench/instructions.py $(BENCH_ARGS)
