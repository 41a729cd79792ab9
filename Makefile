# Masthead: `make run` serves the demo site, `make test` runs the whole suite.
# Both build the virtualenv themselves from pyproject.toml the first time.
SHELL := /bin/bash
VENV  := .venv
PY    := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST  ?= 127.0.0.1
PORT  ?= 8000

.PHONY: run test lint venv worker bench clean

# Find a Python 3.12+: python3.13, python3.12, python3, then pyenv's versions. Each candidate is run once,
# because a pyenv shim exists on PATH even when its version is not selected and then fails.
define find_python
for c in python3.13 python3.12 python3; do \
  p=$$(command -v $$c 2>/dev/null) || continue; \
  if $$p -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; then echo $$p; exit 0; fi; \
done; \
if command -v pyenv >/dev/null 2>&1; then \
  for v in $$(pyenv versions --bare 2>/dev/null | sort -rV); do \
    p=$$(pyenv root)/versions/$$v/bin/python3; \
    if [ -x $$p ] && $$p -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; then echo $$p; exit 0; fi; \
  done; \
fi; \
exit 1
endef

$(STAMP): pyproject.toml
	@py=$$( $(find_python) ) || { \
	  echo "Masthead needs Python 3.12 or newer. Tried: python3.13, python3.12, python3 on PATH, and pyenv's versions." >&2; \
	  echo "Install one (e.g. 'pyenv install 3.13') and run make again." >&2; exit 1; }; \
	echo "Using $$py ($$($$py --version))"; \
	[ -x $(PY) ] || $$py -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	@touch $(STAMP)

venv: $(STAMP)

# The demo site: DEBUG on (so no SECRET_KEY is needed), SQLite unless DATABASE_URL says otherwise. Links and
# emails name the address served (HOST and PORT) unless SITE_URL says otherwise.
run: export DEBUG ?= 1
run: export SITE_URL ?= http://$(if $(filter 0 0.0.0.0,$(HOST)),127.0.0.1,$(HOST)):$(PORT)
run: $(STAMP)
	$(PY) manage.py migrate --noinput -v 0
	$(PY) manage.py load_demo
	@echo "Masthead is at $$SITE_URL/ (the back office at $$SITE_URL/admin/). Stop it with Ctrl+C."
	$(PY) manage.py runserver $(HOST):$(PORT)

worker: $(STAMP)
	$(PY) manage.py db_worker

# Tests use development settings (DEBUG on, no SECRET_KEY needed) unless the caller sets DEBUG.
# The whole suite runs on one pytest-xdist worker per CPU, at most four, each with its own test database; a
# run that names tests (PYTEST_ARGS="tests/...") runs in one process, which starts sooner. PYTEST_WORKERS=N
# chooses (0: no workers). docs/decisions.md, "The test suite in parallel".
PYTEST_WORKERS ?= $(if $(filter tests/%,$(PYTEST_ARGS)),0,logical)
test: $(STAMP)
	DEBUG=$${DEBUG:-1} DJANGO_ALLOW_ASYNC_UNSAFE=true $(PY) -m pytest -n $(PYTEST_WORKERS) --maxprocesses=4 $(PYTEST_ARGS)

# The reader pages in three tiers (origin without cache, the fallback page cache, Varnish in front) against
# bare Django, and the time from a withhold to the first 451 at the edge (docs/performance.md). Needs
# PostgreSQL on 127.0.0.1; installs wrk when it is missing; the Varnish tier needs Debian's varnish and
# varnish-modules (skipped, saying why, without them). BENCH_ARGS="--quick" for a smoke run,
# "--articles 100000" for the scale run.
bench: $(STAMP)
	$(PY) tests/benchmarks/bench.py $(BENCH_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) db.sqlite3 media .pytest_cache

# Varnish with the repository's VCL in front of `make run` (run the site in another terminal, with
# EDGE_PURGE_URLS=http://127.0.0.1:6081/ so that edits purge it): readers at http://127.0.0.1:$(EDGE_PORT)/,
# X-Cache says HIT or MISS. Needs Debian's varnish and varnish-modules (docs/deploy.md).
EDGE_PORT ?= 6081
.PHONY: edge
edge:
	@command -v varnishd >/dev/null || { echo "make edge needs varnishd: apt-get install varnish varnish-modules" >&2; exit 1; }
	@dir=$$(mktemp -d); chmod 755 $$dir; \
	sed 's/\.port = "8000"/.port = "$(PORT)"/' config/varnish/default.vcl > $$dir/default.vcl; chmod 644 $$dir/default.vcl; \
	echo "Varnish at http://127.0.0.1:$(EDGE_PORT)/ in front of 127.0.0.1:$(PORT). Stop it with Ctrl+C."; \
	exec varnishd -F -a 127.0.0.1:$(EDGE_PORT) -f $$dir/default.vcl -s malloc,64m -n $$dir/work $$( [ "$$(id -u)" = 0 ] || echo "-j none" )
