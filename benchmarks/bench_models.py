"""Benchmark: full backtest of the bundled series, and forecasting 1,000 series.

Goals (issue 3): the full backtest of all bundled series and models in under 30 s, and
forecasting 1,000 series with the fast models in under 60 s, on a 2-core machine.

Run: ``.venv/bin/python benchmarks/bench_models.py`` (or ``benchmarks/run.py``).
"""

from __future__ import annotations

import os
import platform
import time

import pandas as pd

import tpforecast as tp
from tpforecast.models import DEFAULT_MODEL, FAST_MODELS, available_models
from tpforecast.paths import shared_dir


def per_school_series(n: int = 1000) -> pd.DataFrame:
    """Real per-school series: the technical share (havo/vwo N&T, vmbo-t techniek) of exam candidates per school
    location (vestiging) and year, 2019/20-2023/24, from the DUO exam file in ../shared
    (``read_duo`` + ``technical_share(by=("year", "vestigingscode"))``). The first ``n`` series
    with five observed shares, in a fixed order."""
    path = shared_dir() / "data/raw/duo-vo-examens-alleschools/duo_examen_raw_all.csv"
    counts = tp.read_duo(path)
    frames = []
    for level in ("havo", "vwo", "vmbo_tl"):
        sh = tp.technical_share(counts, level, by=("year", "vestigingscode"))
        sh = sh[sh["n_total"] > 0].assign(level=level)
        frames.append(sh)
    sh = pd.concat(frames, ignore_index=True)
    sh = sh.assign(indicator="duo_vo_exam_school", region=sh["vestigingscode"], sex="all")
    full = sh.groupby(["level", "region"])["share"].transform("count") == 5
    sh = sh[full].sort_values(["level", "region", "year"])
    keep = sh[["level", "region"]].drop_duplicates().head(n)
    sh = sh.merge(keep, on=["level", "region"])
    cols = ["indicator", "level", "region", "sex", "year", "share", "n_tech", "n_total"]
    return sh[cols].astype({"year": "Int64", "share": "Float64", "n_tech": "Int64",
                            "n_total": "Int64"}).reset_index(drop=True)


def bench_backtest(series: pd.DataFrame) -> dict[str, object]:
    t0 = time.perf_counter()
    bt = tp.backtest(series, models=available_models(), progress=False)
    dt = time.perf_counter() - t0
    ok = bt.loc[bt["status"] == "ok"]
    n_series = len(ok[["indicator", "level", "region", "sex"]].drop_duplicates())
    return {"task": "backtest: all bundled series x all models", "seconds": dt,
            "items": f"{n_series} series, {len(ok)} forecasts", "goal_s": 30}


def bench_many(many: pd.DataFrame, models: list[str], label: str) -> dict[str, object]:
    t0 = time.perf_counter()
    fc = tp.forecast(many, models=models, until=2030, progress=False)
    dt = time.perf_counter() - t0
    n = len(fc.loc[fc["status"] == "ok", ["level", "region"]].drop_duplicates())
    return {"task": f"forecast {n:,} per-school DUO series: {label}", "seconds": dt,
            "items": f"{n} series x {len(models)} models", "goal_s": 60}


def main() -> pd.DataFrame:
    series = tp.load_series()
    print(f"Python {platform.python_version()} on {os.cpu_count()} CPU(s)")
    results = [bench_backtest(series)]
    if (shared_dir() / "data" / "raw").is_dir():
        many = per_school_series()
        results += [bench_many(many, list(FAST_MODELS), "fast models " + ", ".join(FAST_MODELS)),
                    bench_many(many, [DEFAULT_MODEL], f"default model ({DEFAULT_MODEL})")]
    else:
        print("../shared not found: the 1,000-series benchmark needs the DUO exam file")
    out = pd.DataFrame(results)
    out["ok"] = out["seconds"] < out["goal_s"]
    print(out.to_string(index=False, formatters={"seconds": "{:.1f}".format}))
    return out


if __name__ == "__main__":
    main()
