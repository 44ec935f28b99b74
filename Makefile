# The two commands: `make run` (the whole stack with demo data) and `make test` (everything).
# Everything else here is what those two are made of.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
ROWS ?= 20000
TENANT ?= demo
# `eval`-able KEY=value lines for a PostgreSQL and a Redis that answer (see scripts/devstack.py).
SERVERS_ENV = eval "$$($(PY) scripts/devstack.py servers)" && export DATABASE_URL REDIS_URL
# Without APP_ENV a process is in production and refuses the built-in secrets; these targets
# are development tools, so they say so (an APP_ENV already set wins). The tests set their own.
DEV_ENV = export APP_ENV=$${APP_ENV:-development}

.PHONY: install run test lint typecheck pytest demo-data migrate bench stop-servers clean

$(INSTALLED): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is needed: install python3.11 and run make PYTHON=python3.11 ...")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e '.[dev]'
	@touch $@

install: $(INSTALLED)

run: install
	$(PY) scripts/devstack.py run

test: install lint typecheck pytest

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: install
	$(VENV)/bin/mypy

pytest: install
	@$(SERVERS_ENV) && $(PY) -m pytest

migrate: install
	@$(SERVERS_ENV) && $(DEV_ENV) && $(PY) -m shared.tools.cli migrate

demo-data: migrate
	@$(SERVERS_ENV) && $(DEV_ENV) && $(PY) -m shared.tools.cli demo-data --rows $(ROWS) --tenant $(TENANT)

# Every benchmark prints its figures and rewrites its own section of bench/RESULTS.md.
BENCHMARKS ?= demo_data xlsx_engines pdf_engine exports mail scheduler gateway books month_end

bench: install
	@$(SERVERS_ENV) && $(DEV_ENV) && $(PY) -m shared.tools.cli migrate && \
	for name in $(BENCHMARKS); do echo "== bench/bench_$$name.py"; $(PY) bench/bench_$$name.py || exit 1; done

stop-servers:
	$(PY) scripts/devstack.py stop-servers

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
