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

from tpforecast.forecasting import first_year_with, probability_by_year, reachability
from tpforecast.forecasting.series import typed
from tpforecast.models import DEFAULT_MODEL, get_model
from tpforecast.scenarios import required_acceleration
from tpforecast.study import DEFAULT_STUDY, Study

__all__ = ["HEADLINE_LEVELS", "headline_series", "headline_table", "role_indicators"]

#: Levels of the headline table, in reading order (vo first, then the intake levels).
HEADLINE_LEVELS: tuple[str, ...] = ("vmbo_bb", "vmbo_kb", "vmbo_gltl", "havo", "vwo",
                                    "havo_vwo", "mbo", "hbo", "wo", "ho")

#: The region whose headline series are the monitor's canonical published figures.
NATIONAL = "NL"


def _isin(frame: pd.DataFrame, column: str, values: str | Sequence[str] | None) -> np.ndarray:
    if values is None:
        return np.ones(len(frame), dtype=bool)
    values = [values] if isinstance(values, str) else list(values)
    return frame[column].isin(values).to_numpy(dtype=bool, na_value=False)


def role_indicators(role: str = "regional_headline") -> dict[str, str]:
    """Per level, the series of a role in ``data/mappings/series_roles.csv``.

    ``regional_headline``: the series that stands for a region other than NL (the DUO series
    benchmarked to the monitor's scale); ``duo_basis``: the DUO series computed the same way
    for every region and NL. Levels without a series of that role are absent.
    """
    from tpforecast.data.tables import load_series_roles

    roles = load_series_roles()
    return {str(r["level"]): str(r[role]) for _, r in roles.iterrows() if r[role]}


def headline_series(
    series: pd.DataFrame,
    *,
    levels: Sequence[str] | None = HEADLINE_LEVELS,
    region: str | Sequence[str] | None = NATIONAL,
    sex: str | None = "all",
    with_share: bool = True,
) -> pd.DataFrame:
    """The headline series: per level the monitor's canonical published series for the
    Netherlands, and elsewhere the series named by ``data/mappings/series_roles.csv`` (the DUO
    series benchmarked to the monitor's scale, so a region is judged on the monitor's scale).

    Parameters
    ----------
    series
        Series frame (:func:`~tpforecast.data.loaders.load_series`).
    levels
        Level keys to keep, in this order (levels without a headline series are simply
        absent); None: all.
    region
        Region name(s) to keep (None: all).
    sex
        ``all``, ``female`` or ``male`` (None: all).
    with_share
        Drop count-only rows (no share).

    Returns
    -------
    pandas.DataFrame
        The rows, sorted by the order of ``levels``, indicator and year.
    """
    national = (series["region"] == NATIONAL).to_numpy(dtype=bool, na_value=False)
    canonical = series["canonical"].to_numpy(dtype=bool) & _isin(series, "origin", "published")
    regional = role_indicators("regional_headline")
    chosen = np.array([regional.get(lv) == ind for lv, ind
                       in zip(series["level"], series["indicator"], strict=True)], dtype=bool)
    m = np.where(national, canonical, chosen)
    m &= _isin(series, "region", region) & _isin(series, "sex", sex) & _isin(series, "level", levels)
    if with_share:
        m &= series["share"].notna().to_numpy()
    out = series.loc[m].copy()
    order = {lv: i for i, lv in enumerate(levels or pd.unique(out["level"]))}
    out["_o"] = out["level"].map(order)
    out = out.sort_values(["_o", "indicator", "region", "year"], kind="stable")
    return out.drop(columns="_o").reset_index(drop=True)


def _by_level(frame: pd.DataFrame) -> dict[str, pd.Series]:
    """First row per level of a runner's result."""
    return {str(r["level"]): r for _, r in frame.drop_duplicates("level").iterrows()}


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

    Returns
    -------
    pandas.DataFrame
        One row per level: ``level, indicator, last_year, last_share, target, target_year,
        as_of, start, until, horizon, model, model_used, p_target, status`` (of the "as of"
        question: ``too_short`` when the level had too few points), ``observed_year_before,
        observed_target_year, extra_pp_per_year``, ``p_until`` (P(share >= target) in
        ``until``, all data), ``first_likely_year`` (first year after the last observation
        with that probability >= 50%, NA when none by ``horizon`` or when already at the
        target), ``at_target_since`` (the latest observation is at or above the target since
        then), ``p_horizon`` (the probability in ``horizon``), ``likely_status``,
        ``own_target, own_target_year, p_own_target, reason``. A level without a headline
        series has status ``no_data``.
    """
    from tpforecast.data.loaders import load_targets

    targets = load_targets() if targets is None else targets
    sub = headline_series(series, levels=levels)
    kw = {"models": models, "seed": study.seed, "n_paths": study.n_paths, "progress": False}
    goal = {"target": study.target, "year": study.target_year}
    results = {}
    if len(sub):
        prob = probability_by_year(sub, target=study.target, until=study.horizon, **kw)
        results = {
            "then": _by_level(reachability(sub, **goal, as_of=study.as_of, **kw)),
            "own": _by_level(reachability(sub, target=targets, as_of=study.as_of, **kw)),
            "extra": _by_level(required_acceleration(sub, **goal, start=study.start, **kw)),
            "likely": _by_level(first_year_with(prob)),
            "until": _by_level(prob.loc[(prob["year"] == study.until).to_numpy(
                dtype=bool, na_value=False)]),
        }
    rows = [_level_row(lv, sub, results, study, models) for lv in levels]
    return typed(pd.DataFrame(rows))


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
        "own_target": np.nan, "own_target_year": pd.NA, "p_own_target": np.nan,
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
    row.update(model_used=then["model_used"], p_target=then["p_target"], status=then["status"])
    if req is not None:
        row["extra_pp_per_year"] = req["extra_pp_per_year"]
    if likely is not None:
        row.update(first_likely_year=likely["first_likely_year"], p_horizon=likely["p_until"],
                   at_target_since=likely["at_target_since"], likely_status=likely["status"])
    until = results["until"].get(level)
    if until is not None:
        row["p_until"] = until["p_target"]
    if own is not None and own["status"] not in ("no_target",):
        row.update(own_target=own["target"], own_target_year=own["target_year"],
                   p_own_target=own["p_target"])
    flags = ";".join(g["flags"].fillna("").astype(str)) if "flags" in g else ""
    breaks = sorted({t.split(":", 1)[1] for t in flags.split(";") if t.startswith("pre_break:")})
    n_then = int((g["year"] <= study.as_of).sum())
    row["reason"] = _reason(row, n_then, get_model(models).min_obs, req, study, breaks)
    return row
