"""Each level against its own target, and what happened (stage 6): own targets as seen at
``as_of``, the count targets (20% more women in Oost, Zwolle's +25% technical intake), and when
each target is reached on current trends.

Regional numbers count students where the institution is (flag ``institution_location``);
landsdelen other than Oost are an assumed split of provinces (flag ``assumed_region_mapping``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from tpforecast.errors import MissingDataError, NothingComputedError, TpModelError
from tpforecast.forecasting import KEY, reachability
from tpforecast.forecasting.entrants import monitor_scale_counts
from tpforecast.forecasting.reachability import reach_columns
from tpforecast.forecasting.selection import headline_mask, role_indicators, selected
from tpforecast.forecasting.series import typed
from tpforecast.forecasting.targets import own_target_series, resolve_target
from tpforecast.models import DEFAULT_MODEL
from tpforecast.report.provenance import flag_tokens
from tpforecast.study import DEFAULT_STUDY, Study

__all__ = ["count_target_progress", "own_target_reachability", "when_reached",
           "women_target_progress"]

#: Flags a count-target row repeats in its ``note`` (what the counts stand on).
_NOTED_FLAGS = ("participants_not_entrants", "institution_location", "assumed_region_mapping",
                "suppressed_cells")


def _mask(frame: pd.DataFrame, column: str, value: object) -> np.ndarray:
    return (frame[column] == value).to_numpy(dtype=bool, na_value=False)


def own_target_reachability(
    series: pd.DataFrame,
    *,
    targets: pd.DataFrame | None = None,
    study: Study = DEFAULT_STUDY,
    region: str | Sequence[str] = "NL",
    levels: str | Sequence[str] | None = None,
    kinds: Sequence[str] = ("ambition", "goal", "path"),
    models: str = DEFAULT_MODEL,
) -> pd.DataFrame:
    """Each level against its own targets in the region, with the data up to ``study.as_of``,
    and the outcome.

    A target is judged on the series it names (``indicator`` in the targets file: the vmbo gl
    and tl NaSk series, Twente's own index), else on the level's headline series of the region
    (:func:`~tpforecast.report.headline_series`: the DUO series on the monitor's scale outside
    NL).

    Parameters
    ----------
    series
        Series frame.
    targets
        Targets frame; default :func:`~tpforecast.data.loaders.load_targets`.
    study
        The study (``as_of``, seed, paths).
    region, levels
        Region(s) and levels whose targets are judged (levels: None, every level with a
        target in the region).
    kinds
        Target kinds to judge (``goal``, ``ambition``, ``path``; count targets are judged by
        :func:`count_target_progress`).
    models
        One trend model.

    Returns
    -------
    pandas.DataFrame
        The :func:`~tpforecast.forecasting.reachability` rows (``target_kind`` in ``kinds``,
        ``target_source``; series too short by ``as_of`` keep their row with status
        ``too_short``) plus ``observed`` (the share published for the target year, or the
        nearest later published year: ``observed_year``; NA when none) and ``met`` (observed at
        or above the target).

    Raises
    ------
    MissingDataError
        A region without share targets of these kinds (naming the regions that have some),
        or without a series to judge them on.
    """
    from tpforecast.data.loaders import load_targets

    targets = load_targets() if targets is None else targets
    t = resolve_target(targets)
    t = t.loc[t["kind"].isin(list(kinds)).to_numpy()]
    t = selected(t, region=region, levels=levels, what="own_target_reachability")
    named = set(t["indicator"].dropna()) if "indicator" in t.columns else set()
    rows = series.loc[(headline_mask(series) | series["indicator"].isin(named).to_numpy())
                      & _mask(series, "sex", "all") & series["share"].notna().to_numpy()]
    sub = own_target_series(selected(rows, region=region, what="own_target_reachability"), t)
    if sub.empty:
        raise MissingDataError(
            "own_target_reachability: no series to judge the targets of "
            f"{sorted(set(t['region']))} on (levels {sorted(set(t['level']))})", what="level",
            asked=sorted(set(t["level"])), known=sorted(set(rows["level"])))
    try:
        out = reachability(sub, target=t, as_of=study.as_of, models=models, seed=study.seed,
                           n_paths=study.n_paths, progress=False)
    except NothingComputedError as exc:  # every series too short by as_of: show them so
        out = typed(pd.DataFrame(exc.rows, columns=reach_columns(
            study.intervals, ["target_kind", "target_source"])))
    obs, obs_y = [], []
    for r in out.itertuples(index=False):
        g = sub.loc[_mask(sub, "level", r.level) & _mask(sub, "indicator", r.indicator)
                    & _mask(sub, "region", r.region)]
        g = g.loc[(g["year"] >= r.target_year).to_numpy(dtype=bool, na_value=False)]
        g = g.sort_values("year")
        obs.append(float(g["share"].iloc[0]) if len(g) else math.nan)
        obs_y.append(int(g["year"].iloc[0]) if len(g) else pd.NA)
    out["observed"] = pd.array(obs, dtype="Float64")
    out["observed_year"] = pd.array(obs_y, dtype="Int64")
    out["met"] = pd.array([pd.NA if math.isnan(o) else o >= t for o, t in
                           zip(obs, out["target"].astype(float), strict=True)], dtype="boolean")
    return out


def _count_row(counts: pd.DataFrame, totals: pd.DataFrame, level: str, target: Any,
               flags: str, indicator: str) -> dict[str, Any]:
    """One level's counts in the baseline year and the target year (or why there are none)."""
    base_y, y = int(target["baseline_year"]), int(target["year"])
    row: dict[str, Any] = {
        "level": level, "indicator": indicator, "region": target["region"],
        "sex": target["sex"], "baseline_year": base_y, "baseline_count": math.nan, "year": y,
        "count": math.nan, "ratio": math.nan, "target_ratio": float(target["target"]),
        "met": pd.NA, "baseline_share": math.nan, "share": math.nan, "basis": "",
        "target_source": target["source"], "status": "no_data", "note": flags}
    key = (_mask(counts, "level", level) & _mask(counts, "region", target["region"])
           & _mask(counts, "sex", target["sex"]))
    c, n = counts.loc[key].set_index("year"), totals.loc[
        _mask(totals, "level", level) & _mask(totals, "region", target["region"])
        & _mask(totals, "sex", target["sex"])].set_index("year")
    missing = [yr for yr in (base_y, y) if yr not in c.index]
    if missing:
        have = ", ".join(map(str, sorted(c.index))) or "none"
        row["note"] = (f"no technical count for {level} in {target['region']} "
                       f"({target['sex']}) in {', '.join(map(str, missing))} (years with "
                       f"counts: {have})" + (f"; {flags}" if flags else ""))
        return row
    nb, ne = float(c.loc[base_y, "value"]), float(c.loc[y, "value"])
    row.update(baseline_count=nb, count=ne, ratio=ne / nb, met=bool(ne / nb >= row[
        "target_ratio"]), basis=str(c.loc[y, "basis"]), status="ok",
               baseline_share=nb / float(n.loc[base_y, "value"]) if base_y in n.index
               else math.nan,
               share=ne / float(n.loc[y, "value"]) if y in n.index else math.nan)
    return row


def count_target_progress(
    series: pd.DataFrame,
    *,
    targets: pd.DataFrame | None = None,
    region: str | Sequence[str] | None = None,
) -> pd.DataFrame:
    """Progress on count targets (``kind == "growth_count"``): the Oost agreement of 20% more
    women in technical programmes by the end of 2019, Zwolle's +25% technical intake in mbo
    and hbo.

    Every count is **technical entrants on the monitor's scale**, one entrants basis for every
    level (:func:`~tpforecast.forecasting.entrants.monitor_scale_counts`): NL's technical
    entrants as the monitor counts them (mbo 2015/16: 40,056; women 5,444), times the region's
    fraction of NL on the DUO basis (mbo participants, hbo and wo first-year bachelors; by
    institution location). The target ratio compares the count in ``year`` with the count in
    ``baseline_year``. A target set on a group of levels (``all`` = mbo, hbo and wo; ``mbo_hbo``;
    ``data/mappings/level_groups.csv``) is checked per level and pooled (the levels do not
    overlap).

    Parameters
    ----------
    series
        The full series frame (NL's published counts and the DUO-basis series).
    targets
        Targets frame; default :func:`~tpforecast.data.loaders.load_targets`.
    region
        Keep the targets of these regions (None: all).

    Returns
    -------
    pandas.DataFrame
        One row per target and level, then a pooled row (``level="pooled"``) for a group:
        ``level, indicator`` (the DUO-basis series giving the regional fraction), ``region,
        sex, baseline_year, baseline_count, year, count, ratio, target_ratio, met,
        baseline_share, share`` (technical / all entrants on the same basis), ``basis``,
        ``target_source``, ``status`` (``ok``; ``no_data`` when a count is missing, e.g. a
        region without DUO counts) and ``note`` (what the counts stand on, or what is
        missing).

    Raises
    ------
    TpModelError
        The targets frame has no count targets (of the region).
    """
    from tpforecast.data.loaders import load_targets
    from tpforecast.data.tables import load_level_groups

    targets = load_targets() if targets is None else targets
    growth = targets.loc[_mask(targets, "kind", "growth_count")]
    if growth.empty:
        raise TpModelError("count_target_progress: the targets frame has no growth_count rows")
    growth = selected(growth, region=region, what="count_target_progress")
    counts = monitor_scale_counts(series, count="n_tech")
    totals = monitor_scale_counts(series, count="n_total")
    groups, basis = load_level_groups(), role_indicators("duo_basis")
    rows = []
    for _, t in growth.iterrows():
        levels = groups.get(str(t["level"]), (str(t["level"]),))
        part = []
        for lv in levels:
            ind = basis.get(lv, "")
            g = series.loc[_mask(series, "indicator", ind) & _mask(series, "region", t["region"])
                           & _mask(series, "sex", t["sex"])]
            flags = ", ".join(sorted(set(flag_tokens(g["flags"])) & set(_NOTED_FLAGS))) \
                if "flags" in g else ""
            part.append(_count_row(counts, totals, lv, t, flags, ind))
        rows += part
        if len(part) > 1:
            rows.append(_pooled(part, t))
    return typed(pd.DataFrame(rows)).reset_index(drop=True)


def _pooled(part: list[dict[str, Any]], target: Any) -> dict[str, Any]:
    """The levels of a group target summed (NA unless every level has its counts)."""
    ok = all(p["status"] == "ok" for p in part)
    nb = sum(p["baseline_count"] for p in part) if ok else math.nan
    ne = sum(p["count"] for p in part) if ok else math.nan
    shares = [(p["baseline_count"] / p["baseline_share"], p["count"] / p["share"])
              for p in part] if ok else []
    return {**part[0], "level": "pooled", "indicator": "+".join(p["level"] for p in part),
            "baseline_count": nb, "count": ne, "ratio": ne / nb if ok else math.nan,
            "met": bool(ne / nb >= float(target["target"])) if ok else pd.NA,
            "baseline_share": nb / sum(s[0] for s in shares) if ok else math.nan,
            "share": ne / sum(s[1] for s in shares) if ok else math.nan,
            "status": "ok" if ok else "no_data",
            "note": "sum of the levels above" + ("" if ok else " (a level lacks counts)")}


def women_target_progress(
    series: pd.DataFrame,
    *,
    targets: pd.DataFrame | None = None,
    region: str | Sequence[str] | None = None,
) -> pd.DataFrame:
    """:func:`count_target_progress` for the count targets on women (``sex == "female"``):
    20% more women in technical programmes in landsdeel Oost by the end of 2019, on technical
    entrants on the monitor's scale (one entrants basis for mbo, hbo and wo).

    Returns
    -------
    pandas.DataFrame
        The rows of :func:`count_target_progress` for the women's targets.
    """
    from tpforecast.data.loaders import load_targets

    targets = load_targets() if targets is None else targets
    women = targets.loc[_mask(targets, "sex", "female")]
    return count_target_progress(series, targets=women, region=region)


def when_reached(
    series: pd.DataFrame,
    *,
    targets: pd.DataFrame | None = None,
    study: Study = DEFAULT_STUDY,
    models: str = DEFAULT_MODEL,
    region: str | Sequence[str] | None = None,
    levels: str | Sequence[str] | None = None,
) -> pd.DataFrame:
    """On current trends (all data), when does each series reach the study's target, and its
    own target?

    Parameters
    ----------
    series
        Series frame (choose series the model can fit, e.g. with
        :func:`~tpforecast.forecasting.drop_short_series`).
    targets
        Targets frame for each level's own goal or ambition; default
        :func:`~tpforecast.data.loaders.load_targets`.
    study
        The study (target, seed, paths, horizon).
    models
        One trend model.
    region, levels
        Keep only the series of these regions and levels (None: all).

    Returns
    -------
    pandas.DataFrame
        Two rows per series (``goal``: ``"study"`` for the study's target, ``"own"`` for the
        level's own target, absent without one): the
        :func:`~tpforecast.forecasting.reachability` columns, of which ``first_year``,
        ``first_year_lo``, ``first_year_hi`` (median and 10th / 90th percentiles of the first
        year at or above the target; NA when not by ``horizon``), ``at_target_since`` and
        ``recent_pp_per_year`` answer the question; ``horizon`` is the study's.
    """
    from tpforecast.data.loaders import load_targets

    series = selected(series, region=region, levels=levels, what="when_reached")
    targets = load_targets() if targets is None else targets
    kw = {"as_of": None, "models": models, "seed": study.seed, "n_paths": study.n_paths,
          "horizon": study.horizon, "progress": False}
    common = reachability(series, target=study.target, year=study.target_year, **kw)
    own = reachability(series, target=targets, **kw)
    own = own.loc[(own["status"] != "no_target").to_numpy()]
    out = pd.concat([common.assign(goal="study"), own.assign(goal="own")], ignore_index=True)
    order = {tuple(k): i for i, k in enumerate(common[KEY].itertuples(index=False))}
    out["_o"] = [order.get(tuple(k), len(order)) for k in out[KEY].itertuples(index=False)]
    out = out.sort_values(["_o", "goal"], ascending=[True, False], kind="stable")
    return out.drop(columns="_o").assign(horizon=study.horizon).reset_index(drop=True)
