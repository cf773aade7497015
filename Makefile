# The README's two commands are `make run` and `make test`; everything else is a helper.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test test-server lint bench bench-monthly clean icons dist dist-smoke i18n screenshots

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

# The application icon: resources/icons/wuyedesk.svg rendered to the PNG sizes and the
# Windows .ico (committed; run again after editing the SVG).
icons: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python installer/make_icons.py

# The one-folder build dist/wuyedesk/ (PyInstaller, installer/wuyedesk.spec), then the smoke
# test of the built program. The Windows installer is made from it by Inno Setup
# (installer/wuyedesk.iss; see installer/README.md).
DIST_STAMP := $(VENV)/.dist-stamp

$(DIST_STAMP): $(STAMP) pyproject.toml
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test,dist]'
	touch $(DIST_STAMP)

dist: $(DIST_STAMP)
	$(BIN)/pyinstaller --noconfirm --clean installer/wuyedesk.spec --distpath dist \
		--workpath build/pyinstaller
	$(MAKE) --no-print-directory dist-smoke

# The built program run as a user would: --version, init, demo, check, print, export
# (tests/dist; WUYEDESK_DIST=path/to/wuyedesk tests another build).
dist-smoke: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest tests/dist -p no:cacheprovider

# Translations: collect every tr() string, .ui form string and slip-layout label into
# resources/i18n/wuyedesk_en.ts (new ones unfinished, for Qt Linguist or a JSON merge:
# python -m wuyedesk.i18n_catalog merge en FILE.json), compile the .qm, then check.
i18n: $(STAMP)
	$(BIN)/python -m wuyedesk.i18n_catalog update
	$(BIN)/python -m wuyedesk.i18n_catalog check

# The manual's pictures (docs/manual.md, docs/manual.en.md) from a demo estate, in both
# languages, and the README's pictures; each language in its own process.
screenshots: $(STAMP)
	QT_QPA_PLATFORM=offscreen WUYEDESK_LANG=zh_CN $(BIN)/python tests/gui/manual_screens.py \
		docs/screenshots/manual/zh_CN
	QT_QPA_PLATFORM=offscreen WUYEDESK_LANG=en $(BIN)/python tests/gui/manual_screens.py \
		docs/screenshots/manual/en
	QT_QPA_PLATFORM=offscreen WUYEDESK_LANG=zh_CN PYTHONPATH=. $(BIN)/python \
		tests/gui/screenshots.py docs/screenshots

clean:
	rm -rf $(VENV) build dist *.egg-info
