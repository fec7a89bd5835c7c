"""Benchmark: `tpforecast report` from the bundled data (goal: under 15 s once installed).

Run: ``.venv/bin/python benchmarks/bench_report.py`` (or ``benchmarks/run.py``). The report is
written to a temporary directory, so ``reports/`` is not touched.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time

import pandas as pd


def main() -> pd.DataFrame:
    with tempfile.TemporaryDirectory() as out:
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "tpforecast.cli", "report", "--out", out],
                       check=True, capture_output=True, env={"MPLBACKEND": "Agg",
                                                             **__import__("os").environ})
        dt = time.perf_counter() - t0
    res = pd.DataFrame([{"task": "tpforecast report (new process, bundled data)",
                         "seconds": dt, "goal_s": 15}])
    res["ok"] = res["seconds"] < res["goal_s"]
    print(res.to_string(index=False, formatters={"seconds": "{:.1f}".format}))
    return res


if __name__ == "__main__":
    main()
