# Two entry points for a fresh machine: `make demo` (the main job on samples/) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 9200

.PHONY: install demo test lint bench model clean

$(BIN)/quotes: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(BIN)/quotes

install: $(BIN)/quotes

demo: install
	$(BIN)/quotes es start --port $(PORT)
	$(BIN)/quotes index samples/ --es-url http://127.0.0.1:$(PORT)
	$(BIN)/quotes search "goalposts" --speaker okafor --es-url http://127.0.0.1:$(PORT)
	$(BIN)/quotes speakers --top 10 --es-url http://127.0.0.1:$(PORT)
	$(BIN)/quotes report -o report.html --es-url http://127.0.0.1:$(PORT)

test: install
	$(BIN)/ruff check .
	$(BIN)/mypy indexer cli
	$(BIN)/python -m pytest -q

bench: install
	$(BIN)/python -m bench

EVAL ?= ../shared/eval
# Retrain the shipped model (indexer/extract/model/) on PolNeAR train; measured on dev and the held-out
# pronoun set, whose figures go into bundle.json (copy them into docs/model.md). About 5 minutes.
model: install
	$(BIN)/quotes train --data $(EVAL)/polnear-train \
		--pronouns $(EVAL)/polnear-train/referents.json --pronouns indexer/training/labels/pronouns-train.json \
		--heldout $(EVAL)/polnear-dev --pronoun-test tests/gold/pronoun_referents.json

clean:
	-$(BIN)/quotes es stop --port $(PORT)
	rm -rf $(VENV) esnode/target
