# Purna: `make run` serves a demo on http://127.0.0.1:8000/, `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install setup lint format messages db-stop clean benchmark

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

# Every page, the load and the replica at national scale, written to benchmarks/RESULTS.md.
# Needs a PostgreSQL server whose superuser can log in from here (BENCH_HOST, default the
# local one) and, for the replica, a replication line in its pg_hba.conf
# (benchmarks/replica.py says which). Makes the database BENCH_DATABASE, fills it once
# with 100,000 participants and their cases and referrals (a few minutes), then measures.
BENCH_HOST ?= 127.0.0.1:5432
BENCH_DATABASE ?= purna_scale
BENCH_ENV = DATABASE_URL=postgres://purna_app@$(BENCH_HOST)/$(BENCH_DATABASE) \
	DATABASE_OWNER_URL=postgres://purna_owner@$(BENCH_HOST)/$(BENCH_DATABASE) \
	DJANGO_DEBUG=false ALLOWED_HOSTS=127.0.0.1,localhost SECURE_SSL_REDIRECT=false \
	REQUIRE_2FA=false SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(60))')

benchmark: install
	$(PY) -m config.db_roles --superuser-url postgres://postgres@$(BENCH_HOST)/postgres --database $(BENCH_DATABASE)
	$(BENCH_ENV) $(PY) manage.py migrate --noinput -v0
	$(BENCH_ENV) $(PY) manage.py load_regions
	$(BENCH_ENV) $(PY) manage.py collectstatic --noinput -v0
	$(BENCH_ENV) $(PY) benchmarks/scale.py --prepare 100000 --runs 20 --write
	$(BENCH_ENV) PURNA_WAIT_MIN=0 PURNA_WAIT_MAX=0.5 $(PY) benchmarks/load.py --write
	$(BENCH_ENV) PURNA_WAIT_MIN=0 PURNA_WAIT_MAX=0.5 $(PY) benchmarks/load.py --servers 2 \
		--section "Load, two app servers" --write
	$(PY) benchmarks/replica.py --primary postgres://postgres@$(BENCH_HOST) \
		--database $(BENCH_DATABASE) --runs 10 --write
	$(PY) benchmarks/replica.py --stop
