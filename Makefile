# One task runner: `make run` and `make test` are the README's two commands and what CI calls.
PYTHON ?= python3
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
ARGS ?=

.PHONY: setup run test lint format bench evals clean

# Install everything (runtime + dev) into .venv from the lock file. uv comes from PyPI.
setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml uv.lock setup.py transforms/skills.py transforms/titles.py
	@test -x $(UV) || ($(PYTHON) -m venv $(TOOLS) && $(TOOLS)/bin/pip install -q "uv==0.13.8")
	$(UV) sync --frozen --extra dev --python $(PYTHON)
	@touch $@

# The main job: `make run` (live sources) or `make run ARGS="--input ../shared/data/hn"`.
run: setup
	$(VENV)/bin/pmpulse run $(ARGS)

# Lint, then the whole test suite.
test: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	PREFECT_SERVER_ANALYTICS_ENABLED=false $(VENV)/bin/pytest -q $(ARGS)

lint: setup
	$(VENV)/bin/ruff check .

format: setup
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: setup
	$(VENV)/bin/python bench/ingest.py $(ARGS)

evals: setup
	$(VENV)/bin/python evals/titles.py

clean:
	rm -rf $(VENV) $(TOOLS) .pytest_cache .ruff_cache
