# Two commands for a fresh machine: `make build` and `make test`. Both set up .venv first: `build` with what
# building needs, `test` adds the test tools. Each step leaves a stamp in .venv, so running either again
# installs nothing unless pyproject.toml changed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: build test check lint setup golden bench clean

# The system packages, the virtual environment, and uv in it. uv installs from PyPI as pip does, but resolves,
# fetches and unpacks in parallel: a fresh environment with the test tools takes about 20 s where pip took 74 s
# (on a 2-core machine). It reads its own settings (UV_INDEX_URL, uv.toml), not pip.conf.
$(VENV)/.created:
	PYTHON=$(PYTHON) scripts/setup-system build
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check 'uv>=0.4'
	touch $@

UV_INSTALL = $(BIN)/uv pip install --quiet --python $(BIN)/python

# dncontent and what it needs at run time, compiled to bytecode so that every command starts fast even where
# PYTHONDONTWRITEBYTECODE is set
$(VENV)/.installed: pyproject.toml $(VENV)/.created
	$(UV_INSTALL) --compile-bytecode -e .
	touch $@

# plus the test and benchmark tools, not compiled: compiling every module of every tool (the FHIR models alone
# are thousands) costs more than compiling, as they are imported, the few modules the tests use
$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(UV_INSTALL) -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

## setup: the virtual environment with the test tools, without building or testing
setup: $(VENV)/.installed-dev

# dncontent's own bytecode, written even where PYTHONDONTWRITEBYTECODE is set: every command starts faster
# (compileall skips what is up to date)
BYTECODE = $(BIN)/python -m compileall -q src >/dev/null

## build: set up, then build every channel for every locale into build/
build: $(VENV)/.installed
	$(BYTECODE)
	$(BIN)/dncontent build

## test: set up (with the test tools), then lint, type-check and run the whole suite
# (the npm packages are installed while the Python packages are installed and linted)
test:
	PYTHON=$(PYTHON) scripts/setup-system test
	$(MAKE) --no-print-directory -j2 node_modules/.installed lint
	$(BYTECODE)
	$(BIN)/python -m pytest -n auto --dist worksteal

## lint: ruff's lint and format checks and mypy, as configured in pyproject.toml
lint: $(VENV)/.installed-dev
	$(BIN)/ruff check src tests scripts
	$(BIN)/ruff format --check src tests scripts
	$(BIN)/mypy

# The quick tests: the schemas, the text rules, the patterns (Python and JavaScript), the package layout and
# the golden files; none starts a browser, a build or a subprocess per case.
QUICK_TESTS = tests/test_schemas.py tests/test_text.py tests/test_patterns.py tests/test_layout.py tests/test_golden.py

## check: what to run on every change (the pre-commit hook runs it): lint, types and the quick tests, in under a minute
check: $(VENV)/.installed-dev node_modules/.installed
	$(MAKE) --no-print-directory lint
	$(BYTECODE)
	$(BIN)/python -m pytest -q $(QUICK_TESTS)

## golden: rewrite tests/golden/ from the shipped content after an intended change; review the diff
golden: $(VENV)/.installed-dev
	$(BIN)/python -m tests.golden

## bench: rerun the speed benchmarks (validate, the PDF channel, the preview's and the studio's save-to-browser time)
bench: $(VENV)/.installed-dev node_modules/.installed
	$(BYTECODE)
	$(BIN)/python scripts/bench_validate.py
	$(BIN)/python scripts/bench_pdf.py
	$(BIN)/python scripts/bench_preview.py
	$(BIN)/python scripts/bench_build.py
	$(BIN)/python scripts/bench_studio.py

clean:
	rm -rf build .build.staging .build.old
