# Targets only: every rule delegates to publish.py or pytest.
PYTHON3 ?= python3
VENV := .venv
PYTHON := $(VENV)/bin/python
READY := $(VENV)/.ready
TOOLS := $(VENV)/.tools
BOOK ?=
OUTPUT ?= output

# One rule for every edition: the target's name is publish.py's command, and the editions
# are those press/editions.py lists.
EDITIONS := $(shell $(PYTHON3) -m press.editions)

.PHONY: $(EDITIONS) all check validate new preview help test fuzz bench clean

$(EDITIONS) all: $(READY)
	$(PYTHON) publish.py $@ $(BOOK) --output $(OUTPUT) $(if $(STRICT),--strict)

help:
	@echo "make pdf|epub|print|booklet|flyer|site|all  build editions (BOOK=folder for one handbook,"
	@echo "                                             STRICT=1 to treat warnings as errors)"
	@echo "make check                                   check the sources, build nothing (STRICT=1)"
	@echo "make validate                                build and run EPUBCheck, PDF/UA-1 and axe-core"
	@echo "make new BOOK=chapters/nursing               start a handbook that shows every feature"
	@echo "make preview BOOK=chapters/nursing           see its pages while you write (PORT=8000)"
	@echo "make test                                    run every test; make bench: the benchmark"
	@echo "make clean                                   remove the output folder"

check: $(READY)
	$(PYTHON) publish.py check $(BOOK) $(if $(STRICT),--strict)

new: $(READY)
	$(if $(BOOK),,$(error say which folder: make new BOOK=chapters/nursing))
	$(PYTHON) publish.py new $(BOOK) $(if $(TITLE),--title "$(TITLE)")

preview: $(READY)
	$(PYTHON) publish.py preview $(BOOK) $(if $(PORT),--port $(PORT))

validate: $(READY) $(TOOLS)
	$(PYTHON) publish.py validate $(BOOK) --output $(OUTPUT)

# A process a core (pytest-xdist), each test file's tests in one, sharing its fixtures, the
# longest files first (tests/conftest.py).
test: $(READY) $(TOOLS)
	$(PYTHON) -m pytest -n auto --dist loadfile --no-loadscope-reorder

# The site's tests drive Debian's chromium (no browser can be downloaded) and the press
# PDF's are read by Ghostscript, as a print shop's preflight reads it: both installed here
# where missing and this is root; else the tests fail saying what to install.
$(TOOLS):
	-@command -v chromium >/dev/null 2>&1 && command -v gs >/dev/null 2>&1 || { \
	  [ "$$(id -u)" = 0 ] && apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium ghostscript; }
	@command -v chromium >/dev/null 2>&1 && command -v gs >/dev/null 2>&1 && touch $@ || true

fuzz: $(READY)
	FUZZ_EXAMPLES=10000 $(PYTHON) -m pytest tests/test_fuzz.py -q -s

bench: $(READY)
	$(PYTHON) -m pip install --quiet --disable-pip-version-check --requirement bench/requirements.txt
	$(PYTHON) bench/run.py

$(READY): requirements.txt
	$(PYTHON3) -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --disable-pip-version-check --requirement requirements.txt
	touch $(READY)

clean:
	rm -rf $(OUTPUT)
