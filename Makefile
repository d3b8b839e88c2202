# 返乡创业服务管理系统 — developer entry points.
#
#   make run     set up .venv, migrate, load regions (and demo data into an empty database), serve
#   make test    set up .venv with the dev requirements and run the whole pytest suite
#
# Both are idempotent: requirements are reinstalled only when their contents change (a stamp file
# in .venv/ named after the hash of the requirement files).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

PORT ?= 5000
# The interpreter used to create .venv; the first of these that is 3.11 or newer wins.
PYTHON ?= python3
PYTHON_CANDIDATES := $(PYTHON) python3.13 python3.12 python3.11
PYTEST_ARGS ?=

VENV := .venv
VPY := $(VENV)/bin/python
FLASK := $(VPY) -m flask --app wsgi

# Stamps keyed on the requirement files' contents: editing a file changes the stamp's name.
RUN_HASH := $(shell cat requirements.txt | sha256sum | cut -c1-16)
DEV_HASH := $(shell cat requirements.txt requirements-dev.txt | sha256sum | cut -c1-16)
RUN_STAMP := $(VENV)/.installed-run-$(RUN_HASH)
DEV_STAMP := $(VENV)/.installed-dev-$(DEV_HASH)

LINT_PATHS := app tests config.py wsgi.py $(wildcard bench)

DEMO_PASSWORD := Demo-2026!

.PHONY: help run test lint check venv install install-dev db demo clean distclean

help:
	@echo "make run     set up, migrate, load regions and demo data (empty database only), serve on"
	@echo "             http://127.0.0.1:$(PORT)  (make run PORT=5001 for another port)"
	@echo "make test    run the whole test suite (TEST_DATABASE_URL=postgresql+psycopg://… for PostgreSQL;"
	@echo "             PYTEST_ARGS='-k login' to pass options to pytest)"
	@echo "make lint    ruff"
	@echo "make check   lint + test"
	@echo "make clean   remove caches and test output (keeps .venv and instance/)"
	@echo "make distclean  also remove .venv"

# --- virtualenv ---------------------------------------------------------------------------------

$(VPY):
	@py=""; \
	for candidate in $(PYTHON_CANDIDATES); do \
	  if command -v "$$candidate" >/dev/null 2>&1 \
	     && "$$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1; then \
	    py="$$candidate"; break; \
	  fi; \
	done; \
	if [ -z "$$py" ]; then \
	  echo "error: Python 3.11 or newer is required to create $(VENV)/." >&2; \
	  echo "       '$(PYTHON)' is: $$($(PYTHON) --version 2>&1 || echo 'not found')." >&2; \
	  echo "       Install Python 3.11+ or run e.g. 'make $(MAKECMDGOALS) PYTHON=/usr/bin/python3.11'." >&2; \
	  exit 1; \
	fi; \
	echo "Creating $(VENV)/ with $$py ($$("$$py" --version 2>&1))"; \
	if ! "$$py" -m venv $(VENV); then \
	  rm -rf $(VENV); \
	  echo "error: '$$py -m venv' failed (on Debian/Ubuntu: apt-get install python3-venv)." >&2; \
	  exit 1; \
	fi

# Also refuses a .venv/ left behind by an older interpreter.
venv: $(VPY)
	@$(VPY) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { \
	  echo "error: $(VENV)/ uses $$($(VPY) --version 2>&1); 3.11+ is required. Remove it: make distclean" >&2; \
	  exit 1; }

$(RUN_STAMP): | venv
	@echo "Installing requirements.txt into $(VENV)/"
	$(VPY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@rm -f $(VENV)/.installed-run-*
	@touch $@

$(DEV_STAMP): | venv
	@echo "Installing requirements-dev.txt into $(VENV)/"
	$(VPY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@rm -f $(VENV)/.installed-run-* $(VENV)/.installed-dev-*
	@touch $@ $(RUN_STAMP)

install: $(RUN_STAMP)

install-dev: $(DEV_STAMP)

# --- running ------------------------------------------------------------------------------------

db: install
	$(FLASK) db upgrade
	$(FLASK) regions load
	$(FLASK) subsidies seed

# Demo data goes only into a database without users (never over real accounts).
COUNT_USERS := from sqlalchemy import func, select; from app.auth.models import User; \
  from app.extensions import db; from wsgi import app; app.app_context().push(); \
  print(db.session.scalar(select(func.count()).select_from(User)))

demo: db
	@users=$$($(VPY) -c '$(COUNT_USERS)'); \
	if [ "$$users" = "0" ]; then \
	  $(FLASK) demo load; \
	else \
	  echo "The database already has $$users user(s): demo data not loaded" \
	       "(add it anyway with: $(FLASK) demo load)."; \
	fi

run: demo
	@echo
	@echo "  返乡创业服务管理系统  http://127.0.0.1:$(PORT)/"
	@echo
	@echo "  Demo logins, all with the password $(DEMO_PASSWORD):"
	@echo "    demo_city        市人社局（市级）  宜昌市"
	@echo "    demo_county      县级服务中心      夷陵区"
	@echo "    demo_county2     县级服务中心      秭归县"
	@echo "    demo_township    乡镇服务站        夷陵区分乡镇"
	@echo "    demo_village     村级服务点        分乡镇大中坝村"
	@echo "    demo_village2    村级服务点        分乡镇高家堰村"
	@echo "    demo_specialist  服务专员          分乡镇"
	@echo "    demo_mentor      创业导师          夷陵区（县级导师）"
	@echo
	@echo "  Stop with Ctrl-C."
	@echo
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

# --- checks -------------------------------------------------------------------------------------

# TEST_DATABASE_URL and REQUIRE_BROWSER pass through from the environment (or the make command
# line). A failing pytest, including exit code 5 "no tests collected", fails make.
test: install-dev
	@echo "pytest on $${TEST_DATABASE_URL:-sqlite:// (in memory)}"
	$(VPY) -m pytest $(PYTEST_ARGS)

lint: install-dev
	$(VPY) -m ruff check $(LINT_PATHS)

check: lint test

# --- housekeeping -------------------------------------------------------------------------------

clean:
	find . -path ./$(VENV) -prune -o -type d -name __pycache__ -prune -exec rm -rf {} +
	rm -rf .pytest_cache .ruff_cache .hypothesis htmlcov .coverage test-results

distclean: clean
	rm -rf $(VENV)
