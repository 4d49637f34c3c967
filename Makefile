# The two commands a newcomer needs: `make run` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
MIN_PY := 3.12

.PHONY: superuser run test lint check-python install install-dev migrate demo clean bench bench-webhooks bench-scale messages compilemessages

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' || { \
	  echo "error: this site needs Python $(MIN_PY) or newer (Django 6.1); '$(PYTHON)' is $$($(PYTHON) --version 2>&1)."; \
	  echo "       With pyenv, the .python-version file selects 3.13: run 'pyenv install 3.13' if it is missing,"; \
	  echo "       or call: make PYTHON=/path/to/python3.13 $(MAKECMDGOALS)"; \
	  exit 1; }

$(VENV)/.created: | check-python
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	touch $@

$(VENV)/.installed: requirements.txt $(VENV)/.created
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.created
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.installed $@

install: check-python $(VENV)/.installed
install-dev: check-python $(VENV)/.installed-dev

migrate: install
	DJANGO_DEBUG=1 $(PY) manage.py migrate --no-input

demo: migrate
	DJANGO_DEBUG=1 $(PY) manage.py seed_demo

## make run: the site on the embedded defaults (SQLite, local cache, console email, demo payments)
run: demo
	@echo "Serving on http://127.0.0.1:8000  (staff: make superuser, then /admin/)"
	DJANGO_DEBUG=1 $(PY) manage.py runserver 127.0.0.1:8000

## make superuser: a superuser, then the single-use link that sets up their two-step sign-in (printed here)
superuser: migrate
	DJANGO_DEBUG=1 $(PY) manage.py createsuperuser
	DJANGO_DEBUG=1 $(PY) manage.py invite_staff

## make test: the whole suite (browser tests run when /usr/bin/chromium is installed)
test: install-dev
	DJANGO_TESTING=1 $(BIN)/pytest -q $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## make bench: public pages against /bare/ under gunicorn (DATABASE_URL=postgres://…, REDIS_URL=redis://…)
bench: install-dev
	$(PY) scripts/bench_http.py

## make bench-webhooks: webhook events/s and exactly-once under gunicorn (DATABASE_URL=postgres://…)
bench-webhooks: install-dev
	$(PY) scripts/bench_webhooks.py $(BENCH_ARGS)

## make bench-scale: the campaign page with 100 and 1,000,000 gifts (DATABASE_URL=postgres://…/<own db>)
bench-scale: install-dev
	$(PY) scripts/seed_million.py $(BENCH_ARGS)

## make messages: refresh locale/es/LC_MESSAGES/django.po from the code and templates (needs GNU gettext)
messages: install
	DJANGO_DEBUG=1 $(PY) manage.py makemessages -l es --add-location=file --ignore=.venv --ignore=node_modules --ignore=staticfiles --ignore=tests --ignore=artifacts

## make compilemessages: rebuild the committed django.mo after translating (tests check it is current)
compilemessages: install
	DJANGO_DEBUG=1 $(PY) manage.py compilemessages -l es --ignore=.venv

clean:
	rm -rf $(VENV) staticfiles db.sqlite3 media
