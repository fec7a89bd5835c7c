"""The numbers of a region's one-page summary (stage 6): one set of tidy tables that feed the
English and the Dutch page (:mod:`~tpforecast.report.one_page`) and the workbook
(:mod:`~tpforecast.report.workbook`) alike.

:func:`summary_tables` computes, for one region, the library's tables (the headline table, the
combined 4 in 10, the acceleration table) and two tables of facts for people:

* ``levels``: per headline level where the share stands, the level's own goal (or the study's
  target where the region has none), the probability of being at or above it in
  ``study.until`` on current trends and a verdict; for the intake levels also what 40% in the
  target year would have taken from ``study.start``;
* ``level_parts``: the parts of a pooled level that carry their own target (vmbo gl/tl's 40%
  NaSk ambition is judged on the gl and the tl NaSk series): where each stands and since when
  it is at or above its target;
* ``combined``: the combined 4 in 10 (mbo + hbo + wo weighted by entrants): the latest
  observed combined share, the probability of the target as of ``study.as_of`` and now, and
  what it would have taken from ``study.start`` in points a year and in students.

"What it would have taken" is the library's required acceleration with the data known the
year before the start (``basis == "as_of"``) where a series was long enough by then; where it
was not (regional series start in 2015/16 or later), it is worked out afterwards
(``basis == "afterwards"``): the gap to the target in the target year (observed, or the
projection where the year is not observed) spread evenly over the years from the start, and
the gap in students on that year's entrants.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from tpforecast.data.loaders import load_targets
from tpforecast.data.tables import load_level_groups
from tpforecast.forecasting import drop_short_series, probability_by_year
from tpforecast.forecasting.combined import COMBINED_LEVELS, reachability_combined
from tpforecast.forecasting.selection import HEADLINE_LEVELS, NATIONAL, headline_series
from tpforecast.formatting import is_na
from tpforecast.report.headline import headline_table
from tpforecast.scenarios import acceleration_table
from tpforecast.study import DEFAULT_STUDY, Study

__all__ = ["VERDICTS", "combined_facts", "level_facts", "level_parts", "summary_tables"]

#: Verdicts of :func:`level_facts`, from the probability of being at or above the goal in
#: ``until`` (``unlikely`` below 10%, ``possible`` below 50%) or the latest value.
VERDICTS: tuple[str, ...] = ("at_goal", "likely", "possible", "unlikely", "too_few", "no_data")
UNLIKELY_BELOW = 0.10


def summary_tables(series: pd.DataFrame, *, region: str = NATIONAL,
                   study: Study = DEFAULT_STUDY, targets: pd.DataFrame | None = None,
                   levels: Sequence[str] = HEADLINE_LEVELS) -> dict[str, pd.DataFrame]:
    """Every table of a region's one-page summary, computed once.

    Parameters
    ----------
    series
        The full series frame (:func:`~tpforecast.data.loaders.load_series`).
    region
        One region (NL, Oost, Overijssel, Gelderland, or any region with headline series).
    study
        The study settings.
    targets
        Targets frame; default :func:`~tpforecast.data.loaders.load_targets`.
    levels
        Headline levels, in order.

    Returns
    -------
    dict of str to pandas.DataFrame
        ``headline`` (:func:`~tpforecast.report.headline_table`), ``combined``
        (:func:`~tpforecast.forecasting.reachability_combined`, as of ``study.as_of`` and
        now), ``acceleration`` (:func:`~tpforecast.scenarios.acceleration_table` of the
        intake levels against ``study.target``), ``levels`` (:func:`level_facts`),
        ``level_parts`` (:func:`level_parts`) and ``combined_facts`` (:func:`combined_facts`).
    """
    targets = load_targets() if targets is None else targets
    run = {"seed": study.seed, "n_paths": study.n_paths}
    head = headline_table(series, targets=targets, study=study, levels=levels, region=region)
    comb = reachability_combined(series, region=region, levels=COMBINED_LEVELS,
                                 target=study.target, year=study.target_year,
                                 as_of=[study.as_of, None], horizon=study.horizon, **run)
    chosen = headline_series(series, levels=COMBINED_LEVELS, region=region)
    accel = acceleration_table(chosen, target=study.target, year=study.target_year,
                               starts=study.starts, pace=study.pace,
                               levels=[lv for lv in COMBINED_LEVELS if lv in set(chosen["level"])],
                               horizon=study.horizon, **run)
    facts = level_facts(head, accel, series=headline_series(series, levels=levels,
                                                            region=region), study=study)
    return {"headline": head, "combined": comb, "acceleration": accel, "levels": facts,
            "level_parts": level_parts(series, targets=targets, region=region, levels=levels),
            "combined_facts": combined_facts(comb, study=study)}


#: Target kinds that are shares (not paths of an index or growth in counts).
SHARE_KINDS: tuple[str, ...] = ("goal", "ambition")
PART_COLUMNS = ["region", "level", "part", "indicator", "last_year", "last_share", "goal",
                "goal_kind", "goal_source", "first_at_goal", "at_goal_since"]


def level_parts(series: pd.DataFrame, *, targets: pd.DataFrame, region: str = NATIONAL,
                levels: Sequence[str] = HEADLINE_LEVELS) -> pd.DataFrame:
    """The parts of a pooled level (``level_groups.csv``) that carry a share target set on a
    series of their own (a ``targets`` row naming its ``indicator``), e.g. vmbo gl/tl's 40%
    NaSk ambition, judged on the gl and the tl NaSk diploma series.

    Parameters
    ----------
    series
        The full series frame.
    targets
        Targets frame.
    region
        One region.
    levels
        The pooled levels to look into (others are skipped).

    Returns
    -------
    pandas.DataFrame
        One row per part target (sex ``all``): ``region, level`` (the pooled level), ``part,
        indicator, last_year, last_share, goal, goal_kind, goal_source``, ``first_at_goal``
        (first year at or above the goal, NA when never) and ``at_goal_since`` (the latest
        value is at or above the goal since then, else NA).
    """
    groups = load_level_groups()
    own = targets.loc[targets["indicator"].notna().to_numpy()
                      & (targets["region"] == region).to_numpy(dtype=bool, na_value=False)
                      & (targets["sex"] == "all").to_numpy(dtype=bool, na_value=False)
                      & targets["kind"].isin(SHARE_KINDS).to_numpy()]
    rows = []
    for level in levels:
        for t in own.loc[own["level"].isin(groups.get(level, ())).to_numpy()].to_dict("records"):
            g = series.loc[((series["indicator"] == t["indicator"])
                            & (series["level"] == t["level"]) & (series["region"] == region)
                            & (series["sex"] == "all")).to_numpy(dtype=bool, na_value=False)
                           & series["share"].notna().to_numpy()].sort_values("year")
            if g.empty:
                continue
            at = (g["share"] >= float(t["target"]) - 1e-9).to_numpy(dtype=bool)
            years = g["year"].astype(int).to_numpy()
            # the start of the run at the goal that the latest value belongs to
            run = len(at) if at.all() else int(np.argmin(at[::-1]))
            rows.append({"region": region, "level": level, "part": t["level"],
                         "indicator": t["indicator"], "last_year": int(years[-1]),
                         "last_share": float(g["share"].iloc[-1]), "goal": float(t["target"]),
                         "goal_kind": t["kind"], "goal_source": t["source"],
                         "first_at_goal": int(years[int(np.argmax(at))]) if at.any() else pd.NA,
                         "at_goal_since": int(years[len(at) - run]) if run else pd.NA})
    return pd.DataFrame(rows, columns=PART_COLUMNS)


def _goal_probability(rows: pd.DataFrame, goal: float, study: Study) -> float:
    """P(at or above ``goal`` in ``study.until``) on all data; NaN when too short."""
    usable = drop_short_series(rows)
    if usable.empty:
        return np.nan
    p = probability_by_year(usable, target=goal, until=study.until, seed=study.seed,
                            n_paths=study.n_paths, progress=False)
    at = p.loc[(p["year"] == study.until).to_numpy(dtype=bool, na_value=False), "p_target"]
    return float(at.iloc[0]) if len(at) and not is_na(at.iloc[0]) else np.nan


def _verdict(last_share: Any, goal: float, p: float) -> str:
    if is_na(last_share):
        return "no_data"
    if float(last_share) >= goal:
        return "at_goal"
    if is_na(p):
        return "too_few"
    return "unlikely" if p < UNLIKELY_BELOW else "possible" if p < 0.5 else "likely"


def _spread(gap: float, study: Study) -> float:
    """A gap (fraction) in the target year as points a year from ``study.start``."""
    return 100 * gap / (study.target_year - study.start + 1)


def _taken(level: str, accel: pd.DataFrame, study: Study) -> dict[str, Any]:
    """What ``study.target`` in the target year would have taken from ``study.start``."""
    out: dict[str, Any] = {"extra_pp_per_year": np.nan, "extra_students": np.nan,
                           "entrants": np.nan, "basis": ""}
    rows = accel.loc[(accel["level"] == level).to_numpy()]
    first = rows.loc[(rows["as_of"] == study.start - 1).to_numpy(dtype=bool, na_value=False)]
    if first.empty:
        return out
    r = first.iloc[0]
    out["entrants"] = r["entrants"]
    if r["status"] == "ok" and not is_na(r["extra_pp_per_year"]):
        out.update(extra_pp_per_year=float(r["extra_pp_per_year"]),
                   extra_students=r["extra_students"], basis="as_of")
    return out


def level_facts(headline: pd.DataFrame, accel: pd.DataFrame, *, series: pd.DataFrame,
                study: Study = DEFAULT_STUDY) -> pd.DataFrame:
    """Per level of a region's headline table: where it stands and what its goal needs.

    Parameters
    ----------
    headline
        :func:`~tpforecast.report.headline_table` of one region.
    accel
        :func:`~tpforecast.scenarios.acceleration_table` of the region's intake levels.
    series
        The region's headline series (to judge a goal other than ``study.target``).
    study
        The study settings.

    Returns
    -------
    pandas.DataFrame
        One row per level: ``region, level, last_year, last_share, goal, goal_kind,
        goal_year, goal_source`` (the level's own target in the region, else the study's
        target, kind ``study``), ``goal_scope`` (``region``: set for the region;
        ``national``: the national level ambition, where the region has none of its own;
        ``study``), ``until, p_goal_until`` (P at or above the goal in ``until``, all data),
        ``at_goal_since, verdict`` (:data:`VERDICTS`), ``target, target_year, start,
        share_target_year, share_year`` (the share in the target year, or the latest before
        it), ``extra_pp_per_year, extra_students, entrants, basis`` (what ``target`` in
        ``target_year`` would have taken from ``start``; intake levels only; ``as_of`` or
        ``afterwards``), ``first_year`` (the series' first value).
        ``as_of`` or ``afterwards``).
    """
    rows = []
    for r in headline.to_dict("records"):
        own = not is_na(r["own_target"])
        scope = r["own_target_scope"] if own else "study"
        goal = float(r["own_target"]) if own else float(study.target)
        p = (r["p_until"] if goal == study.target and r["likely_status"] == "ok"
             else np.nan)
        one = series.loc[(series["level"] == r["level"]).to_numpy()]
        if is_na(p) and not one.empty and r["likely_status"] != "too_short":
            p = _goal_probability(one, goal, study)
        row = {"region": r["region"], "level": r["level"], "last_year": r["last_year"],
               "last_share": r["last_share"], "goal": goal,
               "goal_kind": r["own_target_kind"] if own else "study", "goal_scope": scope,
               "goal_year": r["own_target_year"] if own else study.target_year,
               "goal_source": r["own_target_source"] if own else "data/study.yml",
               "until": study.until, "p_goal_until": p,
               "at_goal_since": r["at_target_since"] if goal == study.target else pd.NA,
               "verdict": _verdict(r["last_share"], goal, p), "target": study.target,
               "target_year": study.target_year, "start": study.start,
               "extra_pp_per_year": np.nan, "extra_students": np.nan, "entrants": np.nan,
               "basis": ""}
        row.update(_share_by(one, study.target_year))
        seen = one.loc[one["share"].notna().to_numpy(), "year"]
        row["first_year"] = int(seen.min()) if len(seen) else pd.NA
        if r["level"] in COMBINED_LEVELS:
            row.update(_taken(str(r["level"]), accel, study))
            if row["basis"] == "" and not is_na(row["share_target_year"]):
                gap = study.target - float(row["share_target_year"])
                row.update(extra_pp_per_year=_spread(gap, study),
                           extra_students=gap * row["entrants"], basis="afterwards")
        rows.append(row)
    return pd.DataFrame(rows)


def _share_by(rows: pd.DataFrame, year: int) -> dict[str, Any]:
    """The share in ``year``, or the latest observed before it."""
    seen = rows.loc[(rows["year"] <= year).to_numpy(dtype=bool, na_value=False)
                    & rows["share"].notna().to_numpy()].sort_values("year")
    if seen.empty:
        return {"share_target_year": np.nan, "share_year": pd.NA}
    return {"share_target_year": float(seen["share"].iloc[-1]),
            "share_year": int(seen["year"].iloc[-1])}


def combined_facts(combined: pd.DataFrame, *, study: Study = DEFAULT_STUDY) -> pd.DataFrame:
    """The combined 4 in 10 of one region for people, from
    :func:`~tpforecast.forecasting.reachability_combined` (as of ``study.as_of`` and now).

    Returns
    -------
    pandas.DataFrame
        One row: ``region, levels, weights`` (target year), ``observed_year, observed``
        (latest observed combined share up to the target year), ``target, target_year,
        start, p_then`` (as of ``study.as_of``; NA without projection), ``then_status,
        then_reason, p_now, median_now`` (all data: the target year's share, observed or
        projected), ``now_status`` (``observed`` when the target year's combined share is
        observed), ``extra_pp_per_year, extra_students, basis`` (``as_of``: the
        acceleration from ``start`` the data up to ``as_of`` needed; ``afterwards``: the gap
        in the target year spread evenly from ``start``, on all data).
    """
    year = combined["year"] == study.target_year
    then = combined.loc[(year & (combined["as_of"] == study.as_of)).to_numpy(
        dtype=bool, na_value=False)].iloc[0]
    now = combined.loc[(year & combined["as_of"].isna()).to_numpy(dtype=bool,
                                                                  na_value=False)].iloc[0]
    seen = combined.loc[(combined["as_of"].isna() & combined["observed"].notna()
                         & (combined["year"] <= study.target_year)).to_numpy(
        dtype=bool, na_value=False)].sort_values("year")
    row = {"region": now["region"], "levels": now["levels"], "weights": now["weights"],
           "observed_year": int(seen["year"].iloc[-1]) if len(seen) else pd.NA,
           "observed": float(seen["observed"].iloc[-1]) if len(seen) else np.nan,
           "target": study.target, "target_year": study.target_year, "start": study.start,
           "p_then": then["p_target"] if then["status"] in ("ok", "observed") else np.nan,
           "then_status": then["status"], "then_reason": then["reason"],
           "p_now": now["p_target"], "now_status": now["status"],
           "median_now": now["median"]}
    if then["status"] == "ok" and not is_na(then["extra_pp_per_year"]):
        row.update(extra_pp_per_year=float(then["extra_pp_per_year"]),
                   extra_students=float(then["gap_students"]), basis="as_of")
    else:
        gap = study.target - float(now["median"])
        row.update(extra_pp_per_year=_spread(gap, study), extra_students=gap * float(
            now["entrants"]), basis="afterwards")
    return pd.DataFrame([row])
