"""Sentences for people (stage 6): the lines the notebooks print and the findings of the
report, made from the library's tidy tables.

A fact is worded once: a probability, a share, a pace or a first year reads the same in a
notebook line, a report finding and a README table (all through :mod:`tpforecast.formatting`
and :func:`~tpforecast.report.tables.probability_text`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from tpforecast.forecasting import KEY, series_label, share_counts
from tpforecast.formatting import is_na, percent, points, school_year, year_range
from tpforecast.models import DEFAULT_MODEL
from tpforecast.report.tables import (
    TOO_FEW_STATUSES,
    likely_year_text,
    probability_display,
    probability_text,
)
from tpforecast.study import DEFAULT_STUDY, Study

__all__ = [
    "acceleration_lines",
    "combined_text",
    "diagnostics_text",
    "evaluation_note",
    "evaluation_text",
    "findings",
    "headline_lines",
    "more_findings",
    "own_target_lines",
    "pace_lines",
    "probability_lines",
    "regional_lines",
    "short_series_text",
    "students_text",
    "when_lines",
    "women_lines",
]


def _p_line(who: str, target: Any, year: Any, as_of: Any, p: Any, status: str) -> str:
    return (f"P({who} >= {percent(target)} in {school_year(year)} | data to "
            f"{school_year(as_of)}) = {probability_text(p, status)}")


def _reached(r: Mapping[str, Any], horizon: int) -> str:
    """The first year at or above the target of a result row, as text."""
    return year_range(r["first_year"], r["first_year_lo"], r["first_year_hi"], horizon=horizon,
                      since=r["at_target_since"], too_few=r["status"] in TOO_FEW_STATUSES)


def headline_lines(table: pd.DataFrame) -> str:
    """Per level of :func:`~tpforecast.report.headline_table`: the probability as seen at
    ``as_of`` and the share published for the target year."""
    return "\n".join(
        _p_line(r.level, r.target, r.target_year, r.as_of, r.p_target, r.status)
        + f"; observed {percent(r.observed_target_year, na='not published')}"
        for r in table.itertuples(index=False))


def own_target_lines(own: pd.DataFrame) -> str:
    """Per row of :func:`~tpforecast.report.own_target_reachability`: the probability of the
    level's own target and what was published for its year (or the next published year)."""
    return "\n".join(
        _p_line(r.level, r.target, r.target_year, r.as_of, r.p_target, r.status)
        + "; observed " + ("not published" if is_na(r.observed) else
                           f"{percent(r.observed)} in {school_year(r.observed_year)}")
        for r in own.itertuples(index=False))


def regional_lines(reach: pd.DataFrame) -> str:
    """Per row of a regional :func:`~tpforecast.forecasting.reachability`: the probability, the
    last share and the pace needed from it; a target year that is observed is a fact, not a
    probability."""
    return "\n".join(
        (f"{r.level}, {r.region}: {percent(r.median, 1)} observed in "
         f"{school_year(r.target_year)}, {percent(r.target)} "
         f"{'reached' if r.median >= r.target else 'not reached'}; last share "
         f"{percent(r.last_share, 1)} ({school_year(r.last_year)})"
         if r.status == "observed" else
         _p_line(f"{r.level}, {r.region}", r.target, r.target_year, r.last_year, r.p_target,
                 r.status)
         + f"; last share {percent(r.last_share, 1)}, needed {points(r.needed_pp_per_year)} "
           "points a year")
        for r in reach.itertuples(index=False))


def combined_text(combined: pd.DataFrame) -> str:
    """Per region and information set of :func:`~tpforecast.forecasting.reachability_combined`:
    the weights, the combined share last known and projected for the target year, its
    probability, the extra points a year and the entrants short, and what was published."""
    lines = []
    for (region, as_of), g in combined.groupby(["region", "as_of"], sort=False, dropna=False):
        c = g.loc[(g["year"] == g["target_year"]).to_numpy(dtype=bool, na_value=False)].iloc[0]
        who = f"combined {c['levels']}, {region}"
        data = "all data" if is_na(as_of) else f"data to {school_year(as_of)}"
        seen = ", ".join(f"{school_year(r.year)} {percent(r.observed, 1)}"
                         for r in g.itertuples(index=False)
                         if r.year >= c["target_year"] - 1 and not is_na(r.observed))
        lines.append(f"{who} ({data}), weights {school_year(c['target_year'])}: {c['weights']}")
        if c["status"] in TOO_FEW_STATUSES:
            lines.append(f"  no projection: {c['reason']}")
        else:
            lines += [
                f"  last known {percent(c['last_share'], 1)} ({school_year(c['last_year'])}); "
                f"{school_year(c['target_year'])}: {percent(c['median'], 1)} (80% interval "
                f"{percent(c['lo_80'], 1)}-{percent(c['hi_80'], 1)})",
                "  " + _p_line("combined", c["target"], c["target_year"],
                               c["last_year"] if is_na(as_of) else as_of, c["p_target"],
                               c["status"]),
                f"  extra from {c['start']}: {points(c['extra_pp_per_year'])} points a year; "
                f"short of {percent(c['target'])}: {c['gap_students']:,.0f} technical entrants"
                if not is_na(c["extra_pp_per_year"]) else
                f"  short of {percent(c['target'])}: {c['gap_students']:,.0f} technical entrants",
            ]
        lines.append(f"  observed combined: {seen or 'not published'}")
    return "\n".join(lines)


def women_lines(women: pd.DataFrame) -> str:
    """Per row of :func:`~tpforecast.report.women_target_progress`: counts, ratio, verdict."""
    return "\n".join(
        f"women in technique, {r.region}, {r.level}: {r.baseline_count:,.0f} "
        f"({school_year(r.baseline_year)}) -> {r.count:,.0f} ({school_year(r.year)}), ratio "
        f"{r.ratio:.2f} vs target {r.target_ratio:.2f}: {'met' if r.met else 'not met'}"
        for r in women.itertuples(index=False))


def acceleration_lines(table: pd.DataFrame, *, horizon: int = DEFAULT_STUDY.horizon) -> str:
    """Per level of :func:`~tpforecast.scenarios.acceleration_table`: the extra points a year
    needed by start year, and when the observed pace reaches the target."""
    lines = []
    for key, g in table.groupby(KEY, sort=False):
        r = g.iloc[0]
        req = ", ".join(f"from {int(a) + 1}: {points(v)}" for a, v in
                        zip(g["as_of"], g["extra_pp_per_year"], strict=True))
        pace = year_range(r["pace_first_year"], r["pace_first_year_lo"],
                          r["pace_first_year_hi"], horizon=horizon,
                          since=r["pace_at_target_since"],
                          too_few=r["pace_status"] in TOO_FEW_STATUSES)
        lines.append(f"{key[1]}: extra points/year needed for {percent(r['target'])} in "
                     f"{int(r['target_year'])}: {req}; at {r['pace_pp_per_year']:+g} "
                     f"point/year: {pace}")
    return "\n".join(lines)


def students_text(runs: pd.DataFrame, *, scenario: str, year: int,
                  together: Sequence[str]) -> str:
    """Extra technical pupils/entrants of a scenario in ``year`` per level
    (:func:`~tpforecast.scenarios.run_scenarios`), and the levels ``together`` summed."""
    rows = runs.loc[((runs["scenario"] == scenario) & (runs["year"] == year)).to_numpy(
        dtype=bool, na_value=False)]
    lines = [f"{r.level}: {scenario} {points(r.extra_pp_per_year)} points/year from "
             f"{r.start} -> {'n/a' if is_na(r.extra_students) else f'{r.extra_students:+,.0f}'}"
             f" technical entrants in {school_year(year)} versus no acceleration"
             for r in rows.itertuples(index=False)]
    sub = rows.loc[rows["level"].isin(list(together)).to_numpy()]
    extra = float(sub["extra_students"].sum())
    base = float((sub["median"] * sub["n_total_proj"]).sum()) - extra
    info = int(sub["as_of"].iloc[0]) + 1 if len(sub) else year
    if not base > 0:  # no level of the scenario had a result (series too short by its start)
        lines.append(f"{'+'.join(together)} together: n/a (no level had a {scenario} result)")
        return "\n".join(lines)
    lines.append(f"{'+'.join(together)} together: {round(extra, -3):+,.0f} technical entrants "
                 f"in {school_year(year)} on top of about {round(base, -3):,.0f} on the trend "
                 f"of {info} ({extra / base:+.0%})")
    return "\n".join(lines)


def when_lines(when: pd.DataFrame) -> str:
    """Per series of :func:`~tpforecast.report.when_reached`: where it stands and when it
    reaches the study's target and its own."""
    lines = []
    for _, g in when.groupby(KEY, sort=False):
        rows = g.to_dict("records")
        study = next(r for r in rows if r["goal"] == "study")
        line = (f"{study['level']}: now {percent(study['last_share'])} "
                f"({school_year(study['last_year'])}); {percent(study['target'])} reached: "
                f"{_reached(study, study['horizon'])}")
        line += "".join(f"; its {r['target_kind']} {percent(r['target'])}: "
                        f"{_reached(r, r['horizon'])}" for r in rows if r["goal"] == "own")
        lines.append(line)
    return "\n".join(lines)


def probability_lines(probabilities: pd.DataFrame, *, years: Sequence[int]) -> str:
    """Per series and target of :func:`~tpforecast.forecasting.probability_by_year`: the
    probability of at least the target in ``years`` and the first year with P >= 50% (a
    probability per year, never a first-passage year)."""
    shown = probability_display(probabilities, years=years)
    return "\n".join(
        f"{r['level']}: P(at least {r['target']}) " + ", ".join(
            f"{y} {r[f'P in {y}']}" for y in years)
        + f"; first year with P >= 50%: {r['first year with P >= 50%']}"
        for _, r in shown.iterrows())


def pace_lines(pace: pd.DataFrame, *, horizon: int = DEFAULT_STUDY.horizon) -> str:
    """Per series of :func:`~tpforecast.scenarios.years_to_target`: when the target is
    reached at the extra pace."""
    return "\n".join(f"{r['level']} at {r['extra_pp_per_year']:+g} point/year, "
                     f"{percent(r['target'])} reached: {_reached(r, horizon)}"
                     for r in pace.to_dict("records"))


def diagnostics_text(diagnostics: pd.DataFrame) -> str:
    """The pooled one-step errors of :func:`~tpforecast.forecasting.model_diagnostics`."""
    p = diagnostics.iloc[-1]
    return (f"{p['model']} model, one-step errors pooled: n = {p['n_errors']}, mean error "
            f"{p['mean_error_pp']:+.1f} points, MAE {p['mae_pp']:.1f} points, 80% interval "
            f"coverage {p['coverage_80']:.0%}")


def evaluation_note(evaluation: pd.DataFrame) -> str:
    """How to read the evaluation table (:func:`~tpforecast.report.tables.evaluation_display`),
    with the numbers of series from the evaluation itself."""
    pooled = evaluation.loc[(evaluation["horizon"].isna() & (evaluation["model"] == "naive"))
                            .to_numpy(dtype=bool)].set_index("set")

    def n(s: str) -> str:
        return str(int(pooled.loc[s, "n_series"])) if s in pooled.index else "n/a"

    return (
        "Rolling origins, expanding window, at least 4 points, horizons 1-5 years. National: "
        f"the monitor's NL series ({n('national')} series); regional: the DUO series of every "
        f"province and landsdeel ({n('regional')} series); trending: the regional windows whose "
        "training slope is significant (|t| at the 90% level). Cover: share of held-out "
        "points inside the 80% interval per horizon (goal 0.75-0.85) and the 95% interval "
        "pooled; MAE in points with its ratio to naive on the same points; IS80: 80% interval "
        "score in points (lower is better). The calibrated default is scored with its "
        "calibration built without the evaluated level family. -: no window long enough for "
        "the model at that horizon; n/a: no forecast at all (glm_binomial needs counts).")


def evaluation_text(evaluation: pd.DataFrame, *, models: str = DEFAULT_MODEL) -> str:
    """The two-set evaluation (:func:`~tpforecast.forecasting.two_set_evaluation`) of a model
    against its goals, one line per goal, and the best MAE ratio of any model on the trending
    windows."""
    from tpforecast.forecasting import evaluation_goals

    goals = evaluation_goals(evaluation, models=models)
    lines = [f"{r.set}: {r.goal_text}: {r.values} -> {'met' if r.met else 'not met'}"
             for r in goals.itertuples(index=False)]
    trend = evaluation.loc[((evaluation["set"] == "trending") & evaluation["horizon"].isna()
                            & evaluation["rel_mae"].notna()).to_numpy(dtype=bool)]
    if len(trend):
        best = trend.sort_values("rel_mae").iloc[0]
        lines.append(f"trending: lowest MAE ratio to naive of any model: {best['model']} "
                     f"{best['rel_mae']:.2f}")
    return "\n".join(lines)


def short_series_text(series: pd.DataFrame, *, min_obs: int = 3,
                      as_of: int | None = None) -> str:
    """The series with fewer than ``min_obs`` shares (up to ``as_of``): no trend can be fitted."""
    counts = share_counts(series, as_of=as_of)
    short = counts.loc[(counts["n_shares"] < min_obs).to_numpy()]
    upto = f" up to {school_year(as_of)}" if as_of is not None else ""
    listed = "; ".join(f"{series_label(r[:4])} ({r[4]} shares)"
                       for r in short.itertuples(index=False))
    return f"fewer than {min_obs} shares{upto} (no trend can be fitted): {listed or 'none'}"


def findings(headline: pd.DataFrame, study: Study = DEFAULT_STUDY) -> list[str]:
    """Plain-language findings from :func:`~tpforecast.report.headline_table` (no typed-in
    numbers): the probability as seen at ``as_of``, what happened, the ambitions, the extra
    growth needed."""
    pct, ty = percent(study.target), study.target_year
    items = []
    known = headline.loc[headline["p_target"].notna().to_numpy()]
    if len(known):
        items.append(f"With the data known in {study.as_of + 1} (up to "
                     f"{school_year(study.as_of)}), the probability of at least {pct} in "
                     f"{school_year(ty)} was: " + ", ".join(
                         f"{r.level} {probability_text(r.p_target, r.status)}"
                         for r in known.itertuples()) + ".")
    # the levels whose own goal is the study's target (the intake levels; not an ambition
    # that happens to be as high)
    goal = headline.loc[((headline["own_target"] == study.target)
                         & (headline["own_target_kind"] == "goal")).to_numpy(dtype=bool,
                                                                              na_value=False)]
    intake = goal.loc[goal["observed_target_year"].notna().to_numpy()]
    unseen = goal.loc[goal["observed_target_year"].isna().to_numpy()]
    if len(intake):
        hit = intake.loc[(intake["observed_target_year"] >= study.target).to_numpy(), "level"]
        none = "no intake level with a value" if len(unseen) else "no intake level"
        items.append(f"In {school_year(ty)} " + (f"{', '.join(hit)} reached {pct}" if len(hit)
                     else f"{none} reached {pct}") + ": " + ", ".join(
                         f"{r.level} {percent(r.observed_target_year)}"
                         for r in intake.itertuples()) + (
                         f"; no value for {school_year(ty)}: " + ", ".join(
                             r.level + ("" if is_na(r.observed_year_before) else
                                        f" ({percent(r.observed_year_before)} in "
                                        f"{school_year(ty - 1)})")
                             for r in unseen.itertuples()) if len(unseen) else "") + ".")
    amb = headline.loc[(headline["observed_year_before"].notna() & headline["own_target"].notna()
                        & (headline["own_target"] != study.target)).to_numpy(
                            dtype=bool, na_value=False)]
    if len(amb):
        items.append(f"Against their own ambitions in {school_year(ty - 1)}: " + ", ".join(
            f"{r.level} {percent(r.observed_year_before)} (ambition {percent(r.own_target)})"
            for r in amb.itertuples()) + ".")
    later = headline.loc[headline["p_until"].notna().to_numpy()]
    if len(later):
        items.append(f"With all data, the probability of at least {pct} in "
                     f"{school_year(study.until)} is " + ", ".join(
                         f"{r.level} {probability_text(r.p_until, r.likely_status)}"
                         for r in later.itertuples()) + f"; the first year in which {pct} or "
                     "more is more likely than not: " + ", ".join(
                         f"{r.level} {likely_year_text(r.first_likely_year, r.at_target_since, r.p_horizon, horizon=study.horizon)}"
                         for r in later.itertuples())
                     + " (a probability per year, not a forecast of when it is reached).")
    need = headline.loc[(headline["extra_pp_per_year"] > 0).to_numpy(dtype=bool, na_value=False)]
    if len(need):
        items.append(f"Reaching {pct} in {ty} from {study.start} would have needed, on top of "
                     "the trend, " + ", ".join(f"{r.level} {points(r.extra_pp_per_year)} points "
                                               "a year" for r in need.itertuples())
                     + f": Overijssel reported about {study.pace:+g} point a year.")
    return items


def _best_on_trend(evaluation: pd.DataFrame) -> str:
    """The lowest MAE ratio to naive of any model on the trending windows, as words."""
    t = evaluation.loc[((evaluation["set"] == "trending") & evaluation["horizon"].isna()
                        & (evaluation["model"] != "naive")).to_numpy(dtype=bool)]
    t = t.loc[t["rel_mae"].notna().to_numpy()]
    if t.empty:
        return "no other model scored"
    best = t.sort_values("rel_mae").iloc[0]
    return (f"best of any model: {best['model']}, {best['rel_mae']:.2f}"
            + ("" if best["rel_mae"] <= 0.90 else ", so no model reaches it"))


def more_findings(vintages: pd.DataFrame, evaluation: pd.DataFrame,
                  study: Study = DEFAULT_STUDY) -> list[str]:
    """Findings on the data of the time (:func:`~tpforecast.report.vintage_comparison`) and
    on the default's evaluation (:func:`~tpforecast.forecasting.two_set_evaluation`)."""
    from tpforecast.forecasting import evaluation_goals

    items = []
    then = vintages.loc[(vintages["view"] == "vintage").to_numpy()]
    short = then.loc[(then["status"] == "too_short").to_numpy()]
    if len(then):
        year = int(then["vintage"].dropna().iloc[0])
        ok = then.loc[(then["status"] == "ok").to_numpy()]
        items.append(
            f"On the data published by {year} (not today's revised data) the probability of "
            f"at least {percent(study.target)} in {school_year(study.target_year)} was: "
            + ", ".join(f"{r.level} {probability_text(r.p_target, r.status)}"
                        for r in ok.itertuples())
            + "".join(f"; {r.level} had only {r.n_points} points ({r.years}), too few for a "
                      "model" for r in short.itertuples()) + ".")
    goals = evaluation_goals(evaluation)
    cov = goals.loc[(goals["goal"] == "coverage").to_numpy()]
    trend = goals.loc[(goals["goal"] == "trend").to_numpy()]
    if len(cov) and len(trend):
        items.append(
            "In backtests on series it had not seen, the default's 80% intervals held "
            + " and ".join(f"{r.lowest:.0%}-{r.highest:.0%} of the {r.set} outcomes"
                           for r in cov.itertuples())
            + " at every horizon of 1-5 years (goal 75-85%: "
            + ("met" if cov["met"].all() else "not met") + "); on trending regional series "
            f"its error was {trend['values'].iloc[0]} times naive's (goal 0.90: "
            + ("met" if trend["met"].all() else "not met") + f"; {_best_on_trend(evaluation)}).")
    return items
