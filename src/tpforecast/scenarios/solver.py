"""What it would take, and when (stage 4): :func:`required_acceleration` solves the extra growth
that reaches a target; :func:`years_to_target` answers the mirror question.

A deterministic shift moves every path equally (see :mod:`~tpforecast.scenarios.engine`), so
the cumulative shift in the target year that gives ``P(share >= target) = p`` is exactly
``target - quantile_{1-p}(base share in year)``; dividing by the ramp-weighted number of
years ``W(year)`` gives the points per year. The answer is checked by re-simulating the base
with an independent seed (``p_check``, ``median_check``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from tpforecast.errors import TpModelError, TpNoDataError
from tpforecast.forecasting.future import Future
from tpforecast.forecasting.measures import first_passage, recent_pace
from tpforecast.forecasting.reachability import reason_text
from tpforecast.forecasting.selection import selected
from tpforecast.forecasting.series import (
    KEY,
    progress_bar,
    resolve_models,
    series_label,
    skip_row,
    typed,
    warn_skipped,
)
from tpforecast.forecasting.targets import goals_for, resolve_target
from tpforecast.models import DEFAULT_MODEL, SeriesData, stable_seed
from tpforecast.options import check_options
from tpforecast.scenarios.engine import (
    Engine,
    Skip,
    base_models,
    effective_start,
    ramp_weights,
    warn_moved_start,
)
from tpforecast.scenarios.spec import Scenario, ScenarioFieldError, Solve
from tpforecast.study import HORIZON, N_PATHS, PACE, SEED, START, TARGET, TARGET_YEAR

__all__ = ["required_acceleration", "solve_shift", "years_to_target"]

_REQUIRED_COLS = [*KEY, "model", "model_used", "base", "target", "target_year",
                  "requested_start", "start",
                  "ramp_years", "as_of", "probability", "last_year", "last_share",
                  "baseline_median", "baseline_p_target", "shift_pp", "extra_pp_per_year",
                  "recent_pp_per_year", "p_check", "median_check"]


def solve_shift(base: Future, year: int, target: float, probability: float) -> float:
    """The cumulative shift in ``year`` for which ``P(clip(base + shift) >= target) = p``."""
    q = float(base.quantiles([year], [1.0 - probability])[0, 0])
    shift = target - q
    return 0.0 if abs(shift) < 1e-12 else shift  # the quantile is on the target (float noise)


def _verify(base: Future, year: int, shift: float, target: float) -> tuple[float, float]:
    """Re-simulate with an independent seed: (P(>= target), median) of the clipped shifted paths."""
    rng = np.random.default_rng(stable_seed(base.seed, *base.key, base.model, "verify"))
    paths = base.fitted.simulate(base.grid, base.n_paths, rng)  # type: ignore[union-attr]
    col = np.clip(paths[:, base.columns([year])[0]] + shift, 0.0, 1.0)
    return float(np.mean(col >= target)), float(np.median(col))


def _mc_tolerance(p: float, n: int) -> float:
    return 4 * math.sqrt(max(p * (1 - p), 0.01) / n) + 0.005


def _required_row(b: Future, data: SeriesData, start: int | None, ramp_years: int,
                  target: float, year: int, probability: float) -> dict[str, Any]:
    """The solved extra growth of one series for one target (status and reason included)."""
    s_eff = effective_start(start, b.last_year)
    row: dict[str, Any] = {
        "requested_start": start, "start": s_eff, "last_year": b.last_year, "last_share": data.last_share,
        "recent_pp_per_year": recent_pace(data.years, data.shares), "status": "ok",
    }
    if start is not None and start > year:
        return {**row, "status": "no_years",
                "reason": f"start {start} is after the target year {year}"}
    if year <= b.last_year:
        return {**row, "status": "observed",
                "reason": f"target year {year} is not after the last observation used "
                          f"({b.last_year}); nothing to solve"}
    reason = []
    if start is not None and s_eff != start:
        reason.append(f"start {start} is not after the last observation used ({b.last_year}); "
                      f"extra growth counted from {s_eff}")
    shift = solve_shift(b, year, target, probability)
    w = float(ramp_weights(np.array([year]), s_eff, ramp_years)[0])
    p_chk, med_chk = _verify(b, year, shift, target)
    row.update(baseline_median=float(b.quantiles([year], [0.5])[0, 0]),
               baseline_p_target=float(b.prob_at_least([year], [target])[0]),
               shift_pp=100 * shift, extra_pp_per_year=100 * shift / w, p_check=p_chk,
               median_check=med_chk)
    if shift < 0:
        reason.append("the base alone overshoots the target (negative extra growth)")
    if abs(p_chk - probability) > _mc_tolerance(probability, b.n_paths):
        reason.append(f"re-simulated probability {p_chk:.3f} differs from {probability:.3f} by "
                      "more than simulation noise")
    return {**row, "reason": "; ".join(reason)}


def required_table(series: pd.DataFrame, *, target: Any, year: int, start: int | None,
                   probability: float, models: Any, as_of: int | None, ramp_years: int,
                   base: str, seed: int, n_paths: int, horizon: int,
                   progress: bool | None, late_start: str) -> pd.DataFrame:
    """:func:`required_acceleration`; ``late_start="status"`` gives a start after a target
    year a ``no_years`` row instead of an error (for tables over several starts)."""
    tgt = resolve_target(target, year=year, what="required_acceleration")
    model_objs = base_models(base, resolve_models(models))
    info = as_of if as_of is not None else (start - 1 if start is not None else None)
    end = max(horizon, year, *(tgt["year"].dropna().astype(int) if isinstance(
        tgt, pd.DataFrame) else []))
    eng = Engine(series, seed, n_paths, end)
    split = eng.split(info)
    if isinstance(split, Skip):
        raise TpNoDataError(f"required_acceleration: no series has data up to as_of={info} "
                            f"({split.reason})")
    rows: list[dict[str, Any]] = []
    for key, data in progress_bar(split.data.items(), total=len(split.data),
                                  desc="required_acceleration", progress=progress):
        goals = goals_for(tgt, key, year=None if isinstance(tgt, pd.DataFrame) else year)
        if not goals:
            rows += [skip_row(key, m.name, "no_target", "no target applies to this series")
                     for m in model_objs]
            continue
        for m in model_objs:
            b = eng.future(info, key, m)
            if isinstance(b, Skip):
                rows.append(skip_row(key, m.name, b.status, b.reason, as_of=info))
                continue
            for g in goals:
                if late_start == "raise" and start is not None and start > g.year:
                    raise ScenarioFieldError(
                        "required_acceleration", "start", f"start {start} is after the target "
                        f"year {g.year} (series {series_label(key)})",
                        f"a start year up to {g.year}")
                rows.append({**dict(zip(KEY, key, strict=True)), "model": m.name,
                             "model_used": b.fitted.model_used, "base": base,
                             "target": g.target, "target_year": g.year,
                             "ramp_years": ramp_years, "as_of": info,
                             "probability": probability, "target_kind": g.kind,
                             "target_source": g.source,
                             **_required_row(b, data, start, ramp_years, g.target, int(g.year),
                                             probability)})
    extra = ["target_kind", "target_source"] if isinstance(tgt, pd.DataFrame) else []
    out = typed(pd.DataFrame(rows, columns=[*_REQUIRED_COLS, *extra, "status", "reason"]))
    warn_moved_start("required_acceleration", out)
    warn_skipped("required_acceleration", out, results={"ok"})
    return out


def required_acceleration(
    series: pd.DataFrame,
    *,
    target: float | pd.DataFrame | str = TARGET,
    year: int = TARGET_YEAR,
    start: int | None = START,
    probability: float = 0.5,
    models: str | Sequence[str] = DEFAULT_MODEL,
    as_of: int | None = None,
    ramp_years: int = 0,
    base: str = "trend",
    seed: int = SEED,
    n_paths: int = N_PATHS,
    horizon: int = HORIZON,
    region: str | Sequence[str] | None = None,
    levels: str | Sequence[str] | None = None,
    progress: bool | None = None,
) -> pd.DataFrame:
    """Extra points per year from ``start`` that give P(share in ``year`` >= target) = p.

    Information set: by default the data up to ``start - 1`` (what was known when the
    acceleration would have started: ``start=2016`` uses data up to 2015/16); ``as_of``
    overrides it. Extra growth never applies to observed years: if the last observation used is
    ``start`` or later, it counts from the year after it (column ``start``).

    Parameters
    ----------
    series
        Series frame (``load_series()`` layout).
    target
        A fraction in (0, 1); a targets frame (``load_targets()`` layout; each series uses its
        matching rows and their years); or ``"targets"`` for the bundled targets.
    year
        Target year (start year of the school year; 2020 = 2020/21); with a targets frame the
        rows' years are used.
    start
        First year of the extra growth; None: the year after each series' last observation.
    probability
        Probability of being at or above the target in the target year (0.5: the median lands
        on the target).
    models
        Trend model name(s) for ``base="trend"``.
    as_of
        Last data year used (default ``start - 1``; all data when ``start`` is None).
    ramp_years
        Years to reach the full extra growth (linear ramp, see :class:`Scenario`).
    base
        ``"trend"`` or ``"last"`` (extra growth on top of a flat future).
    seed, n_paths, horizon
        Simulation settings (stable per-series seeds; paths up to ``horizon``).
    region, levels
        Keep only the series of these regions and levels (one name or several; None: all);
        a name the frame does not hold is an error naming what exists
        (:func:`~tpforecast.forecasting.selection.selected`).
    progress
        Progress bar (default: only in an interactive terminal outside CI).

    Returns
    -------
    pandas.DataFrame
        One row per series, model and target: ``indicator, level, region, sex, model,
        model_used, base, target, target_year, start`` (first year of extra growth),
        ``ramp_years, as_of, probability, last_year, last_share, baseline_median`` (median
        share in the target year without extra growth), ``baseline_p_target`` (probability of
        reaching the target without it), ``shift_pp`` (extra points in the target year),
        ``extra_pp_per_year`` (extra points per year on top of the base; negative: the base
        alone overshoots), ``recent_pp_per_year`` (OLS slope of the latest observations used),
        ``p_check`` and ``median_check`` (re-simulated), ``status`` (``observed``: the target
        year is already observed, nothing to solve) and ``reason``; with a targets frame also
        ``target_kind`` and ``target_source``.

    Raises
    ------
    TpScenarioError
        ``start`` after the target year, a negative ramp, an unknown base (naming the scenario
        ``required_acceleration`` and the field).
    TpModelError
        Bad series input, unknown models, a target outside (0, 1), a probability outside
        (0, 1).

    Examples
    --------
    >>> import tpforecast as tp
    >>> tp.required_acceleration(tp.load_series(), target=0.40, year=2020,
    ...                          start=2016)  # doctest: +SKIP
    """
    series = selected(series, region=region, levels=levels, what="required_acceleration")
    p, year, start, as_of, seed, n_paths, horizon = check_options(
        probability=probability, year=year, start=start, as_of=as_of, seed=seed,
        n_paths=n_paths, horizon=horizon)
    is_frame = isinstance(target, pd.DataFrame | str)
    # checks ramp, base, start vs a fixed target year (naming the scenario and field)
    Scenario("required_acceleration", start=start, ramp_years=ramp_years, base=base,
             solve=Solve("targets" if is_frame else float(resolve_target(target)),
                         None if is_frame else year, p))
    return required_table(series, target=target, year=year, start=start, probability=p,
                          models=models, as_of=as_of,
                          ramp_years=ramp_years, base=base, seed=seed, n_paths=n_paths,
                          horizon=horizon, progress=progress, late_start="raise")


def years_to_target(
    series: pd.DataFrame,
    *,
    extra_pp_per_year: float | Mapping[str, float] = PACE,
    start: int | None = None,
    target: float | pd.DataFrame | str = TARGET,
    base: str = "trend",
    ramp_years: int = 0,
    models: str | Sequence[str] = DEFAULT_MODEL,
    as_of: int | None = None,
    seed: int = SEED,
    n_paths: int = N_PATHS,
    horizon: int = HORIZON,
    region: str | Sequence[str] | None = None,
    levels: str | Sequence[str] | None = None,
    progress: bool | None = None,
) -> pd.DataFrame:
    """The first year the target is reached, given extra growth from ``start`` (mirror question).

    Parameters
    ----------
    series
        Series frame.
    extra_pp_per_year
        Extra points per year on top of the base (a mapping per level allowed).
    start
        First year of the extra growth; None: the year after each series' last observation.
    target
        A fraction, a targets frame or ``"targets"`` (each series' most specific target).
    base
        ``"trend"`` (on top of the model trend) or ``"last"`` (on top of a flat future: with
        ``extra_pp_per_year=1`` this is the observed pace of one point per year).
    ramp_years, models, as_of, seed, n_paths
        As in :func:`required_acceleration` (``as_of`` default: all data).
    horizon
        Last year looked at.
    region, levels
        Keep only the series of these regions and levels (one name or several; None: all);
        a name the frame does not hold is an error naming what exists
        (:func:`~tpforecast.forecasting.selection.selected`).
    progress
        Progress bar.

    Returns
    -------
    pandas.DataFrame
        ``indicator, level, region, sex, model, model_used, base, extra_pp_per_year, start,
        ramp_years, as_of, target, last_year, last_share, first_year, first_year_lo,
        first_year_hi, at_target_since, last_year_at_target, status, reason``: the
        ``first_year`` definition of :func:`~tpforecast.forecasting.reachability` over the
        scenario's simulated paths (with zero extra growth and the same model, seed and data
        the two agree exactly). NA when not reached by ``horizon``.
    """
    series = selected(series, region=region, levels=levels, what="years_to_target")
    start, as_of, horizon = check_options(start=start, as_of=as_of, horizon=horizon)
    scn = Scenario("years_to_target", start=start, extra_pp_per_year=extra_pp_per_year,
                   ramp_years=ramp_years, base=base)
    tgt = resolve_target(target)
    model_objs = base_models(base, resolve_models(models))
    eng = Engine(series, seed, n_paths, max(HORIZON, horizon))  # one grid: same paths
    split = eng.split(as_of)
    if isinstance(split, Skip):
        raise TpModelError(f"years_to_target: {split.reason}")
    rows: list[dict[str, Any]] = []
    for key, data in progress_bar(split.data.items(), total=len(split.data),
                                  desc="years_to_target", progress=progress):
        if not scn.applies_to(key[1], key[2]):
            continue
        goals = goals_for(tgt, key, one=True)
        for m in model_objs:
            b = eng.future(as_of, key, m) if goals else Skip("no_target", "no target applies")
            if isinstance(b, Skip):
                rows.append(skip_row(key, m.name, b.status, b.reason, as_of=as_of))
                continue
            rows.append(_years_row(b, data, key, m.name, scn, goals[0].target, as_of, horizon))
    cols = [*KEY, "model", "model_used", "base", "extra_pp_per_year", "requested_start",
            "start", "ramp_years", "as_of", "target", "last_year", "last_share", "first_year",
            "first_year_lo", "first_year_hi", "at_target_since", "last_year_at_target",
            "status", "reason"]
    out = typed(pd.DataFrame(rows, columns=cols))
    warn_moved_start("years_to_target", out)
    warn_skipped("years_to_target", out)
    return out


def _years_row(b: Future, data: SeriesData, key: tuple[str, ...], model: str, scn: Scenario,
               target: float, as_of: int | None, horizon: int) -> dict[str, Any]:
    """First passage over the shifted paths of one series (the reachability definition)."""
    s_eff = effective_start(scn.start, b.last_year)
    extra = scn.extra_for(key[1])
    years = np.arange(b.last_year + 1, horizon + 1)
    shift = extra / 100 * ramp_weights(years, s_eff, scn.ramp_years, scn.end)
    paths = np.clip(b.paths_for(years) + shift[None, :], 0.0, 1.0)
    row = {**dict(zip(KEY, key, strict=True)), "model": model,
           "model_used": b.fitted.model_used, "base": scn.base,  # type: ignore[union-attr]
           "extra_pp_per_year": extra, "requested_start": scn.start, "start": s_eff, "ramp_years": scn.ramp_years,
           "as_of": as_of, "target": target, "last_year": b.last_year,
           "last_share": data.last_share, "status": "ok",
           **first_passage(data.years, data.shares, years, paths, target)}
    reason = reason_text(row)
    if pd.isna(row["first_year"]):
        reason = "; ".join(x for x in (reason, f"not reached by {horizon} on most paths") if x)
    return {**row, "reason": reason}
