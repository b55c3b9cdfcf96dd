# Two commands for a fresh machine: `make build` and `make test`. Both set up .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: build test setup golden bench clean

$(VENV)/.installed: pyproject.toml
	scripts/setup-system build
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

setup: $(VENV)/.installed

## build: set up, then build every channel for every locale into build/
build: $(VENV)/.installed
	$(BIN)/dncontent build

## test: set up (with the test tools), then run the whole suite
test: $(VENV)/.installed
	scripts/setup-system test
	$(MAKE) --no-print-directory node_modules/.installed
	$(BIN)/python -m pytest

## golden: rewrite tests/golden/ from the shipped content after an intended change; review the diff
golden: $(VENV)/.installed
	$(BIN)/python -m tests.golden

## bench: rerun the speed benchmarks (validate, the PDF channel, the preview's save-to-browser time)
bench: $(VENV)/.installed node_modules/.installed
	$(BIN)/python scripts/bench_validate.py
	$(BIN)/python scripts/bench_pdf.py
	$(BIN)/python scripts/bench_preview.py

clean:
	rm -rf build .build.staging .build.old
