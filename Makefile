# Two entry points for a fresh machine: `make demo` (the main job on samples/) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 9200

.PHONY: install demo test lint bench clean

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

test: install
	$(BIN)/ruff check .
	$(BIN)/mypy indexer cli
	$(BIN)/python -m pytest -q

bench: install
	$(BIN)/python -m bench

clean:
	-$(BIN)/quotes es stop --port $(PORT)
	rm -rf $(VENV) esnode/target
