"""The headline (stage 6): which series are the headline, and the headline table per level.

:func:`headline_series` is the one headline selection of the library (the report, the command
line and the notebooks call it); :func:`headline_table` answers, per level, where the share
stands, whether the target was reachable as seen at the study's ``as_of``, what happened, the
extra growth it needed, and, on all data, the probability of being at or above the target in
a later year (:func:`~tpforecast.forecasting.probability_by_year`): in ``study.until`` and the
first year in which it is 50% or more. That is a probability per year, never a forecast of the
year the target is reached. The table is tidy (study settings are columns);
:func:`tpforecast.report.tables.headline_display` formats it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from tpforecast.errors import NothingComputedError, TpNoDataError
from tpforecast.forecasting import first_year_with, probability_by_year, reachability
from tpforecast.forecasting.selection import (
    HEADLINE_LEVELS,
    NATIONAL,
    as_names,
    headline_series,
    role_indicators,
    selected,
)
from tpforecast.forecasting.series import typed
from tpforecast.forecasting.targets import goals_for, own_target_series, resolve_target
from tpforecast.formatting import is_na
from tpforecast.models import DEFAULT_MODEL, get_model
from tpforecast.scenarios import required_acceleration
from tpforecast.study import DEFAULT_STUDY, Study

__all__ = ["HEADLINE_LEVELS", "headline_series", "headline_table", "levels_with_series",
           "role_indicators"]


def levels_with_series(series: pd.DataFrame, *, region: str = NATIONAL,
                       levels: Sequence[str] = HEADLINE_LEVELS) -> list[str]:
    """The levels of ``levels`` (in order) that have a headline series in ``region``: a
    notebook asks for the same levels in every region and gets those the region has (the
    provinces and landsdelen have no vmbo gl/tl NaSk series, for instance).

    Raises
    ------
    UnknownNameError, MissingDataError
        An unknown level or region (with a did-you-mean), or a region without any headline
        series.
    """
    selected(series, levels=levels, what="levels_with_series")  # unknown names are named
    have = set(headline_series(series, levels=None, region=region)["level"])
    return [lv for lv in as_names(levels, "levels") or [] if lv in have]


def _by_level(frame: pd.DataFrame) -> dict[str, pd.Series]:
    """First row per level of a runner's result."""
    return {str(r["level"]): r for _, r in frame.drop_duplicates("level").iterrows()}


def _computed(runner: Any, sub: pd.DataFrame, **kw: Any) -> pd.DataFrame:
    """A runner's result, or no rows when no level could be computed (a region whose series
    start after ``as_of``: each level's row then says too_short or no_data)."""
    try:
        return runner(sub, **kw)
    except (NothingComputedError, TpNoDataError):
        return pd.DataFrame(columns=["level"])


def _observed(rows: pd.DataFrame, year: int) -> float:
    v = rows.loc[(rows["year"] == year).to_numpy(dtype=bool, na_value=False), "share"].dropna()
    return float(v.iloc[0]) if len(v) else np.nan


def _reason(row: dict[str, Any], n_then: int, min_obs: int, req: pd.Series | None,
            study: Study, breaks: list[str]) -> str:
    """The headline row's reason, for people (rendered from its typed columns)."""
    parts = []
    if row["status"] in ("too_short", "no_data"):
        parts.append(f"as of {study.as_of}: {n_then} points, too few (the model needs "
                     f"{min_obs})")
    if req is not None and req["status"] not in ("ok", "observed"):
        parts.append(f"extra from {study.start}: {req['reason']}")
    if not pd.isna(row["at_target_since"]):
        parts.append(f"at or above target since {row['at_target_since']}")
    parts += [f"definition break ({b}) inside the series" for b in breaks]
    return "; ".join(parts)


def headline_table(
    series: pd.DataFrame,
    *,
    targets: pd.DataFrame | None = None,
    study: Study = DEFAULT_STUDY,
    levels: Sequence[str] = HEADLINE_LEVELS,
    models: str = DEFAULT_MODEL,
    region: str | Sequence[str] = NATIONAL,
) -> pd.DataFrame:
    """The headline table per level: where it stands, was the target reachable, what happened.

    For each level's headline series (:func:`headline_series`): the latest observation; the
    probability of ``study.target`` in ``study.target_year`` with the data up to
    ``study.as_of`` (:func:`~tpforecast.forecasting.reachability`); the shares published for
    the target year and the year before; the extra points per year from ``study.start`` that
    would have put the median on the target (:func:`~tpforecast.scenarios.required_acceleration`,
    data up to ``start - 1``); with all data (:func:`~tpforecast.forecasting.probability_by_year`)
    the probability of being at or above the target in ``study.until`` and the first year up
    to ``study.horizon`` in which that probability is 50% or more; the level's own target
    (goal or ambition) from ``targets`` and the probability of reaching it, as of
    ``study.as_of``.

    Parameters
    ----------
    series
        Series frame.
    targets
        Targets frame; default :func:`~tpforecast.data.loaders.load_targets`.
    study
        The study settings (target, years, seed, paths).
    levels
        Levels, in table order.
    models
        One trend model.
    region
        Region(s): each level's headline series of the region
        (:func:`~tpforecast.report.headline_series`; regions other than NL: the DUO series on
        the monitor's scale, by institution location), judged against the region's own
        targets.

    Returns
    -------
    pandas.DataFrame
        One row per region and level: ``level, region, indicator, last_year, last_share,
        target, target_year, as_of, start, until, horizon, model, model_used, p_target,
        status`` (of the "as of" question: ``too_short`` when the level had too few points),
        ``observed_year_before, observed_target_year, extra_pp_per_year``, ``p_until``
        (P(share >= target) in ``until``, all data), ``first_likely_year`` (first year after
        the last observation with that probability >= 50%, NA when none by ``horizon`` or when
        already at the target), ``at_target_since`` (the latest observation is at or above the
        target since then), ``p_horizon`` (the probability in ``horizon``), ``likely_status``,
        ``own_target, own_target_year, own_target_kind, own_target_source,
        own_target_scope`` (``region``; ``national``: the national level ambition, where the
        region has no target of its own for the level), ``own_target_status,
        own_target_now_status`` (``observed`` where the target year is observed) (the level's own
        target in the region: the first in ``targets`` that applies), ``p_own_target`` (as of
        ``study.as_of``), ``p_own_target_now`` (all data), ``reason``. A level without a
        headline series has status ``no_data``; a level without an own target has NA
        own-target columns.
    """
    from tpforecast.data.loaders import load_targets

    targets = load_targets() if targets is None else targets
    frames = [_region_table(series, name, targets, study, levels, models)
              for name in as_names(region, "region") or [NATIONAL]]
    return typed(pd.concat(frames, ignore_index=True))


def _region_table(series: pd.DataFrame, region: str, targets: pd.DataFrame, study: Study,
                  levels: Sequence[str], models: str) -> pd.DataFrame:
    """The rows of :func:`headline_table` of one region."""
    sub = headline_series(series, levels=levels, region=region)
    kw = {"models": models, "seed": study.seed, "n_paths": study.n_paths, "progress": False}
    goal = {"target": study.target, "year": study.target_year}
    own = own_target_series(sub, targets)
    prob = _computed(probability_by_year, sub, target=study.target, until=study.horizon, **kw)
    results = {
        "then": _by_level(_computed(reachability, sub, **goal, as_of=study.as_of, **kw)),
        "extra": _by_level(_computed(required_acceleration, sub, **goal, start=study.start,
                                     **kw)),
        "likely": _by_level(first_year_with(prob)) if len(prob) else {},
        "until": _by_level(prob.loc[(prob["year"] == study.until).to_numpy(
            dtype=bool, na_value=False)]) if len(prob) else {},
        "own": {}, "own_now": {},
    }
    if len(own):
        results["own"] = _by_level(_computed(reachability, own, target=targets,
                                             as_of=study.as_of, **kw))
        results["own_now"] = _by_level(_computed(reachability, own, target=targets, **kw))
    rows = [_level_row(lv, sub, results, study, models) for lv in levels]
    # whose target: the region's own, or the national level ambition standing in (the one
    # matcher, goals_for, asked without its national stand-in)
    frame_targets = resolve_target(targets)
    for row in rows:
        key = (row["indicator"], row["level"], region, "all")
        row["own_target_scope"] = ("" if is_na(row["own_target"]) else "region"
                                   if goals_for(frame_targets, key, national=False)
                                   else "national")
    frame = pd.DataFrame(rows)
    frame.insert(1, "region", region)
    return frame


def _level_row(level: str, sub: pd.DataFrame, results: dict[str, dict[str, pd.Series]],
               study: Study, models: str) -> dict[str, Any]:
    """One row of :func:`headline_table`."""
    row: dict[str, Any] = {
        "level": level, "indicator": "", "last_year": pd.NA, "last_share": np.nan,
        "target": study.target, "target_year": study.target_year, "as_of": study.as_of,
        "start": study.start, "until": study.until, "horizon": study.horizon, "model": models,
        "model_used": "", "p_target": np.nan, "status": "no_data",
        "observed_year_before": np.nan, "observed_target_year": np.nan,
        "extra_pp_per_year": np.nan, "p_until": np.nan, "first_likely_year": pd.NA,
        "at_target_since": pd.NA, "p_horizon": np.nan, "likely_status": "no_data",
        "own_target": np.nan, "own_target_year": pd.NA, "own_target_kind": "",
        "own_target_source": "", "p_own_target": np.nan, "p_own_target_now": np.nan,
        "own_target_status": "", "own_target_now_status": "",
        "reason": "no headline series with shares"}
    g = sub.loc[(sub["level"] == level).to_numpy()].sort_values("year")
    if g.empty:
        return row
    then, likely = results["then"].get(level), results["likely"].get(level)
    req, own = results["extra"].get(level), results["own"].get(level)
    row.update(indicator=str(g["indicator"].iloc[0]), last_year=int(g["year"].iloc[-1]),
               last_share=float(g["share"].iloc[-1]),
               observed_year_before=_observed(g, study.target_year - 1),
               observed_target_year=_observed(g, study.target_year))
    n_then = int((g["year"] <= study.as_of).sum())
    if then is not None:
        row.update(model_used=then["model_used"], p_target=then["p_target"],
                   status=then["status"])
    else:
        row["status"] = "too_short" if n_then else "no_data"
    if req is not None:
        row["extra_pp_per_year"] = req["extra_pp_per_year"]
    if likely is not None:
        row.update(first_likely_year=likely["first_likely_year"], p_horizon=likely["p_until"],
                   at_target_since=likely["at_target_since"], likely_status=likely["status"])
    until = results["until"].get(level)
    if until is not None:
        row["p_until"] = until["p_target"]
    own_now = results["own_now"].get(level)
    for r, p_col in ((own_now, "p_own_target_now"), (own, "p_own_target")):
        if r is not None and r["status"] != "no_target":
            row.update(own_target=r["target"], own_target_year=r["target_year"],
                       own_target_kind=r["target_kind"], own_target_source=r["target_source"])
            row[p_col] = r["p_target"]
            row[p_col.replace("p_", "", 1) + "_status"] = r["status"]
    flags = ";".join(g["flags"].fillna("").astype(str)) if "flags" in g else ""
    breaks = sorted({t.split(":", 1)[1] for t in flags.split(";") if t.startswith("pre_break:")})
    row["reason"] = _reason(row, n_then, get_model(models).min_obs, req, study, breaks)
    return row
