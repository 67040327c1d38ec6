# Kollega: `make run` serves the app, `make test` runs the whole suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export DJANGO_SETTINGS_MODULE := config.settings

.PHONY: run test check messages translations demo bench bench-scale bench-reminders profile memory clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

# GNU gettext compiles the catalogues; install it from the system's packages when missing.
gettext:
	@command -v msgfmt >/dev/null || { \
	  echo "Installing gettext (msgfmt) for the translation catalogues"; \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq gettext >/dev/null; \
	  else sudo apt-get update -qq && sudo apt-get install -y -qq gettext >/dev/null; fi; }

messages: $(VENV)/.installed gettext
	$(PY) manage.py compilemessages --ignore=.venv --ignore=var -v0

run: messages
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py load_libraries
	$(PY) manage.py load_demo
	$(PY) manage.py load_demo_exchanges
	@echo
	@echo "Kollega runs at http://127.0.0.1:$(PORT)/  (Finnish: /fi/, Swedish: /sv/)"
	@echo "Coordinator account for the admin: $(PY) manage.py createsuperuser"
	@echo
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

test: messages
	$(PY) -m pytest $(PYTEST_ARGS)

# Lint, layers, migrations and catalogues: what CI checks besides the tests.
check: $(VENV)/.installed gettext
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py check_catalogues

# Refresh the catalogues after changing user-facing strings.
translations: $(VENV)/.installed gettext
	$(PY) manage.py makemessages -l fi -l sv --no-location --ignore=.venv --ignore=var --ignore=tests

# The reminder sweep among 1,000 and 100,000 exchanges with the same reminders due
# (PostgreSQL database kollega_bench, made when missing; see README). Not part of `make test`.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/kollega_bench
bench-reminders: messages
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) manage.py bench_reminders

# Load benchmark of the pages: gunicorn on PostgreSQL (database kollega_bench_web, made when
# missing) and Redis (db 14), driven by locust; see README. Not part of `make test`.
BENCH_WEB_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/kollega_bench_web
$(VENV)/.bench-installed: $(VENV)/.installed requirements-bench.txt
	$(PY) -m pip install --quiet -r requirements-bench.txt
	touch $@

bench: messages $(VENV)/.bench-installed
	BENCH_WEB_DATABASE_URL=$(BENCH_WEB_DATABASE_URL) $(PY) -m bench.run

# The scale-out rehearsal: two gunicorn instances, a Celery worker beside each and one beat
# on one PostgreSQL database (kollega_bench_scale, made when missing) and Redis (db 12), driven
# by one locust; every email must reach a local SMTP server exactly once. See README.
BENCH_SCALE_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/kollega_bench_scale
bench-scale: messages $(VENV)/.bench-installed
	BENCH_SCALE_DATABASE_URL=$(BENCH_SCALE_DATABASE_URL) $(PY) -m bench.scale

# Where the benchmarked pages spend their time: each rendered a few hundred times in this
# process on the benchmark's data (same database), by function and by template; see README.
profile: messages
	BENCH_WEB_DATABASE_URL=$(BENCH_WEB_DATABASE_URL) $(PY) -m bench.profile_pages $(PAGES)

# Memory of the production stack (the Procfile's processes on PostgreSQL and Redis) after
# 200 requests; see README. Not part of `make test`.
memory: messages
	$(PY) -m bench.memory

clean:
	rm -rf $(VENV) var
