"""``reachability_combined``: the "4 op de 10" over mbo, hbo and wo together, per region
(stage 3).

The combined share of a year is the mean of the levels' headline shares weighted by their
entrants of that year, **all on the monitor's scale**
(:mod:`~tpforecast.forecasting.entrants`): NL's entrants as the monitor's counts and shares
imply them (mbo 2019/20: about 151,000), a region's as NL's times the region's fraction of NL
on the DUO basis (hbo/wo first-year bachelors; mbo participants, whose *fraction* stands in for
the fraction of entrants, so the stock of participants is never used as a weight). Years
without a known total use the level's totals projected by their own trend. Regional numbers
count students where the institution is.

Each level's future is simulated with its own stable seed and the paths are combined draw by
draw with the year's weights, so the probability comes from joint paths; the levels are
simulated independently (no common shocks: positively correlated levels would give a wider
interval). A level not observed in a year of the combined history is interpolated between its
observations (the ``reason`` says so); the combined ``observed`` column uses only years in which
every level is published.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from tpforecast.errors import MissingDataError, TpModelError, TpNoDataError
from tpforecast.forecasting.entrants import population
from tpforecast.forecasting.future import Future
from tpforecast.forecasting.selection import as_names, headline_series
from tpforecast.forecasting.series import (
    SkippedSeriesWarning,
    fit_models,
    resolve_models,
    split_series,
    typed,
)
from tpforecast.forecasting.targets import Goal, goals_for, resolve_target
from tpforecast.models import DEFAULT_MODEL, SeriesData, TrendModel, interval_probs
from tpforecast.options import check_options, checked
from tpforecast.study import AS_OF, HORIZON, INTERVALS, N_PATHS, SEED, TARGET, TARGET_YEAR

__all__ = ["COMBINED_LEVELS", "reachability_combined"]

#: The levels of the combined "4 op de 10": intake in mbo, hbo and wo.
COMBINED_LEVELS: tuple[str, ...] = ("mbo", "hbo", "wo")


class _Levels:
    """One region's headline series of the combined levels, with their entrants."""

    def __init__(self, rows: pd.DataFrame, levels: list[str], region: str) -> None:
        self.levels, self.region = levels, region
        self.rows = {lv: g.sort_values("year") for lv, g in rows.groupby("level", sort=False)}
        for lv, g in self.rows.items():
            if g["indicator"].nunique() > 1:
                raise TpModelError(f"reachability_combined: level {lv!r} in {region} has "
                                   f"several headline series: {sorted(set(g['indicator']))}")
        self.frame = rows

    def basis(self, years: np.ndarray) -> str:
        """Per level the entrants it is weighted by over ``years``: basis and projection."""
        return " | ".join(f"{lv}: {population(self.rows[lv], years)[1]}" for lv in self.levels)

    def entrants(self, years: np.ndarray) -> np.ndarray:
        """Entrants per level (rows) and year (columns) on the monitor's scale."""
        out = []
        for lv in self.levels:
            n, _, known = population(self.rows[lv], years)
            if not known:
                raise TpModelError(f"reachability_combined: level {lv!r} in {self.region} has "
                                   "no entrant totals to weight it (the monitor prints no count "
                                   "and there is no DUO basis); choose other levels")
            out.append(n)
        return np.vstack(out)

    def observed(self) -> dict[int, float]:
        """The combined share of every year in which each level is observed (all data)."""
        shares = [g.set_index("year")["share"].dropna() for g in
                  (self.rows[lv] for lv in self.levels)]
        common = sorted(set.intersection(*(set(int(y) for y in s.index) for s in shares)))
        if not common:
            return {}
        w = self.entrants(np.array(common))
        values = np.vstack([[float(s.loc[y]) for y in common] for s in shares])
        return dict(zip(common, (w * values).sum(axis=0) / w.sum(axis=0), strict=True))


def _as_ofs(as_of: Any) -> list[int | None]:
    """``as_of`` as a list of information sets (a year, None for all data, or several)."""
    items = list(as_of) if isinstance(as_of, list | tuple) else [as_of]
    if not items:
        raise TpModelError("as_of must be a year, None (all data) or a list of them; got []")
    return list(dict.fromkeys(checked("as_of", a) for a in items))


def _on_grid(data: SeriesData, grid: np.ndarray) -> np.ndarray:
    """Observed shares on ``grid`` years up to the last observation (interpolating gaps)."""
    out = np.full(grid.shape, np.nan)
    inside = grid <= data.last_year
    out[inside] = np.interp(grid[inside], data.years, data.shares)
    return out


def _fits(lv: _Levels, as_of: int | None, model: TrendModel
          ) -> tuple[dict[str, Any], str, str]:
    """Per level its (data, fitted model) with the data up to ``as_of``, or the status and
    reason of the first level that cannot be modelled."""
    try:
        split = split_series(lv.frame, as_of)
    except TpNoDataError:
        split = None
    out = {}
    for level in lv.levels:
        keys = [k for k in (split.data if split else {}) if k[1] == level]
        if not keys:
            first = int(lv.rows[level]["year"].min())
            return {}, "no_data", (f"{level} ({lv.region}) has no observation up to {as_of} "
                                   f"(its series starts in {first})")
        fits, failed = fit_models([model], keys[0], split.data[keys[0]])  # type: ignore[union-attr]
        if model.name not in fits:
            return {}, failed[0]["status"], f"{level} ({lv.region}): {failed[0]['reason']}"
        out[level] = (keys[0], split.data[keys[0]], fits[model.name])  # type: ignore[union-attr]
    return out, "ok", ""


def _simulate(lv: _Levels, fits: dict[str, Any], end: int, seed: int, n_paths: int
              ) -> tuple[np.ndarray, np.ndarray, Future, str]:
    """The combined history (years, shares) and its future paths, with the model used."""
    datas = [fits[level][1] for level in lv.levels]
    last = min(d.last_year for d in datas)
    history = np.arange(max(int(d.years[0]) for d in datas), last + 1)
    grid = np.arange(last + 1, end + 1)
    w = lv.entrants(np.concatenate([history, grid]))
    w = w / w.sum(axis=0)
    values = np.zeros(history.size)
    paths = np.zeros((n_paths, grid.size))
    for i, level in enumerate(lv.levels):
        key, data, fitted = fits[level]
        values += w[i, :history.size] * _on_grid(data, history)
        mine = np.broadcast_to(_on_grid(data, grid), (n_paths, grid.size)).copy()
        future = grid > data.last_year
        if future.any():
            mine[:, future] = Future.of_model(fitted, key, seed=seed, n_paths=n_paths,
                                              end=end).paths_for(grid[future])
        paths += w[i, history.size:] * mine
    used = "+".join(sorted({fits[level][2].model_used for level in lv.levels}))
    return history, values, Future(grid, paths=paths), used


def _rows(lv: _Levels, as_of: int | None, target: float, year: int, model: TrendModel,
          intervals: Sequence[int], seed: int, n_paths: int, horizon: int) -> pd.DataFrame:
    """The rows of one region and information set: one per year."""
    observed = lv.observed()
    fits, status, reason = _fits(lv, as_of, model)
    probs, qcols = interval_probs(intervals)
    if fits:
        history, hist, fut, used = _simulate(lv, fits, max(HORIZON, horizon, year), seed,
                                             n_paths)
        first = int(history[0])
    else:
        history, hist, fut, used = np.array([], dtype=int), np.array([]), None, ""
        first = min(observed, default=year)
    years = np.arange(min([first, *observed]), max([year, *observed]) + 1)
    base = {"region": lv.region, "levels": "+".join(lv.levels), "model": model.name,
            "model_used": used, "target": target, "target_year": year, "as_of": as_of,
            "basis": lv.basis(years)}
    out = pd.DataFrame({**base, "year": years})
    out["observed"] = [observed.get(int(y), math.nan) for y in years]
    w = lv.entrants(years)
    out["entrants"] = w.sum(axis=0)
    out["weights"] = [";".join(f"{level}={v:.3f}" for level, v in zip(lv.levels, col / col.sum(),
                                                                      strict=True))
                      for col in w.T]
    if fut is None:
        return out.assign(status=status, reason=reason, **dict.fromkeys(
            ["last_year", "last_share", *qcols, "p_target", "start", "extra_pp_per_year",
             "gap_students"], math.nan))
    return _filled(out, history, hist, fut, target, probs, qcols, as_of)


def _filled(out: pd.DataFrame, history: np.ndarray, hist: np.ndarray, fut: Future,
            target: float, probs: list[float], qcols: list[str],
            as_of: int | None) -> pd.DataFrame:
    """Projection, probability, extra pace and gap in students of every row's year."""
    last = int(history[-1])
    start = max(last, as_of if as_of is not None else last) + 1
    years = out["year"].to_numpy(dtype=int)
    q = np.full((len(probs), years.size), np.nan)
    p = np.full(years.size, np.nan)
    past = years <= last
    known = past & (years >= history[0])
    q[:, known] = np.interp(years[known], history, hist)
    p[known] = (q[probs.index(0.5), known] >= target).astype(float)
    ahead = ~past & (years <= fut.grid[-1])
    q[:, ahead] = fut.quantiles(years[ahead], probs)
    p[ahead] = fut.prob_at_least(years[ahead], np.full(ahead.sum(), target))
    median = q[probs.index(0.5)]
    span = np.where(years >= start, years - start + 1, np.nan)
    interpolated = ~np.isin(years, [y for y, v in zip(years, out["observed"], strict=True)
                                    if not pd.isna(v)])
    out = out.assign(last_year=last, last_share=float(hist[-1]),
                     **dict(zip(qcols, q, strict=True)), p_target=p, start=start,
                     extra_pp_per_year=100 * (target - median) / span,
                     gap_students=(target - median) * out["entrants"].to_numpy(dtype=float))
    out["status"] = np.where(known, "observed", np.where(ahead, "ok", "no_years"))
    out["reason"] = np.where(known & interpolated, "a level interpolated between its "
                             "observations", np.where(ahead, "levels simulated independently",
                                                      np.where(past, "before the combined "
                                                               "history", "")))
    return out


def _goal(target: float | pd.DataFrame, region: str, sex: str, year: int) -> Goal:
    """The combined target of a region: a fraction in ``year``, or the region's own target for
    all young people (level ``all``) from a targets frame."""
    if not isinstance(target, pd.DataFrame):
        return Goal(float(target), year, "", "")
    goals = goals_for(target, ("", "all", region, sex), one=True)
    if not goals:
        have = sorted({str(r) for r in target.loc[(target["level"] == "all").to_numpy(),
                                                  "region"].dropna()})
        raise MissingDataError(f"reachability_combined: no target for all young people (level "
                               f"all) in {region}", what="region", asked=region, known=have)
    return goals[0]


def reachability_combined(
    series: pd.DataFrame,
    *,
    region: str | Sequence[str] = "NL",
    levels: str | Sequence[str] = COMBINED_LEVELS,
    target: float | pd.DataFrame | str = TARGET,
    year: int = TARGET_YEAR,
    as_of: int | None | Sequence[int | None] = (AS_OF, None),
    models: str = DEFAULT_MODEL,
    sex: str = "all",
    intervals: Sequence[int] = INTERVALS,
    seed: int = SEED,
    n_paths: int = N_PATHS,
    horizon: int = HORIZON,
) -> pd.DataFrame:
    """The combined "4 op de 10": mbo + hbo + wo intake together, per region and information
    set, year by year.

    Parameters
    ----------
    series
        The full series frame (:func:`~tpforecast.data.loaders.load_series`): each level's
        headline series of the region (:func:`~tpforecast.report.headline_series`) and the
        counts that give its entrants.
    region
        Region(s): NL, Oost, Overijssel, Gelderland, or any region with a headline series of
        every level (by institution location; landsdelen other than Oost are an assumed split).
    levels
        The levels combined (default mbo, hbo and wo).
    target, year
        The combined target (a fraction) and its year (2020 = 2020/21); or a targets frame
        (``"targets"``: the bundled one): each region's own target for all young people
        (level ``all``: NL, Oost, Overijssel, Gelderland 40% in 2020) and its year.
    as_of
        Information set(s): a year (only shares up to it are modelled; 2015 is what 2016
        knew), None (all data), or several; the default gives "as of 2016" (the study's
        ``as_of``) and "now". Entrant totals use every year of the data (they are facts).
    models
        One trend model.
    sex
        ``all``, ``female`` or ``male``.
    intervals, seed, n_paths, horizon
        As in :func:`~tpforecast.forecasting.reachability`.

    Returns
    -------
    pandas.DataFrame
        One row per region, ``as_of`` and year (from the first year of the combined history
        to the target year or the last observed year): ``region, levels, model, model_used,
        target, target_year, target_kind, target_source`` (with a targets frame; empty for a
        fraction), ``as_of`` (NA: all data), ``basis`` (the entrants each level is
        weighted by), ``year, observed`` (the combined share published for that year: NA
        unless every level has a value), ``entrants`` (all entrants of the levels that year,
        on the monitor's scale), ``weights`` (each level's share of them), ``last_year,
        last_share`` (the combined history's last year and value with the data up to
        ``as_of``), ``median, lo_<l>, hi_<l>`` (the combined share projected from ``as_of``;
        in the history the history), ``p_target`` (P(combined share at or above ``target`` in
        that year)), ``start`` (the first year of extra growth: the year after ``as_of`` or
        the history), ``extra_pp_per_year`` (extra points a year from ``start`` on top of the
        trend for the median to reach the target in that year), ``gap_students`` (technical
        entrants short of the target that year on the median: (target - median) x entrants;
        negative: above), ``status`` (``observed``: history; ``ok``: projected; ``too_short``
        or ``no_data`` when a level could not be modelled with the data up to ``as_of``, with
        the ``reason``) and ``reason``.

    Raises
    ------
    UnknownNameError, MissingDataError
        An unknown region or level, or a region without a headline series of a level.
    TpModelError
        Bad options, or a level without entrant totals to weight it.
    """
    (m,) = resolve_models(models, one=True)
    tgt = resolve_target(target)
    year, intervals, seed, n_paths, horizon = check_options(
        year=year, intervals=intervals, seed=seed, n_paths=n_paths, horizon=horizon)
    infos = _as_ofs(as_of)
    if not isinstance(levels, str) and len(set(levels)) != len(list(levels)):
        raise TpModelError(f"levels listed twice: {list(levels)}")
    lvls = as_names(levels, "levels") or list(COMBINED_LEVELS)
    frames = []
    for name in as_names(region, "region") or ["NL"]:
        goal = _goal(tgt, name, sex, year)
        rows = headline_series(series, levels=lvls, region=name, sex=sex)
        lv = _Levels(rows, lvls, name)
        frames += [_rows(lv, a, goal.target, int(goal.year), m, intervals, seed, n_paths,
                         horizon).assign(target_kind=goal.kind, target_source=goal.source)
                   for a in infos]
    out = pd.concat(frames, ignore_index=True)
    cols = ["region", "levels", "model", "model_used", "target", "target_year", "target_kind",
            "target_source", "as_of", "basis", "year", "observed", "entrants", "weights", "last_year", "last_share",
            *interval_probs(intervals)[1], "p_target", "start", "extra_pp_per_year",
            "gap_students", "status", "reason"]
    out = typed(out[cols])
    missing = out.loc[out["status"].isin(["too_short", "no_data", "fit_failed"]).to_numpy()]
    if len(missing):
        cases = "; ".join(f"{r.region} as of {r.as_of}: {r.reason}" for r in
                          missing.drop_duplicates(["region", "as_of"]).itertuples())
        warnings.warn(f"reachability_combined: no projection for {cases}",
                      SkippedSeriesWarning, stacklevel=2)
    return out
