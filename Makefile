# Purna: `make run` serves a demo on http://127.0.0.1:8000/, `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install setup lint format messages db-stop clean

# Re-install only when the dependencies change.
$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("Purna needs Python >= 3.11, found " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

install: $(VENV)/.installed

setup: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_regions
	$(PY) manage.py seed_demo

# The background worker (imports, reports) and the scheduler (daily digest, reminders,
# clean-ups) run beside the web server and stop with it.
run: setup
	@echo "Purna: http://$(HOST):$(PORT)/ (background worker and scheduler started)"
	@echo "Mail it sends: http://$(HOST):$(PORT)/accounts/mail/ (log in as admin), files in .data/mail/"
	@$(PY) manage.py db_worker --queue-name '*' & worker=$$!; \
	$(PY) manage.py run_schedule & scheduler=$$!; \
	trap 'kill $$worker $$scheduler 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver $(HOST):$(PORT)

test: install
	$(PY) -m pytest

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Needs GNU gettext (apt-get install gettext).
messages: install
	$(PY) manage.py makemessages --locale id --no-obsolete --no-location --ignore '.venv/*' --ignore 'staticfiles/*' --ignore 'tests/*'
	$(PY) manage.py compilemessages --locale id --ignore '.venv/*'

db-stop:
	test ! -x $(PY) || $(PY) -m config.embedded_db stop

clean: db-stop
	rm -rf $(VENV) staticfiles *.egg-info
