"""Execute the curated notebooks top to bottom in a fresh kernel and save their outputs.

The py:percent files are the source; each is converted to .ipynb, run with nbclient in a
fresh ``python3`` kernel from ``notebooks/`` (Agg backend, fixed seeds in the notebooks), and
written back with outputs and without volatile metadata, so nbval can compare the outputs.

Usage: python scripts/execute_notebooks.py [NAME ...]
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import jupytext
import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
NB_DIR = ROOT / "notebooks"


def execute(py_path: Path) -> Path:
    nb = jupytext.read(py_path)
    for i, cell in enumerate(nb.cells):
        cell.id = f"cell-{i:02d}"  # stable ids: re-running gives no diff noise
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    os.environ["MPLBACKEND"] = "Agg"
    client = NotebookClient(nb, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(NB_DIR)}})
    client.execute()
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    out = py_path.with_suffix(".ipynb")
    nbformat.write(nb, out)
    # re-pair so the .py keeps the same text as the notebook
    jupytext.write(nb, py_path, fmt="py:percent")
    return out


def main(names: list[str]) -> int:
    paths = sorted(NB_DIR.glob("[0-9][0-9]_*.py"))
    if names:
        paths = [p for p in paths if any(n in p.stem for n in names)]
    for path in paths:
        start = time.perf_counter()
        execute(path)
        print(f"{path.name}: {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
