"""The report and the analyses behind it (stage 6): headline and other tables, their wording
for people, and the command-line report. The notebooks call these functions, so the report and
the notebooks show the same numbers in the same words.

Modules: :mod:`~.headline` (the headline selection and table), :mod:`~.outcomes` (own targets,
the count targets, when targets are reached), :mod:`~.regions` (regions against the
Netherlands), :mod:`~.women` (girls choosing technique, and why a share changed), :mod:`~.provenance` and :mod:`~.clean_log` (where the data come from, what
cleaning did), :mod:`~.tables` (tables formatted for people), :mod:`~.text` (sentences),
:mod:`~.vintages` (the data of the time next to today's revised data), :mod:`~.figures`
(the report's figures, :func:`show`), :mod:`~.build` (``build_report``), :mod:`~.summary`, :mod:`~.one_page` and
:mod:`~.workbook` (a region's one-page summary and workbook), :mod:`~.status` (a result or
the rows that say why there is none).

Names are imported lazily (``import tpforecast.report`` does not load jinja2 or matplotlib).
"""

from __future__ import annotations

import importlib
from typing import Any

# public name -> module of tpforecast.report that defines it
_EXPORTS: dict[str, str] = {
    "HEADLINE_LEVELS": "headline", "headline_series": "headline", "headline_table": "headline",
    "role_indicators": "headline", "levels_with_series": "headline",
    "clean_log_text": "clean_log", "edition_conflicts": "clean_log",
    "summarize_clean_log": "clean_log",
    "dataset_summary": "provenance", "flag_tokens": "provenance",
    "series_provenance": "provenance",
    "own_target_reachability": "outcomes", "when_reached": "outcomes",
    "women_target_progress": "outcomes", "count_target_progress": "outcomes",
    "women_shares": "women", "share_change_decomposition": "women",
    "OOST_REGIONS": "regions", "regional_change": "regions", "regional_comparison": "regions",
    "regional_latest": "regions", "regional_reachability": "regions",
    "acceleration_display": "tables", "evaluation_display": "tables",
    "goals_display": "tables", "headline_display": "tables", "likely_year_text": "tables",
    "vintage_display": "tables", "probability_display": "tables",
    "probability_text": "tables",
    "VIEWS": "vintages", "vintage_comparison": "vintages",
    "acceleration_lines": "text", "combined_text": "text", "diagnostics_text": "text",
    "evaluation_note": "text", "evaluation_text": "text", "findings": "text", "more_findings": "text", "headline_lines": "text",
    "own_target_lines": "text", "pace_lines": "text", "probability_lines": "text", "regional_lines": "text",
    "short_series_text": "text", "students_text": "text", "when_lines": "text",
    "women_lines": "text",
    "FigurePNG": "figures", "show": "figures", "warnings_as_lines": "figures",
    "Note": "status", "hindcast_errors": "status", "result_or_status": "status",
    "show_or_note": "status",
    "summary_tables": "summary", "one_page_markdown": "one_page", "markdown_html": "one_page",
    "write_workbook": "workbook",
    "build_report": "build",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'tpforecast.report' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"tpforecast.report.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
