# make run: install, build index/ from corpus/ when missing or stale, serve on 127.0.0.1:8501.
# make test: install everything the tests need (including Chromium for the browser test), run them.
# make test-fast: the quick loop (no OCR, Milvus, browser, real model, CLI processes or corpus reads); make lint: ruff.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check -q
INDEX ?= index
STORE ?=# e.g. make run STORE=milvus:./kb.db (README, "Scaling out")
STORE_ARG := $(if $(STORE),--store $(STORE))
PORT ?= 8501
ADDRESS ?= 127.0.0.1
API ?= 1# make run API=0 serves the app without /v1 and /mcp
export HF_HUB_OFFLINE := 1

.PHONY: check-serving run test test-fast lint index bench install install-milvus install-dev browser clean

$(VENV)/.runtime: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -r requirements.txt
	touch $@

$(VENV)/.milvus: $(VENV)/.runtime requirements-milvus.txt
	$(PIP) install -r requirements-milvus.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime $(VENV)/.milvus requirements-st.txt requirements-dev.txt
	$(PIP) install torch==2.13.0
	$(PIP) install -r requirements-st.txt -r requirements-dev.txt
	touch $@

$(VENV)/.lint: requirements-lint.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -r requirements-lint.txt
	touch $@

install: $(VENV)/.runtime
install-milvus: $(VENV)/.milvus
install-dev: $(VENV)/.dev

# Incremental: unchanged files cost nothing, changed ones are re-read, deleted ones dropped.
# Exit 3 (some file skipped) is reported and not fatal; an index this version cannot read
# (exit 1: other schema, damaged) is rebuilt from corpus/.
index: install $(if $(STORE),$(VENV)/.milvus)
	@rc=0; OMP_NUM_THREADS=$$(nproc --all) $(PY) -m ingest corpus --index $(INDEX) $(STORE_ARG) --prune || rc=$$?; \
	if [ $$rc -eq 1 ]; then echo "Rebuilding $(INDEX) $(STORE) from corpus/"; \
		OMP_NUM_THREADS=$$(nproc --all) $(PY) -m ingest corpus --index $(INDEX) $(STORE_ARG) --rebuild || [ $$? -eq 3 ]; \
	elif [ $$rc -ne 0 ] && [ $$rc -ne 3 ]; then exit $$rc; fi

# `kb serve` refuses an address other than loopback while no account exists (python -m kb users add …);
# checked first, by the system Python with the standard library alone, before anything is installed or built.
check-serving:
	@$(PYTHON) -m kb.office.accounts $(ADDRESS) $(INDEX)

run: check-serving index
	$(PY) -m kb serve --address $(ADDRESS) --port $(PORT) --index $(INDEX) $(STORE_ARG) $(if $(filter 0,$(API)),--no-api)

# Debian's Chromium and its driver for the end-to-end browser test (root, as CI runs).
browser:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver fonts-noto-cjk >/dev/null; }

test: install-dev browser
	$(PY) -m pytest -q

# Markers (pytest.ini) leave out what takes seconds a test; under a minute on the 2-core machine.
FAST := not (model or browser or ocr or milvus or slow or cli or server)
test-fast: install
	$(PY) -m pytest -q -m "$(FAST)"

lint: $(VENV)/.lint
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

bench: install-dev browser
	OMP_NUM_THREADS=1 $(PY) -m bench.run $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache
