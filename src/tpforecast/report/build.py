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
from tpforecast.forecasting import default_model_evidence
from tpforecast.formatting import percent, school_year
from tpforecast.models import DEFAULT_MODEL
from tpforecast.report.figures import report_figures, save_figure
from tpforecast.report.headline import HEADLINE_LEVELS, headline_series, headline_table
from tpforecast.report.outcomes import women_target_progress
from tpforecast.report.output import ensure_folder, write_text
from tpforecast.report.tables import acceleration_display, headline_display
from tpforecast.report.text import findings
from tpforecast.scenarios import acceleration_table
from tpforecast.study import Study, load_study

__all__ = ["build_report", "headline_markdown"]

TITLE = "Techniekpact: is 4 in 10 reachable?"


def headline_markdown(table: pd.DataFrame) -> str:
    """The headline table as a GitHub Markdown table."""
    return headline_display(table).to_markdown(index=False, disable_numparse=True)


def _html_table(frame: pd.DataFrame, na_rep: str = "n/a") -> str:
    return frame.to_html(index=False, border=0, na_rep=na_rep)


def _tables(series: pd.DataFrame, targets: pd.DataFrame, accel: pd.DataFrame,
            study: Study) -> list[dict[str, str]]:
    evidence = default_model_evidence(series)
    women = women_target_progress(series, targets=targets)
    pct, sy = percent(study.target), school_year(study.target_year)
    return [
        {"heading": "How good are the models? (backtest, horizons 3-5 years)",
         "html": _html_table(evidence.round(3), na_rep="NaN"),
         "note": "Rolling-origin backtest over the national series: MAE in points, MASE "
                 "against naive, coverage of the 80% and 95% intervals. No model beats naive; "
                 f"the default ({DEFAULT_MODEL}) is the one whose 80% intervals are calibrated."},
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
README_BLOCKS: tuple[str, ...] = ("headline", "acceleration")


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


def _markdown(headline_md: str, accel_md: str, items: list[str], figures: list,
              study: Study, lead: str, method: str) -> str:
    pct, sy = percent(study.target), school_year(study.target_year)
    return "\n".join([
        f"# {TITLE}", "", lead, "", "## Key findings", "", *[f"- {item}" for item in items],
        "", "## Headline per level", "", headline_md, "",
        f"![P({pct} in {study.target_year}), as seen in {study.as_of + 1}](figures/headline.png)",
        "", f"## What acceleration would {pct} in {sy} have taken?", "", accel_md, "",
        f"Extra points a year on top of the trend from the start year (data known the year "
        f"before), for the median to reach {pct} in {sy}; the pace to {study.start - 1}; and "
        f"when {pct} is reached at {study.pace:+g} point a year from the latest value (median, "
        "10-90% range).", "", "## Figures", "",
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
        If given, the tables between the ``<!-- headline:start -->``/``end`` and
        ``<!-- acceleration:start -->``/``end`` markers of this file are replaced.

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
    tables = _tables(series, targets, accel, study)
    table_md = headline_markdown(headline)
    accel_md = acceleration_display(accel, horizon=study.horizon).to_markdown(
        index=False, disable_numparse=True)
    items = findings(headline, study)
    pct, sy, known = percent(study.target), school_year(study.target_year), school_year(study.as_of)
    lead = ("The Techniekpact goal: by 2020, 4 in 10 young people choose a beta/technical "
            "programme. Per level: where the share stands, whether and when 40% (or the level's "
            "own ambition) is reached under honest uncertainty, and what acceleration it takes.")
    method = ("Series: published Techniekpact monitor figures (newest edition wins; see "
              "data/processed/clean_log.csv) and shares computed from DUO open data (DUO; CBS "
              "lookups, CC-BY 4.0). Models: statsmodels; the default is chosen by rolling-origin "
              "backtests. All figures and numbers: `tpforecast report`, seed "
              f"{study.seed}. Built from data/datapackage.json resources.")
    env = jinja2.Environment(autoescape=jinja2.select_autoescape(["html"]),
                             undefined=jinja2.StrictUndefined)
    template = env.from_string(
        resources.files("tpforecast.report").joinpath("templates/report.html.j2").read_text("utf-8"))
    html = template.render(
        title=TITLE, lead=lead, findings=items,
        headline_html=jinja2.filters.Markup(_html_table(headline_display(headline))),
        headline_note=f"P(...): probability, with the data up to {known}, that the share is at "
                      f"least {pct} in {sy}. {school_year(study.target_year - 1)} and {sy}: what "
                      f"the monitor published afterwards. Extra: points a year from "
                      f"{study.start}, on top of the trend, for the median to reach {pct} in "
                      f"{study.target_year}. Median year: first year {pct} is reached on current "
                      "trends (80% range), all data.",
        figures=[{"name": f.name, "heading": f.heading, "caption": f.caption,
                  "svg": jinja2.filters.Markup(svgs[f.name])} for f in figures],
        tables=[{**t, "html": jinja2.filters.Markup(t["html"])} for t in tables],
        method=method,
    )
    paths = [out / "report.html", out / "summary.md"]
    paths[0].write_text(html, encoding="utf-8")
    paths[1].write_text(_markdown(table_md, accel_md, items, figures, study, lead, method),
                        encoding="utf-8")
    if readme is not None:
        _update_readme(Path(readme), str(readme_before), {"headline": table_md,
                                                          "acceleration": accel_md})
    return paths + sorted((out / "figures").glob("*"))
