# The two commands: `make run` (site with demo data on SQLite) and `make test` (the whole suite).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000

.PHONY: run test lint check system-deps messages clean bench loadtest faulttest lock

# The locks carry every package's hashes: pip installs nothing else, and nothing that was altered.
PIP_INSTALL = $(PY) -m pip install --quiet --disable-pip-version-check --require-hashes

$(VENV)/.installed: requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(PIP_INSTALL) -r requirements.lock
	touch $@

# The dev lock repeats the runtime pins; given both, pip refuses to install if they ever disagree.
$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.lock
	$(PIP_INSTALL) -r requirements.lock -r requirements-dev.lock
	touch $@

run: $(VENV)/.installed
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py demo_data
	@echo ""
	@echo "  Site:     http://127.0.0.1:$(PORT)/"
	@echo "  Log in as chair, coordinator, clinician, viewer, radiotherapist, surgeon or privacy (demo centre), or outsider (another centre)."
	@echo "  Password: demo"
	@echo ""
	@# The worker that makes the PDFs runs beside the site, and stops with it (Ctrl-C included).
	DEBUG=1 $(PY) manage.py db_worker --worker-id make-run --no-reload --verbosity 0 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; trap 'exit 130' INT TERM; \
	DEBUG=1 $(PY) manage.py runserver 127.0.0.1:$(PORT)

system-deps:
	@sh .ci/system-deps

# The suite runs on every core (pytest-xdist); PYTEST_ARGS="-p no:xdist -k …" for a single process.
PYTEST_ARGS ?= -n auto
test: $(VENV)/.installed-dev system-deps
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed-dev
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

check: $(VENV)/.installed-dev
	$(PY) manage.py makemigrations --check --dry-run --settings=tests.settings
	$(PY) ../shared/tools/check_scoring_contract.py

messages: $(VENV)/.installed-dev
	DEBUG=1 $(PY) manage.py makemessages --locale fr --no-obsolete --ignore '.venv/*' --ignore 'static/*'
	DEBUG=1 $(PY) manage.py compilemessages --locale fr

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles

# Timings, never a pass or fail on time: the live score fragment, the main pages' requests per second
# as a share of a bare view's in the same run (tests/bench_pages.py), and the seconds the worker takes to
# render a minute's PDF and a 30-case meeting's minutes (tests/bench_pdfs.py); `make test` collects neither.
bench: $(VENV)/.installed-dev
	$(PY) -m pytest tests/patients/test_score_benchmark.py tests/bench_pages.py tests/bench_pdfs.py --benchmark-enable --benchmark-columns=min,median,mean,max,rounds -p no:xdist

# 50 locust users for 60 s against gunicorn with production settings on a fresh PostgreSQL database
# (rcp_load, dropped after): prints p50/p95 per endpoint, fails if any request failed (tests/load/run).
# Not part of `make test` or CI. LOAD_USERS, LOAD_RATE, LOAD_TIME, LOAD_DB change it.
loadtest: $(VENV)/.installed-dev
	VENV=$(VENV) tests/load/run

# PostgreSQL restarted under autosaves, on a private server (initdb, pg_ctl) in a temporary directory: no
# acknowledged draft lost, the site answers again by itself (tests/load/faults). Not part of CI either.
faulttest: $(VENV)/.installed
	VENV=$(VENV) tests/load/faults

# Regenerates both locks from pyproject.toml, with hashes, for the oldest Python supported; a pin that
# still fits stays as it is. Upgrade with LOCK_ARGS="--upgrade-package django" (or "--upgrade").
# Needs uv on the PATH (pipx install uv), not in the project's virtualenv.
UV ?= uv
LOCK_ARGS ?=
LOCK = $(UV) pip compile pyproject.toml --quiet --python-version 3.11 --generate-hashes \
	--custom-compile-command "make lock" $(LOCK_ARGS)
lock:
	$(LOCK) -o requirements.lock
	$(LOCK) --extra dev -c requirements.lock -o requirements-dev.lock
