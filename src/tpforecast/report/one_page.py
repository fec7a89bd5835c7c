"""The one-page summary for a deputy (stage 6), in English or Dutch.

One set of numbers (:func:`~tpforecast.report.summary.summary_tables`) feeds both languages:
the templates ``templates/one_page.<lang>.md.j2`` word the sentences, ``templates/words.yml``
names levels, kinds of target and regions, and the number formats below are the only
difference between the languages (Dutch: ``1,9`` procentpunt, ``6.400`` instromers).
:func:`one_page_markdown` renders the page as Markdown, :func:`markdown_html` as a printable
HTML page.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from functools import cache
from importlib import resources
from typing import Any

import jinja2
import pandas as pd
import yaml

from tpforecast.data.regions import region_provinces
from tpforecast.errors import TpError
from tpforecast.forecasting.combined import COMBINED_LEVELS
from tpforecast.formatting import NA_TEXT, is_na, percent, probability, school_year
from tpforecast.study import DEFAULT_STUDY, Study

__all__ = ["LANGUAGES", "count_text", "markdown_html", "number_formats", "one_page_markdown"]

#: Languages of the one-page summary (English is the default).
LANGUAGES: tuple[str, ...] = ("en", "nl")
#: Decimal and thousands separators per language.
_SEPARATORS = {"en": (".", ","), "nl": (",", ".")}


def _templates() -> Any:
    return resources.files("tpforecast.report").joinpath("templates")


@cache
def _words() -> dict[str, Any]:
    return yaml.safe_load(_templates().joinpath("words.yml").read_text("utf-8"))


def _check_lang(lang: str) -> str:
    if lang not in LANGUAGES:
        raise TpError(f"unknown language {lang!r}; expected one of {', '.join(LANGUAGES)}")
    return lang


def _separate(text: str, lang: str) -> str:
    """English-formatted digits (``6,400.5``) with the separators of ``lang``."""
    decimal, thousands = _SEPARATORS[lang]
    return text.replace(",", "\0").replace(".", decimal).replace("\0", thousands)


def count_text(value: Any, *, lang: str = "en") -> str:
    """A count of people, rounded for reading: two significant digits from a thousand, tens
    below (``count_text(6371.4, lang="nl") == "6.400"``, ``count_text(41202) == "41,000"``).
    """
    if is_na(value):
        return NA_TEXT
    v = abs(float(value))
    digits = -(len(str(int(v))) - 2) if v >= 1000 else -1
    return _separate(f"{round(v, digits):,.0f}", _check_lang(lang))


def _bounded(text: str, lang: str) -> str:
    """``<1%`` and ``>99%`` in words, for running prose."""
    words = {"en": ("less than ", "more than "), "nl": ("minder dan ", "meer dan ")}[lang]
    if text[:1] in "<>":
        return words[text[0] == ">"] + text[1:]
    return text


def number_formats(lang: str = "en") -> dict[str, Callable[..., str]]:
    """The number formats of a language: ``pct``, ``prob``, ``pts`` (points, one decimal,
    no sign), ``count`` and ``sy`` (school year)."""
    _check_lang(lang)
    return {
        # every probability on the page is a share of simulated paths (observed years are
        # worded as facts)
        "pct": percent, "prob": lambda v: _bounded(probability(v, simulated=True), lang),
        "sy": school_year,
        "pts": lambda v: NA_TEXT if is_na(v) else _separate(f"{abs(float(v)):.1f}", lang),
        "count": lambda v: count_text(v, lang=lang),
    }


def _name(kind: str, key: Any, lang: str) -> str:
    return _words()[kind].get(str(key), {}).get(lang, str(key))


def _region(region: str) -> dict[str, Any]:
    """Whether a region is an assumed landsdeel, and its provinces."""
    if region == "NL":
        return {"assumed": False, "provinces": []}
    parts = region_provinces([region])
    return {"assumed": bool(parts["assumed"].any()), "provinces": list(parts["province"])}


def _complete_year(combined: pd.DataFrame) -> Any:
    """The first year with a combined share (every intake level observed), or NA."""
    seen = combined.dropna(subset=["observed"])["year"]
    return int(seen.min()) if len(seen) else pd.NA


def _parts(parts: pd.DataFrame | None, lang: str) -> dict[str, list[dict[str, Any]]]:
    """Per pooled level, its parts with their own target (:func:`~.summary.level_parts`)."""
    out: dict[str, list[dict[str, Any]]] = {}
    for r in ([] if parts is None else parts.to_dict("records")):
        out.setdefault(str(r["level"]), []).append({**r, "name": _name("parts", r["part"], lang)})
    return out


def one_page_markdown(tables: dict[str, pd.DataFrame], *, lang: str = "en",
                      study: Study = DEFAULT_STUDY) -> str:
    """The one-page summary of a region as Markdown.

    Parameters
    ----------
    tables
        :func:`~tpforecast.report.summary.summary_tables` of one region.
    lang
        ``en`` (default) or ``nl``.
    study
        The study settings the tables were computed with.

    Returns
    -------
    str
        Markdown: the combined 4 in 10, what it would have taken from ``study.start``, one
        sentence per level, and how to read it (institution location, assumed landsdelen,
        the model, the sources).
    """
    _check_lang(lang)
    facts = tables["levels"]
    region = str(facts["region"].iloc[0])
    levels = [{**r, "name": _name("levels", r["level"], lang),
               "kind": _name("goal_kinds", ("national_" if r["goal_scope"] == "national"
                                            else "") + str(r["goal_kind"]), lang)}
              for r in facts.to_dict("records")]
    env = jinja2.Environment(undefined=jinja2.StrictUndefined)
    env.filters["capitalize_first"] = lambda s: s[:1].upper() + s[1:]
    template = env.from_string(
        _templates().joinpath(f"one_page.{lang}.md.j2").read_text("utf-8"))
    text = template.render(
        region=region, region_name=_name("regions", region, lang), **_region(region),
        combined=tables["combined_facts"].iloc[0].to_dict(), levels=levels,
        parts=_parts(tables.get("level_parts"), lang),
        # intake levels already at the target: they lift the combined share, so the combined
        # gap is smaller than the levels' gaps added up
        ahead=[lv["name"] for lv in levels
               if lv["level"] in COMBINED_LEVELS and lv["verdict"] == "at_goal"],
        missing=[lv["name"] for lv in levels if lv["verdict"] == "no_data"],
        last_year=int(facts["last_year"].dropna().max()),
        complete_year=_complete_year(tables["combined"]), n_years=study.target_year - study.start + 1,
        is_na=is_na, **number_formats(lang))
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def _inline(text: str) -> str:
    text = html.escape(text, quote=False)
    text = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", text)
    return re.sub(r"\*(.+?)\*", r"<em>\1</em>", text)


def markdown_html(markdown: str, *, lang: str = "en") -> str:
    """A printable HTML page of the one-page summary's Markdown (headings, paragraphs,
    bullets, bold and italics: all the page uses)."""
    body, items = [], []
    for block in markdown.strip().split("\n\n"):
        for line in block.splitlines():
            if line.startswith("- "):
                items.append(f"<li>{_inline(line[2:])}</li>")
                continue
            if items:
                body.append("<ul>" + "".join(items) + "</ul>")
                items = []
            heading = re.match(r"(#+) (.*)", line)
            body.append(f"<h{len(heading[1])}>{_inline(heading[2])}</h{len(heading[1])}>"
                        if heading else f"<p>{_inline(line)}</p>")
    if items:
        body.append("<ul>" + "".join(items) + "</ul>")
    title = re.sub(r"<[^>]+>", "", body[0]) if body else ""
    style = ("body{font-family:sans-serif;max-width:46em;margin:1.5em auto;line-height:1.4;"
             "font-size:11pt}h1{font-size:1.4em}h2{font-size:1.1em;margin-top:1em}"
             "li{margin:.3em 0}@page{size:A4;margin:1.5cm}")
    return (f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{title}</title>\n<style>{style}</style>\n</head>\n<body>\n"
            + "\n".join(body) + "\n</body>\n</html>\n")
