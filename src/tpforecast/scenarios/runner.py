"""``run_scenarios``: scenarios side by side on every series they apply to (stage 4).

The information set of a scenario: ``run_scenarios(as_of=...)`` cuts the data for all
scenarios; a scenario's own ``as_of`` overrides it; a solved scenario with a ``start`` and no
``as_of`` uses the data up to ``start - 1`` (what was known when the acceleration would have
started). Solved scenarios end, by default, in their target year, and a series already on
track gets no extra growth (never a deceleration; ``required_acceleration`` reports the signed
slack).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from tpforecast.errors import TpScenarioError
from tpforecast.forecasting.entrants import population
from tpforecast.forecasting.future import Future
from tpforecast.forecasting.selection import selected, with_headline_entrants
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
from tpforecast.models import DEFAULT_MODEL, get_model, interval_probs
from tpforecast.options import check_options
from tpforecast.scenarios.engine import (
    LAST_MODEL,
    Engine,
    Skip,
    effective_start,
    ramp_weights,
    warn_moved_start,
)
from tpforecast.scenarios.loading import load_scenarios
from tpforecast.scenarios.solver import solve_shift
from tpforecast.scenarios.spec import Scenario, ScenarioFieldError
from tpforecast.study import HORIZON, INTERVALS, N_PATHS, SEED, TARGET, UNTIL

__all__ = ["ScenarioClipWarning", "run_scenarios"]


class ScenarioClipWarning(UserWarning):
    """A scenario pushed shares outside [0, 1]; they were clipped (column ``clipped``)."""


def _coerce_scenarios(scenarios: Any) -> list[Scenario]:
    if scenarios is None:
        return load_scenarios()
    if isinstance(scenarios, str | Path):
        return load_scenarios(scenarios)
    if isinstance(scenarios, Scenario):
        return [scenarios]
    out = list(scenarios)
    for s in out:
        if not isinstance(s, Scenario):
            raise TpScenarioError(f"expected Scenario objects (or a YAML path); got {s!r}")
    names = [s.name for s in out]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise ScenarioFieldError(dup[0], "name", "used by more than one scenario in the run")
    if not out:
        raise TpScenarioError("no scenarios given")
    return out


def _check_known(scn: Scenario, series: pd.DataFrame) -> None:
    """Unknown levels / regions of a scenario, against the levels and regions in the data."""
    levels = set(series["level"].dropna().astype(str))
    regions = set(series["region"].dropna().astype(str))
    checks: list[tuple[str, Iterable[str], set[str], str]] = [
        ("levels", scn.levels or (), levels, "level"),
        ("regions", scn.regions or (), regions, "region"),
    ]
    if isinstance(scn.extra_pp_per_year, Mapping):
        checks.append(("extra_pp_per_year", scn.extra_pp_per_year, levels, "level"))
    for fld, wanted, known, what in checks:
        unknown = [w for w in wanted if w not in known]
        if unknown:
            shown = ", ".join(sorted(known)[:30]) + (" ..." if len(known) > 30 else "")
            raise ScenarioFieldError(scn.name, fld, f"unknown {what} {unknown[0]!r} (not in the "
                                     "series)", f"one of: {shown}")


def _solve_for(scn: Scenario, tgt: pd.DataFrame | float, b: Future, key: tuple[str, ...],
               s_eff: int) -> float | Skip:
    """Solved extra points per year of ``scn`` for one series, or why it cannot be."""
    assert scn.solve is not None
    goals = goals_for(tgt, key, year=scn.solve.year, one=True)
    if not goals:
        return Skip("no_target", "no target for this series in the targets file")
    t, year = goals[0].target, int(goals[0].year)  # type: ignore[arg-type]
    if scn.start is not None and scn.start > year:
        raise ScenarioFieldError(scn.name, "start", f"start {scn.start} is after the target "
                                 f"year {year} of series {series_label(key)}",
                                 f"a start year up to {year}")
    if year <= b.last_year:
        return Skip("observed", f"target year {year} is not after the last observation used "
                                f"({b.last_year}); set as_of or start earlier")
    # the same weights as the shift applied in run_scenarios (which stops at ``end``)
    w = float(ramp_weights(np.array([year]), s_eff, scn.ramp_years, scn.end)[0])
    if w <= 0:
        return Skip("no_years", f"no year of extra growth between {s_eff} and the end "
                                f"{scn.end} (the last observation used is {b.last_year})")
    return 100 * solve_shift(b, year, t, scn.solve.probability) / w


def _shifted(scn: Scenario, b: Future, key: tuple[str, ...], years: np.ndarray,
             probs: list[float], t_val: float, solve_tgt: Any) -> dict[str, Any] | Skip:
    """Quantiles, P(target), extra growth and start of a shift or solved scenario."""
    s_eff = effective_start(scn.start, b.last_year)
    end = scn.end
    if scn.kind == "solve":
        solved = _solve_for(scn, solve_tgt, b, key, s_eff)
        if isinstance(solved, Skip):
            return solved
        extra = max(solved, 0.0)  # never a deceleration
        if end is None:
            end = goals_for(solve_tgt, key, year=scn.solve.year, one=True)[0].year  # type: ignore[union-attr]
    else:
        extra = scn.extra_for(key[1])
    shift = extra / 100 * ramp_weights(years, s_eff, scn.ramp_years, end)
    raw = b.quantiles(years, probs) + shift[None, :]
    p_t = b.prob_at_least(years, t_val - shift) if math.isfinite(t_val) \
        else np.full(years.size, np.nan)
    no_start = extra == 0 and scn.kind != "solve"
    return {"q": np.clip(raw, 0.0, 1.0), "p_target": p_t, "extra": extra,
            "start": None if no_start else s_eff, "requested_start": scn.start,
            "clipped": ((raw < 0) | (raw > 1)).any(axis=0)}


def _fixed_path(scn: Scenario, until: int, n_probs: int, t_val: float) -> dict[str, Any]:
    years = np.array([y for y in scn.path if y <= until], dtype=np.int64)  # type: ignore[union-attr]
    q = np.tile(np.array([scn.path[int(y)] for y in years]), (n_probs, 1))  # type: ignore[index]
    p_t = (q[0] >= t_val).astype(float) if math.isfinite(t_val) else np.full(years.size, np.nan)
    return {"years": years, "q": q, "p_target": p_t, "extra": math.nan,
            "start": int(years[0]) if years.size else None, "requested_start": min(scn.path),
            "clipped": np.zeros(years.size, dtype=bool)}


class _Students:
    """Extra students relative to the baseline trend of the same model and data (cached)."""

    def __init__(self, eng: Engine, end: int) -> None:
        self.eng, self.end = eng, end
        self._cache: dict[tuple[Any, ...], tuple[np.ndarray, str, np.ndarray, int]] = {}

    def __call__(self, info: int | None, key: tuple[str, ...], model: Any,
                 years: np.ndarray) -> tuple[np.ndarray, np.ndarray, str]:
        ck = (info, key, model.name)
        if ck not in self._cache:
            data = self.eng.split(info).data[key]  # type: ignore[union-attr]
            grid = np.arange(data.last_year + 1, self.end + 1)
            n_proj, how, known = population(self.eng.full.meta[key], grid)
            trend = self.eng.future(info, key, model)
            base_med = trend.quantiles(grid, [0.5])[0] if isinstance(trend, Future) \
                else np.full(grid.shape, np.nan)
            if known and isinstance(trend, Skip):
                how += f"; no baseline trend ({trend.reason})"
            self._cache[ck] = (n_proj, how, base_med, data.last_year)
        n_proj_all, how, base_med_all, last = self._cache[ck]
        idx = years - last - 1
        fut = idx >= 0
        n_proj, base_med = np.full(years.shape, np.nan), np.full(years.shape, np.nan)
        n_proj[fut], base_med[fut] = n_proj_all[idx[fut]], base_med_all[idx[fut]]
        return n_proj, base_med, how


def _warn_clipped(out: pd.DataFrame) -> None:
    clipped = out.loc[out["clipped"].fillna(False).to_numpy(dtype=bool)]
    if clipped.empty:
        return
    groups = list(clipped.groupby(["scenario", *KEY], sort=False)["year"])
    shown = "; ".join(f"{k[0]} {series_label(k[1:])}: {', '.join(map(str, y.astype(int)))}"
                      for k, y in groups[:4])
    more = f" (and {len(groups) - 4} more)" if len(groups) > 4 else ""
    warnings.warn(f"run_scenarios: shares outside [0, 1] were clipped for {shown}{more}; see the "
                  "column 'clipped'", ScenarioClipWarning, stacklevel=3)


def run_scenarios(
    series: pd.DataFrame,
    *,
    scenarios: Scenario | Sequence[Scenario] | str | Path | None = None,
    until: int = UNTIL,
    models: str | Sequence[str] = DEFAULT_MODEL,
    intervals: Sequence[int] = INTERVALS,
    as_of: int | None = None,
    target: float | pd.DataFrame | str = TARGET,
    seed: int = SEED,
    n_paths: int = N_PATHS,
    region: str | Sequence[str] | None = None,
    levels: str | Sequence[str] | None = None,
    progress: bool | None = None,
) -> pd.DataFrame:
    """Run scenarios on every series they apply to, up to ``until``.

    Parameters
    ----------
    series
        Series frame (``load_series()`` layout), e.g. the headline series of a region
        (their ``entrants`` give ``extra_students``; otherwise ``n_total``).
    scenarios
        Scenario objects, a YAML file, or None for the built-ins (:func:`load_scenarios`).
    until
        Last year (start year of the school year).
    models
        Trend model name(s) for ``base="trend"`` scenarios; ``base="last"`` uses ``naive``.
    intervals
        Central interval coverages in percent.
    as_of
        Last data year used by all scenarios (a scenario's own ``as_of`` wins).
    target
        For ``p_target``: a fraction, a targets frame or ``"targets"`` (per level).
    seed, n_paths
        Simulation settings (stable per-series seeds).
    region, levels
        Keep only the series of these regions and levels (one name or several; None: all);
        a name the frame does not hold is an error naming what exists
        (:func:`~tpforecast.forecasting.selection.selected`).
    progress
        Progress bar (default: only in an interactive terminal outside CI).

    Returns
    -------
    pandas.DataFrame
        One row per scenario, series, model and year after the last observation used up to
        ``until`` (for path scenarios: the path's years): ``scenario, indicator, level, region,
        sex, year, median, lo_<l>, hi_<l>``, ``p_target`` (probability of being at or above
        ``target`` that year), ``extra_students`` (additional technical pupils/entrants that
        year relative to the baseline trend of the same model and data: (scenario median -
        baseline median) x the entrants or pupils of that year: for headline series on the
        monitor's scale, else the series' own totals, known or projected by their own trend;
        NA without counts), ``model, model_used,
        base, as_of, requested_start`` (the scenario's ``start``), ``start`` (first year of
        extra growth: the requested one, or the year after the last observation used when that
        is later, with one :class:`~tpforecast.scenarios.ScenarioStartWarning`; NA without
        extra growth), ``extra_pp_per_year``
        (solved per series for solved scenarios), ``target, n_total_proj`` (the entrants or
        pupils used), ``n_total_projection`` (their basis, which years were known and how the
        others were projected), ``clipped`` (the shift
        pushed a quantile outside [0, 1]; it was clipped, with one
        :class:`ScenarioClipWarning` per run), ``status`` and ``reason``. A scenario/series
        pair that cannot be run is one row with ``year`` NA and its ``status``.

    Raises
    ------
    TpScenarioError
        A scenario names a level or region not in the series, a solved scenario starts after
        its target year, a ``path`` sets an observed year of a series it applies to, duplicate
        scenario names, scenarios that apply to no series.

    Warns
    -----
    SkippedSeriesWarning
        Once, naming the scenario/series pairs that could not be run (their rows have a
        ``status`` other than ``ok``).
    TpModelError
        Bad series input or options.
    """
    series = selected(with_headline_entrants(series), region=region, levels=levels,
                      what="run_scenarios")
    scns = _coerce_scenarios(scenarios)
    model_objs = resolve_models(models)
    intervals, until, as_of, seed, n_paths = check_options(
        intervals=intervals, until=until, as_of=as_of, seed=seed, n_paths=n_paths)
    probs, qcols = interval_probs(intervals)
    p_tgt = resolve_target(target)
    for scn in scns:
        _check_known(scn, series)
    solve_tgts = {s.name: resolve_target(s.solve.target) for s in scns if s.solve is not None}
    solve_years = [s.solve.year or int(solve_tgts[s.name]["year"].max()) for s in scns
                   if s.solve is not None and (s.solve.year or isinstance(solve_tgts[s.name],
                                                                          pd.DataFrame))]
    end = max(HORIZON, until, *solve_years)
    eng = Engine(series, seed, n_paths, end)
    students = _Students(eng, end)
    parts: list[pd.DataFrame] = []
    work = [(scn, key) for scn in scns for key in eng.full.data if scn.applies_to(key[1], key[2])]
    for scn, key in progress_bar(work, total=len(work), desc="scenarios", progress=progress):
        parts += _run_one(scn, key, eng, students, model_objs, as_of, until, probs, qcols,
                          p_tgt, solve_tgts.get(scn.name))
    if not parts:
        raise TpScenarioError(f"run_scenarios: the scenarios {', '.join(s.name for s in scns)} "
                              "apply to none of the series (see their levels and regions)")
    out = pd.concat(parts, ignore_index=True)
    if not (out["status"] == "ok").any():
        reasons = "; ".join(f"{r.scenario} {series_label([r.indicator, r.level, r.region, r.sex])}"
                            f": {r.reason}" for r in out.head(5).itertuples())
        raise TpScenarioError(f"run_scenarios: no scenario could be run ({reasons or 'no series'})")
    cols = ["scenario", *KEY, "year", *qcols, "p_target", "extra_students", "model",
            "model_used", "base", "as_of", "requested_start", "start", "extra_pp_per_year",
            "target", "n_total_proj", "n_total_projection", "clipped", "status", "reason"]
    out = typed(out.reindex(columns=cols))
    _warn_clipped(out)
    warn_moved_start("run_scenarios", out)
    warn_skipped("run_scenarios", out, results={"ok"})
    return out


def _result(scn: Scenario, key: tuple[str, ...], b: Future | Skip, until: int,
            probs: list[float], t_val: float, solve_tgt: Any) -> dict[str, Any] | Skip:
    """The years, quantiles and extra growth of one scenario on one base future."""
    if scn.kind == "path":
        return _fixed_path(scn, until, len(probs), t_val)
    if isinstance(b, Skip):
        return b
    years = np.arange(b.last_year + 1, until + 1)
    if years.size == 0:
        return Skip("no_years", f"last observation {b.last_year} is not before until={until}")
    res = _shifted(scn, b, key, years, probs, t_val, solve_tgt)
    return res if isinstance(res, Skip) else {"years": years, **res}


def _run_one(scn: Scenario, key: tuple[str, ...], eng: Engine, students: _Students,
             model_objs: list, as_of: int | None, until: int, probs: list[float],
             qcols: list[str], p_tgt: Any, solve_tgt: Any) -> list[pd.DataFrame]:
    """The rows of one scenario on one series, for every model."""
    info = scn.info_as_of(as_of)
    split = eng.split(info)
    if isinstance(split, Skip) or key not in split.data:
        row = skip_row(key, "*", "no_data", f"no observation up to as_of={info}",
                       scenario=scn.name, as_of=info)
        return [pd.DataFrame([row])]
    if scn.kind == "path":
        _check_path_after(scn, key, split.data[key].last_year)
    # a solved scenario is judged against the target it solves for (e.g. mbo's 30% ambition)
    goal = (goals_for(solve_tgt, key, year=scn.solve.year, one=True) if scn.solve is not None
            else goals_for(p_tgt, key, one=True))
    t_val = goal[0].target if goal else math.nan
    parts = []
    for m in model_objs:
        on_trend = scn.base == "trend" or scn.kind == "path"
        b = eng.future(info, key, m if on_trend else get_model(LAST_MODEL))
        model_name = m.name if on_trend else LAST_MODEL
        res = _result(scn, key, b, until, probs, t_val, solve_tgt)
        if isinstance(res, Skip):
            parts.append(pd.DataFrame([skip_row(key, model_name, res.status, res.reason,
                                                scenario=scn.name, as_of=info)]))
        else:
            parts.append(_part(scn, key, res, b, m, model_name, info, t_val, qcols, students))
    return parts


def _check_path_after(scn: Scenario, key: tuple[str, ...], last_year: int) -> None:
    """A path never overwrites observations: its years must follow the last one used."""
    observed = [y for y in scn.path if y <= last_year]  # type: ignore[union-attr]
    if observed:
        raise ScenarioFieldError(
            scn.name, "path", f"year(s) {', '.join(map(str, observed))} are observed for series "
            f"{series_label(key)} (data used up to {last_year}); a path would overwrite them",
            f"path years after {last_year}, or limit the scenario with levels/regions, or set "
            f"as_of before {min(observed)}")


def _part(scn: Scenario, key: tuple[str, ...], res: dict[str, Any], b: Future | Skip, m: Any,
          model_name: str, info: int | None, t_val: float, qcols: list[str],
          students: _Students) -> pd.DataFrame:
    """The rows of one scenario, series and model."""
    years = res["years"]
    part = pd.DataFrame({"scenario": scn.name, **dict(zip(KEY, key, strict=True)),
                         "year": years})
    for c, vals in zip(qcols, res["q"], strict=True):
        part[c] = vals
    n_proj, base_med, how = students(info, key, m, years)
    part["p_target"] = res["p_target"]
    part["extra_students"] = (part["median"].to_numpy() - base_med) * n_proj
    used = b.fitted.model_used if isinstance(b, Future) else ""  # type: ignore[union-attr]
    return part.assign(
        model=model_name, model_used=used, base="path" if scn.kind == "path" else scn.base,
        as_of=info, requested_start=res["requested_start"], start=res["start"],
        extra_pp_per_year=res["extra"],
        target=t_val, n_total_proj=n_proj, n_total_projection=how, clipped=res["clipped"],
        status="ok", reason="")
