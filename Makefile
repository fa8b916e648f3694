# Pantau Kinerja Belawan. Two commands on a fresh clone:
#   make demo   start the local stack, seed Medan Belawan, walk one report through its life
#   make test   the whole test suite (starts its own stack on free ports)
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PY_STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed

.PHONY: demo test lint up down seed status openapi infra plan deps prerequisites chromium lock bench fuzz clean

demo: seed
	@$(PY) -m tools.demo

test: deps prerequisites chromium lint
	@$(PY) -m tools.openapi --check
	@infra/check.sh
	@$(PY) -m tools.test

lint: $(PY_STAMP)
	@$(VENV)/bin/ruff check .
	@$(VENV)/bin/mypy --no-error-summary

up: deps prerequisites
	@$(PY) -m tools.stack up

down:
	@if [ -x $(PY) ]; then $(PY) -m tools.stack down; fi

seed: up
	@$(PY) -m tools.seed

status: $(PY_STAMP)
	@$(PY) -m tools.stack status

# Benchmarks print their figures and record them in bench/RESULTS.md and bench/results.json.
bench: deps prerequisites
	@$(PY) -m bench.cold_start
	@$(PY) -m bench.load
	@$(PY) -m bench.scoring

# A long fuzz run, not part of `make test` (which runs 4 examples per case): schemathesis sends
# FUZZ_EXAMPLES generated requests per operation, caller and mode to a fresh stack. docs/fuzz.md
# records what it ran and found.
FUZZ_EXAMPLES ?= 100
fuzz: deps prerequisites
	@PANTAU_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(PY) -m pytest tests/proof/test_fuzz.py -q -p no:cacheprovider

# Regenerate what derives from functions/catalog.py and the queries: the Terraform catalog and the indexes.
infra: $(PY_STAMP)
	@$(PY) -m tools.infra_catalog --write
	@$(PY) -m tools.firestore_indexes --write

# terraform init + plan of one environment (make plan ENV=dev), where the Terraform registry and the
# project are reachable; elsewhere it stops and says which is missing (docs/deploy.md).
plan:
	@infra/plan.sh "$(ENV)"

# The examples are recorded from the real HTTP layer first; the document embeds them.
openapi: $(PY_STAMP)
	@$(PY) -m tools.openapi_examples --write
	@$(PY) -m tools.openapi --write

WEB_BUNDLE := web/dist/dashboard.js
deps: $(PY_STAMP) $(NODE_STAMP) $(WEB_BUNDLE)

# The dashboard's, the SKM report's and the results page's JavaScript: web/src -> web/dist (esbuild bundles Chart.js and Firebase Auth).
$(WEB_BUNDLE): $(NODE_STAMP) $(shell find web/src -name '*.js' 2>/dev/null)
	@npm run --silent build -- --log-level=warning

prerequisites: $(PY_STAMP)
	@$(PY) -c "from tools.stack import check_prerequisites, StackError; import sys; \
	exec('try:\n check_prerequisites()\nexcept StackError as e:\n print(e, file=sys.stderr); sys.exit(1)')"

# Browser tests drive Debian's chromium through Playwright; Playwright never downloads a browser here.
chromium:
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing Debian's chromium for the browser tests"; \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null || \
	    { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null; }; \
	  else echo "The browser tests need Chromium: sudo apt-get install chromium"; exit 1; fi; }

$(PY_STAMP): requirements.txt requirements-dev.txt pyproject.toml
	@[ -n "$(PYTHON)" ] || { echo "Python 3.11 is required: apt-get install python3.11 python3.11-venv (or pyenv install 3.11)"; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' || { echo "Python 3.11 is required (found $$($(PYTHON) --version)); set PYTHON=/path/to/python3.11"; exit 1; }
	@echo "installing Python dependencies into $(VENV)"
	@$(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements-dev.txt
	@# the project itself, editable, for the `pantau` command; its dependencies are all in the lock above
	@$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $@

$(NODE_STAMP): package.json package-lock.json
	@command -v npm >/dev/null || { echo "Node.js 20+ and npm are required for the Firebase Auth emulator: https://nodejs.org"; exit 1; }
	@node -e 'process.exit(Number(process.versions.node.split(".")[0]) < 20 ? 1 : 0)' || { echo "Node.js 20+ is required (found $$(node --version)): firebase-tools 15 needs it; https://nodejs.org"; exit 1; }
	@echo "installing firebase-tools (Auth emulator) with npm"
	@npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# Re-pin requirements*.txt, with hashes, from the direct dependencies in requirements*.in. uv resolves
# for the deployment's target (CPython 3.11 on x86_64 Linux, as Cloud Functions runs it) whatever
# machine runs this, and keeps the pins already in the files unless a .in file asks for another
# version (UPGRADE=1 moves everything to the newest allowed). requirements-dev.txt is the whole
# development environment, with the runtime pins exactly as in requirements.txt.
UV_COMPILE = $(VENV)/bin/uv pip compile --quiet --generate-hashes --python-version 3.11 \
	--python-platform x86_64-manylinux_2_28 --custom-compile-command "make lock" $(if $(UPGRADE),--upgrade)
lock: $(PY_STAMP)
	@$(UV_COMPILE) requirements.in -o requirements.txt
	@$(UV_COMPILE) requirements.in requirements-dev.in -c requirements.txt -o requirements-dev.txt
	@echo "pinned $$(grep -c '^[a-z]' requirements.txt) runtime and $$(grep -c '^[a-z]' requirements-dev.txt) development packages, with hashes"

clean: down
	rm -rf $(VENV) node_modules .local web/dist
