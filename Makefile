# RealDID — every target bootstraps what it needs (venv, pip, npm), idempotently.
PYTHON ?= python3.11
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
NODE_STAMP := node_modules/.installed

.PHONY: demo test lint bench fmt clean venv node fuzz mutation

demo: $(STAMP)
	$(VENV)/bin/realdid demo

test: lint $(NODE_STAMP)
	$(PY) -m pytest -n 2 --dist loadgroup

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests bench tools
	$(VENV)/bin/ruff format --check src tests bench tools
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

bench: $(STAMP) $(NODE_STAMP)
	$(PY) bench/bench_bbs.py
	$(PY) bench/bench_presentation.py
	$(PY) bench/bench_ledger.py
	$(PY) bench/bench_parties.py

# A bounded, repeatable fuzz campaign (not part of `make test`): FUZZ_INPUTS inputs over
# every decoder of outside input; prints inputs/s per surface, exits non-zero on a failure
# and writes its reproducer under tests/fuzz/corpus/. FUZZ_SEED picks the sequence.
FUZZ_INPUTS ?= 1000000
FUZZ_SEED   ?= 9
fuzz: $(STAMP)
	nice -n 10 $(PY) -m tools.fuzz --inputs $(FUZZ_INPUTS) --seed $(FUZZ_SEED)

# Mutation testing of the security-critical modules (minutes per module; not part of
# `make test`). One module: make mutation MODULES=nym. Scores: docs/mutation.md.
mutation: $(STAMP)
	nice -n 10 $(PY) tools/mutation.py $(MODULES)

fmt: $(STAMP)
	$(VENV)/bin/ruff format src tests bench tools
	$(VENV)/bin/ruff check --fix src tests bench tools

venv: $(STAMP)
node: $(NODE_STAMP)

$(STAMP): pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --no-warn-script-location --disable-pip-version-check -c constraints.txt -e '.[dev]'
	touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

clean:
	rm -rf $(VENV) node_modules .mypy_cache .ruff_cache .pytest_cache .hypothesis .import_linter_cache .realdid .mutation mutants
