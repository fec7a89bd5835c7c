"""The report's figures (stage 6): which figures, with which settings, saved reproducibly; and
:func:`show`, which the notebooks use to display a figure.

Every setting comes from the :class:`~tpforecast.study.Study`; every caption is worded from
it (no years or targets typed in).
"""

from __future__ import annotations

import io
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from tpforecast import plotting
from tpforecast.data.loaders import load_targets
from tpforecast.forecasting import (
    drop_short_series,
    forecast,
    hindcast,
    probability_by_year,
    reachability,
)
from tpforecast.formatting import percent, school_year
from tpforecast.models import DEFAULT_MODEL
from tpforecast.report.headline import HEADLINE_LEVELS, headline_series
from tpforecast.report.regions import OOST_REGIONS, regional_comparison
from tpforecast.report.vintages import vintage_comparison
from tpforecast.scenarios import load_scenarios, run_scenarios
from tpforecast.study import Study

__all__ = ["FORECAST_LEVELS", "FigurePNG", "ReportFigure", "regional_figures", "report_figures",
           "show"]

#: Levels with a fan chart in the report.
FORECAST_LEVELS: tuple[str, ...] = ("mbo", "havo", "ho")
#: Levels with a fan chart in a region's report (the intake levels of the 40% goal).
REGIONAL_FORECAST_LEVELS: tuple[str, ...] = ("mbo", "hbo", "wo")
#: Models in the report's hindcast figure.
HINDCAST_MODELS: tuple[str, ...] = (DEFAULT_MODEL, "naive", "drift", "logit_linear", "ensemble")


class FigurePNG:
    """A rendered figure: PNG for notebook display, its title as the plain-text form.

    Notebooks display it with ``_repr_png_``; the text form (``[figure: <title>]``) is what
    nbval compares, so it is deterministic, unlike a live figure's ``<Figure size ...>``.
    """

    def __init__(self, png: bytes, text: str) -> None:
        self.png = png
        self.text = text

    def _repr_png_(self) -> bytes:
        return self.png

    def __repr__(self) -> str:
        return self.text


def warnings_as_lines() -> None:
    """Show warnings as one plain line each (``SkippedSeriesWarning: ...``), without the file
    and line of the code that warned (they differ between checkouts): for notebooks."""
    warnings.formatwarning = _warning_line


def _warning_line(message: Warning | str, category: type[Warning], *args: object,
                  **kwargs: object) -> str:
    return f"{category.__name__}: {message}\n"


def show(obj: Any, *, dpi: int = 100, close: bool = True) -> FigurePNG:
    """Render a figure (or the figure of an Axes) to PNG for display, and close it.

    Use as the last line of a notebook cell: the figure appears the same whatever matplotlib
    backend the kernel has, and the saved text output is the figure's title, not a
    memory-dependent repr.

    Parameters
    ----------
    obj
        A matplotlib Figure, or an Axes (its figure is used).
    dpi
        Resolution of the PNG.
    close
        Close the figure afterwards (frees memory; nothing is shown twice).

    Returns
    -------
    FigurePNG
        Displays as the PNG; ``repr`` is ``[figure: <suptitle or first axes title>]``.
    """
    fig = obj if hasattr(obj, "savefig") else obj.figure
    title = fig._suptitle.get_text() if getattr(fig, "_suptitle", None) is not None else ""
    if not title:
        title = next((ax.get_title() for ax in fig.axes if ax.get_title()), "untitled")
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    if close:
        import matplotlib.pyplot as plt

        plt.close(fig)
    return FigurePNG(buf.getvalue(), f"[figure: {title}]")


@dataclass(frozen=True)
class ReportFigure:
    """One figure of the report: file name, heading, caption and how to draw it."""

    name: str
    heading: str
    caption: str
    draw: Callable[[], Any]


def stable_svg_ids(svg: str, prefix: str) -> str:
    """Renumber matplotlib's clip-path ids in order of appearance.

    Some ids hash object addresses, so they change between runs; sequential ids keep the file
    identical run to run, and the prefix keeps ids unique when several SVGs are inlined in one
    HTML page.
    """
    ids = list(dict.fromkeys(re.findall(r'<clipPath id="([^"]+)"', svg)))
    mapping = {old: f"{prefix}-clip{i}" for i, old in enumerate(ids)}
    if not mapping:
        return svg
    pattern = re.compile("|".join(re.escape(f'"{k}"') + "|" + re.escape(f"#{k})")
                                  for k in mapping))
    return pattern.sub(lambda m: (f'"{mapping[m.group(0)[1:-1]]}"' if m.group(0).startswith('"')
                                  else f"#{mapping[m.group(0)[1:-1]]})"), svg)


def save_figure(obj: Any, out: Path, name: str) -> str:
    """Write ``name``.png and .svg without volatile metadata; return the SVG markup."""
    import matplotlib.pyplot as plt

    fig = obj.figure if hasattr(obj, "figure") and not isinstance(obj, plt.Figure) else obj
    figdir = out / "figures"
    figdir.mkdir(parents=True, exist_ok=True)
    with plt.rc_context({"svg.hashsalt": "tpforecast", "svg.fonttype": "path"}):
        fig.savefig(figdir / f"{name}.png", dpi=110, bbox_inches="tight",
                    metadata={"Software": None})
        fig.savefig(figdir / f"{name}.svg", bbox_inches="tight",
                    metadata={"Date": None, "Creator": None})
    plt.close(fig)
    path = figdir / f"{name}.svg"
    svg = stable_svg_ids(path.read_text(encoding="utf-8"), prefix=name)
    path.write_text(svg, encoding="utf-8")
    return svg[svg.index("<svg"):]  # inline: drop the XML prolog and doctype


def report_figures(series: pd.DataFrame, study: Study) -> list[ReportFigure]:
    """The figures of the report, in order (drawn when their ``draw`` is called)."""
    nl = headline_series(series)
    pct, sy, known = percent(study.target), school_year(study.target_year), school_year(study.as_of)
    run = {"seed": study.seed, "n_paths": study.n_paths}
    goal = {"target": study.target, "year": study.target_year}
    figs = [
        ReportFigure(
            "headline", f"Was {pct} in {study.target_year} reachable, as seen in "
            f"{study.as_of + 1}?",
            f"Projection for {sy} with the data up to {known} (median and 80% interval) against "
            f"the {pct} goal; p is the probability of reaching it. Model: {DEFAULT_MODEL} (the "
            "last value, with intervals calibrated on the errors of such forecasts in rolling "
            "backtests up to today: the widths use errors the 2016 plans could not know).",
            lambda: plotting.plot_reachability(
                reachability(nl, **goal, as_of=study.as_of, **run).sort_values(
                    "level", key=lambda s: s.map(HEADLINE_LEVELS.index)),
                title=f"P({pct} in {sy}), with the data known in {study.as_of + 1}")),
        ReportFigure(
            "vintages", f"As seen in {study.as_of + 1}: the data of the time and today's "
            "revised data",
            f"P({pct} in {sy}) with the data up to {known}: on the series as published by the "
            f"end of {study.as_of + 1} (older editions; mbo on the domain basis with two "
            "points, too few for a model; no vmbo bb/kb or ho series yet) and on today's "
            "revised series; x: the value published afterwards.",
            lambda: plotting.plot_vintages(vintage_comparison(series, study=study))),
        ReportFigure(
            "hindcast", f"Hindcast: what the models said in {study.as_of + 1}, and what happened",
            f"Each model's median and 80% interval for {sy} with the data up to {known}, against "
            f"the value published afterwards (black line). {DEFAULT_MODEL} uses the calibration "
            "without the level's own family (no own errors). Trend models were too optimistic.",
            lambda: plotting.plot_hindcast(
                hindcast(nl, as_of=study.as_of, years=(study.target_year - 1, study.target_year),
                         models=list(HINDCAST_MODELS), **run),
                year=study.target_year, target=study.target,
                title=f"What each model said about {sy} with the data up to {known}")),
        ReportFigure(
            "series", "The national series per level",
            "Canonical monitor indicator per level (share of pupils/students choosing a beta-"
            "technical programme); hollow markers precede a definition break.",
            lambda: plotting.plot_series(nl, hue="level")),
        ReportFigure(
            "probability", f"Probability of {pct} or more, year by year",
            f"With all data: per level the probability that the share is at or above {pct} in "
            "each year (probability_by_year). A probability per year, not a forecast of the "
            "year the goal is reached.",
            lambda: plotting.plot_probability(
                probability_by_year(drop_short_series(nl), target=study.target,
                                    until=study.horizon, **run),
                title=f"Probability of {pct} or more, year by year (all data)")),
    ]
    for level in FORECAST_LEVELS:
        one = drop_short_series(nl.loc[(nl["level"] == level).to_numpy()], min_obs=3)
        if len(one):
            figs.append(ReportFigure(
                f"forecast_{level}", f"Forecast: {level}",
                f"Observed {level} share and the {DEFAULT_MODEL} forecast with 80% and 95% "
                f"prediction intervals; the line is the {pct} goal. The bands widen every year, "
                "in steps 3-5 years ahead where the calibration's factors (learned per horizon "
                "from past errors) step up.",
                lambda one=one: plotting.plot_forecast(
                    one, forecast(one, until=study.until, **run), target=study.target,
                    target_year=study.target_year)))
    figs += [
        ReportFigure(
            "scenarios", "Acceleration scenarios per level",
            f"Medians from each scenario's start: baseline ({DEFAULT_MODEL}: no change, so "
            f"stagnation has the same median), the observed Overijssel pace ({study.pace:+g} "
            f"point a year), each level's ambition and the acceleration required for {pct} in "
            f"{study.target_year}, both from {study.start} on the data known in {known} "
            "(none where a level was on course). Bands: 80% intervals of baseline, observed "
            "pace and required. Lines: each level's own goal and ambition; shared y-scale.",
            lambda: plotting.plot_scenarios(
                run_scenarios(nl, scenarios=load_scenarios(), until=study.until,
                              target=study.target, **run), data=nl, targets=load_targets(),
                sharey=True, bands=("baseline", "observed_pace", "required"))),
        ReportFigure(
            "oost", "Landsdeel Oost against the Netherlands",
            "Computed the same way from the DUO files for all four regions: mbo participants in "
            "sector techniek, hbo/wo first-year bachelors on the monitor's programme-level "
            "beta-technical list; regions are where the institution is, not where students "
            "live.",
            lambda: plotting.plot_panels(
                regional_comparison(series, levels=["mbo", "hbo", "wo"], region=OOST_REGIONS),
                panel="level", hue="region")),
    ]
    return figs


def _fan(rows: pd.DataFrame, level: str, study: Study, who: str) -> ReportFigure:
    pct = percent(study.target)
    run = {"seed": study.seed, "n_paths": study.n_paths}
    return ReportFigure(
        f"forecast_{level}", f"Forecast: {level}, {who}",
        f"Observed {level} share in {who} and the {DEFAULT_MODEL} forecast with 80% and 95% "
        f"prediction intervals; the line is the {pct} goal.",
        lambda: plotting.plot_forecast(rows, forecast(rows, until=study.until, **run),
                                       target=study.target, target_year=study.target_year))


def regional_figures(series: pd.DataFrame, study: Study, *, region: str) -> list[ReportFigure]:
    """The figures of a region's report (drawn when their ``draw`` is called): its headline
    series, the probability per year, fan charts of the intake levels, the scenarios and the
    region against the Netherlands computed the same way.

    There is no "as seen in 2016" figure: regional series start in 2014/15 or later, too late
    for a model with the data of the time (the tables say so per level)."""
    chosen = headline_series(series, region=region)
    usable = drop_short_series(chosen)
    pct = percent(study.target)
    run = {"seed": study.seed, "n_paths": study.n_paths}
    figs = [
        ReportFigure(
            "series", f"The series per level, {region}",
            f"Each level's headline series of {region}: DUO counts by institution location, "
            "on the scale of the national monitor (docs/regional_series.md); hollow markers "
            "precede a definition break.",
            lambda: plotting.plot_series(chosen, hue="level")),
        ReportFigure(
            "probability", f"Probability of {pct} or more, year by year, {region}",
            f"With all data: per level the probability that the share is at or above {pct} in "
            "each year. A probability per year, not a forecast of the year the goal is reached.",
            lambda: plotting.plot_probability(
                probability_by_year(usable, target=study.target, until=study.horizon, **run),
                title=f"Probability of {pct} or more, year by year, {region} (all data)")),
    ]
    for level in REGIONAL_FORECAST_LEVELS:
        one = usable.loc[(usable["level"] == level).to_numpy()]
        if len(one):
            figs.append(_fan(one, level, study, region))
    figs += [
        ReportFigure(
            "scenarios", f"Acceleration scenarios of the intake levels, {region}",
            f"Medians from each scenario's start: baseline ({DEFAULT_MODEL}), the observed "
            f"pace ({study.pace:+g} point a year) and the others where the data known before "
            "their start allow them; lines: each level's own goal in the region.",
            lambda: plotting.plot_scenarios(
                run_scenarios(usable, scenarios=load_scenarios(), until=study.until,
                              target=study.target, **run), data=usable, targets=load_targets(),
                levels=[lv for lv in REGIONAL_FORECAST_LEVELS if lv in set(usable["level"])],
                sharey=True, ncols=1, panel_size=(7.5, 2.6), bands=("baseline", "observed_pace"),
                title=f"Scenarios, {region}")),
        ReportFigure(
            "regions", f"{region} against the Netherlands",
            "Computed the same way from the DUO files for both: mbo participants in sector "
            "techniek, hbo/wo first-year bachelors on the monitor's programme-level "
            "beta-technical list; regions are where the institution is, not where students "
            "live.",
            lambda: plotting.plot_panels(
                regional_comparison(series, levels=["mbo", "hbo", "wo"],
                                    region=["NL", region]), panel="level", hue="region")),
    ]
    return figs
