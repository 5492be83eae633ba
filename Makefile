# Porte-voix: `make run` serves the demo site, `make test` runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
FLASK := $(BIN)/flask --app app

.PHONY: run test lint translations extract-messages deps

run: deps translations
	DEMO_MODE=1 $(FLASK) db upgrade
	DEMO_MODE=1 $(FLASK) seed-demo --if-empty
	DEMO_MODE=1 $(FLASK) run --host 127.0.0.1 --port $(PORT)

test: deps translations lint
	@test -x /usr/bin/chromium || { echo "Chromium is missing for the browser tests: run 'apt-get install -y chromium' as root, then 'make test' again."; exit 1; }
	$(BIN)/pytest $(PYTEST_ARGS)

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

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

translations: deps
	$(BIN)/pybabel -q compile -d translations

# For developers after changing strings: refresh the catalogue, then translate.
extract-messages: deps
	$(BIN)/pybabel -q extract -F babel.cfg -k _l -o translations/messages.pot --no-location --sort-output .
	$(BIN)/pybabel -q update -i translations/messages.pot -d translations --no-fuzzy-matching --ignore-obsolete
