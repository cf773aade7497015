# The README's two commands are `make run` and `make test`; everything else is a helper.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test test-server lint bench bench-monthly clean

$(STAMP): pyproject.toml setup.py
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/wuyedesk

lint: $(STAMP)
	$(BIN)/ruff check wuyedesk tests
	$(BIN)/ruff format --check wuyedesk tests
	$(BIN)/mypy

test: $(STAMP)
	$(BIN)/ruff check wuyedesk tests
	$(BIN)/ruff format --check wuyedesk tests
	$(BIN)/mypy
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest
	$(MAKE) --no-print-directory test-server

# The unit and service tests again, on a real PostgreSQL server (WUYEDESK_TEST_PG, default
# the loopback server that .ci/postgres starts). Without one it says so and passes, unless
# WUYEDESK_REQUIRE_SERVER=1 (CI).
test-server: $(STAMP)
	QT_QPA_PLATFORM=offscreen WUYEDESK_TEST_DB=postgresql $(BIN)/python tests/server_pass.py

# The issue's benchmark table on a 5,000-household, five-year demo estate, encrypted beside
# plain SQLite. The estate is built once (minutes) and kept in .benchmarks/estate; the table
# is also written to .benchmarks/bench.txt. BENCH_ARGS passes options (see tests/bench/run.py).
BENCH_KEEP ?= .benchmarks/estate
BENCH_ARGS ?=

bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python tests/bench/run.py --keep $(BENCH_KEEP) \
		--out .benchmarks/bench.txt $(BENCH_ARGS)

bench-estate: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python tests/bench/estate.py --keep $(BENCH_KEEP)

bench-monthly: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python tests/bench/monthly.py

clean:
	rm -rf $(VENV) build dist *.egg-info
