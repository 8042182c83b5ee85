# The Generlate Support handbook. `make html` builds it, `make test` tests it; both set up .venv/
# from pyproject.toml first when it is missing or older than pyproject.toml.
# Like Sphinx's own Makefile, every build target honours SPHINXOPTS (e.g. SPHINXOPTS="-j auto").

PYTHON      ?= $(shell command -v python3.11 || command -v python3)
VENV        := .venv
BIN         := $(VENV)/bin
STAMP       := $(VENV)/.installed
SOURCEDIR   := handbook
BUILDDIR    := _build
SPHINXOPTS  ?=
SERVE_PORT  ?= 8000
SPHINXBUILD := $(BIN)/sphinx-build
# Strict: nitpicky, warnings are errors, report them all before failing.
STRICT      := -n -W --keep-going
# Pages past their review-by date: `warn` lists them, `error` also fails `make check`.
REVIEW_OVERDUE ?= warn
CODEOWNERS  := .github/CODEOWNERS
# The browser tests' npm packages (axe-core), installed from tests/browser/package-lock.json.
BROWSERDIR  := tests/browser
AXE_STAMP   := $(BROWSERDIR)/node_modules/.package-lock.json
APT_GET     := apt-get -o DPkg::Lock::Timeout=600

.DEFAULT_GOAL := help
.PHONY: help venv html serve check lint policy-check pages codeowners linkcheck browser test bench report-demo clean

help:  ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 14

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,serve,dev]'
	@touch $@

venv: $(STAMP)  ## Create or refresh .venv/ from pyproject.toml

html: $(STAMP)  ## Build the handbook into _build/html (strict, incremental)
	$(SPHINXBUILD) -M html "$(SOURCEDIR)" "$(BUILDDIR)" $(STRICT) $(SPHINXOPTS)

serve: $(STAMP)  ## Live-reloading preview on http://127.0.0.1:8000 (SERVE_PORT=N for another)
	$(BIN)/sphinx-autobuild --host 127.0.0.1 --port $(SERVE_PORT) --watch policy --watch ext \
		"$(SOURCEDIR)" "$(BUILDDIR)/serve" $(SPHINXOPTS)

lint: $(STAMP)  ## Source lint: editor notes, hand-typed policy figures; ruff
	$(BIN)/python -m generlate_handbook.lint $(SOURCEDIR)
	$(BIN)/ruff check ext tests benchmarks handbook/conf.py
	$(BIN)/ruff format --check ext tests benchmarks handbook/conf.py

policy-check: $(STAMP)  ## Validate the policy and check its invariants
	$(BIN)/handbook-policy validate
	$(BIN)/handbook-policy check

pages: $(STAMP)  ## Page owners and review dates; CODEOWNERS up to date (REVIEW_OVERDUE=error fails late reviews)
	$(BIN)/python -m generlate_handbook.publishing.check "$(SOURCEDIR)" --codeowners $(CODEOWNERS) \
		--overdue $(REVIEW_OVERDUE)

codeowners: $(STAMP)  ## Write .github/CODEOWNERS from the pages' front matter
	$(BIN)/python -m generlate_handbook.publishing.check "$(SOURCEDIR)" --codeowners $(CODEOWNERS) \
		--write-codeowners

# Every step runs even when an earlier one fails, so one run shows an editor every problem.
check: $(STAMP)  ## The offline gate: lint, policy, page owners, fresh strict build (all run; any failure fails)
	@status=0; \
	$(MAKE) --no-print-directory lint || status=1; \
	$(MAKE) --no-print-directory policy-check || status=1; \
	$(MAKE) --no-print-directory pages || status=1; \
	$(BIN)/python -m generlate_handbook.links.gate "$(SOURCEDIR)" "$(BUILDDIR)" $(SPHINXOPTS) \
		|| status=1; \
	exit $$status

linkcheck: $(STAMP)  ## Check external links (cached; LINKCHECK_FRESH=1 ignores the cache)
	$(BIN)/python -m generlate_handbook.links.external "$(SOURCEDIR)" "$(BUILDDIR)/linkcheck" $(SPHINXOPTS)

$(AXE_STAMP): $(BROWSERDIR)/package.json $(BROWSERDIR)/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		cd $(BROWSERDIR) && npm ci --no-audit --no-fund --loglevel=error; \
	else \
		echo "npm not found: the accessibility audit needs it (make browser installs it)"; \
	fi

# Debian's chromium (Playwright drives it; no browser is downloaded) and axe-core. `.ci/run`
# runs this first; run it once on a new machine (as root, or with sudo).
browser:  ## Install the browser tests' Chromium (apt) and axe-core (npm ci) when missing
	@SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	missing=""; \
	command -v chromium >/dev/null 2>&1 || command -v google-chrome >/dev/null 2>&1 \
		|| missing="$$missing chromium"; \
	command -v npm >/dev/null 2>&1 || missing="$$missing npm"; \
	if [ -n "$$missing" ]; then \
		echo "Installing$$missing with apt-get..."; \
		$$SUDO $(APT_GET) update -qq && \
		$$SUDO env DEBIAN_FRONTEND=noninteractive $(APT_GET) install -y -qq $$missing >/dev/null; \
	fi
	@$(MAKE) --no-print-directory $(AXE_STAMP)

test: $(STAMP) $(AXE_STAMP)  ## Run the test suite (the browser tests skip without Chromium, fail under CI=true)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(STAMP)  ## Benchmarks (not tests): SLA clock vs minute-stepping; build cost per page; reports
	$(BIN)/python -m benchmarks.clock
	$(BIN)/python -m benchmarks.build
	$(BIN)/python -m benchmarks.report

report-demo: $(STAMP)  ## A report on 20,000 synthetic tickets: _build/report/demo.html (opens nothing)
	$(BIN)/handbook-policy demo-tickets --count 20000 --seed 1 --out "$(BUILDDIR)/report/demo-tickets.csv" \
		--replies-out "$(BUILDDIR)/report/demo-replies.csv" > /dev/null
	$(BIN)/handbook-policy report "$(BUILDDIR)/report/demo-tickets.csv" \
		--replies "$(BUILDDIR)/report/demo-replies.csv" --as-of 2027-01-05T00:00:00Z \
		--format html --out "$(BUILDDIR)/report/demo.html"

clean:  ## Remove build output (keeps .venv/)
	rm -rf "$(BUILDDIR)"
