# Porte-voix: `make run` serves the demo site, `make test` runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
# Links in share buttons, calendars and e-mails point at the port the site runs on, unless set.
SITE_URL ?= http://127.0.0.1:$(PORT)
FLASK := $(BIN)/flask --app app

.PHONY: run test bench lint translations extract-messages deps chromium wrk

run: deps translations
	DEMO_MODE=1 $(FLASK) db upgrade
	DEMO_MODE=1 $(FLASK) seed-demo --if-empty
	DEMO_MODE=1 SITE_URL=$(SITE_URL) $(FLASK) run --host 127.0.0.1 --port $(PORT)

test: deps translations lint chromium
	$(BIN)/pytest $(PYTEST_ARGS)

# The benchmark (bench/run.py): builds a large company in PostgreSQL (BENCH_DATABASE_URL, by default
# the database porte_voix_bench on 127.0.0.1, dropped and rebuilt), serves it with gunicorn, loads
# each page with wrk and writes bench/results/. BENCH_ARGS="--reuse" measures the last build again.
bench: deps translations wrk
	$(BIN)/python -m bench.run $(BENCH_ARGS)

wrk:
	@command -v wrk >/dev/null || [ "$$(id -u)" != 0 ] || \
		{ echo "Installing wrk for the benchmark…"; apt-get update -qq && \
		  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-upgrade wrk >/dev/null; }
	@command -v wrk >/dev/null || { echo "wrk is missing for the benchmark: run 'sudo apt-get install -y wrk', then 'make bench' again."; exit 1; }

# The browser tests drive Debian's Chromium: installed here when we may (as root), else say how.
chromium:
	@test -x /usr/bin/chromium || [ "$$(id -u)" != 0 ] || \
		{ echo "Installing Chromium for the browser tests…"; apt-get update -qq && \
		  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-upgrade chromium >/dev/null; }
	@test -x /usr/bin/chromium || { echo "Chromium is missing for the browser tests: run 'sudo apt-get install -y chromium', then 'make test' again."; exit 1; }

lint: deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

deps: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

# No install scripts: vnu-jar's (the HTML checker of the tests) would fetch a Java runtime from the internet.
node_modules/.installed: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

translations: deps
	$(BIN)/pybabel -q compile -d translations

# For developers after changing strings: refresh the catalogue, then translate.
extract-messages: deps
	$(BIN)/pybabel -q extract -F babel.cfg -k _l -k lazy_ngettext:1,2 -k lazy_pgettext:1c,2 -o translations/messages.pot --no-location --sort-output .
	$(BIN)/pybabel -q update -i translations/messages.pot -d translations --no-fuzzy-matching --ignore-obsolete
