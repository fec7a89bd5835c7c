"""The command-line report: figures (PNG and SVG), a self-contained HTML page and a Markdown
summary, built from the bundled data (``tpforecast report``, the README's main job).

Every number comes from library functions (:mod:`tpforecast.report.analysis`,
:mod:`tpforecast.forecasting`, :mod:`tpforecast.scenarios`, :mod:`tpforecast.forecasting.backtesting`);
this module only lays them out. Output is deterministic: fixed seeds, no timestamps, and
figure files without creation dates.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
import matplotlib.pyplot as plt
import pandas as pd

from tpforecast import plotting
from tpforecast.data.loaders import load_series, load_targets, select_series
from tpforecast.forecasting import forecast, reachability
from tpforecast.forecasting.backtesting import default_model_evidence
from tpforecast.models import DEFAULT_MODEL
from tpforecast.report import analysis
from tpforecast.scenarios import acceleration_table, load_scenarios, run_scenarios

__all__ = ["HEADLINE_COLUMNS", "acceleration_display", "build_report", "headline_markdown"]

TITLE = "Techniekpact: is 4 in 10 reachable?"

#: headline_table column -> display name (in this order)
HEADLINE_COLUMNS: dict[str, str] = {
    "level": "level",
    "last_year": "last year",
    "last_share": "last share",
    "p_reach_2020_as_of_2016": "P(40% in 2020), as of 2016",
    "observed_2019": "2019/20",
    "observed_2020": "2020/21",
    "required_pp_per_year_from_2016": "needed from 2016 (pt/yr)",
    "expected_year_40pct": "40% reached (median year)",
}
_PCT = {"last_share", "observed_2019", "observed_2020"}


@dataclass(frozen=True)
class _Figure:
    name: str
    heading: str
    caption: str
    svg: str


def _fmt(value: Any, column: str) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "n/a"
    if column in _PCT:
        return f"{100 * float(value):.0f}%"
    if column.startswith("p_reach"):
        p = float(value)
        return "<1%" if 0 < p < 0.005 else ">99%" if 0.995 < p < 1 else f"{100 * p:.0f}%"
    if column.startswith("required_pp"):
        return f"{round(float(value), 1) + 0.0:+.1f}"  # + 0.0 turns -0.0 into 0.0
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def headline_display(table: pd.DataFrame) -> pd.DataFrame:
    """The headline table with rounded, labelled columns (as shown in the report and README)."""
    cols = [c for c in HEADLINE_COLUMNS if c in table.columns]
    shown = pd.DataFrame({HEADLINE_COLUMNS[c]: [_fmt(v, c) for v in table[c]] for c in cols})
    if "expected_year_40pct" in table.columns:
        col = HEADLINE_COLUMNS["expected_year_40pct"]
        shown[col] = [_year_text(r) for _, r in table.iterrows()]
    return shown


def _year_text(row: pd.Series) -> str:
    year = row.get("expected_year_40pct")
    lo, hi = row.get("expected_year_40pct_lo"), row.get("expected_year_40pct_hi")
    last = row.get("last_share")
    if not pd.isna(year) and not pd.isna(last) and float(last) >= 0.40:
        return f"reached (since {int(year)})"
    if pd.isna(year):
        if "too few" in str(row.get("note", "")):
            return "n/a (too few points)"
        return "not by 2040" if pd.isna(lo) else f"after 2040 (80%: from {int(lo)})"
    if pd.isna(lo) or pd.isna(hi):
        return f"{int(year)} ({'?' if pd.isna(lo) else int(lo)}-after 2040)"
    return f"{int(year)} ({int(lo)}-{int(hi)})" if lo != hi else str(int(year))


def acceleration_display(table: pd.DataFrame, pace: float = 1.0) -> pd.DataFrame:
    """The acceleration table (:func:`~tpforecast.scenarios.acceleration_table`), rounded and
    labelled: extra points a year by start year, the pace before 2015, and the year the target
    is reached at ``pace`` points a year."""
    starts = [c.rsplit("_", 1)[1] for c in table.columns
              if c.startswith("required_pp_per_year_from_")]
    shown = pd.DataFrame({"level": table["level"]})
    for start in starts:
        shown[f"from {start} (pt/yr)"] = [
            _fmt(v, "required_pp") for v in table[f"required_pp_per_year_from_{start}"]]
    shown["pace to 2015 (pt/yr)"] = [_fmt(v, "required_pp")
                                     for v in table["historic_pp_per_year_to_2015"]]
    shown["last share"] = [_fmt(v, "last_share") for v in table["last_share"]]
    shown[f"40% at +{pace:g} pt/yr"] = [
        analysis.format_year_range(r.first_year_at_pace, r.first_year_at_pace_lo,
                                   r.first_year_at_pace_hi,
                                   already=bool(r.last_share >= r.target))
        if not pd.isna(r.last_share) else "n/a"
        for r in table.itertuples(index=False)]
    return shown


def headline_markdown(table: pd.DataFrame) -> str:
    """The headline table as a GitHub Markdown table."""
    return headline_display(table).to_markdown(index=False, disable_numparse=True)


def _save(fig: Any, out: Path, name: str) -> str:
    """Write ``name``.png and .svg without volatile metadata; return the SVG markup."""
    figdir = out / "figures"
    figdir.mkdir(parents=True, exist_ok=True)
    with plt.rc_context({"svg.hashsalt": "tpforecast", "svg.fonttype": "path"}):
        fig.savefig(figdir / f"{name}.png", dpi=110, bbox_inches="tight",
                    metadata={"Software": None})
        fig.savefig(figdir / f"{name}.svg", bbox_inches="tight",
                    metadata={"Date": None, "Creator": None})
    plt.close(fig)
    path = figdir / f"{name}.svg"
    svg = _stable_svg_ids(path.read_text(encoding="utf-8"), prefix=name)
    path.write_text(svg, encoding="utf-8")
    return svg[svg.index("<svg"):]  # inline: drop the XML prolog and doctype


def _stable_svg_ids(svg: str, prefix: str) -> str:
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


def _figures(series: pd.DataFrame, out: Path, seed: int) -> list[_Figure]:
    nl = analysis.headline_series(series)
    figs: list[_Figure] = []

    def add(name: str, heading: str, caption: str, draw: Callable[[], Any]) -> None:
        obj = draw()
        fig = obj.figure if hasattr(obj, "figure") and not isinstance(obj, plt.Figure) else obj
        figs.append(_Figure(name, heading, caption, _save(fig, out, name)))

    reach16 = reachability(nl, target=0.40, year=2020, as_of=2015, seed=seed)
    reach16 = reach16.sort_values("level").reset_index(drop=True)
    add("headline", "Was 40% in 2020 reachable, as seen in 2016?",
        "Projection for 2020/21 with the data up to 2015/16 (median and 80% interval) against "
        "the 40% goal; p is the probability of reaching it. Model: "
        f"{DEFAULT_MODEL} (local level; naive for series with fewer than 5 points).",
        lambda: plotting.plot_reachability(
            reach16, title="P(40% in 2020/21), with the data known in 2016"))
    hind = analysis.hindcast_table(nl, as_of=2015, years=(2019, 2020),
                                   models=[DEFAULT_MODEL, "naive", "drift", "logit_linear",
                                           "ensemble"], seed=seed)
    add("hindcast", "Hindcast: what the models said in 2016, and what happened",
        "Each model's median and 80% interval for 2020/21 with the data up to 2015/16, against "
        "the value published afterwards (black line). Trend models were too optimistic.",
        lambda: plotting.plot_hindcast(
            hind, year=2020, target=0.40,
            title="What each model said about 2020/21 with the data up to 2015/16"))
    add("series", "The national series per level",
        "Canonical monitor indicator per level (share of pupils/students choosing a beta-"
        "technical programme); hollow markers precede a definition break.",
        lambda: plotting.plot_series(nl, hue="level"))
    for level in ("mbo", "havo", "ho"):
        one = nl[nl["level"] == level]
        if one["share"].notna().sum() < 3:
            continue
        fc = forecast(one, until=2030, seed=seed)
        add(f"forecast_{level}", f"Forecast: {level}",
            f"Observed {level} share and the {DEFAULT_MODEL} forecast with 80% and 95% "
            "prediction intervals; the line is the 40% goal.",
            lambda one=one, fc=fc: plotting.plot_forecast(one, fc, target=0.40,
                                                          target_year=2020))
    scen = run_scenarios(nl, load_scenarios(), until=2030, seed=seed)
    add("scenarios", "Acceleration scenarios per level",
        "Baseline trend, the observed Overijssel pace (+1 point a year), stagnation, each "
        "level's ambition and the acceleration required for 40% in 2020 (median and 80% band).",
        lambda: plotting.plot_scenarios(scen, data=nl, targets=0.40))
    regional = select_series(series, regions=["NL", "Oost", "Overijssel", "Gelderland"],
                             levels=["mbo", "hbo", "wo"], sexes=["all"], origin="duo")
    add("oost", "Landsdeel Oost against the Netherlands",
        "Computed the same way from the DUO files for all four regions: mbo participants in "
        "sector techniek, hbo/wo first-years in CROHO techniek (wo: + natuur), by the "
        "institution's location.",
        lambda: plotting.plot_panels(regional, panel="level", hue="region"))
    return figs


def _tables(series: pd.DataFrame, targets: pd.DataFrame, accel: pd.DataFrame
            ) -> list[dict[str, str]]:
    evidence = default_model_evidence(series)
    women = analysis.women_target_progress(series, targets)
    return [
        {"heading": "How good are the models? (backtest, horizons 3-5 years)",
         "html": evidence.round(3).to_html(index=False, border=0),
         "note": "Rolling-origin backtest over the national series: MAE in points, MASE "
                 "against naive, coverage of the 80% and 95% intervals. No model beats naive; "
                 f"the default ({DEFAULT_MODEL}) is the one whose 80% intervals are calibrated."},
        {"heading": "What acceleration would 40% in 2020 have taken?",
         "html": acceleration_display(accel).to_html(index=False, border=0),
         "note": "Extra points per year on top of the trend, from the start year, for the "
                 "median to land on 40% in 2020/21 (data known the year before the start); and "
                 "the year 40% is reached at the observed Overijssel pace of +1 point a year."},
        {"heading": "20% more women in technical programmes (landsdeel Oost, end 2019)",
         "html": women.round(3).to_html(index=False, border=0, na_rep="n/a"),
         "note": "Female technical counts from the DUO files, Oost, 2019/20 against the "
                 "2015/16 baseline; target ratio 1.20."},
    ]


def _findings(headline: pd.DataFrame) -> list[str]:
    """Plain-language findings computed from the headline table (no hand-typed numbers)."""
    items = []
    known = headline.dropna(subset=["p_reach_2020_as_of_2016"])
    if not known.empty:
        items.append(
            "With the data known in 2016 (up to 2015/16), the probability of at least 40% in "
            "2020/21 was: " + ", ".join(
                f"{r.level} {_fmt(r.p_reach_2020_as_of_2016, 'p_reach')}"
                for r in known.itertuples()) + ".")
    obs = headline.dropna(subset=["observed_2020"])
    intake = obs[obs["own_target"].eq(0.40)] if "own_target" in obs else obs
    if not intake.empty:
        hit = intake[intake["observed_2020"] >= 0.40]["level"].tolist()
        items.append(
            "In 2020/21 " + (f"{', '.join(hit)} reached 40%" if hit else "no intake level "
                             "reached 40%") + ": "
            + ", ".join(f"{r.level} {_fmt(r.observed_2020, 'observed_2020')}"
                        for r in intake.itertuples()) + ".")
    amb = headline.dropna(subset=["observed_2019"])
    amb = amb[amb["own_target"].notna() & amb["own_target"].ne(0.40)] if "own_target" in amb \
        else amb.iloc[0:0]
    if not amb.empty:
        items.append(
            "Against their own ambitions in 2019/20: " + ", ".join(
                f"{r.level} {_fmt(r.observed_2019, 'observed_2019')} (ambition "
                f"{100 * r.own_target:.0f}%)" for r in amb.itertuples()) + ".")
    req = headline.dropna(subset=["required_pp_per_year_from_2016"])
    if not req.empty:
        items.append(
            "Reaching 40% in 2020 from 2016 would have needed, on top of the trend, "
            + ", ".join(f"{r.level} {_fmt(r.required_pp_per_year_from_2016, 'required_pp')} "
                        "points a year" for r in req.itertuples()
                        if r.required_pp_per_year_from_2016 > 0)
            + ": Overijssel reported about +1 point a year.")
    return items


def _update_readme(readme: Path, blocks: dict[str, str]) -> None:
    """Replace the text between ``<!-- NAME:start -->`` and ``<!-- NAME:end -->`` markers."""
    text = readme.read_text(encoding="utf-8")
    for name, body in blocks.items():
        start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
        if start in text and end in text:
            head, rest = text.split(start, 1)
            _, tail = rest.split(end, 1)
            text = f"{head}{start}\n{body}\n{end}{tail}"
    readme.write_text(text, encoding="utf-8")


def build_report(out: str | Path = "reports", *, seed: int = 0,
                 readme: str | Path | None = None) -> list[Path]:
    """Build the report from the bundled data.

    Parameters
    ----------
    out
        Output directory; figures go to ``out/figures`` (PNG and SVG), the page to
        ``out/report.html`` (self-contained: figures inline as SVG) and the Markdown summary to
        ``out/summary.md``.
    seed
        Random seed of all simulations.
    readme
        If given, the tables between the ``<!-- headline:start -->``/``end`` and
        ``<!-- acceleration:start -->``/``end`` markers of this file are replaced.

    Returns
    -------
    list of pathlib.Path
        The files written.
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    series, targets = load_series(), load_targets()
    with warnings.catch_warnings():
        # skipped series are listed in the tables' notes; keep the console clean
        warnings.simplefilter("ignore", category=UserWarning)
        headline = analysis.headline_table(series, targets, seed=seed)
        figures = _figures(series, out, seed)
        accel = acceleration_table(series, target=0.40, seed=seed,
                                   levels=list(analysis.HEADLINE_LEVELS))
        tables = _tables(series, targets, accel)
    table_md = headline_markdown(headline)
    accel_md = acceleration_display(accel).to_markdown(index=False, disable_numparse=True)
    findings = _findings(headline)
    lead = ("The Techniekpact goal: by 2020, 4 in 10 young people choose a beta/technical "
            "programme. Per level: where the share stands, whether and when 40% (or the level's "
            "own ambition) is reached under honest uncertainty, and what acceleration it takes.")
    method = ("Series: published Techniekpact monitor figures (newest edition wins; see "
              "data/processed/clean_log.csv) and shares computed from DUO open data (DUO; CBS "
              "lookups, CC-BY 4.0). Models: statsmodels; the default is chosen by rolling-origin "
              "backtests. All figures and numbers: `tpforecast report`, seed "
              f"{seed}. Built from data/datapackage.json resources.")
    env = jinja2.Environment(autoescape=jinja2.select_autoescape(["html"]),
                             undefined=jinja2.StrictUndefined)
    template = env.from_string(
        resources.files("tpforecast.report").joinpath("templates/report.html.j2").read_text("utf-8"))
    html = template.render(
        title=TITLE, lead=lead, findings=findings,
        headline_html=jinja2.filters.Markup(
            headline_display(headline).to_html(index=False, border=0)),
        headline_note="P(...): probability, with the data up to 2015/16, that the share is at "
                      "least 40% in 2020/21. 2019/20 and 2020/21: what the monitor published "
                      "afterwards. Needed: extra points a year from 2016 for the median to reach "
                      "40% in 2020. Median year: first year 40% is reached on current trends "
                      "(80% range), all data.",
        figures=[{**f.__dict__, "svg": jinja2.filters.Markup(f.svg)} for f in figures],
        tables=[{**t, "html": jinja2.filters.Markup(t["html"])} for t in tables],
        method=method,
    )
    paths = [out / "report.html", out / "summary.md"]
    paths[0].write_text(html, encoding="utf-8")
    md = [f"# {TITLE}", "", lead, "", "## Key findings", "",
          *[f"- {item}" for item in findings], "", "## Headline per level", "", table_md, "",
          "![P(40% in 2020), as seen in 2016](figures/headline.png)", "",
          "## What acceleration would 40% in 2020/21 have taken?", "", accel_md, "",
          "Extra points a year on top of the trend from the start year (data known the year "
          "before), for the median to reach 40% in 2020/21; the pace before 2015; and when 40% "
          "is reached at +1 point a year from the latest value (median, 10-90% range).", "",
          "## Figures", "", *[f"- [{f.heading}](figures/{f.name}.png)" for f in figures], "",
          f"Method: {method}", ""]
    paths[1].write_text("\n".join(md), encoding="utf-8")
    if readme is not None:
        _update_readme(Path(readme), {"headline": table_md, "acceleration": accel_md})
    paths += sorted((out / "figures").glob("*"))
    return paths

