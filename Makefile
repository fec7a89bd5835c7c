# Two commands on a fresh machine with Python 3.11+: `make report` and `make test`.
# Each creates and fills .venv itself.
PYTHON ?= python3
VENV := .venv
# One BLAS thread: the matrices are tiny, so threads only add overhead (and contention on a
# 2-core machine), and the numbers (and SVG figures) are the same from run to run.
export OPENBLAS_NUM_THREADS := 1
export OMP_NUM_THREADS := 1
export MKL_NUM_THREADS := 1
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install report test test-fast data lab lint bench notebooks sync-notebooks clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $(STAMP)

install: $(STAMP)

## The main job: figures, HTML and Markdown report from the bundled data into reports/, and
## landsdeel Oost's (with the Dutch one-page summary and the workbook) into reports/Oost/.
report: $(STAMP)
	MPLBACKEND=Agg $(BIN)/tpforecast report --out reports --readme README.md
	MPLBACKEND=Agg $(BIN)/tpforecast report --region Oost --lang nl --xlsx --out reports/Oost

## Tests run on every core (pytest-xdist); each file stays on one worker, so a notebook keeps
## its kernel and module fixtures are built once.
PYTEST = MPLBACKEND=Agg $(BIN)/python -m pytest -n auto --dist loadfile

## All tests: unit, property, data rebuild, notebooks (nbval), report in headless Chromium.
test: $(STAMP)
	$(PYTEST)

## The fast lane: no notebooks, no browser, no real-data rebuilds (../shared), nothing marked
## slow (the report build, papermill, subprocesses). `make test` runs everything.
test-fast: $(STAMP)
	$(PYTEST) tests -q -m "not slow and not browser and not shared"

## Rebuild everything in data/ from ../shared.
data: $(STAMP)
	$(BIN)/tpforecast data build

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks notebooks scripts

## Re-execute the notebooks in place (outputs are committed; nbval compares them).
notebooks: $(STAMP)
	$(BIN)/python scripts/execute_notebooks.py

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
