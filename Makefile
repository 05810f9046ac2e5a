# The two commands in the README do all the set-up: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# axe-core, which the browser tests inject into pages for the WCAG audits.
BROWSER_DEPS := tests/browser/node_modules/.installed
# oidc-provider: the real OpenID Connect provider the staff login tests start on loopback.
OIDC_DEPS := tests/oidc/node_modules/.installed

.PHONY: run test preflight lint typecheck check bench cookbook clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

$(BROWSER_DEPS): tests/browser/package-lock.json
	npm ci --prefix tests/browser --no-audit --no-fund --silent
	touch $@

$(OIDC_DEPS): tests/oidc/package-lock.json
	npm ci --prefix tests/oidc --no-audit --no-fund --silent
	touch $@

run: $(STAMP)
	$(BIN)/formkit check schemas/
	$(BIN)/formkit serve

test: preflight $(STAMP) $(BROWSER_DEPS) $(OIDC_DEPS) lint typecheck
	$(BIN)/python -m pytest --numprocesses auto --dist loadscope

# First: a missing Chromium, SoftHSM2, npm or poppler is said at once, with the command that
# installs it, not minutes later deep inside a test.
preflight:
	@$(PYTHON) -m tests.preflight

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python benchmarks/validate.py
	$(BIN)/python benchmarks/decode.py
	$(BIN)/python benchmarks/render.py
	$(BIN)/python benchmarks/filing.py
	$(BIN)/python benchmarks/latency.py
	$(BIN)/python benchmarks/receipts.py
	$(BIN)/python benchmarks/large_bodies.py
	$(BIN)/python benchmarks/handling.py  # needs PostgreSQL (--url)

# The cookbook's pictures (docs/cookbook/*.png), taken again in Chromium.
cookbook: $(STAMP) $(BROWSER_DEPS)
	$(BIN)/python -m pytest tests/browser/test_browser_cookbook.py
	for shot in test-output/browser/kookboek-*.png; do cp "$$shot" "docs/cookbook/$${shot##*/kookboek-}"; done

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .hypothesis
