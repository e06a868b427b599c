# Targets only: every rule delegates to publish.py or pytest.
PYTHON3 ?= python3
VENV := .venv
PYTHON := $(VENV)/bin/python
READY := $(VENV)/.ready
BOOK ?=
OUTPUT ?= output

.PHONY: pdf epub print booklet flyer all check test fuzz bench clean

# One rule for every edition: the target's name is publish.py's command.
pdf epub print booklet flyer all: $(READY)
	$(PYTHON) publish.py $@ $(BOOK) --output $(OUTPUT)

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
