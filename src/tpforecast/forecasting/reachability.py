"""``reachability``: is a target reached, with which probability, and when (stage 3)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from tpforecast.errors import TpModelError
from tpforecast.forecasting.forecast import nothing_computed
from tpforecast.forecasting.future import Future
from tpforecast.forecasting.measures import first_passage, needed_pace, recent_pace
from tpforecast.forecasting.selection import selected
from tpforecast.forecasting.series import (
    KEY,
    fit_models,
    progress_bar,
    resolve_models,
    series_label,
    skip_row,
    split_series,
    typed,
    warn_skipped,
)
from tpforecast.forecasting.targets import goals_for, resolve_target
from tpforecast.models import DEFAULT_MODEL, interval_probs
from tpforecast.options import check_options
from tpforecast.study import HORIZON, INTERVALS, N_PATHS, PACE_WINDOW, SEED, TARGET, TARGET_YEAR

__all__ = ["outcome", "reachability", "reach_columns", "reason_text"]


def outcome(years: np.ndarray, shares: np.ndarray, future: Future, target: float, year: int,
            intervals: Sequence[int], *, horizon: int = HORIZON,
            window: int = PACE_WINDOW) -> dict[str, Any]:
    """The answer for one series (or combination) and one target: where it stands, the
    projected share in ``year`` with its intervals, the probability of at least ``target``,
    the first year at or above it, and the needed and recent paces.

    ``years`` and ``shares`` are the observations (the last is where the future starts);
    ``future`` holds the simulated paths from the year after; the first year is looked for
    up to ``horizon`` (or the target year when later).
    """
    probs, cols = interval_probs(intervals)
    last_year, last_share = int(years[-1]), float(shares[-1])
    row: dict[str, Any] = {
        "last_year": last_year, "last_share": last_share, **dict.fromkeys(cols, math.nan),
        "p_target": math.nan, "status": "ok",
    }
    if year > last_year:
        row.update(zip(cols, (float(v) for v in future.quantiles([year], probs)[:, 0]),
                       strict=True))
        row["p_target"] = float(future.prob_at_least([year], [target])[0])
    else:
        obs = shares[years == year]
        if obs.size:
            row.update(dict.fromkeys(cols, float(obs[0])), p_target=float(obs[0] >= target),
                       status="observed")
        else:
            row["status"] = "not_observed"
    seen = future.grid <= max(horizon, year)
    row.update(first_passage(years, shares, future.grid[seen], future.paths[:, seen], target))
    row["needed_pp_per_year"] = needed_pace(target, last_share, year, last_year)
    row["recent_pp_per_year"] = recent_pace(years, shares, window)
    return row


def reason_text(row: dict[str, Any]) -> str:
    """The ``reason`` of a reachability row, for people (rendered from its typed columns)."""
    parts = {"observed": ["target year observed"],
             "not_observed": ["target year inside the observed period but not observed"]}.get(
        row.get("status", ""), [])
    if not pd.isna(row.get("at_target_since", pd.NA)):
        parts.append(f"at or above target since {row['at_target_since']}")
    elif not pd.isna(row.get("last_year_at_target", pd.NA)):
        parts.append(f"was at target in {row['last_year_at_target']}, below it since")
    if row.get("model_used") and row.get("model_used") != row.get("model"):
        parts.append(f"{row['model']} used {row['model_used']}")
    return "; ".join(parts)


def reach_columns(intervals: Sequence[int], extra: Sequence[str] = ()) -> list[str]:
    """The columns of a reachability frame, in order."""
    return [*KEY, "model", "model_used", "target", "target_year", "as_of", "last_year",
            "last_share", *interval_probs(intervals)[1], "p_target", "first_year",
            "first_year_lo", "first_year_hi", "at_target_since", "last_year_at_target",
            "needed_pp_per_year", "recent_pp_per_year", *extra, "status", "reason"]


def _key(row: dict[str, Any]) -> tuple[str, ...]:
    return tuple(str(row[c]) for c in KEY)


def _goal_columns(goal: Any, as_of: int | None, is_frame: bool) -> dict[str, Any]:
    cols = {"target": goal.target, "target_year": goal.year, "as_of": as_of}
    return {**cols, "target_kind": goal.kind, "target_source": goal.source} if is_frame else cols


def reachability(
    series: pd.DataFrame,
    *,
    target: float | pd.DataFrame | str = TARGET,
    year: int = TARGET_YEAR,
    as_of: int | None = None,
    models: str | Sequence[str] = DEFAULT_MODEL,
    intervals: Sequence[int] = INTERVALS,
    seed: int = SEED,
    n_paths: int = N_PATHS,
    horizon: int = HORIZON,
    region: str | Sequence[str] | None = None,
    levels: str | Sequence[str] | None = None,
    progress: bool | None = None,
) -> pd.DataFrame:
    """Is the target reachable? One row per series, model and target.

    Parameters
    ----------
    series
        Series frame (``load_series()`` layout).
    target
        A fraction in (0, 1) applied to every series in ``year``; a targets frame
        (``load_targets()`` layout; each series gets its matching rows and their years, count
        targets ignored); or ``"targets"`` for the bundled targets.
    year
        Target year (start year of the school year; 2020 = 2020/21). With a targets frame
        each target keeps its own year; another year than the study's asks for that year's
        targets only (none: a :class:`~tpforecast.errors.TargetYearError` naming the years).
    as_of
        Use only observations with ``year <= as_of`` (``as_of=2015``: what could be known
        when the 2016 policy documents were written).
    models
        Model name(s).
    intervals
        Central interval coverages of the projected share, in percent.
    seed, n_paths
        Simulation settings (per-series stable seeds).
    horizon
        Last year of the first-passage simulation.
    region, levels
        Keep only the series of these regions and levels (one name or several; None: all);
        a name the frame does not hold is an error naming what exists
        (:func:`~tpforecast.forecasting.selection.selected`).
    progress
        Progress bar (default: only in an interactive terminal outside CI).

    Returns
    -------
    pandas.DataFrame
        ``indicator, level, region, sex, model, model_used, target, target_year, as_of,
        last_year, last_share, median, lo_<l>, hi_<l>`` (the projected share in the target
        year; the observation when that year is observed), ``p_target`` (probability that the
        share in the target year is at or above the target; analytic where the model has
        closed-form quantiles, else over the simulated paths that also give the median and
        ``first_year``), ``first_year, first_year_lo, first_year_hi`` (median and 10th / 90th
        percentiles of the first year at or above the target; NA when not reached by
        ``horizon``), ``at_target_since`` (the last observation is at or above the target since
        this year; then ``first_year`` is that year), ``last_year_at_target`` (an earlier
        spell at or above it, when below now), ``needed_pp_per_year`` (points per year from the
        last observation to the target in the target year), ``recent_pp_per_year`` (OLS slope
        of the latest observations, points per year), ``status`` and ``reason``. With a
        targets frame also ``target_kind`` and ``target_source``; a series without a target
        is a ``no_target`` row.

    Examples
    --------
    >>> import tpforecast as tp
    >>> tp.reachability(tp.load_series(), target=0.40, year=2020, as_of=2015)  # doctest: +SKIP
    """
    series = selected(series, region=region, levels=levels, what="reachability")
    model_objs = resolve_models(models)
    year, as_of, intervals, seed, n_paths, horizon = check_options(
        year=year, as_of=as_of, intervals=intervals, seed=seed, n_paths=n_paths, horizon=horizon)
    tgt = resolve_target(target, year=year, what="reachability")
    is_frame = isinstance(tgt, pd.DataFrame)
    split = split_series(series, as_of)
    rows = [{**s, "model": m.name, **_goal_columns(g, as_of, is_frame)}
            for s in split.skipped for m in model_objs
            for g in goals_for(tgt, _key(s), year=None if is_frame else year)]
    for key, data in progress_bar(split.data.items(), total=len(split.data), desc="reachability",
                                  progress=progress):
        goals = goals_for(tgt, key, year=None if is_frame else year)
        if not goals:
            rows += [skip_row(key, m.name, "no_target", "no target applies to this series",
                              as_of=as_of) for m in model_objs]
            continue
        end = max(HORIZON, horizon, *(g.year for g in goals))  # one grid: the same paths
        fits, failed = fit_models(model_objs, key, data)
        rows += [{**s, **_goal_columns(g, as_of, is_frame)} for s in failed for g in goals]
        for name, fitted in fits.items():
            future = Future.of_model(fitted, key, seed=seed, n_paths=n_paths, end=end)
            for g in goals:
                row = {**dict(zip(KEY, key, strict=True)), "model": name,
                       "model_used": fitted.model_used, **_goal_columns(g, as_of, is_frame),
                       **outcome(data.years, data.shares, future, g.target, int(g.year),
                                 intervals, horizon=horizon)}
                row["reason"] = reason_text(row)
                rows.append(row)
    if rows and all(r["status"] == "no_target" for r in rows):
        raise TpModelError(f"reachability: no target applies to the selected series "
                           f"({', '.join(sorted({series_label(_key(r)) for r in rows}))}); "
                           f"{_targets_cover(tgt)}")
    if not any(r["status"] in ("ok", "observed", "not_observed") for r in rows):
        raise nothing_computed("reachability", rows)
    extra = ["target_kind", "target_source"] if is_frame else []
    out = typed(pd.DataFrame(rows, columns=reach_columns(intervals, extra)))
    warn_skipped("reachability", out)
    return out


def _targets_cover(targets: pd.DataFrame) -> str:
    """Which levels (and regions) a targets frame has share targets for, for messages."""
    cover = []
    for level, rows in targets.groupby("level", sort=True):
        regions = sorted({str(r) for r in rows.get("region", pd.Series(dtype=str)).dropna()})
        cover.append(f"{level} ({', '.join(regions) or 'any region'})")
    return f"the targets cover: {'; '.join(cover)}"
