# onewindow: `make run` starts the demo hall, `make test` runs the whole suite.
# Every set-up step lives here so that a fresh clone needs nothing else.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
APT_PACKAGES_RUN  := espeak-ng fonts-noto-cjk
APT_PACKAGES_TEST := $(APT_PACKAGES_RUN) chromium nginx openssl systemd
HOST ?= 127.0.0.1
PORT ?= 8080

.PHONY: run test lint venv assets system-deps-run system-deps-test bench clean

run: venv assets system-deps-run
	$(BIN)/onewindow demo --host $(HOST) --port $(PORT)

test: venv assets system-deps-test lint
	$(BIN)/python -m pytest -q

lint: venv
	$(BIN)/ruff check .

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# Browser assets (Socket.IO client, charts) come from npm with a lock file.
assets: node_modules/.installed-stamp

node_modules/.installed-stamp: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# System packages: speech (espeak-ng), CJK fonts (ticket pictures, pages), Chromium (browser
# tests), nginx and systemd (the deploy/ files are checked with nginx -t and systemd-analyze).
system-deps-run:
	@./deploy/install-system-packages.sh $(APT_PACKAGES_RUN)

system-deps-test:
	@./deploy/install-system-packages.sh $(APT_PACKAGES_TEST)

bench: venv assets $(VENV)/.bench-stamp
	$(BIN)/python -m bench

$(VENV)/.bench-stamp: pyproject.toml $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	touch $@

clean:
	rm -rf $(VENV) node_modules var test-artifacts
