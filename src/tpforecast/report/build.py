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
from tpforecast.errors import TpDataError, TpError
from tpforecast.forecasting import evaluation_goals, stored_evaluation
from tpforecast.forecasting.selection import NATIONAL
from tpforecast.formatting import percent, school_year
from tpforecast.report.figures import regional_figures, report_figures, save_figure
from tpforecast.report.headline import HEADLINE_LEVELS, headline_series
from tpforecast.report.one_page import LANGUAGES, markdown_html, one_page_markdown
from tpforecast.report.outcomes import women_target_progress
from tpforecast.report.output import ensure_folder, write_text
from tpforecast.report.summary import summary_tables
from tpforecast.report.tables import (
    acceleration_display,
    combined_display,
    evaluation_display,
    goals_display,
    headline_display,
    vintage_display,
    women_display,
)
from tpforecast.report.text import evaluation_note, findings, more_findings
from tpforecast.report.vintages import vintage_comparison
from tpforecast.report.women import women_shares
from tpforecast.report.workbook import write_workbook
from tpforecast.scenarios import acceleration_table
from tpforecast.study import Study, load_study

__all__ = ["build_report", "evaluation_markdown", "headline_markdown"]

TITLE = "Techniekpact: is 4 in 10 reachable?"

#: How to read the headline table (report; the README says the same in its own words).
HEADLINE_NOTE = (
    "P(... as of): probability, with the data up to {known}, that the share is at least {pct} "
    "in {sy}. {before} and {sy}: {observed}. Extra: points a year "
    "from {start}, on top of the trend, for the median to reach {pct} in {year}. "
    "P({pct}+ in {until}): with all data, the probability that the share is at or above {pct} "
    "in {until}. First year with P >= 50%: the first year in which {pct} or more "
    "is more likely than not (up to {horizon}); a probability per year, not a forecast of the "
    "year {pct} is first reached. Own target: the level's goal or ambition in the region "
    "(national ambition: the national level ambition, where the region has none of its own); "
    "P as of {known_year} / with all data; an observed target year reads met or not met.")
#: What the observed columns of the headline table are, nationally and for a region.
OBSERVED = {"NL": "what the monitor published afterwards",
            "region": "the region's DUO values on the monitor's scale (counted where the "
                      "institution is)"}


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


def _render_page(title: str, lead: str, items: list[str], headline: pd.DataFrame,
                 headline_note: str, figures: list, svgs: dict[str, str],
                 tables: list[dict[str, str]], method: str) -> str:
    """The report's HTML page (``templates/report.html.j2``)."""
    env = jinja2.Environment(autoescape=jinja2.select_autoescape(["html"]),
                             undefined=jinja2.StrictUndefined)
    template = env.from_string(
        resources.files("tpforecast.report").joinpath("templates/report.html.j2").read_text("utf-8"))
    return template.render(
        title=title, lead=lead, findings=items,
        headline_html=jinja2.filters.Markup(_html_table(headline_display(headline))),
        headline_note=headline_note,
        figures=[{"name": f.name, "heading": f.heading, "caption": f.caption,
                  "svg": jinja2.filters.Markup(svgs[f.name])} for f in figures],
        tables=[{**t, "html": jinja2.filters.Markup(t["html"])} for t in tables],
        method=method,
    )


def _headline_note(study: Study, *, region: str = "NL") -> str:
    pct, sy, known = percent(study.target), school_year(study.target_year), school_year(study.as_of)
    return HEADLINE_NOTE.format(observed=OBSERVED["NL" if region == "NL" else "region"],
                                known_year=study.as_of + 1,
                                known=known, pct=pct, sy=sy, start=study.start,
                                before=school_year(study.target_year - 1),
                                year=study.target_year, until=study.until,
                                horizon=study.horizon)


def _national(out: Path, series: pd.DataFrame, targets: pd.DataFrame, study: Study,
              summary: dict[str, pd.DataFrame]) -> tuple[list[Path], dict[str, pd.DataFrame],
                                                        dict[str, str]]:
    """The national report: page, Markdown summary, figures; its tables; README blocks."""
    headline = summary["headline"]
    figures = report_figures(series, study)
    svgs = {f.name: save_figure(f.draw(), out, f.name) for f in figures}
    accel = acceleration_table(headline_series(series), target=study.target,
                               year=study.target_year, starts=study.starts, pace=study.pace,
                               levels=list(HEADLINE_LEVELS), seed=study.seed,
                               n_paths=study.n_paths, horizon=study.horizon)
    evaluation = stored_evaluation(series, seed=study.seed, n_paths=study.n_paths,
                                   progress=False)
    views = vintage_comparison(series, study=study)
    tables = _tables(series, targets, accel, evaluation, study)
    table_md = headline_markdown(headline)
    accel_md = acceleration_display(accel, horizon=study.horizon).to_markdown(
        index=False, disable_numparse=True)
    items = findings(headline, study) + more_findings(views, evaluation, study)
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
    html = _render_page(TITLE, lead, items, headline, _headline_note(study), figures, svgs,
                        tables, method)
    paths = [out / "report.html", out / "summary.md"]
    paths[0].write_text(html, encoding="utf-8")
    paths[1].write_text(_markdown(table_md, accel_md, evaluation, items, figures, study,
                                  lead, method),
                        encoding="utf-8")
    frames = {"acceleration": accel, "evaluation": evaluation, "vintages": views,
              "women_target": women_target_progress(series, targets=targets)}
    blocks = {"headline": table_md, "acceleration": accel_md,
              "evaluation": evaluation_markdown(evaluation)}
    return paths, frames, blocks


def _regional(out: Path, series: pd.DataFrame, study: Study, region: str,
              summary: dict[str, pd.DataFrame]) -> tuple[list[Path], dict[str, pd.DataFrame]]:
    """A region's report: page, Markdown summary and figures; its tables."""
    headline, accel = summary["headline"], summary["acceleration"]
    figures = regional_figures(series, study, region=region)
    svgs = {f.name: save_figure(f.draw(), out, f.name) for f in figures}
    women = women_shares(series, region=region)
    accel_html = _html_table(acceleration_display(accel, horizon=study.horizon))
    combined_md = combined_display(summary["combined_facts"])
    girls = women_display(women)
    tables = [
        {"heading": f"The combined 4 in 10 (mbo + hbo + wo), {region}",
         "html": _html_table(combined_md),
         "note": "Weighted by entrants on the monitor's scale (basis per level in the "
                 "workbook's combined sheet). basis as_of: the acceleration the data of "
                 f"{study.as_of} needed; afterwards: the gap in {study.target_year} spread "
                 f"evenly from {study.start} (the series start too late for a model)."},
        {"heading": f"What acceleration would {percent(study.target)} in {study.target_year} "
                    "have taken?", "html": accel_html,
         "note": "n/a where the region's series were too short by the start year."},
        {"heading": f"Girls choosing technique, {region}",
         "html": _html_table(girls),
         "note": "Share of the girls (entrants or exam candidates) choosing technique, DUO "
                 "basis (counted where the institution is), first and last year, with its "
                 "trend in points a year; every year in the workbook (women_shares). Where DUO "
                 "suppressed small cells (<5) the share is a range."},
    ]
    items = findings(headline, study)
    lead = (f"The Techniekpact goal for {region}: per level where the share stands, whether "
            "and when 40% (or the level's own target in the region) is reached under honest "
            "uncertainty, and what acceleration it takes. Regional numbers count students "
            "where the institution is, not where they live; landsdelen other than Oost are an "
            "assumed split of provinces. The evaluation of the models, the data of the time "
            "and the hindcast are national: see the national report.")
    method = ("Series: DUO open data by institution location, put on the scale of the national "
              "Techniekpact monitor (data/mappings/series_roles.csv, docs/regional_series.md); "
              "default model: the last value with intervals calibrated on rolling-origin "
              f"backtest errors of regional series. `tpforecast report --region {region}`, "
              f"seed {study.seed}.")
    title = f"Techniekpact, {region}: is 4 in 10 reachable?"
    html = _render_page(title, lead, items, headline, _headline_note(study, region=region),
                        figures, svgs,
                        tables, method)
    paths = [out / "report.html", out / "summary.md"]
    paths[0].write_text(html, encoding="utf-8")
    paths[1].write_text("\n".join([
        f"# {title}", "", lead, "", "## Key findings", "", *[f"- {i}" for i in items], "",
        "## Headline per level", "", headline_markdown(headline), "",
        f"## What acceleration would {percent(study.target)} in {study.target_year} have "
        "taken?", "", acceleration_display(accel, horizon=study.horizon).to_markdown(
            index=False, disable_numparse=True), "",
        f"## The combined 4 in 10 (mbo + hbo + wo), {region}", "",
        combined_md.to_markdown(index=False, disable_numparse=True), "",
        f"## Girls choosing technique, {region}", "",
        girls.to_markdown(index=False, disable_numparse=True), "", "## Figures", "",
        *[f"- [{f.heading}](figures/{f.name}.png)" for f in figures], "",
        f"Method: {method}", ""]), encoding="utf-8")
    return paths, {"women_shares": women}


def build_report(out: str | Path = "reports", *, study: Study | None = None,
                 readme: str | Path | None = None, region: str = NATIONAL, lang: str = "en",
                 xlsx: bool = False) -> list[Path]:
    """Build the report of a region from the bundled data.

    Parameters
    ----------
    out
        Output directory; figures go to ``out/figures`` (PNG and SVG), the page to
        ``out/report.html`` (self-contained: figures inline as SVG), the Markdown summary to
        ``out/summary.md`` and the one-page summary for a deputy to ``out/one_page_<lang>.md``
        and ``.html``.
    study
        The study settings (default :func:`~tpforecast.study.load_study`).
    readme
        If given (national report only), the tables between the
        ``<!-- headline:start -->``/``end``, ``<!-- acceleration:start -->``/``end`` and
        ``<!-- evaluation:start -->``/``end`` markers of this file are replaced.
    region
        One region: ``NL`` (the national report, with the evaluation, the data of the time
        and the hindcast), or a landsdeel or province with headline series (Oost,
        Overijssel, Gelderland, ...): its headline table, combined 4 in 10, acceleration,
        girls' shares and figures.
    lang
        Language of the one-page summary: ``en`` (default) or ``nl``. The full report is in
        English.
    xlsx
        Also write every table to ``out/tables.xlsx``.

    Returns
    -------
    list of pathlib.Path
        The files written.
    """
    study = load_study() if study is None else study
    if lang not in LANGUAGES:
        raise TpError(f"unknown language {lang!r}; expected one of {', '.join(LANGUAGES)}")
    if readme is not None and region != NATIONAL:
        raise TpError("--readme refreshes the national tables of the README; build it with "
                      f"region {NATIONAL}, not {region}")
    readme_before = readme_text(Path(readme)) if readme is not None else None  # fail first
    series, targets = load_series(), load_targets()
    headline_series(series, region=region)  # an unknown region is named before any output
    out = ensure_folder(out)  # a file in the way too, before any work
    summary = summary_tables(series, region=region, study=study, targets=targets)
    if region == NATIONAL:
        paths, frames, blocks = _national(out, series, targets, study, summary)
    else:
        (paths, frames), blocks = _regional(out, series, study, region, summary), {}
    page = one_page_markdown(summary, lang=lang, study=study)
    paths += [write_text(out / f"one_page_{lang}.md", page),
              write_text(out / f"one_page_{lang}.html", markdown_html(page, lang=lang))]
    if xlsx:
        paths.append(write_workbook({**summary, **frames}, out / "tables.xlsx",
                                    notes=WORKBOOK_NOTES))
    if readme is not None:
        _update_readme(Path(readme), str(readme_before), blocks)
    return paths + sorted((out / "figures").glob("*"))


#: What each sheet of the workbook is (``tables.xlsx``).
WORKBOOK_NOTES: dict[str, str] = {
    "headline": "headline_table: per level where it stands, P as of the study's as-of and "
                "now, against the study's target and the level's own",
    "combined": "reachability_combined: the combined 4 in 10 per year, as of the study's "
                "as-of and with all data",
    "acceleration": "acceleration_table: extra points a year and students by start year",
    "levels": "the one-page summary per level (goal, probability, verdict, what it would "
              "have taken)",
    "combined_facts": "the one-page summary's combined 4 in 10",
    "level_parts": "parts of a pooled level judged on the series their target is set on "
                   "(vmbo gl and tl on NaSk diplomas; empty where a region has none)",
    "evaluation": "two_set_evaluation of the models (national report)",
    "vintages": "the data of the time and today's data (national report)",
    "women_target": "the +20% women target in Oost, on technical entrants",
    "women_shares": "girls choosing technique and its trend (DUO basis)",
}
