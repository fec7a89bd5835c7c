"""The measures every table shares (stage 3): recent pace, needed pace, first year at target.

One implementation each, used by ``reachability``, ``reachability_combined``, the scenario
functions, the report and the notebooks:

- :func:`recent_pace`: OLS slope of the latest ``window`` observations, points per year
  (column ``recent_pp_per_year``);
- :func:`needed_pace`: points per year from the last value to the target in the target year
  (column ``needed_pp_per_year``);
- :func:`first_passage`: the first year at or above a target (``first_year``, its 10th / 90th
  percentiles, ``at_target_since``, ``last_year_at_target``).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from tpforecast.study import PACE_WINDOW

__all__ = ["first_passage", "needed_pace", "recent_pace"]


def recent_pace(years: np.ndarray, shares: np.ndarray, window: int = PACE_WINDOW) -> float:
    """OLS slope over the last ``window`` observations, in points per year (NaN below two)."""
    y = np.asarray(years, dtype=float)[-window:]
    s = np.asarray(shares, dtype=float)[-window:]
    if len(y) < 2:
        return math.nan
    return float(np.polyfit(y, s, 1)[0] * 100)


def needed_pace(target: float, last_share: float, year: int, last_year: int) -> float:
    """Points per year from ``last_share`` in ``last_year`` to ``target`` in ``year`` (NaN when
    the year is not after the last observation)."""
    if year <= last_year:
        return math.nan
    return 100 * (target - last_share) / (year - last_year)


def _first_passage_paths(grid: np.ndarray, paths: np.ndarray, target: float) -> tuple[Any, ...]:
    """Median, 10th and 90th percentile over paths of the first ``grid`` year at or above
    ``target`` (a path that never gets there counts as later than any year; NA when the
    percentile falls on such paths)."""
    hit = paths >= target
    first = np.where(hit.any(axis=1), grid[np.argmax(hit, axis=1)], np.inf)
    qs = np.quantile(first, [0.5, 0.1, 0.9], method="inverted_cdf")
    return tuple(pd.NA if not np.isfinite(q) else int(q) for q in qs)


def first_passage(years: np.ndarray, shares: np.ndarray, grid: np.ndarray, paths: np.ndarray,
                  target: float) -> dict[str, Any]:
    """When is ``target`` first reached? One definition for every table.

    When the last observation is at or above ``target``: ``at_target_since`` is the first year
    of that current spell, and ``first_year`` (and its range) equals it. Otherwise the median
    and 10th / 90th percentiles over the simulated ``paths`` (columns: the ``grid`` years) of
    the first year at or above the target (NA when not reached by the end of the grid); an
    earlier spell at or above the target is reported as ``last_year_at_target``.

    Returns
    -------
    dict
        ``first_year, first_year_lo, first_year_hi, at_target_since, last_year_at_target``.
    """
    above = np.asarray(shares) >= target
    if above.size and above[-1]:
        below = np.nonzero(~above)[0]
        y0 = int(years[below[-1] + 1] if below.size else years[0])
        return {"first_year": y0, "first_year_lo": y0, "first_year_hi": y0,
                "at_target_since": y0, "last_year_at_target": pd.NA}
    fy, lo, hi = _first_passage_paths(grid, paths, target)
    was = int(years[np.nonzero(above)[0][-1]]) if above.any() else pd.NA
    return {"first_year": fy, "first_year_lo": lo, "first_year_hi": hi,
            "at_target_since": pd.NA, "last_year_at_target": was}
