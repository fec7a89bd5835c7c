"""Tables for people (stage 6): the tidy headline and acceleration tables pivoted, labelled and
formatted, as the report, the README and the notebooks show them.

Column labels are made from the tables' own study columns (target, target year, as-of, start),
never typed in; every number goes through :mod:`tpforecast.formatting`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from tpforecast.formatting import (
    NA_TEXT,
    TOO_FEW_TEXT,
    is_na,
    percent,
    points,
    probability,
    school_year,
    year_range,
)

__all__ = ["TOO_FEW_STATUSES", "acceleration_display", "combined_display", "evaluation_display",
           "goals_display", "women_display",
           "headline_display", "likely_year_text", "probability_display", "probability_text",
           "vintage_display"]

#: Statuses of a series too short to answer (shown as "n/a (too few points)").
TOO_FEW_STATUSES = ("too_short", "no_data")


def probability_text(p: Any, status: str = "ok") -> str:
    """A probability as text; ``n/a (too few points)`` where the series was too short."""
    return TOO_FEW_TEXT if status in TOO_FEW_STATUSES else probability(p)


def likely_year_text(first: Any, since: Any, p_horizon: Any, *, horizon: int,
                     too_few: bool = False) -> str:
    """The first year with P(at or above the target) >= 50% as text.

    >>> likely_year_text(2031, None, 0.6, horizon=2040)
    '2031'
    >>> likely_year_text(None, None, 0.31, horizon=2040)
    'not by 2040 (P in 2040: 31%)'
    >>> likely_year_text(None, 2005, 1.0, horizon=2040)
    'already (since 2005)'
    """
    if too_few:
        return TOO_FEW_TEXT
    if not is_na(since):
        return f"already (since {int(since)})"
    if not is_na(first):
        return str(int(first))
    return f"not by {horizon} (P in {horizon}: {probability(p_horizon)})"


def headline_display(table: pd.DataFrame) -> pd.DataFrame:
    """The headline table (:func:`~tpforecast.report.headline_table`) as the report and the
    README show it: one row per level, labelled and rounded."""
    r0 = table.iloc[0]
    pct = percent(r0["target"])
    horizon = int(r0["horizon"])
    return pd.DataFrame({
        "level": table["level"],
        "last year": [NA_TEXT if is_na(v) else str(int(v)) for v in table["last_year"]],
        "last share": [percent(v) for v in table["last_share"]],
        f"P({pct} in {int(r0['target_year'])}), as of {int(r0['as_of']) + 1}": [
            probability_text(p, s) for p, s in zip(table["p_target"], table["status"],
                                                   strict=True)],
        school_year(int(r0["target_year"]) - 1): [percent(v) for v in
                                                  table["observed_year_before"]],
        school_year(int(r0["target_year"])): [percent(v) for v in table["observed_target_year"]],
        f"extra from {int(r0['start'])} (pt/yr)": [points(v) for v in table["extra_pp_per_year"]],
        f"P({pct}+ in {int(r0['until'])}), all data": [
            probability_text(p, s) for p, s in zip(table["p_until"], table["likely_status"],
                                                   strict=True)],
        f"first year with P({pct}+) >= 50%": [
            likely_year_text(r.first_likely_year, r.at_target_since, r.p_horizon,
                             horizon=horizon, too_few=r.likely_status in TOO_FEW_STATUSES)
            for r in table.itertuples(index=False)],
        "own target": [_own_target(r) for r in table.itertuples(index=False)],
        f"P(own target), as of {int(r0['as_of']) + 1} / all data": [
            NA_TEXT if is_na(r.own_target) else
            f"{_p_or_na(r.p_own_target, r.own_target_status)} / "
            f"{_p_or_na(r.p_own_target_now, r.own_target_now_status)}"
            for r in table.itertuples(index=False)],
    })


def _own_target(r: Any) -> str:
    """``"55% ambition, 2019/20"`` (``national ambition`` where the region has none of its
    own and the national level ambition applies)."""
    if is_na(r.own_target):
        return NA_TEXT
    kind = ("national " if r.own_target_scope == "national" else "") + str(r.own_target_kind)
    return f"{percent(r.own_target)} {kind}, {school_year(int(r.own_target_year))}"


def _p_or_na(p: Any, status: str) -> str:
    """A simulated probability, or what was observed in the target year."""
    if status == "observed":
        return "met (observed)" if float(p) >= 1 else "not met (observed)"
    return NA_TEXT if is_na(p) else probability(p, simulated=True)


def acceleration_display(table: pd.DataFrame, *, horizon: int | None = None) -> pd.DataFrame:
    """The acceleration table (:func:`~tpforecast.scenarios.acceleration_table`) as the report
    and the README show it: per level the extra points a year by start year, the recent pace
    before the first start, the last share, and when the pace reaches the target."""
    from tpforecast.study import HORIZON

    horizon = HORIZON if horizon is None else horizon
    # one row per series (a start without data has no model: not another series)
    first = table.drop_duplicates([c for c in ("indicator", "level", "region", "sex")
                                   if c in table.columns])
    shown = pd.DataFrame({"level": first["level"].to_numpy()})
    for as_of, g in table.groupby("as_of", sort=True):
        shown[f"from {int(as_of) + 1} (pt/yr)"] = [points(v) for v in g["extra_pp_per_year"]]
    first_as_of = int(table["as_of"].min())
    shown[f"pace to {first_as_of} (pt/yr)"] = [
        points(v) for v in table.loc[table["as_of"] == first_as_of, "recent_pp_per_year"]]
    first_rows = table.loc[(table["as_of"] == first_as_of).to_numpy()]
    if "extra_students" in table.columns:
        year = int(table["target_year"].dropna().iloc[0]) if table["target_year"].notna().any() \
            else None
        shown[f"extra entrants in {year if year else 'the target year'} (from "
              f"{first_as_of + 1})"] = [_students(v) for v in first_rows["extra_students"]]
    shown["last share"] = [percent(v) for v in first["last_share"]]
    r0 = first.iloc[0]
    target = "target" if is_na(r0["target"]) else percent(r0["target"])
    shown[f"{target} first reached at {float(r0['pace_pp_per_year']):+g} pt/yr (median year)"] = [
        year_range(r.pace_first_year, r.pace_first_year_lo, r.pace_first_year_hi,
                   horizon=horizon, since=r.pace_at_target_since,
                   too_few=r.pace_status in TOO_FEW_STATUSES)
        for r in first.itertuples(index=False)]
    return shown


def _students(value: Any) -> str:
    """A number of students for a table: rounded to a hundred (to ten below a thousand)."""
    if is_na(value):
        return NA_TEXT
    v = float(value)
    return f"{round(v, -2 if abs(v) >= 1000 else -1):+,.0f}"


def combined_display(facts: pd.DataFrame) -> pd.DataFrame:
    """The combined 4 in 10 of :func:`~tpforecast.report.summary.combined_facts` for people:
    the latest combined share, the probability as of the study's ``as_of`` and for the target
    year now (or what was observed), and what it would have taken in points and students."""
    rows = []
    for r in facts.to_dict("records"):
        sy = school_year(r["target_year"])
        now = (f"observed {percent(r['median_now'])}" if r["now_status"] == "observed"
               else probability(r["p_now"], simulated=True))
        rows.append({
            "region": r["region"], "levels": r["levels"],
            "latest combined share": f"{percent(r['observed'])} ({school_year(r['observed_year'])})"
            if not is_na(r["observed"]) else NA_TEXT,
            "target": f"{percent(r['target'])} in {sy}",
            f"P, data of {r['start']}": probability(r["p_then"], simulated=True)
            if not is_na(r["p_then"]) else f"{NA_TEXT} (too few regional values)",
            f"{sy}, all data": now,
            f"extra from {school_year(r['start'])} (pt/yr)": points(r["extra_pp_per_year"]),
            f"extra technical entrants in {sy}": _students(r["extra_students"]),
            "worked out": {"as_of": f"with the data of {r['start']}",
                           "afterwards": "afterwards (gap spread evenly)"}.get(r["basis"], ""),
            "weights": r["weights"]})
    return pd.DataFrame(rows)


def women_display(women: pd.DataFrame) -> pd.DataFrame:
    """Per series of :func:`~tpforecast.report.women.women_shares`: the girls' share in its
    first and last year (with the bounds where DUO suppressed small cells) and its trend."""
    rows = []
    for _, g in women.groupby(["level", "indicator", "sex"], sort=False):
        g = g.sort_values("year")
        first, last = g.iloc[0], g.iloc[-1]
        rows.append({"level": first["level"], "indicator": first["indicator"],
                     "sex": first["sex"], "first year": school_year(first["year"]),
                     "share then": _bounded_share(first), "last year": school_year(last["year"]),
                     "share now": _bounded_share(last),
                     "trend (pt/yr)": points(first["trend_pp_per_year"])})
    return pd.DataFrame(rows)


def _bounded_share(r: pd.Series) -> str:
    """A share, or its range where DUO suppressed small cells (``share_lo`` < ``share_hi``)."""
    if not is_na(r["share_hi"]) and float(r["share_hi"]) > float(r["share_lo"]) + 1e-9:
        return (f"{percent(r['share_lo'], 1)}-{percent(r['share_hi'], 1)} (small cells "
                "suppressed)")
    return percent(r["share"], 1)


def _cell(rows: pd.DataFrame, column: str, digits: int = 2) -> str:
    return NA_TEXT if rows.empty or is_na(rows[column].iloc[0]) else \
        f"{float(rows[column].iloc[0]):.{digits}f}"


def evaluation_display(evaluation: pd.DataFrame) -> pd.DataFrame:
    """The two-set evaluation (:func:`~tpforecast.forecasting.two_set_evaluation`) side by
    side, one row per model: per set the 80% coverage at horizons 1-5, the pooled 95%
    coverage, the MAE with its ratio to naive, and the 80% interval score (points; lower is
    better)."""
    from tpforecast.models import available_models

    known = available_models()
    names = sorted(dict.fromkeys(evaluation["model"]),
                   key=lambda m: known.index(m) if m in known else len(known))
    rows = []
    for model in names:
        ev = evaluation.loc[(evaluation["model"] == model).to_numpy()]
        row: dict[str, str] = {"model": model}
        for s in ("national", "regional", "trending"):
            one = ev.loc[(ev["set"] == s).to_numpy()]
            by_h = one.loc[one["horizon"].notna().to_numpy()]
            by_h = dict(zip(by_h["horizon"].astype(int), by_h["coverage_80"], strict=True))
            pooled = one.loc[one["horizon"].isna().to_numpy()]
            cover = [by_h.get(h) for h in range(1, 6)]
            row[f"{s}: 80% cover h1-5"] = NA_TEXT if all(is_na(v) for v in cover) else " ".join(
                "-" if is_na(v) else f"{float(v):.2f}" for v in cover)
            if s != "trending":
                row[f"{s}: 95% cover"] = _cell(pooled, "coverage_95")
            row[f"{s}: MAE pt (x naive)"] = (
                NA_TEXT if pooled.empty else f"{float(pooled['mae_pp'].iloc[0]):.2f} "
                f"({float(pooled['rel_mae'].iloc[0]):.2f})")
            if s != "trending":
                row[f"{s}: IS80"] = _cell(pooled, "interval_score_80", 1)
        rows.append(row)
    return pd.DataFrame(rows)


def goals_display(goals: pd.DataFrame) -> pd.DataFrame:
    """The goals of the default (:func:`~tpforecast.forecasting.evaluation_goals`): goal, set,
    the numbers and whether it is met."""
    return pd.DataFrame({
        "goal": goals["goal_text"], "set": goals["set"], "model": goals["model"],
        "values": goals["values"], "met": ["yes" if m else "no" for m in goals["met"]]})


def vintage_display(comparison: pd.DataFrame) -> pd.DataFrame:
    """The "as of" views (:func:`~tpforecast.report.vintage_comparison`) side by side, one row
    per level: per view the points used, the last share, P(target) with the 80% interval of
    the projection, or why there is none; and what was published for the target year."""
    r0 = comparison.iloc[0]
    rows = []
    for level, g in comparison.groupby("level", sort=False):
        row: dict[str, str] = {"level": str(level)}
        for _, r in g.iterrows():
            name = (f"data of {int(r['vintage'])}" if r["view"] == "vintage"
                    else "today's data")
            row[f"{name}: points"] = f"{int(r['n_points'])}" + (
                f" ({r['years']})" if 0 < int(r["n_points"]) <= 3 else "")
            row[f"{name}: last"] = NA_TEXT if is_na(r["last_year"]) else \
                f"{percent(r['last_share'])} ({int(r['last_year'])})"
            row[f"{name}: P({percent(r0['target'])})"] = (
                probability(r["p_target"]) + f" ({percent(r['lo_80'])}-{percent(r['hi_80'])})"
                if r["status"] in ("ok", "observed") else
                "too few points" if r["status"] == "too_short" else "no series")
        row[f"published {school_year(int(r0['target_year']))}"] = percent(g["observed"].iloc[0])
        rows.append(row)
    return pd.DataFrame(rows)


def probability_display(probabilities: pd.DataFrame, *, years: Sequence[int],
                        horizon: int | None = None) -> pd.DataFrame:
    """:func:`~tpforecast.forecasting.probability_by_year` for people: one row per series and
    target, P(at or above the target) in ``years`` and the first year with P >= 50%."""
    from tpforecast.forecasting import first_year_with

    first = first_year_with(probabilities)
    horizon = int(first["until"].max()) if horizon is None else horizon
    by = [c for c in ("indicator", "level", "region", "sex", "model", "target", "target_kind")
          if c in probabilities.columns]
    rows = []
    for r in first.itertuples(index=False):
        sel = np.ones(len(probabilities), dtype=bool)
        for c in by:
            sel &= (probabilities[c] == getattr(r, c)).to_numpy(dtype=bool, na_value=False)
        g = probabilities.loc[sel].set_index("year")["p_target"]
        kind = getattr(r, "target_kind", "")
        row = {"level": r.level, "target": f"{kind + ' ' if kind else ''}{percent(r.target)}"}
        if r.status == "no_target":  # a level without a target of its own in the region
            row.update({"target": "none", **{f"P in {y}": NA_TEXT for y in years},
                        "first year with P >= 50%": "n/a (no target of its own)"})
            rows.append(row)
            continue
        row.update({f"P in {y}": probability(g.get(y, np.nan)) if r.status == "ok"
                    else TOO_FEW_TEXT for y in years})
        row["first year with P >= 50%"] = likely_year_text(
            r.first_likely_year, r.at_target_since, r.p_until, horizon=horizon,
            too_few=r.status in TOO_FEW_STATUSES)
        rows.append(row)
    return pd.DataFrame(rows)
