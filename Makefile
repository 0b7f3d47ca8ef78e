# Every target does its own set-up: a fresh clone with only Python >= 3.11 needs nothing else.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: example test lint format clean benchmark

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "backend-skill needs Python >= 3.11 (set PYTHON=...)"; exit 2; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

## The main job on the bundled example service.
example: $(STAMP)
	@bash scripts/example.sh

## The whole test suite (installs what it needs first).
test: $(STAMP)
	@bash scripts/test-deps.sh
	$(BIN)/python -m pytest -n auto

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy --strict src

format: $(STAMP)
	$(BIN)/ruff check --fix src tests benchmarks
	$(BIN)/ruff format src tests benchmarks

benchmark: $(STAMP)
	$(BIN)/python benchmarks/startup.py
	$(BIN)/python benchmarks/validate_loop.py

clean:
	rm -rf $(VENV) dist build .pytest_cache .mypy_cache .ruff_cache
