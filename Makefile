# Targets only: every rule delegates to publish.py or pytest.
PYTHON3 ?= python3
VENV := .venv
PYTHON := $(VENV)/bin/python
READY := $(VENV)/.ready
BOOK ?=
OUTPUT ?= output

.PHONY: pdf epub print booklet flyer all check test fuzz bench clean

pdf: $(READY)
	$(PYTHON) publish.py pdf $(BOOK) --output $(OUTPUT)

epub: $(READY)
	$(PYTHON) publish.py epub $(BOOK) --output $(OUTPUT)

print: $(READY)
	$(PYTHON) publish.py print $(BOOK) --output $(OUTPUT)

booklet: $(READY)
	$(PYTHON) publish.py booklet $(BOOK) --output $(OUTPUT)

flyer: $(READY)
	$(PYTHON) publish.py flyer $(BOOK) --output $(OUTPUT)

all: $(READY)
	$(PYTHON) publish.py all $(BOOK) --output $(OUTPUT)

check: $(READY)
	$(PYTHON) publish.py check $(BOOK)

test: $(READY)
	$(PYTHON) -m pytest

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
