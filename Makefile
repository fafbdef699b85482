# Qiqiao: `make run` starts the platform, `make test` runs every test. Nothing else is needed.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | md5sum | cut -c1-12)
NPM    ?= npm
HOST   ?= 127.0.0.1
PORT   ?= 8000
PYTEST_WORKERS ?= 2
FRONTEND_SOURCES := $(shell find frontend/src frontend/build frontend/public frontend/index.html frontend/package.json frontend/vite.config.ts frontend/tsconfig*.json -type f 2>/dev/null)

.PHONY: run test install frontend migrate bench lint clean

run: install frontend migrate
	@$(BIN)/qiqiao create-admin --if-none --username admin --generate-password
	@[ -f var/initial-admin.txt ] && echo "First sign-in (from var/initial-admin.txt):" && cat var/initial-admin.txt || true
	@echo "Qiqiao is starting at http://$(HOST):$(PORT)"
	$(BIN)/qiqiao serve --host $(HOST) --port $(PORT)

# Browser tests run in their own pytest process (a file's tests in one worker, in order): Playwright's sync API keeps an event loop
# running in its worker, which would break the asyncio fixtures of tests sharing that worker.
test: install frontend
	cd frontend && $(NPM) test
	$(BIN)/pytest -n $(PYTEST_WORKERS) -p no:cacheprovider tests --ignore=tests/e2e
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadfile -p no:cacheprovider tests/e2e

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@rm -f $(VENV)/.installed-*
	@touch $@

frontend: frontend/dist/index.html

frontend/node_modules/.package-lock.json: frontend/package-lock.json
	cd frontend && $(NPM) ci --no-audit --no-fund --loglevel=error

frontend/dist/index.html: frontend/node_modules/.package-lock.json $(FRONTEND_SOURCES)
	cd frontend && $(NPM) run build
	@touch $@

migrate: install
	$(BIN)/qiqiao migrate

bench: install
	$(BIN)/python -m bench all

lint: install
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) frontend/node_modules frontend/dist
