"""``reachability_combined``: the "4 in 10" over several levels together (stage 3).

The combined share is the weighted mean of the levels' shares. Each level's future is
simulated with its own stable seed and the paths are combined draw by draw, so the probability
comes from joint paths; the levels are simulated independently (no common shocks: positively
correlated levels would give a wider interval). Weights ``"n_total"`` are each level's latest
pupil total up to ``as_of``: printed, or implied by the printed count and share
(``n_tech / share``) where the monitor prints no total.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from tpforecast.errors import TpModelError
from tpforecast.forecasting.future import Future
from tpforecast.forecasting.reachability import outcome, reach_columns
from tpforecast.forecasting.series import (
    KEY,
    SplitSeries,
    fit_models,
    resolve_models,
    series_label,
    split_series,
    typed,
)
from tpforecast.forecasting.targets import check_target
from tpforecast.formatting import school_year
from tpforecast.models import DEFAULT_MODEL, SeriesData
from tpforecast.options import check_options
from tpforecast.study import HORIZON, INTERVALS, N_PATHS, SEED, TARGET, TARGET_YEAR

__all__ = ["combined_share", "fill_implied_totals", "latest_totals", "reachability_combined"]


def _pick_series(split: SplitSeries, level: str, region: str, sex: str,
                 indicators: Mapping[str, str] | None) -> tuple[str, ...]:
    cands = [k for k in split.data if k[1] == level and k[2] == region and k[3] == sex]
    if indicators and level in indicators:
        cands = [k for k in cands if k[0] == indicators[level]]
    if len(cands) > 1:
        canon = [k for k in cands if "canonical" in split.meta[k].columns
                 and bool(split.meta[k]["canonical"].fillna(False).any())]
        if len(canon) == 1:
            cands = canon
    if len(cands) != 1:
        found = ", ".join(k[0] for k in cands) or "none"
        raise TpModelError(
            f"reachability_combined: level {level!r} (region {region}, sex {sex}) needs exactly "
            f"one series; found {found}. Pass indicators={{'{level}': '<indicator>'}}"
        )
    return cands[0]


def fill_implied_totals(series: pd.DataFrame) -> pd.DataFrame:
    """Fill a missing ``n_total`` with ``round(n_tech / share)`` where both are known.

    The monitor often prints the technical count and the share but not the total; the total
    they imply is what weights and scenarios need to turn points into students. The printed
    share is rounded to whole percents, so an implied total carries an error of up to about
    ``0.5 / (100 * share)`` (2% at a share of 25%). Filled rows get the flag
    ``n_total_from_share``.

    Returns
    -------
    pandas.DataFrame
        A copy of ``series`` with ``n_total`` filled where it was missing and ``n_tech`` and
        a positive ``share`` exist.
    """
    out = series.copy()
    nt = out["n_tech"].astype("Float64")
    sh = out["share"].astype("Float64")
    fill = (out["n_total"].isna() & nt.notna() & sh.notna() & (sh > 0)).to_numpy(
        dtype=bool, na_value=False)
    implied = (nt[fill] / sh[fill]).round().astype("Int64")
    out["n_total"] = out["n_total"].astype("Int64")
    out.loc[fill, "n_total"] = implied
    flags = out.loc[fill, "flags"].fillna("").astype(str) if "flags" in out \
        else pd.Series("", index=out.index[fill])
    out.loc[fill, "flags"] = [";".join(sorted({*f.split(";"), "n_total_from_share"} - {""}))
                              for f in flags]
    return out


def latest_totals(series: pd.DataFrame, *, as_of: int | None = None) -> pd.DataFrame:
    """Each series' latest pupil total up to ``as_of``, for weighting: printed, or implied by
    the printed count and share (:func:`fill_implied_totals`).

    Returns
    -------
    pandas.DataFrame
        ``indicator, level, region, sex, year, n_total, method`` (``"printed"`` or
        ``"n_tech / share"``), one row per series that has a total.
    """
    rows = fill_implied_totals(series)
    if as_of is not None:
        rows = rows.loc[(rows["year"] <= as_of).to_numpy(dtype=bool, na_value=False)]
    rows = rows.loc[rows["n_total"].notna().to_numpy()].sort_values([*KEY, "year"])
    out = rows.groupby(KEY, sort=False).tail(1)
    implied = ["n_total_from_share" in str(f).split(";") for f in out["flags"]]
    out = out[[*KEY, "year", "n_total"]].assign(
        method=np.where(implied, "n_tech / share", "printed"))
    return out.reset_index(drop=True).astype({"year": "Int64", "n_total": "Int64"})


def _weights(weights: str | Mapping[str, float] | None, keys: list[tuple[str, ...]],
             rows: list[pd.DataFrame], as_of: int | None) -> tuple[np.ndarray, str]:
    """Normalised weights of the series ``keys`` (their ``rows``), and the totals used."""
    levels = [k[1] for k in keys]
    source = ""
    if weights is None:
        w = np.ones(len(levels))
    elif isinstance(weights, str):
        if weights != "n_total":
            raise TpModelError(f"weights must be 'n_total', a mapping or None; got {weights!r}")
        totals = latest_totals(pd.concat(rows), as_of=as_of)
        by = {tuple(r[:4]): r for r in totals.itertuples(index=False)}
        missing = [k for k in keys if k not in by]
        if missing:
            raise TpModelError(f"series {series_label(missing[0])}: no n_total (printed or "
                               f"implied) to weight level {missing[0][1]!r}; pass "
                               "weights={level: pupils} or weights=None")
        w = np.array([float(by[k].n_total) for k in keys])
        source = "; ".join(f"{k[1]} {int(by[k].n_total):,} ({by[k].method}, "
                           f"{school_year(by[k].year)})" for k in keys)
    else:
        miss = [lv for lv in levels if lv not in weights]
        if miss:
            raise TpModelError(f"weights lack level(s) {miss}")
        w = np.array([float(weights[lv]) for lv in levels])
    if (w < 0).any() or not np.isfinite(w).all() or w.sum() <= 0:
        raise TpModelError(f"weights must be non-negative with a positive sum; got {w.tolist()}")
    return w / w.sum(), source


def _values_on_grid(data: SeriesData, grid: np.ndarray) -> np.ndarray:
    """Observed shares on ``grid`` years up to the last observation (interpolating gaps)."""
    inside = grid <= data.last_year
    out = np.full(grid.shape, np.nan)
    out[inside] = np.interp(grid[inside], data.years, data.shares)
    return out


def combined_share(
    series: pd.DataFrame,
    *,
    levels: Sequence[str],
    years: Sequence[int],
    weights: str | Mapping[str, float] | None = "n_total",
    as_of: int | None = None,
    region: str = "NL",
    sex: str = "all",
    indicators: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """The observed combined share of several levels in ``years``, weighted as in
    :func:`reachability_combined` (weights from the data up to ``as_of``, shares from all
    data): what happened, next to what was projected.

    Returns
    -------
    pandas.DataFrame
        ``year, share`` (NA where a level has no published value that year).
    """
    split = split_series(series)
    keys = [_pick_series(split, lv, region, sex, indicators) for lv in levels]
    w, _ = _weights(weights, keys, [split.meta[k] for k in keys], as_of)
    out = []
    for y in years:
        vals = [split.data[k].shares[split.data[k].years == int(y)] for k in keys]
        share = sum(wi * float(v[0]) for wi, v in zip(w, vals, strict=True)) \
            if all(v.size for v in vals) else np.nan
        out.append({"year": int(y), "share": share})
    return pd.DataFrame(out).astype({"year": "Int64", "share": "Float64"})


def reachability_combined(
    series: pd.DataFrame,
    *,
    levels: Sequence[str],
    weights: str | Mapping[str, float] | None = "n_total",
    target: float = TARGET,
    year: int = TARGET_YEAR,
    as_of: int | None = None,
    models: str = DEFAULT_MODEL,
    region: str = "NL",
    sex: str = "all",
    indicators: Mapping[str, str] | None = None,
    intervals: Sequence[int] = INTERVALS,
    seed: int = SEED,
    n_paths: int = N_PATHS,
    horizon: int = HORIZON,
) -> pd.DataFrame:
    """Reachability of a target for several levels together ("4 in 10" over mbo, hbo, wo).

    Parameters
    ----------
    series
        Series frame.
    levels
        Level keys, e.g. ``["mbo", "hbo", "wo"]``.
    weights
        ``"n_total"``: each level's latest pupil total up to ``as_of`` (printed or implied, see
        :func:`latest_totals`); a mapping level -> weight; or None for equal weights.
    target, year, as_of
        As in :func:`~tpforecast.forecasting.reachability` (a single fraction).
    models
        One model name.
    region, sex
        Which series to combine.
    indicators
        level -> indicator, to choose among several series of a level (default: the only one,
        or the ``canonical`` one).
    intervals, seed, n_paths, horizon
        As in :func:`~tpforecast.forecasting.reachability`.

    Returns
    -------
    pandas.DataFrame
        One row: ``levels, region, sex, model, model_used, weights`` (normalised, as text),
        ``weights_source`` (the totals used), then the columns of
        :func:`~tpforecast.forecasting.reachability` for the combined share (``last_year``:
        the latest year all levels are observed; gaps interpolated).
    """
    (m,) = resolve_models(models, one=True)
    t = check_target(target)
    if isinstance(levels, str) or len(levels) < 1:
        raise TpModelError(f"levels must be a list of level keys; got {levels!r}")
    if len(set(levels)) != len(levels):
        raise TpModelError(f"levels listed twice: {list(levels)}")
    year, as_of, intervals, seed, n_paths, horizon = check_options(
        year=year, as_of=as_of, intervals=intervals, seed=seed, n_paths=n_paths, horizon=horizon)
    split = split_series(series, as_of)
    keys = [_pick_series(split, lv, region, sex, indicators) for lv in levels]
    w, source = _weights(weights, keys, [split.meta[k] for k in keys], as_of)
    datas = [split.data[k] for k in keys]
    last = min(d.last_year for d in datas)
    first = max(int(d.years[0]) for d in datas)
    grid = np.arange(last + 1, max(HORIZON, horizon, int(year)) + 1)
    combined = np.zeros((n_paths, grid.size))
    used = set()
    for k, d, wi in zip(keys, datas, w, strict=True):
        fits, failed = fit_models([m], k, d)
        if m.name not in fits:
            raise TpModelError(failed[0]["reason"])
        used.add(fits[m.name].model_used)
        vals = np.broadcast_to(_values_on_grid(d, grid), (n_paths, grid.size)).copy()
        fut = grid > d.last_year
        if fut.any():
            vals[:, fut] = Future.of_model(fits[m.name], k, seed=seed, n_paths=n_paths,
                                           end=int(grid[-1])).paths_for(grid[fut])
        combined += wi * vals
    obs_years = np.arange(first, last + 1)
    if obs_years.size == 0:
        raise TpModelError(f"reachability_combined: levels {list(levels)} have no observed "
                           "year in common")
    obs = sum(wi * _values_on_grid(d, obs_years) for d, wi in zip(datas, w, strict=True))
    row: dict[str, Any] = {
        "levels": ",".join(levels), "region": region, "sex": sex, "model": m.name,
        "model_used": "+".join(sorted(used)),
        "weights": ";".join(f"{lv}={wi:.3f}" for lv, wi in zip(levels, w, strict=True)),
        "weights_source": source, "target": t, "target_year": int(year), "as_of": as_of,
        **outcome(obs_years, obs, Future(grid, paths=combined), t, int(year), intervals,
                  horizon=horizon),
    }
    reason = ["levels simulated independently"]
    if row["status"] == "observed":
        reason.append("target year observed (gaps interpolated)")
    row["reason"] = "; ".join(reason)
    cols = ["levels", "region", "sex", "model", "model_used", "weights", "weights_source",
            *reach_columns(intervals)[6:]]
    return typed(pd.DataFrame([row], columns=cols))
