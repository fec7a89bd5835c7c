"""The curated notebooks: paired with py:percent files, committed with outputs, clean.

nbval itself (run by `make test` on notebooks/*.ipynb) re-executes each notebook in a fresh
kernel and compares the outputs; these tests check what nbval cannot.
"""

from __future__ import annotations

import json
from pathlib import Path

import jupytext
import pytest

NB_DIR = Path(__file__).resolve().parents[1] / "notebooks"
NOTEBOOKS = sorted(NB_DIR.glob("[0-9][0-9]_*.ipynb"))
EXPECTED = ["01_data_and_cleaning", "02_trends_per_level", "03_was_40pct_reachable",
            "04_acceleration_scenarios", "05_landsdeel_oost", "06_beyond_2020"]


def test_all_curated_notebooks_exist():
    assert [p.stem for p in NOTEBOOKS] == EXPECTED


def _sources(nb) -> list[tuple[str, str]]:
    return [(c.cell_type, c.source.strip()) for c in nb.cells]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_paired_py_percent_in_sync(path):
    py = path.with_suffix(".py")
    assert py.exists(), f"{py.name} missing: pair with `jupytext --set-formats ipynb,py:percent`"
    assert _sources(jupytext.read(path)) == _sources(jupytext.read(py)), (
        f"{path.name} and {py.name} differ: run `jupytext --sync {path}`")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_with_outputs_and_no_errors(path):
    nb = json.loads(path.read_text())
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert code and all(c.get("execution_count") for c in code), "notebook saved unexecuted"
    counts = [c["execution_count"] for c in code]
    assert counts == list(range(1, len(code) + 1)), "not run top to bottom in one fresh kernel"
    for cell in code:
        for out in cell.get("outputs", []):
            assert out["output_type"] != "error", cell["source"]
            assert out.get("name") != "stderr", f"warning or progress bar saved: {out}"
            text = "".join(out.get("data", {}).get("text/plain", []))
            assert "<Figure size" not in text, "end plot cells with ';'"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_first_code_cell_is_papermill_parameters(path):
    nb = json.loads(path.read_text())
    first = next(c for c in nb["cells"] if c["cell_type"] == "code")
    assert "parameters" in first["metadata"].get("tags", [])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_calls_the_library(path):
    src = "\n".join("".join(c["source"]) for c in json.loads(path.read_text())["cells"]
                    if c["cell_type"] == "code")
    assert "import tpforecast" in src
    # analysis logic lives in the library: no model fitting by hand in notebooks
    for forbidden in ["statsmodels", "sm.OLS", "np.polyfit", "def "]:
        assert forbidden not in src, f"{forbidden!r} in {path.name}: move it into tpforecast"


def test_papermill_runs_a_notebook_with_other_parameters(tmp_path):
    """The tagged parameters cell works: notebook 03 judged against 30% instead of 40%."""
    import papermill as pm

    out = tmp_path / "03_target_30.ipynb"
    pm.execute_notebook(str(NB_DIR / "03_was_40pct_reachable.ipynb"), str(out),
                        parameters={"TARGET": 0.30, "N_PATHS": 300}, cwd=str(NB_DIR),
                        kernel_name="python3", progress_bar=False)
    nb = json.loads(out.read_text())
    assert any("injected-parameters" in c["metadata"].get("tags", []) for c in nb["cells"])
    text = "".join("".join(o.get("text", "")) for c in nb["cells"] if c["cell_type"] == "code"
                   for o in c.get("outputs", []))
    assert ">= 30% in 2020/21" in text and ">= 40% in 2020/21" not in text
