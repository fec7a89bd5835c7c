"""Benchmark: `tpforecast report` from the bundled data, national and for landsdeel Oost
(goal: under 15 s each once installed).

Run: ``.venv/bin/python benchmarks/bench_report.py`` (or ``benchmarks/run.py``). The report is
written to a temporary directory, so ``reports/`` is not touched.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time

import pandas as pd


def _timed(args: list[str]) -> float:
    with tempfile.TemporaryDirectory() as out:
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "tpforecast.cli", "report", "--out", out, *args],
                       check=True, capture_output=True, env={"MPLBACKEND": "Agg",
                                                             **__import__("os").environ})
        return time.perf_counter() - t0


def main() -> pd.DataFrame:
    res = pd.DataFrame([
        {"task": "tpforecast report (new process, bundled data)", "seconds": _timed([]),
         "goal_s": 15},
        {"task": "tpforecast report --region Oost --lang nl --xlsx (new process)",
         "seconds": _timed(["--region", "Oost", "--lang", "nl", "--xlsx"]), "goal_s": 15},
    ])
    res["ok"] = res["seconds"] < res["goal_s"]
    print(res.to_string(index=False, formatters={"seconds": "{:.1f}".format}))
    return res


if __name__ == "__main__":
    main()
