"""Benchmark: the two-set evaluation of the models (issue 11) and its goals.

Runs :func:`tpforecast.two_set_evaluation` on the bundled data (national set: the canonical
monitor series for NL; regional set: the DUO-basis series of every province and landsdeel;
trending: the regional windows with a significant training slope; rolling origins, horizons
1-5, min_train 4; the calibrated default scored with its own level family left out), for the
default and every other model, and writes the side-by-side table and the goals:

- ``benchmarks/.results/evaluation.md``: the tables as README and the report show them;
- ``benchmarks/.results/evaluation.csv``: the tidy evaluation (per set, model and horizon).

The goals are judged, not timed: 80% intervals cover 75-85% of held-out points at every
horizon on each set; MAE no worse than naive on either set; MAE at least 10% below naive on
the trending regional windows. A goal not met is printed as not met. The run time is
printed as well (no goal: the report and notebook 2 run the same function).

Run: ``.venv/bin/python benchmarks/bench_evaluation.py`` (or ``make bench``).
"""

from __future__ import annotations

import time
import warnings
from pathlib import Path

import pandas as pd

import tpforecast as tp
from tpforecast.forecasting import evaluation_goals
from tpforecast.report.build import evaluation_markdown
from tpforecast.report.text import evaluation_note

OUT = Path(__file__).resolve().parent / ".results"


def main() -> pd.DataFrame:
    series = tp.load_series()
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", tp.forecasting.series.SkippedSeriesWarning)
        evaluation = tp.two_set_evaluation(series, progress=False)
    seconds = time.perf_counter() - t0
    OUT.mkdir(exist_ok=True)
    evaluation.to_csv(OUT / "evaluation.csv", index=False)
    text = evaluation_markdown(evaluation)
    (OUT / "evaluation.md").write_text(f"{text}\n\n{evaluation_note(evaluation)}\n",
                                       encoding="utf-8")
    print(text)
    goals = evaluation_goals(evaluation)
    print(f"\ntwo-set evaluation of {evaluation['model'].nunique()} models: {seconds:.1f} s; "
          f"goals met: {int(goals['met'].sum())} of {len(goals)}; "
          f"tables in {OUT / 'evaluation.md'}")
    return evaluation


if __name__ == "__main__":
    main()
