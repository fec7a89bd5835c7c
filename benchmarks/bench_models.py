"""Benchmark: full backtest of the bundled series, and forecasting 1,000 series.

Goals (issue 3): the full backtest of all bundled series and models in under 30 s, and
forecasting 1,000 series with the fast models in under 60 s, on a 2-core machine.

Run: ``.venv/bin/python benchmarks/bench_models.py`` (or ``benchmarks/run.py``).
"""

from __future__ import annotations

import os
import platform
import time
import warnings

import numpy as np
import pandas as pd

import tpforecast as tp
from tpforecast.forecasting import ForecastWarning
from tpforecast.models import DEFAULT_MODEL, FAST_MODELS, available_models


def _load() -> tuple[pd.DataFrame, str]:
    """The bundled series; before they exist, the cleaned published figures (labelled)."""
    try:
        return tp.load_series(), "load_series() (bundled data)"
    except tp.TpError as exc:
        print(f"note: load_series() unavailable ({exc}); using clean_figures(load_figures())")
        return tp.clean_figures(tp.load_figures()).series, "clean_figures(load_figures())"


def bench_backtest(series: pd.DataFrame) -> dict[str, object]:
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ForecastWarning)
        bt = tp.backtest(series, models=available_models(), progress=False)
    dt = time.perf_counter() - t0
    n_series = len(bt[["indicator", "level", "region", "sex"]].drop_duplicates())
    return {"task": "backtest: all bundled series x all models", "seconds": dt,
            "items": f"{n_series} series, {len(bt)} forecasts", "goal_s": 30}


def synthetic_shaped_series(real: pd.DataFrame, n: int = 1000, seed: int = 0) -> pd.DataFrame:
    """SYNTHETIC: ``n`` series drawn from the shapes of the real ones (lengths, gaps, levels,
    counts), jittered. Used only until per-institution DUO series are available."""
    rng = np.random.default_rng(seed)
    groups = [g.dropna(subset=["share"]) for _, g in
              real.groupby(["indicator", "level", "region", "sex"])]
    groups = [g for g in groups if len(g) >= 5]
    rows = []
    for i in range(n):
        g = groups[rng.integers(len(groups))]
        share = np.clip(g["share"].to_numpy(float) + rng.normal(0, 0.01, len(g)), 0.01, 0.99)
        n_total = rng.integers(200, 5000)
        n_tech = np.round(share * n_total).astype(int)
        rows.append(pd.DataFrame({
            "indicator": "synthetic_inst", "level": g["level"].iloc[0], "region": f"inst{i:04d}",
            "sex": "all", "year": g["year"].to_numpy(), "share": n_tech / n_total,
            "n_tech": n_tech, "n_total": n_total}))
    df = pd.concat(rows, ignore_index=True)
    return df.astype({"year": "Int64", "share": "Float64", "n_tech": "Int64", "n_total": "Int64"})


def bench_many(real: pd.DataFrame, models: list[str], label: str) -> dict[str, object]:
    many = synthetic_shaped_series(real)
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ForecastWarning)
        fc = tp.forecast(many, models=models, until=2030, progress=False)
    dt = time.perf_counter() - t0
    return {"task": f"forecast 1,000 SYNTHETIC-shaped series: {label}", "seconds": dt,
            "items": f"{fc['region'].nunique()} series x {len(models)} models", "goal_s": 60}


def main() -> pd.DataFrame:
    series, origin = _load()
    print(f"data: {origin}; {platform.python_version()} on {os.cpu_count()} CPU(s)")
    results = [bench_backtest(series),
               bench_many(series, list(FAST_MODELS), "fast models " + ", ".join(FAST_MODELS)),
               bench_many(series, [DEFAULT_MODEL], f"default model ({DEFAULT_MODEL})")]
    out = pd.DataFrame(results)
    out["ok"] = out["seconds"] < out["goal_s"]
    print(out.to_string(index=False, formatters={"seconds": "{:.1f}".format}))
    return out


if __name__ == "__main__":
    main()
