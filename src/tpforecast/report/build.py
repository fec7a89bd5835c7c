"""The command-line report (stage 6): figures (PNG and SVG), a self-contained HTML page and a
Markdown summary, built from the bundled data (``tpforecast report``, the README's main job).

Every number comes from library functions (:mod:`tpforecast.report`,
:mod:`tpforecast.forecasting`, :mod:`tpforecast.scenarios`) with the settings of one
:class:`~tpforecast.study.Study`; this module only lays them out. Output is deterministic:
fixed seeds, no timestamps, and figure files without creation dates.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import jinja2
import pandas as pd

from tpforecast.data.loaders import load_series, load_targets
from tpforecast.errors import TpDataError
from tpforecast.forecasting import evaluation_goals, stored_evaluation
from tpforecast.formatting import percent, school_year
from tpforecast.report.figures import report_figures, save_figure
from tpforecast.report.headline import HEADLINE_LEVELS, headline_series, headline_table
from tpforecast.report.outcomes import women_target_progress
from tpforecast.report.output import ensure_folder, write_text
from tpforecast.report.tables import (
    acceleration_display,
    evaluation_display,
    goals_display,
    headline_display,
    vintage_display,
)
from tpforecast.report.text import evaluation_note, findings, more_findings
from tpforecast.report.vintages import vintage_comparison
from tpforecast.scenarios import acceleration_table
from tpforecast.study import Study, load_study

__all__ = ["build_report", "evaluation_markdown", "headline_markdown"]

TITLE = "Techniekpact: is 4 in 10 reachable?"

#: How to read the headline table (report; the README says the same in its own words).
HEADLINE_NOTE = (
    "P(... as of): probability, with the data up to {known}, that the share is at least {pct} "
    "in {sy}. {before} and {sy}: what the monitor published afterwards. Extra: points a year "
    "from {start}, on top of the trend, for the median to reach {pct} in {year}. "
    "P({pct}+ in {until}): with all data, the probability that the share is at or above {pct} "
    "in {until}. First year with P >= 50%: the first year in which {pct} or more "
    "is more likely than not (up to {horizon}); a probability per year, not a forecast of the "
    "year {pct} is first reached.")


def headline_markdown(table: pd.DataFrame) -> str:
    """The headline table as a GitHub Markdown table."""
    return headline_display(table).to_markdown(index=False, disable_numparse=True)


def evaluation_markdown(evaluation: pd.DataFrame) -> str:
    """The two-set evaluation and the goals of the default as GitHub Markdown tables."""
    return "\n\n".join([
        evaluation_display(evaluation).to_markdown(index=False, disable_numparse=True),
        goals_display(evaluation_goals(evaluation)).to_markdown(index=False,
                                                                disable_numparse=True)])


def _html_table(frame: pd.DataFrame, na_rep: str = "n/a") -> str:
    return frame.to_html(index=False, border=0, na_rep=na_rep)


def _tables(series: pd.DataFrame, targets: pd.DataFrame, accel: pd.DataFrame,
            evaluation: pd.DataFrame, study: Study) -> list[dict[str, str]]:
    women = women_target_progress(series, targets=targets)
    pct, sy, known = percent(study.target), school_year(study.target_year), school_year(study.as_of)
    return [
        {"heading": "Is the default honest? Two sets of series, rolling origins",
         "html": _html_table(evaluation_display(evaluation)) + _html_table(
             goals_display(evaluation_goals(evaluation))),
         "note": evaluation_note(evaluation)},
        {"heading": f"As seen in {study.as_of + 1}: the data of the time and today's data",
         "html": _html_table(vintage_display(vintage_comparison(series, study=study))),
         "note": f"P({pct} in {sy}) with the data up to {known}, on the series as published "
                 f"by the end of {study.as_of + 1} (vintage) and on today's revised series. "
                 "A level a view cannot answer says why (too few points, no series)."},
        {"heading": f"What acceleration would {pct} in {study.target_year} have taken?",
         "html": _html_table(acceleration_display(accel, horizon=study.horizon)),
         "note": "Extra points per year on top of the trend, from the start year, for the "
                 f"median to land on {pct} in {sy} (data known the year before the start); and "
                 f"the year {pct} is reached at the observed Overijssel pace of "
                 f"{study.pace:+g} point a year."},
        {"heading": "20% more women in technical programmes (landsdeel Oost, end 2019)",
         "html": _html_table(women.round(3)),
         "note": "Women entering technical programmes at institutions in Oost, on one "
                 "entrants basis for mbo, hbo and wo: the national counts (VHTO, the monitor) "
                 "times Oost's fraction of them in the DUO files; 2019/20 against the 2015/16 "
                 "baseline; target ratio 1.20."},
    ]


#: The README blocks the report refreshes (between ``<!-- NAME:start -->`` and ``:end -->``).
README_BLOCKS: tuple[str, ...] = ("headline", "acceleration", "evaluation")


def _markers(name: str) -> tuple[str, str]:
    return f"<!-- {name}:start -->", f"<!-- {name}:end -->"


def readme_text(readme: Path) -> str:
    """The README's text, checked to hold each block's markers once, start before end.

    Raises
    ------
    TpDataError
        Naming the file and every missing, repeated or misordered marker (nothing is written).
    """
    from tpforecast.data.inputs import read_text

    text = read_text(readme, what="a README (Markdown, UTF-8)").text
    bad = []
    for name in README_BLOCKS:
        start, end = _markers(name)
        counts = (text.count(start), text.count(end))
        if counts != (1, 1):
            bad += [m for m, n in zip((start, end), counts, strict=True) if n != 1]
        elif text.index(start) > text.index(end):
            bad.append(f"{start} after {end}")
    if bad:
        raise TpDataError("README markers missing, repeated or out of order: " + ", ".join(bad),
                          file=readme, expected="each of " + ", ".join(
                              " ... ".join(_markers(n)) for n in README_BLOCKS) + " once")
    return text


def _update_readme(readme: Path, text: str, blocks: dict[str, str]) -> None:
    """Replace the text between each block's markers (checked by :func:`readme_text`)."""
    for name, body in blocks.items():
        start, end = _markers(name)
        head, rest = text.split(start, 1)
        _, tail = rest.split(end, 1)
        text = f"{head}{start}\n{body}\n{end}{tail}"
    write_text(readme, text)


def _markdown(headline_md: str, accel_md: str, evaluation: pd.DataFrame, items: list[str],
              figures: list, study: Study, lead: str, method: str) -> str:
    evaluation_md = evaluation_markdown(evaluation)
    pct, sy = percent(study.target), school_year(study.target_year)
    return "\n".join([
        f"# {TITLE}", "", lead, "", "## Key findings", "", *[f"- {item}" for item in items],
        "", "## Headline per level", "", headline_md, "",
        f"![P({pct} in {study.target_year}), as seen in {study.as_of + 1}](figures/headline.png)",
        "", f"## What acceleration would {pct} in {sy} have taken?", "", accel_md, "",
        f"Extra points a year on top of the trend from the start year (data known the year "
        f"before), for the median to reach {pct} in {sy}; the pace to {study.start - 1}; and "
        f"when {pct} is reached at {study.pace:+g} point a year from the latest value (median, "
        "10-90% range).", "", "## Is the default honest? Two sets of series", "",
        evaluation_md, "", evaluation_note(evaluation), "", "## Figures", "",
        *[f"- [{f.heading}](figures/{f.name}.png)" for f in figures], "", f"Method: {method}", ""])


def build_report(out: str | Path = "reports", *, study: Study | None = None,
                 readme: str | Path | None = None) -> list[Path]:
    """Build the report from the bundled data.

    Parameters
    ----------
    out
        Output directory; figures go to ``out/figures`` (PNG and SVG), the page to
        ``out/report.html`` (self-contained: figures inline as SVG) and the Markdown summary to
        ``out/summary.md``.
    study
        The study settings (default :func:`~tpforecast.study.load_study`).
    readme
        If given, the tables between the ``<!-- headline:start -->``/``end``,
        ``<!-- acceleration:start -->``/``end`` and ``<!-- evaluation:start -->``/``end``
        markers of this file are replaced.

    Returns
    -------
    list of pathlib.Path
        The files written.
    """
    study = load_study() if study is None else study
    readme_before = readme_text(Path(readme)) if readme is not None else None  # fail first
    out = ensure_folder(out)
    series, targets = load_series(), load_targets()
    headline = headline_table(series, targets=targets, study=study)
    figures = report_figures(series, study)
    svgs = {f.name: save_figure(f.draw(), out, f.name) for f in figures}
    accel = acceleration_table(headline_series(series), target=study.target,
                               year=study.target_year, starts=study.starts, pace=study.pace,
                               levels=list(HEADLINE_LEVELS), seed=study.seed,
                               n_paths=study.n_paths, horizon=study.horizon)
    evaluation = stored_evaluation(series, seed=study.seed, n_paths=study.n_paths,
                                   progress=False)
    tables = _tables(series, targets, accel, evaluation, study)
    table_md = headline_markdown(headline)
    accel_md = acceleration_display(accel, horizon=study.horizon).to_markdown(
        index=False, disable_numparse=True)
    items = findings(headline, study) + more_findings(
        vintage_comparison(series, study=study), evaluation, study)
    pct, sy, known = percent(study.target), school_year(study.target_year), school_year(study.as_of)
    lead = ("The Techniekpact goal: by 2020, 4 in 10 young people choose a beta/technical "
            "programme. Per level: where the share stands, whether and when 40% (or the level's "
            "own ambition) is reached under honest uncertainty, and what acceleration it takes.")
    method = ("Series: published Techniekpact monitor figures (newest edition wins; see "
              "data/processed/clean_log.csv) and shares computed from DUO open data (DUO; CBS "
              "lookups, CC-BY 4.0). Default model: the last value with intervals calibrated on "
              "rolling-origin backtest errors (data/calibration.csv, `tpforecast calibrate`), "
              "evaluated on national and regional series with its own level family left out; "
              "other models: statsmodels. All figures and numbers: `tpforecast report`, seed "
              f"{study.seed}. Built from data/datapackage.json resources.")
    env = jinja2.Environment(autoescape=jinja2.select_autoescape(["html"]),
                             undefined=jinja2.StrictUndefined)
    template = env.from_string(
        resources.files("tpforecast.report").joinpath("templates/report.html.j2").read_text("utf-8"))
    html = template.render(
        title=TITLE, lead=lead, findings=items,
        headline_html=jinja2.filters.Markup(_html_table(headline_display(headline))),
        headline_note=HEADLINE_NOTE.format(known=known, pct=pct, sy=sy, start=study.start,
                                           before=school_year(study.target_year - 1),
                                           year=study.target_year, until=study.until,
                                           horizon=study.horizon),
        figures=[{"name": f.name, "heading": f.heading, "caption": f.caption,
                  "svg": jinja2.filters.Markup(svgs[f.name])} for f in figures],
        tables=[{**t, "html": jinja2.filters.Markup(t["html"])} for t in tables],
        method=method,
    )
    paths = [out / "report.html", out / "summary.md"]
    paths[0].write_text(html, encoding="utf-8")
    paths[1].write_text(_markdown(table_md, accel_md, evaluation, items, figures, study,
                                  lead, method),
                        encoding="utf-8")
    if readme is not None:
        _update_readme(Path(readme), str(readme_before), {
            "headline": table_md, "acceleration": accel_md,
            "evaluation": evaluation_markdown(evaluation)})
    return paths + sorted((out / "figures").glob("*"))
