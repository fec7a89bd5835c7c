"""``acceleration_table``: the extra growth a target needed by start year, and when the observed
pace reaches it (stage 4). Tidy: one row per series, model and start; formatted for people by
:func:`tpforecast.report.tables.acceleration_display`."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from tpforecast.errors import TpModelError, TpNoDataError
from tpforecast.forecasting.entrants import population
from tpforecast.forecasting.measures import recent_pace
from tpforecast.forecasting.selection import as_names, selected, with_headline_entrants
from tpforecast.forecasting.series import KEY, split_series, typed
from tpforecast.forecasting.targets import goals_for, resolve_target
from tpforecast.models import DEFAULT_MODEL
from tpforecast.options import check_options
from tpforecast.scenarios.solver import required_table, years_to_target
from tpforecast.study import DEFAULT_STUDY, HORIZON, N_PATHS, PACE, SEED, TARGET, TARGET_YEAR

__all__ = ["acceleration_table"]


def _recent(series: pd.DataFrame, as_of: int) -> dict[tuple[str, ...], float]:
    """Recent pace of every series with the data up to ``as_of`` (also for series too short
    for a model)."""
    try:
        split = split_series(series, as_of)
    except TpNoDataError:
        return {}
    return {k: recent_pace(d.years, d.shares) for k, d in split.data.items()}


def _required_rows(series: pd.DataFrame, start: int, **kw: Any) -> pd.DataFrame:
    try:
        return required_table(series, start=start, as_of=None, ramp_years=0, base="trend",
                              progress=False, late_start="status", **kw)
    except TpNoDataError:  # no series has data before this start
        return pd.DataFrame(columns=[*KEY, "model", "status", "reason"])


def acceleration_table(
    series: pd.DataFrame,
    *,
    target: float | pd.DataFrame | str = TARGET,
    year: int = TARGET_YEAR,
    starts: Sequence[int] = DEFAULT_STUDY.starts,
    pace: float = PACE,
    levels: str | Sequence[str] | None = None,
    region: str | Sequence[str] | None = None,
    probability: float = 0.5,
    models: str | Sequence[str] = DEFAULT_MODEL,
    seed: int = SEED,
    n_paths: int = N_PATHS,
    horizon: int = HORIZON,
) -> pd.DataFrame:
    """Per series: the extra points per year a target needed by start year, and the year the
    observed pace reaches it.

    For each start in ``starts``: :func:`~tpforecast.scenarios.required_acceleration` with the
    data up to ``start - 1`` (what was known then). Then, with all data,
    :func:`~tpforecast.scenarios.years_to_target` with ``base="last"`` and ``pace`` points per
    year from the latest observation. Pass the series to tabulate, e.g. the headline series
    (:func:`tpforecast.report.headline_series`).

    Parameters
    ----------
    series
        Series frame.
    target, year, probability
        The goal (fraction, targets frame or ``"targets"``) and its year.
    starts
        Start years of the acceleration.
    pace
        Points per year of the observed pace (Overijssel reported about one).
    levels
        Keep only these levels (in this order); default all, sorted.
    region
        Keep only the series of these regions (one name or several; None: all). A region or
        level the frame does not hold is an error naming what exists
        (:func:`~tpforecast.forecasting.selection.selected`).
    models
        Trend model(s) of the required acceleration (one row per model).
    seed, n_paths, horizon
        Simulation settings.

    Returns
    -------
    pandas.DataFrame
        One row per series, model and start: ``indicator, level, region, sex, model,
        model_used, target, target_year, target_kind, target_source`` (which target, with a
        targets frame; empty for a single fraction), ``start, as_of, extra_pp_per_year`` (NA
        when the series
        is too short by then or the target year is observed), ``extra_students`` (the extra
        technical entrants or pupils in the target year that this growth means: the extra
        points in that year x ``entrants``), ``entrants`` (of the target year: for headline
        series on the monitor's scale, else the series' own totals; known, or projected by
        their own trend), ``n_total_projection`` (their basis and projection),
        ``recent_pp_per_year`` (OLS
        slope of the latest observations up to ``as_of``), ``status, reason``, then the pace
        columns (all data): ``last_year, last_share, pace_pp_per_year, pace_first_year,
        pace_first_year_lo, pace_first_year_hi, pace_at_target_since, pace_status``.
    """
    year, starts, pace, probability, seed, n_paths, horizon = check_options(
        year=year, starts=starts, pace=pace, probability=probability, seed=seed,
        n_paths=n_paths, horizon=horizon)
    s = selected(with_headline_entrants(series), region=region, levels=levels,
                 what="acceleration_table")
    levels = as_names(levels, "levels")
    if s.empty:
        raise TpModelError("acceleration_table: no series")
    kw = {"target": target, "year": year, "probability": probability, "models": models,
          "seed": seed, "n_paths": n_paths, "horizon": horizon}
    keys = s[KEY].drop_duplicates().sort_values(["level", "indicator", "region", "sex"])
    if levels is not None:
        order = {lv: i for i, lv in enumerate(levels)}
        keys = keys.sort_values("level", key=lambda c: c.map(order), kind="stable")
    pc = years_to_target(s, extra_pp_per_year=pace, target=target, base="last", seed=seed,
                         n_paths=n_paths, horizon=horizon).set_index(KEY)
    parts = []
    for st in starts:
        req = _required_rows(s, int(st), **kw).drop(columns=["last_year", "last_share"],
                                                     errors="ignore")
        recent = _recent(s, int(st) - 1)
        part = keys.merge(req, on=KEY, how="left")
        part["requested_start"] = int(st)
        part["as_of"] = int(st) - 1
        part["recent_pp_per_year"] = [recent.get(tuple(k), math.nan) for k in
                                      part[KEY].itertuples(index=False)]
        parts.append(part)
    out = pd.concat(parts, ignore_index=True)
    out["status"] = out["status"].fillna("no_data")
    if not isinstance(target, pd.DataFrame | str):
        out["target"] = out["target"].fillna(float(target))
        out["target_year"] = out["target_year"].fillna(int(year))
    else:  # a series too short by a start still says which target it is judged against
        out = _own_targets(out, resolve_target(target))
    out = out.join(_pace_columns(pc, pace), on=KEY)
    out = _with_students(out, s)
    order = {tuple(k): i for i, k in enumerate(keys.itertuples(index=False))}
    out["_o"] = [order[tuple(k)] for k in out[KEY].itertuples(index=False)]
    out = out.sort_values(["_o", "requested_start"], kind="stable").reset_index(drop=True)
    for column in ("target_kind", "target_source"):  # which target (empty: the study's)
        out[column] = out[column].fillna("") if column in out else ""
    cols = [*KEY, "model", "model_used", "target", "target_year", "target_kind",
            "target_source", "requested_start", "start",
            "as_of", "extra_pp_per_year", "extra_students", "entrants", "n_total_projection",
            "recent_pp_per_year", "status", "reason", "last_year",
            "last_share", "pace_pp_per_year", "pace_first_year", "pace_first_year_lo",
            "pace_first_year_hi", "pace_at_target_since", "pace_status"]
    out["start"] = out["start"].fillna(out["requested_start"])
    return typed(out[cols])


def _own_targets(table: pd.DataFrame, targets: pd.DataFrame) -> pd.DataFrame:
    """Fill the target columns of rows without a result from the series' own target."""
    table = table.copy()
    for column in ("target_kind", "target_source"):
        if column not in table:
            table[column] = ""
    for i in table.index[table["target"].isna().to_numpy()]:
        goals = goals_for(targets, tuple(str(table.at[i, c]) for c in KEY), one=True)
        if goals:
            table.loc[i, ["target", "target_year", "target_kind", "target_source"]] = [
                goals[0].target, goals[0].year, goals[0].kind, goals[0].source]
    return table


def _with_students(table: pd.DataFrame, series: pd.DataFrame) -> pd.DataFrame:
    """``extra_students``: the extra technical entrants or pupils in the target year that the
    extra growth means (the extra points in that year x the entrants of that year, known or
    projected by their own trend; :func:`~tpforecast.forecasting.entrants.population`), with
    ``entrants`` and their basis in ``n_total_projection``."""
    rows = {tuple(k): g for k, g in series.groupby(KEY, sort=False)}
    found: dict[tuple[Any, ...], tuple[float, str]] = {}
    for key, year in {(tuple(r[:4]), r[4]) for r in table[[*KEY, "target_year"]].itertuples(
            index=False)}:
        if pd.isna(year):
            found[(*key, year)] = (math.nan, "")
            continue
        n, how, _ = population(rows[key], np.array([int(year)]))
        found[(*key, year)] = (float(n[0]), how)
    got = [found[tuple(r)] for r in table[[*KEY, "target_year"]].itertuples(index=False)]
    entrants = np.array([g[0] for g in got], dtype=float)
    shift = pd.to_numeric(table.get("shift_pp"), errors="coerce").to_numpy(dtype=float) \
        if "shift_pp" in table else np.full(len(table), np.nan)
    return table.assign(entrants=entrants, extra_students=shift / 100 * entrants,
                        n_total_projection=[g[1] for g in got])


def _pace_columns(pc: pd.DataFrame, pace: float) -> pd.DataFrame:
    """The years_to_target result as the table's pace columns (one row per series)."""
    return pd.DataFrame({
        "last_year": pc["last_year"], "last_share": pc["last_share"],
        "pace_pp_per_year": float(pace), "pace_first_year": pc["first_year"],
        "pace_first_year_lo": pc["first_year_lo"], "pace_first_year_hi": pc["first_year_hi"],
        "pace_at_target_since": pc["at_target_since"], "pace_status": pc["status"],
    })
