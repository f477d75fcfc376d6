# Aiguillage — every set-up step goes through these targets.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DATA   ?= data/demo
HOUSEHOLDS ?= 20000
YEARS  ?= 3
SEED   ?= 42
HOST   ?= 127.0.0.1
PORT   ?= 8000
WORKERS ?= 2

.PHONY: env serve demo-data test bench lint format clean lock

env: $(STAMP)

# The environment is (re)built when the pins or the project metadata change. The spark
# extra (pyspark) is installed so the Spark tests run with the others; the service needs none.
$(STAMP): pyproject.toml constraints.txt package-lock.json
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==0.13.8
	$(BIN)/uv pip install --python $(BIN)/python --quiet -c constraints.txt -e ".[dev,spark]"
	# axe-core for the console's browser tests (the console serves its own CSS, no CDN)
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $(STAMP)

demo-data: $(STAMP)
	@if [ -f $(DATA)/requests.parquet ]; then \
		echo "Demo territory present in $(DATA)"; \
	else \
		$(BIN)/aiguillage data synth --households $(HOUSEHOLDS) --years $(YEARS) --seed $(SEED) --out $(DATA); \
	fi

# The whole demo: territory, champion models (trained and promoted when the registry has
# none), the store loaded with the territory's history, one key per role, the service.
serve: demo-data
	@$(BIN)/aiguillage serve check --data-dir data 2>/dev/null || { \
		$(BIN)/aiguillage train run --data $(DATA) --mlflow-dir data && \
		$(BIN)/aiguillage models promote --data $(DATA) --mlflow-dir data; }
	@$(BIN)/aiguillage store load --data $(DATA) --data-dir data
	@echo "Demo API keys (one per role):"
	@$(BIN)/aiguillage keys demo --data-dir data
	@echo "Serving on http://$(HOST):$(PORT) (OpenAPI: http://$(HOST):$(PORT)/docs)"
	@$(BIN)/aiguillage serve up --host $(HOST) --port $(PORT) --workers $(WORKERS) --data-dir data

test: $(STAMP)
	$(BIN)/python -m pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python -m benchmarks $(BENCH_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Regenerate the pins (needs network access to the package index).
lock: $(STAMP)
	$(BIN)/uv pip compile pyproject.toml --extra dev --extra spark --python-version 3.11 -o constraints.txt

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache build *.egg-info
