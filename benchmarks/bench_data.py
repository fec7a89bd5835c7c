"""Data layer timings: the bundled series, a vintage (cold and cached) and the data build.

``python benchmarks/bench_data.py``; the build is timed only when ``../shared`` is there (it
builds into a temporary folder, ``data/`` is not touched).
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd

import tpforecast as tp
from tpforecast.data import vintage
from tpforecast.paths import shared_dir


def seconds(run: Callable[[], object], repeat: int = 3) -> float:
    """The best of ``repeat`` runs, in seconds."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def cold_vintage(year: int) -> None:
    vintage._cached.cache_clear()
    tp.load_series(vintage=year)


def main() -> pd.DataFrame:
    rows = [
        {"what": "load_series()", "seconds": seconds(tp.load_series)},
        {"what": "load_series(vintage=2016), cold", "seconds": seconds(lambda: cold_vintage(2016))},
        {"what": "load_series(vintage=2020), cold", "seconds": seconds(lambda: cold_vintage(2020))},
        {"what": "load_series(vintage=2016), cached",
         "seconds": seconds(lambda: tp.load_series(vintage=2016))},
    ]
    if (shared_dir() / "data" / "raw").is_dir():
        with tempfile.TemporaryDirectory() as tmp:
            rows.append({"what": "tpforecast data build (into a temporary folder)",
                         "seconds": seconds(lambda: tp.build_data(out=Path(tmp) / "data"),
                                            repeat=1)})
    table = pd.DataFrame(rows)
    print(table.to_string(index=False, float_format=lambda v: f"{v:.2f}"))
    return table


if __name__ == "__main__":
    main()
