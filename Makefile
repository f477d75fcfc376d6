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

.PHONY: env serve demo-data test bench lint format clean lock

env: $(STAMP)

# The environment is (re)built when the pins or the project metadata change.
$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==0.13.8
	$(BIN)/uv pip install --python $(BIN)/python --quiet -c constraints.txt -e ".[dev]"
	@touch $(STAMP)

demo-data: $(STAMP)
	@if [ -f $(DATA)/requests.parquet ]; then \
		echo "Demo territory present in $(DATA)"; \
	else \
		$(BIN)/aiguillage data synth --households $(HOUSEHOLDS) --years $(YEARS) --seed $(SEED) --out $(DATA); \
	fi

# Once the scoring service exists (serving/app.py), `serve` also trains and promotes a
# champion when none is registered, then starts the service. Until then it stops after
# the data with a message saying so.
serve: demo-data
	@if $(BIN)/python -c "import serving.app" 2>/dev/null; then \
		$(BIN)/aiguillage serve up --data $(DATA) --host $(HOST) --port $(PORT); \
	else \
		echo "Demo territory ready in $(DATA). The scoring service is not built yet"; \
		echo "(it arrives with the serving package); nothing more to start."; \
	fi

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
