# The two commands of the README:
#   make run    install into .venv, migrate, load the bank and demo accounts, serve on http://127.0.0.1:8000
#               with a background worker beside it
#   make test   install the test tools too, then run the whole suite (SQLite, or PostgreSQL with DATABASE_URL)
PYTHON ?= python
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1:8000

.PHONY: run test speed-check serve lint screenshots

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else "Python 3.12+ is needed (pyenv reads .python-version: 3.13)")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $@

# The worker (derivations, fitting, large imports, periodic tasks) runs beside the server in the same
# recipe: Ctrl-C stops both (they share the terminal's process group), and the trap stops the worker
# whenever the server exits.
run: $(VENV)/.installed
	$(PY) manage.py migrate --noinput
	$(PY) manage.py setup_demo
	$(PY) manage.py run_worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver $(HOST)

test: $(VENV)/.installed
	$(PY) -m pytest
	$(MAKE) --no-print-directory speed-check

# Issue 11's gate, after the suite: every page's req/s as a ratio to a logged-in hello-world served side by side
# (wrk against gunicorn), failing below the floors of docs/speed-floor.json. A benchmark, not a timed test: the
# ratios hold across machines where absolute figures do not. On PostgreSQL it fills its own database
# (learnapp_speed, beside DATABASE_URL's), never the suite's.
speed-check: $(VENV)/.installed
	DATABASE_URL=$${DATABASE_URL:+$${DATABASE_URL%/*}/learnapp_speed} $(PY) scripts/benchmark.py --check --seconds 3

lint: $(VENV)/.installed
	$(PY) -m ruff check .

screenshots: $(VENV)/.installed
	$(PY) scripts/screenshots.py http://$(HOST) screenshots
