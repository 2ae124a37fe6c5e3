# The two commands of the README, and the benchmark. Python 3.11+ and bash are all they assume.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# The PostgreSQL pass of the test suite; pytest-django creates and drops test_bookclub itself.
TEST_POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/bookclub

.PHONY: demo serve-production test test-sqlite test-postgres lint install bench bench-run clean

$(VENV)/.installed: pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e ".[dev]"
	touch $@

install: $(VENV)/.installed

## make demo: install, migrate, seed, then serve with the task worker and localstripe (Ctrl-C stops all)
demo: install
	bash bin/demo

## make serve-production: the production shape on loopback: two gunicorn processes (ports
## WEB_PORT_1, WEB_PORT_2: 8101, 8102) and two task workers on PostgreSQL (DATABASE_URL, default the
## database bookclub_production, created if missing) with the Redis cache (CACHE_URL), localstripe
## on STRIPE_PORT (8421); run by honcho from Procfile.production (docs/deployment.md)
serve-production: install
	bash bin/serve-production

## make test: lint, then the whole suite on SQLite and on PostgreSQL, the two passes side by side
## (each pytest uses one core; their outputs are printed whole, one after the other)
test: install lint
	$(MAKE) --no-print-directory -j2 --output-sync=target test-sqlite test-postgres

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

test-sqlite: install
	env -u DATABASE_URL DJANGO_PRIVATE_ROOT=$(CURDIR)/var/test-private-sqlite $(VENV)/bin/pytest

test-postgres: install
	DATABASE_URL=$(TEST_POSTGRES_URL) DJANGO_PRIVATE_ROOT=$(CURDIR)/var/test-private-postgres $(VENV)/bin/pytest

## make bench: seed BOOKS titles (default 10000) and measure pages under gunicorn with wrk;
## DATABASE=postgres measures on PostgreSQL (database bookclub_bench_<BOOKS>, created if missing)
BENCH_POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/bookclub_bench_$(or $(BOOKS),10000)
bench: install
	$(PY) bench/run.py --books $(or $(BOOKS),10000) $(if $(filter postgres,$(DATABASE)),--database-url $(BENCH_POSTGRES_URL))

## make bench-run: seed SUBSCRIBERS (default 10000) on PostgreSQL, run a month with 1 then 2 workers
bench-run: install
	$(PY) bench/run_monthly.py --subscribers $(or $(SUBSCRIBERS),10000)

clean:
	rm -rf $(VENV) var db.sqlite3* test-results
