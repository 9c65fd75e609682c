# The README's two commands: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DB     ?= storyline.db
# setuptools calls pyproject's ext-modules table "experimental"; the warning is noise here.
PIP    := PYTHONWARNINGS=ignore $(BIN)/pip

.PHONY: run test lint bench serve clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.run: $(BIN)/python pyproject.toml
	$(PIP) install -q -e '.[web]'
	touch $@

$(VENV)/.dev: $(VENV)/.run
	$(PIP) install -q -e '.[web,dev,ray,embed]'
	touch $@

run: $(VENV)/.run
	$(BIN)/storyline compare examples/*.txt
	@$(BIN)/storyline ingest examples/ --db $(DB) --quiet
	@echo "Browse the example story: $(BIN)/storyline serve --db $(DB)  (or: make serve), then open http://127.0.0.1:8000/"

test: $(VENV)/.dev
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/pytest

lint: $(VENV)/.dev
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy src

bench: $(VENV)/.dev
	$(BIN)/python bench/residue_eval.py

serve: $(VENV)/.run
	$(BIN)/storyline ingest examples/ --db $(DB) --quiet
	$(BIN)/storyline serve --db $(DB)

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info .pytest_cache .ruff_cache .mypy_cache
