# Release Desk: `make run` serves the demo, `make test` runs every check. Both install what is
# missing first, and skip what is already there.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

# Queries are checked against the committed .sqlx/ data: building needs no database.
export SQLX_OFFLINE := true
export PATH := $(HOME)/.cargo/bin:$(PATH)

# CI starts from a fresh clone: keep its build cache outside the clone so later runs reuse it.
ifeq ($(CI),true)
export CARGO_TARGET_DIR ?= $(HOME)/.cache/releasedesk/target
# Incremental data only helps edit-compile loops; in CI it just fills the disk run after run.
export CARGO_INCREMENTAL ?= 0
endif
TARGET_DIR := $(or $(CARGO_TARGET_DIR),$(CURDIR)/target)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: help setup setup-build bench-tools run build test lint unit e2e compat export-check bench lighthouse bench-sync bench-history prepare clean

help:
	@echo "make run    build the release and serve the demo at http://127.0.0.1:3000"
	@echo "make test   fmt, clippy (ssr and wasm), every Rust test, the Playwright tests"
	@echo "make build  the release build: target/release/releasedesk and target/site/"
	@echo "make bench  requests/s and latency beside nginx, peak memory, bytes per page, first tap"
	@echo "make lighthouse  Lighthouse scores of the history, version and support pages"
	@echo "make bench-sync  a 10,000-tag sync against the fake GitHub"
	@echo "make bench-history  server render times of a 10,000-version history"

## Tools --------------------------------------------------------------------------------------

# What building needs: the WebAssembly target and the prebuilt npm tools of the site build
# (xtask/: wasm-opt, esbuild, lightningcss). No tool is compiled first: the build is
# `cargo xtask`, a crate of this workspace (see ARCHITECTURE.md).
setup-build: xtask/node_modules/.installed
	@rustup target list --installed | grep -qx wasm32-unknown-unknown \
	  || rustup target add wasm32-unknown-unknown

# What the tests need beyond that: Playwright and axe (end2end/), Debian's Chromium, nginx and
# PostgreSQL (the tests start their own servers on loopback; see tests/src/postgres.rs).
setup: setup-build end2end/node_modules/.installed
	@[ -x /usr/bin/chromium ] && [ -x /usr/sbin/nginx ] && ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 \
	  || { $(SUDO) apt-get update && $(SUDO) apt-get install -y --no-install-recommends chromium nginx postgresql; }

# wrk, for `make bench`.
bench-tools:
	@[ -x /usr/bin/wrk ] \
	  || { $(SUDO) apt-get update && $(SUDO) apt-get install -y --no-install-recommends wrk; }

end2end/node_modules/.installed: end2end/package.json end2end/package-lock.json
	cd end2end && npm ci --no-audit --no-fund
	touch $@

xtask/node_modules/.installed: xtask/package.json xtask/package-lock.json
	cd xtask && npm ci --no-audit --no-fund --loglevel=error
	touch $@

## Build and run ------------------------------------------------------------------------------

build: setup-build
	cargo xtask build --release
	@if [ "$(TARGET_DIR)" != "$(CURDIR)/target" ]; then \
	  mkdir -p target/release && cp "$(TARGET_DIR)/release/releasedesk" target/release/; fi
	@ls -l target/release/releasedesk

run: build
	target/release/releasedesk serve --demo

## Checks -------------------------------------------------------------------------------------

test: setup lint unit e2e compat export-check

lint:
	cargo fmt --all --check
	cargo clippy --workspace --all-targets --locked -- -D warnings
	cargo clippy -p app --lib --target wasm32-unknown-unknown --features hydrate --locked -- -D warnings

unit:
	cargo test --workspace --locked

# The fake GitHub and the link checker as `cargo test --workspace` builds them (with the tests'
# features): after `make unit` nothing compiles again; `cargo build -p releasedesk-tests` would
# rebuild the server and half its dependencies with another feature set.
e2e: build
	cargo test --workspace --locked --no-run --quiet
	cd end2end && RELEASEDESK_BIN="$(CURDIR)/target/release/releasedesk" \
	  FAKE_GITHUB_BIN="$(TARGET_DIR)/debug/fake-github" \
	  LEPTOS_SITE_ROOT="$(CURDIR)/target/site" npx playwright test

# A real endoflife.date client (norwegianblue, from PyPI) reads our v0 API from the release build.
COMPAT_VENV := $(TARGET_DIR)/compat-venv
NORWEGIANBLUE_VERSION := 0.26.0

$(COMPAT_VENV)/.installed-$(NORWEGIANBLUE_VERSION):
	python3 -m venv "$(COMPAT_VENV)"
	"$(COMPAT_VENV)/bin/pip" install --quiet "norwegianblue==$(NORWEGIANBLUE_VERSION)"
	touch $@

compat: build $(COMPAT_VENV)/.installed-$(NORWEGIANBLUE_VERSION)
	scripts/compat.sh "$(COMPAT_VENV)/bin/python"

# The demo exported and served by nginx, crawled by the link checker (scripts/export-check.sh).
export-check: build
	cargo test --workspace --locked --no-run --quiet
	scripts/export-check.sh "$(TARGET_DIR)/debug/link-check"

# Our server beside nginx serving the export, peak memory, bytes per page, the first interaction
# on a throttled phone (scripts/bench.sh), then the Lighthouse scores.
bench: build bench-tools end2end/node_modules/.installed
	scripts/bench.sh
	scripts/lighthouse.sh

lighthouse: build end2end/node_modules/.installed
	scripts/lighthouse.sh

# Sync 10,000 tags and 9,000 releases from the fake GitHub at 20 ms per request.
bench-sync:
	cargo run --release --locked -p releasedesk-tests --bin bench-sync

# Render the history of a 10,000-version repository through the real router; medians.
bench-history:
	cargo run --release --locked -p releasedesk-tests --bin bench-history

## Maintenance --------------------------------------------------------------------------------

# After changing SQL: refresh .sqlx/ from scratch databases, SQLite's and PostgreSQL's
# (sqlite3 applies the SQLite migrations; setup brings PostgreSQL).
prepare: setup
	@command -v sqlite3 >/dev/null \
	  || { $(SUDO) apt-get update && $(SUDO) apt-get install -y --no-install-recommends sqlite3; }
	scripts/prepare.sh

clean:
	cargo clean
