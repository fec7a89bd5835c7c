"""Tables for people (stage 6): the tidy headline and acceleration tables pivoted, labelled and
formatted, as the report, the README and the notebooks show them.

Column labels are made from the tables' own study columns (target, target year, as-of, start),
never typed in; every number goes through :mod:`tpforecast.formatting`.
"""

from __future__ import annotations

from typing import Any

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

__all__ = ["TOO_FEW_STATUSES", "acceleration_display", "headline_display", "probability_text"]

#: Statuses of a series too short to answer (shown as "n/a (too few points)").
TOO_FEW_STATUSES = ("too_short", "no_data")


def probability_text(p: Any, status: str = "ok") -> str:
    """A probability as text; ``n/a (too few points)`` where the series was too short."""
    return TOO_FEW_TEXT if status in TOO_FEW_STATUSES else probability(p)


def headline_display(table: pd.DataFrame) -> pd.DataFrame:
    """The headline table (:func:`~tpforecast.report.headline_table`) as the report and the
    README show it: one row per level, labelled and rounded."""
    r0 = table.iloc[0]
    pct = percent(r0["target"])
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
        f"{pct} reached (median year)": [
            year_range(r.first_year, r.first_year_lo, r.first_year_hi, horizon=int(r.horizon),
                       since=r.at_target_since, too_few=r.first_year_status in TOO_FEW_STATUSES)
            for r in table.itertuples(index=False)],
    })


def acceleration_display(table: pd.DataFrame, *, horizon: int | None = None) -> pd.DataFrame:
    """The acceleration table (:func:`~tpforecast.scenarios.acceleration_table`) as the report
    and the README show it: per level the extra points a year by start year, the recent pace
    before the first start, the last share, and when the pace reaches the target."""
    from tpforecast.study import HORIZON

    horizon = HORIZON if horizon is None else horizon
    first = table.drop_duplicates([c for c in ("indicator", "level", "region", "sex", "model")
                                   if c in table.columns])
    shown = pd.DataFrame({"level": first["level"].to_numpy()})
    for as_of, g in table.groupby("as_of", sort=True):
        shown[f"from {int(as_of) + 1} (pt/yr)"] = [points(v) for v in g["extra_pp_per_year"]]
    first_as_of = int(table["as_of"].min())
    shown[f"pace to {first_as_of} (pt/yr)"] = [
        points(v) for v in table.loc[table["as_of"] == first_as_of, "recent_pp_per_year"]]
    shown["last share"] = [percent(v) for v in first["last_share"]]
    r0 = first.iloc[0]
    target = "target" if is_na(r0["target"]) else percent(r0["target"])
    shown[f"{target} at {float(r0['pace_pp_per_year']):+g} pt/yr"] = [
        year_range(r.pace_first_year, r.pace_first_year_lo, r.pace_first_year_hi,
                   horizon=horizon, since=r.pace_at_target_since,
                   too_few=r.pace_status in TOO_FEW_STATUSES)
        for r in first.itertuples(index=False)]
    return shown
