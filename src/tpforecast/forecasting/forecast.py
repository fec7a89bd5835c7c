"""``forecast``: the median and prediction intervals of every series under every model (stage 3)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from tpforecast.errors import NothingComputedError, TpModelError
from tpforecast.forecasting.selection import selected
from tpforecast.forecasting.series import (
    KEY,
    fit_models,
    progress_bar,
    resolve_models,
    series_rng,
    skip_row,
    split_series,
    typed,
    warn_skipped,
)
from tpforecast.models import DEFAULT_MODEL, interval_probs
from tpforecast.options import check_options
from tpforecast.study import INTERVALS, N_PATHS, SEED, UNTIL

__all__ = ["forecast", "nothing_computed"]


def nothing_computed(what: str, skipped: Sequence[dict[str, Any]]) -> TpModelError:
    """The error of a run in which no (series, model) pair could be computed."""
    reasons = "; ".join(f"[{s['model']}] {s['reason']}" for s in skipped)
    return NothingComputedError(f"{what}: nothing could be computed: {reasons or 'no series'}",
                                rows=skipped)


def forecast(
    series: pd.DataFrame,
    *,
    models: str | Sequence[str] = DEFAULT_MODEL,
    until: int = UNTIL,
    intervals: Sequence[int] = INTERVALS,
    as_of: int | None = None,
    seed: int = SEED,
    n_paths: int = N_PATHS,
    region: str | Sequence[str] | None = None,
    levels: str | Sequence[str] | None = None,
    progress: bool | None = None,
) -> pd.DataFrame:
    """Forecast every series with every requested model up to ``until``.

    Parameters
    ----------
    series
        Series frame (``load_series()`` layout): ``indicator, level, region, sex, year,
        share`` and optionally ``n_tech, n_total`` (needed by ``glm_binomial``).
    models
        Model name(s) from :func:`~tpforecast.models.available_models` (a string is one name).
    until
        Last forecast year (start year of the school year).
    intervals
        Central interval coverages in percent.
    as_of
        Use only observations with ``year <= as_of``.
    seed
        Base seed; each (series, model) gets its own stable seed derived from it.
    n_paths
        Simulated paths for models without closed-form intervals (``ensemble``).
    region, levels
        Keep only the series of these regions and levels (one name or several; None: all);
        a name the frame does not hold is an error naming what exists
        (:func:`~tpforecast.forecasting.selection.selected`).
    progress
        Show a progress bar (default: only in an interactive terminal outside CI).

    Returns
    -------
    pandas.DataFrame
        ``indicator, level, region, sex, model, model_used, year, median, lo_<l>, hi_<l>,
        status, reason`` for the years after each series' last observation up to ``until``
        (``status`` ``ok``). A (series, model) pair that cannot be forecast is one row with
        ``year`` NA, its ``status`` (``too_short``, ``fit_failed``, ``no_data``, ``no_years``)
        and the ``reason``. Shares are fractions in [0, 1].

    Raises
    ------
    TpModelError
        Bad input (duplicate or unsorted years, shares outside [0, 1], unknown models), or
        when nothing at all could be forecast.

    Examples
    --------
    >>> import tpforecast as tp
    >>> fc = tp.forecast(tp.load_series(), models=["drift", "ensemble"])  # doctest: +SKIP
    """
    series = selected(series, region=region, levels=levels, what="forecast")
    model_objs = resolve_models(models)
    intervals, until, seed, n_paths = check_options(intervals=intervals, until=until, seed=seed,
                                                    n_paths=n_paths)
    split = split_series(series, as_of)
    probs, cols = interval_probs(intervals)
    skipped = [{**s, "model": m.name} for s in split.skipped for m in model_objs]
    parts: list[pd.DataFrame] = []
    for key, data in progress_bar(split.data.items(), total=len(split.data), desc="forecast",
                                  progress=progress):
        years = np.arange(data.last_year + 1, int(until) + 1)
        if years.size == 0:
            skipped += [skip_row(key, m.name, "no_years", f"last observation {data.last_year} "
                                 f"is not before until={until}") for m in model_objs]
            continue
        fits, failed = fit_models(model_objs, key, data)
        skipped += failed
        for name, fitted in fits.items():
            q = fitted.quantiles(years, probs, n_paths=n_paths, rng=series_rng(seed, key, name))
            parts.append(pd.DataFrame({**dict(zip(KEY, key, strict=True)), "model": name,
                                       "model_used": fitted.model_used, "year": years,
                                       **dict(zip(cols, q, strict=True)), "status": "ok",
                                       "reason": ""}))
    if not parts:
        raise nothing_computed("forecast", skipped)
    out = pd.concat([*parts, pd.DataFrame(skipped)], ignore_index=True)
    out = typed(out[[*KEY, "model", "model_used", "year", *cols, "status", "reason"]])
    warn_skipped("forecast", out)
    return out.sort_values([*KEY, "model", "year"], ignore_index=True, na_position="first")
