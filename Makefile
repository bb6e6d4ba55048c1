# The two commands of the README's quick start: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CONFIG ?= configs/jinan-circle.yaml

CHROMIUM := /usr/bin/chromium

.PHONY: run test lint format bench clean install app

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/stocksim run $(CONFIG)

# Style, the layer contract (import-linter) and the type check of the core layers (mypy).
lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks app
	$(BIN)/ruff format --check src tests benchmarks app
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format src tests benchmarks app
	$(BIN)/ruff check --fix src tests benchmarks app

# The browser test drives Debian's Chromium (never a downloaded browser); CJK fonts for Chinese labels.
$(CHROMIUM):
	@if command -v apt-get >/dev/null 2>&1; then \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q chromium fonts-wqy-microhei; \
	else echo "Chromium is needed for the browser test: install it as $(CHROMIUM)" >&2; exit 1; fi

test: lint $(CHROMIUM)
	$(BIN)/python -m pytest -q

app: $(STAMP)
	$(BIN)/streamlit run app/streamlit_app.py

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_core.py
	$(BIN)/python benchmarks/bench_scale.py
	$(BIN)/python benchmarks/bench_sensitivity.py

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info .pytest_cache .ruff_cache
