# ICS Portal. `make help` lists the targets.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export DATABASE_URL_TEST ?= postgres://postgres@127.0.0.1:5432/ics_portal

.PHONY: help run setup test lint check-deploy bench

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-13s %s\n", $$1, $$2}'

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/activate
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/activate
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

setup: $(VENV)/.runtime ## Install the portal's requirements into .venv

run: setup ## Set up, migrate, load the demo data and serve http://127.0.0.1:8000/ (SQLite unless DATABASE_URL is set)
	DJANGO_DEBUG=true $(BIN)/python manage.py migrate --no-input
	DJANGO_DEBUG=true $(BIN)/python manage.py load_demo
	DJANGO_DEBUG=true $(BIN)/python manage.py runserver $(HOST):$(PORT)

test: $(VENV)/.dev node_modules/.package-lock.json ## Set up and run the whole test suite on PostgreSQL (and Redis: a throwaway one if none answers)
	DATABASE_URL=$${DATABASE_URL:-$(DATABASE_URL_TEST)} $(BIN)/python bin/check_postgres
	DATABASE_URL=$${DATABASE_URL:-$(DATABASE_URL_TEST)} PYTHON=$(BIN)/python bin/with_redis $(BIN)/pytest

lint: $(VENV)/.dev ## ruff lint and format check, the layering contracts (import-linter), migrations up to date
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	DJANGO_DEBUG=true $(BIN)/python manage.py makemigrations --check --dry-run

check-deploy: setup ## Django's deployment checklist against production settings
	DJANGO_SECRET_KEY=$$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))') \
	DJANGO_ALLOWED_HOSTS=ics-portal.example.org $(BIN)/python manage.py check --deploy --fail-level WARNING

bench: $(VENV)/.dev ## Load-test the portal at national scale (see README)
	bench/run
