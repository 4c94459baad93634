# Manabi (まなびアシスタント). The two commands a new machine needs:
#   make run    set everything up and chat with the assistant locally
#   make test   set everything up and run every test
# Everything else is a step of those two.

PYTHON := .venv/bin/python
export TF_CPP_MIN_LOG_LEVEL := 3
export RASA_TELEMETRY_ENABLED := false

.PHONY: run serve cluster test lint duplicates setup catalogue train eval bench screenshots clean

run: catalogue train
	$(PYTHON) -m bot run

serve: catalogue train
	$(PYTHON) -m bot serve

# Several servers on this machine: PostgreSQL, Redis, two Rasa and two action servers behind HAProxy
# (data under var/cluster/; docs/deploy.md). Ctrl-C stops them all.
cluster: catalogue train
	$(PYTHON) -m bot cluster

test: lint catalogue train
	$(PYTHON) -m pytest

# One style and type-checked code: ruff (lint + format check) and mypy on bot/ and actions/.
lint: setup
	@.venv/bin/ruff check .
	@.venv/bin/ruff format --check --quiet . || { echo "run: .venv/bin/ruff format ."; exit 1; }
	@.venv/bin/mypy

# Repeated code (docs/architecture.md, "Repeated code"): the workplace's duplicates tool, where it is installed.
duplicates:
	@if command -v duplicates >/dev/null; then \
		(cd bot && duplicates --most 40) && (cd actions && duplicates --most 40); \
	else echo "duplicates is not installed here"; fi

setup:
	@scripts/setup.sh

catalogue: setup
	@$(PYTHON) -m bot catalogue build --if-changed

train: catalogue
	@$(PYTHON) -m bot train

# NLU quality against baselines (docs/nlu-report.md) and the speed benchmark (docs/performance.md).
eval: catalogue train
	$(PYTHON) -m bot evaluate

bench: catalogue train
	$(PYTHON) -m bot benchmark

# The browser tests again, saving what their Chromium shows into docs/screenshots/ (committed).
screenshots: catalogue train
	MANABI_SCREENSHOTS=docs/screenshots $(PYTHON) -m pytest -q tests/browser

clean:
	rm -rf models var .rasa results
