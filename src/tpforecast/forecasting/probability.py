"""``probability_by_year``: per series and year, the probability that the share is at or
above a target (stage 3), and the first year in which that probability reaches a level.

These are the honest readings of "when is the target reached": a probability per year, not
a year. :func:`first_year_with` gives the first year with ``P >= 50%`` (by default): the year
from which on the target is more likely reached than not *in that year*. It is not a forecast
of the year the target is first reached (a first-passage year), which comes earlier on noisy
paths and says nothing about staying there.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from tpforecast.forecasting.forecast import nothing_computed
from tpforecast.forecasting.future import Future
from tpforecast.forecasting.series import (
    KEY,
    fit_models,
    progress_bar,
    resolve_models,
    skip_row,
    split_series,
    typed,
    warn_skipped,
)
from tpforecast.forecasting.targets import goals_for, resolve_target
from tpforecast.models import DEFAULT_MODEL
from tpforecast.options import check_options, checked
from tpforecast.study import HORIZON, N_PATHS, SEED, TARGET

__all__ = ["first_year_with", "probability_by_year"]

_RESULTS = ("ok", "observed", "not_observed")


def _goal_columns(goal: Any, as_of: int | None, is_frame: bool) -> dict[str, Any]:
    cols = {"target": goal.target, "target_year": goal.year if is_frame else pd.NA,
            "as_of": as_of}
    return {**cols, "target_kind": goal.kind, "target_source": goal.source} if is_frame else cols


def _observed_rows(years: np.ndarray, shares: np.ndarray, target: float) -> pd.DataFrame:
    """Every year from the first to the last observation: 1/0 where observed, NA between."""
    span = np.arange(int(years[0]), int(years[-1]) + 1)
    seen = dict(zip(years.astype(int), shares, strict=True))
    p = [float(seen[y] >= target) if y in seen else np.nan for y in span]
    status = ["observed" if y in seen else "not_observed" for y in span]
    return pd.DataFrame({"year": span, "p_target": p, "status": status})


def probability_by_year(
    series: pd.DataFrame,
    *,
    target: float | pd.DataFrame | str = TARGET,
    until: int = HORIZON,
    models: str | Sequence[str] = DEFAULT_MODEL,
    as_of: int | None = None,
    seed: int = SEED,
    n_paths: int = N_PATHS,
    progress: bool | None = None,
) -> pd.DataFrame:
    """P(share at or above the target) per series and year, up to ``until``.

    Parameters
    ----------
    series
        Series frame (``load_series()`` layout).
    target
        A fraction in (0, 1) for every series; a targets frame (``load_targets()`` layout:
        each series gets its matching goals and ambitions, one block of rows each, with
        ``target_year``, ``target_kind`` and ``target_source``); or ``"targets"`` for the
        bundled targets.
    until
        Last year (start year of the school year); default the study's horizon (2040).
    models
        Model name(s).
    as_of
        Use only observations with ``year <= as_of``; later years are forecast.
    seed, n_paths
        Simulation settings (models without a closed form; per-series stable seeds).
    progress
        Progress bar (default: only in an interactive terminal outside CI).

    Returns
    -------
    pandas.DataFrame
        One row per series, model, target and year from the first observation (up to
        ``as_of``) to ``until``: ``indicator, level, region, sex, model, model_used, target,
        target_year, as_of, year, p_target, status, reason``. ``p_target`` is the probability
        that the share in ``year`` is at or above ``target``: from the model after the last
        observation (``status`` ``ok``); **1 or 0 in an observed year** (``observed``: the
        observation is or is not at the target; no uncertainty is put on published values);
        NA in a year between observations without a value (``not_observed``). A series a
        model cannot fit is one row with ``year`` NA and its ``status``.

    Examples
    --------
    >>> import tpforecast as tp
    >>> nl = tp.headline_series(tp.load_series())  # doctest: +SKIP
    >>> tp.probability_by_year(nl, target=0.40, until=2030)  # doctest: +SKIP
    """
    model_objs = resolve_models(models)
    until, as_of, seed, n_paths = check_options(until=until, as_of=as_of, seed=seed,
                                                n_paths=n_paths)
    tgt = resolve_target(target)
    is_frame = isinstance(tgt, pd.DataFrame)
    split = split_series(series, as_of)
    rows: list[dict[str, Any]] = [{**s, "model": m.name, **_goal_columns(g, as_of, is_frame)}
                                  for s in split.skipped for m in model_objs
                                  for g in goals_for(tgt, tuple(s[c] for c in KEY))]
    parts: list[pd.DataFrame] = []
    for key, data in progress_bar(split.data.items(), total=len(split.data),
                                  desc="probability_by_year", progress=progress):
        goals = goals_for(tgt, key)
        if not goals:
            rows += [skip_row(key, m.name, "no_target", "no target applies to this series",
                              as_of=as_of) for m in model_objs]
            continue
        fits, failed = fit_models(model_objs, key, data)
        rows += [{**s, **_goal_columns(g, as_of, is_frame)} for s in failed for g in goals]
        future_years = np.arange(data.last_year + 1, until + 1)
        for name, fitted in fits.items():
            future = Future.of_model(fitted, key, seed=seed, n_paths=n_paths,
                                     end=max(until, data.last_year + 1))
            for g in goals:
                block = _observed_rows(data.years, data.shares, g.target)
                if future_years.size:
                    p = future.prob_at_least(future_years, np.full(future_years.size, g.target))
                    block = pd.concat([block, pd.DataFrame(
                        {"year": future_years, "p_target": p, "status": "ok"})])
                block = block.loc[(block["year"] <= until).to_numpy()]
                parts.append(block.assign(**dict(zip(KEY, key, strict=True)), model=name,
                                          model_used=fitted.model_used,
                                          **_goal_columns(g, as_of, is_frame), reason=""))
    if not parts:
        raise nothing_computed("probability_by_year", rows)
    extra = ["target_kind", "target_source"] if is_frame else []
    cols = [*KEY, "model", "model_used", "target", "target_year", "as_of", *extra, "year",
            "p_target", "status", "reason"]
    out = typed(pd.concat([*parts, pd.DataFrame(rows)], ignore_index=True).reindex(
        columns=cols))
    warn_skipped("probability_by_year", out, results=_RESULTS)
    return out.sort_values([*KEY, "model", "target", "year"], ignore_index=True,
                           na_position="first")


def first_year_with(probabilities: pd.DataFrame, *, probability: float = 0.5) -> pd.DataFrame:
    """Per series, model and target of :func:`probability_by_year`: the first forecast year
    with ``P >= probability``, and where the series stands.

    Parameters
    ----------
    probabilities
        Output of :func:`probability_by_year`.
    probability
        The level (default 0.5: more likely than not).

    Returns
    -------
    pandas.DataFrame
        ``indicator, level, region, sex, model, target`` (and ``target_kind`` when given),
        ``last_year`` (last observation), ``at_target`` (the last observation is at or above
        the target), ``at_target_since`` (first year of that current spell),
        ``first_likely_year`` (first year after the last observation with ``P >= probability``; NA when none up to
        the last year of the table, or when already at the target), ``until`` (that last
        year), ``p_until`` (P in it), ``status`` (``ok``, or the status of a series without
        probabilities).
    """
    p_level = checked("probability", probability)
    by = [*KEY, "model", "target", *(["target_kind"] if "target_kind" in probabilities else [])]
    rows = []
    for key, g in probabilities.groupby(by, sort=False, dropna=False):
        g = g.sort_values("year")
        base = dict(zip(by, key, strict=True))
        obs = g.loc[(g["status"] == "observed").to_numpy()]
        fut = g.loc[(g["status"] == "ok").to_numpy()]
        if obs.empty:
            rows.append({**base, "status": str(g["status"].iloc[0])})
            continue
        at = obs["p_target"].to_numpy(dtype=float) >= 0.5
        since = pd.NA
        if at[-1]:
            below = np.nonzero(~at)[0]
            since = int(obs["year"].iloc[below[-1] + 1] if below.size else obs["year"].iloc[0])
        likely = fut.loc[(fut["p_target"].astype(float) >= p_level).to_numpy()]
        rows.append({**base, "last_year": int(obs["year"].iloc[-1]), "at_target": bool(at[-1]),
                     "at_target_since": since,
                     "first_likely_year": (pd.NA if at[-1] or likely.empty
                                           else int(likely["year"].iloc[0])),
                     "until": int(g["year"].max()),
                     "p_until": float(g["p_target"].iloc[-1]), "status": "ok"})
    out = pd.DataFrame(rows, columns=[*by, "last_year", "at_target", "at_target_since",
                                      "first_likely_year", "until", "p_until", "status"])
    return typed(out.assign(at_target=out["at_target"].astype("boolean")))
