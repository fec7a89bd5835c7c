"""Clean the published figures into canonical series, logging every change.

:func:`clean_figures` turns the table of :func:`tpforecast.load_figures` (one published figure
a row, several editions side by side) into the canonical series frame of ``docs/design.md``
(one row per indicator, level, region, sex and year) and a log of everything it did. The
rules live in the analyst-editable files of ``data/mappings/`` (see :mod:`tpforecast.data.mappings`).

Steps, in order (the ``step`` names of the log):

1. ``sex``, ``level`` - map sex values (``F`` -> ``female``) and level names to keys.
2. ``corrections`` - relabel single published rows (``corrections.csv``).
3. ``targets`` - move target rows out (one log row each); targets are curated separately.
4. ``indicators`` - fix indicator/level mislabels (``source_level -> level`` in
   ``indicators.csv``) and drop indicators with ``include=false``.
5. ``school_year`` - parse school years; rows without one are dropped.
6. ``editions`` - date each edition (``editions.csv``; a missing edition falls back to a
   date parsed from its name, logged) and fill the source of rows without URL.
   ``vintage`` - with ``vintage=YEAR``, rows of editions dated after the end of that year are
   dropped (not yet published then; one log row per edition), and only the breaks of
   ``breaks.csv`` whose ``effective`` date lies on or before it apply in the steps below.
7. ``breaks`` - apply ``move`` rules of ``breaks.csv`` (mbo definition switch).
8. ``resolve`` - one (indicator, level, region, sex, year, measure) reported by several
   editions: the newest edition wins (on an equal date a primary source beats a report of it,
   then the better quality, then the edition name); one log row per figure whose editions
   disagree, naming values and editions; one aggregate row for agreeing duplicates.
9. ``fractions`` - percentages become fractions.
10. ``combine`` - share, count_tech and count_total of one key become one row.
11. ``shares`` - derive the share from counts where only counts exist; check a printed share
    against counts where both exist (tolerance: the rounding of the printed share).
    ``pool`` - a pooled series without a share (havo/vwo) gets it from its members' counts
    (``pooled.csv``, :mod:`tpforecast.data.pooling`; one log row per derived value).
12. ``flags`` - quality of each value, ``pre_break:<id>`` from ``breaks.csv`` (by year, or by
    the edition of a value for rules with ``edition_before``), extra flags of ``indicators.csv``.

Log ``rows`` counts input rows: for ``dropped``, ``moved`` and ``resolved`` the rows that leave
the table (resolved: the superseded rows), so that the input rows equal the values in the
output plus the rows of those three actions. The log's columns are typed
(:mod:`tpforecast.data.cleanlog`): key, old and new value, kept and superseded value and
edition, file and line; ``reason`` renders the entry as prose.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from tpforecast.data.cleanlog import LOG_COLUMNS, CleanLog
from tpforecast.data.loaders import SERIES_COLUMNS, SERIES_DTYPES
from tpforecast.data.mappings import normalize_level, normalize_sex, parse_school_year
from tpforecast.data.pooling import pool_series
from tpforecast.data.resolve import attach_editions, resolve_editions
from tpforecast.data.tables import (
    breaks_in_force,
    load_breaks,
    load_corrections,
    load_editions,
    load_indicators,
    vintage_end,
)
from tpforecast.errors import TpDataError

__all__ = ["LOG_COLUMNS", "CleanResult", "clean_figures"]

KEY = ["indicator", "level", "region", "sex", "year"]
_MEASURE_ORDER = ("share", "count_tech", "count_total")
_JOIN = " | "


class CleanResult(NamedTuple):
    """Result of :func:`clean_figures`.

    Attributes
    ----------
    series
        The canonical series frame (``docs/design.md``), ``origin="published"``.
    log
        One typed row per change, drop, move, flag or conflict resolution (``LOG_COLUMNS``:
        ``step, action, rows``, the key, ``old, new``, ``kept_value, kept_edition,
        superseded_value, superseded_edition``, ``file, line`` and ``reason``).
    """

    series: pd.DataFrame
    log: pd.DataFrame


def clean_figures(figures: pd.DataFrame, *, vintage: int | None = None) -> CleanResult:
    """Turn the published figures into canonical series, logging every change.

    Parameters
    ----------
    figures
        The table from :func:`tpforecast.load_figures`.
    vintage
        Clean as of the end of this year: editions dated later are left out (logged, step
        ``vintage``), the newest edition published by then wins, and breaks whose
        ``effective`` date (``breaks.csv``) lies later do not apply. None: every edition.

    Returns
    -------
    CleanResult
        ``(series, log)``. ``series`` has one row per (indicator, level, region, sex, year),
        sorted by that key, with the columns and dtypes of ``docs/design.md``; ``share`` is a
        fraction, ``flags`` records the quality of each value, breaks and checks. ``log`` has
        the columns of :data:`LOG_COLUMNS`; nothing leaves the table without a log row.

    Raises
    ------
    TpDataError
        If a row's (indicator, level) is not in ``data/mappings/indicators.csv``, an edition
        has no date in ``editions.csv`` and none can be parsed from its name, a row has no
        source, or the counts of one figure contradict each other (``count_tech`` above
        ``count_total``).

    Examples
    --------
    >>> import tpforecast as tp
    >>> series, log = tp.clean_figures(tp.load_figures())
    >>> row = series.query("indicator == 'havo4_nprofile' and region == 'NL' and sex == 'all' "
    ...                    "and year == 2014")
    >>> float(row["share"].iloc[0])
    0.43
    """
    work = _start(figures)
    log = CleanLog(file=str(work["file"].iloc[0]) if len(work) else "figures table")
    origin = log.file
    work = _map_names(work, "sex", normalize_sex, log, "sex value mapped to its key")
    work = _map_names(work, "level", normalize_level, log, "level name mapped to its key")
    work = _apply_corrections(work, load_corrections(), log)
    work = _move_targets(work, log)
    indicators = load_indicators()
    work = _apply_indicator_table(work, indicators, log, origin)
    work = _parse_years(work, log)
    work = attach_editions(work, load_editions(), log)
    work = _keep_vintage(work, vintage, log)
    breaks = breaks_in_force(load_breaks(), vintage)
    work = _apply_break_moves(work, breaks, log)
    work = resolve_editions(work, log)
    work = _flag_edition_breaks(work, breaks, log)
    work = _to_fractions(work, log)
    series = _combine_measures(work, log, origin)
    series = _derive_and_check_shares(series, log)
    series = pool_series(series, log)
    series = _flag_breaks(series, breaks, log)
    series = _apply_indicator_flags(series, indicators)
    _log_quality(series, indicators, log)
    return CleanResult(_finalize(series), log.frame())


# ------------------------------------------------------------------------------- the steps


def _start(figures: pd.DataFrame) -> pd.DataFrame:
    """A working copy with ``line``, ``file`` and the start ``year`` of each school year."""
    work = figures.copy()
    if "line" not in work.columns:
        work["line"] = np.arange(2, len(work) + 2)
    if "file" not in work.columns:
        work["file"] = "figures table"
    years = work["school_year"]
    work["school_year"] = years.astype(object).where(years.notna(), None)
    work["year"] = pd.array([parse_school_year(v, file=f, line=int(line), column="school_year")
                             for v, f, line in zip(work["school_year"], work["file"],
                                                   work["line"], strict=True)], dtype="Int64")
    return work.reset_index(drop=True)


def _map_names(work: pd.DataFrame, column: str, normalize: Any, log: CleanLog,
               reason: str) -> pd.DataFrame:
    """Map ``column`` to its keys; one log row (step = column) per distinct rename."""
    mapped = pd.Series([normalize(v, file=f, line=int(line), column=column)
                        for v, f, line in zip(work[column], work["file"], work["line"],
                                              strict=True)], index=work.index, dtype="str")
    changed = work[column] != mapped
    pairs = pd.DataFrame({"old": work.loc[changed, column], "new": mapped[changed]})
    for (old, new), group in pairs.groupby(["old", "new"], sort=True):
        log.add(column, "changed", len(group), f"{reason}: {old!r} -> {new!r}",
                work.loc[group.index[0]], old=old, new=new)
    return work.assign(**{column: mapped})


def _apply_corrections(work: pd.DataFrame, corrections: pd.DataFrame, log: CleanLog
                       ) -> pd.DataFrame:
    work = work.copy()
    for rule in corrections.itertuples(index=False):
        mask = work["indicator"] == rule.indicator
        for column, value in (("level", rule.level), ("region", rule.region),
                              ("measure", rule.measure), ("source_edition", rule.source_edition)):
            if value:
                mask &= work[column] == value
        if not mask.any():
            continue
        example = work[mask].iloc[0].copy()
        change, old, new = [], [], []
        if rule.new_indicator:
            work.loc[mask, "indicator"] = rule.new_indicator
            change.append(f"indicator {rule.indicator} -> {rule.new_indicator}")
            old.append(rule.indicator)
            new.append(rule.new_indicator)
        if rule.new_level:
            levels = ", ".join(sorted(set(work.loc[mask, "level"])))
            change.append(f"level {levels} -> {rule.new_level}")
            old.append(levels)
            new.append(rule.new_level)
            work.loc[mask, "level"] = rule.new_level
        log.add("corrections", "changed", int(mask.sum()),
                f"{'; '.join(change)} (corrections.csv line {rule.line}): {rule.reason}",
                example, old=" / ".join(old), new=" / ".join(new))
    return work


def _move_targets(work: pd.DataFrame, log: CleanLog) -> pd.DataFrame:
    targets = work[work["measure"] == "target"]
    for _, row in targets.iterrows():
        log.add("targets", "moved", 1,
                "target row moved out of the series: targets are curated separately "
                "(data/targets.csv, tpforecast.load_targets)", row)
    return work[work["measure"] != "target"].reset_index(drop=True)


def _apply_indicator_table(work: pd.DataFrame, indicators: pd.DataFrame, log: CleanLog,
                           origin: str) -> pd.DataFrame:
    table = indicators.rename(columns={
        "level": "to_level", "line": "mapping_line", "note": "mapping_note",
        "description": "mapping_description",
    })
    merged = work.merge(table, left_on=["indicator", "level"],
                        right_on=["indicator", "source_level"], how="left", validate="m:1")
    unknown = merged["to_level"].isna()
    if unknown.any():
        row = merged[unknown].iloc[0]
        raise TpDataError(
            "indicator/level pair not in data/mappings/indicators.csv", file=origin,
            line=int(row["line"]), column="indicator", value=f"{row['indicator']}/{row['level']}",
            expected="a row (indicator, source_level) in indicators.csv saying which level it "
                     "belongs to, whether it is canonical and whether it is used",
        )
    changed = merged["level"] != merged["to_level"]
    for (indicator, old, new), group in merged[changed].groupby(
            ["indicator", "level", "to_level"], sort=True):
        note = group["mapping_note"].iloc[0]
        where = f"indicators.csv line {int(group['mapping_line'].iloc[0])}"
        log.add("indicators", "changed", len(group),
                f"level mislabel fixed: {indicator} rows labelled {old} belong to {new} "
                f"({where}){': ' + note if note else ''}", group.iloc[0], old=old, new=new)
    merged["level"] = merged["to_level"].astype("str")
    excluded = ~merged["include"].astype(bool)
    for (indicator, level), group in merged[excluded].groupby(["indicator", "level"], sort=True):
        note = group["mapping_note"].iloc[0] or group["mapping_description"].iloc[0]
        log.add("indicators", "dropped", len(group),
                f"indicator {indicator} ({level}) has include=false in indicators.csv: {note}",
                group.iloc[0])
    keep = merged[~excluded]
    return keep[list(work.columns)].reset_index(drop=True)


def _parse_years(work: pd.DataFrame, log: CleanLog) -> pd.DataFrame:
    missing = work["year"].isna()
    for _, row in work[missing].iterrows():
        log.add("school_year", "dropped", 1,
                "no school year: a value without a year cannot be placed in a yearly series",
                row)
    kept = work[~missing].reset_index(drop=True)
    if len(kept):
        log.add("school_year", "changed", len(kept),
                "school year parsed to its start year (2014/15 -> 2014)", kept.iloc[0],
                old=str(kept["school_year"].iloc[0]), new=str(kept["year"].iloc[0]))
    return kept


def _keep_vintage(work: pd.DataFrame, vintage: int | None, log: CleanLog) -> pd.DataFrame:
    """Rows of editions published by the end of ``vintage`` (all rows when None)."""
    if vintage is None:
        return work
    later = work["edition_date"] > vintage_end(vintage)
    for edition, group in work[later].groupby("source_edition", sort=True):
        log.add("vintage", "dropped", len(group),
                f"edition {edition!r} is dated {group['edition_date'].iloc[0].date()}, after "
                f"the end of vintage {vintage}: not yet published then", group.iloc[0])
    return work[~later].reset_index(drop=True)


def _flag_edition_breaks(work: pd.DataFrame, breaks: pd.DataFrame, log: CleanLog
                         ) -> pd.DataFrame:
    """``break_flags`` per row: ``pre_break:<id>`` of each ``flag`` rule with ``edition_before``
    whose rows the row matches (and, with ``first_year``, lies before); a combined value
    carries the flags of every row it is made of."""
    flags = np.array([frozenset()] * len(work), dtype=object)
    rules = breaks[(breaks["action"] == "flag") & breaks["edition_before"].notna()]
    for rule in rules.itertuples(index=False):
        hit = _break_mask(work, rule) & (work["edition_date"] < rule.edition_before)
        if pd.notna(rule.first_year):
            hit &= work["year"] < rule.first_year
        if not hit.any():
            continue
        for i in np.flatnonzero(hit.to_numpy()):
            flags[i] = flags[i] | {f"pre_break:{rule.break_id}"}
        log.add("flags", "flagged", int(hit.sum()),
                f"pre_break:{rule.break_id}: value from an edition dated before "
                f"{rule.edition_before.date()} (breaks.csv line {rule.line}): "
                f"{rule.description}", work[hit].iloc[0])
    return work.assign(break_flags=flags)


def _apply_break_moves(work: pd.DataFrame, breaks: pd.DataFrame, log: CleanLog) -> pd.DataFrame:
    work = work.copy()
    for rule in breaks[breaks["action"] == "move"].itertuples(index=False):
        mask = _break_mask(work, rule)
        if pd.notna(rule.edition_before):
            mask &= work["edition_date"] < rule.edition_before
        if pd.notna(rule.first_year):
            mask &= work["year"] < rule.first_year
        if not mask.any():
            continue
        example = work[mask].iloc[0].copy()
        work.loc[mask, "indicator"] = rule.to_indicator
        before = f" from editions before {rule.edition_before.date()}" if pd.notna(
            rule.edition_before) else ""
        log.add("breaks", "changed", int(mask.sum()),
                f"break {rule.break_id}: {rule.indicator} rows{before} moved to "
                f"{rule.to_indicator} (breaks.csv line {rule.line}): {rule.description}", example,
                old=rule.indicator, new=rule.to_indicator)
    return work


def _break_mask(frame: pd.DataFrame, rule: Any) -> pd.Series:
    mask = frame["indicator"] == rule.indicator
    if rule.level:
        mask &= frame["level"] == rule.level
    if rule.region:
        mask &= frame["region"] == rule.region
    return mask


def _to_fractions(work: pd.DataFrame, log: CleanLog) -> pd.DataFrame:
    pct = work["unit"] == "pct"
    work = work.assign(
        decimals=[_decimals(v) for v in work["value"]],
        number=np.where(pct, (work["value"] / 100).round(8), work["value"]),
    )
    if pct.any():
        log.add("fractions", "changed", int(pct.sum()),
                "percentage turned into a fraction (43 -> 0.43)", work[pct].iloc[0])
    return work


def _decimals(value: float) -> int:
    """Decimals printed in a published number (27.4 -> 1; 43 -> 0; 27.0 reads as 0)."""
    printed = repr(float(value))
    return 0 if printed.endswith(".0") else len(printed.split(".")[1])


def _combine_measures(work: pd.DataFrame, log: CleanLog, origin: str) -> pd.DataFrame:
    """One row per key with share, n_tech, n_total, and the provenance of each value."""
    rows = []
    combined_rows, example = 0, None
    for key, group in work.groupby(KEY, sort=True):
        by_measure = {row["measure"]: row for _, row in group.iterrows()}
        if len(group) > 1:
            combined_rows += len(group)
            example = group.iloc[0] if example is None else example
        rows.append(_combined_row(dict(zip(KEY, key, strict=True)), by_measure, origin))
    if combined_rows:
        log.add("combine", "changed", combined_rows,
                "share, count_tech and count_total of one (indicator, level, region, sex, year) "
                "combined into one row (share, n_tech, n_total)", example)
    return pd.DataFrame(rows)


def _combined_row(key: dict[str, Any], by_measure: dict[str, pd.Series], origin: str) -> dict:
    share, tech, total = (by_measure.get(m) for m in _MEASURE_ORDER)
    if tech is not None and total is not None and tech["number"] > total["number"]:
        raise TpDataError(
            f"count_tech ({tech['number']:g}, line {tech['line']}, {tech['source_edition']!r}) "
            f"above count_total ({total['number']:g}, {total['source_edition']!r}) for one figure",
            file=origin, line=int(tech["line"]), column="value", value=tech["value"],
            expected=f"at most {total['number']:g}; correct one of the rows",
        )
    used = [by_measure[m] for m in _MEASURE_ORDER if m in by_measure]
    flags = {row["quality"] for row in used}.union(*(row["break_flags"] for row in used))
    if any(row["superseded"] for row in used):
        flags.add("superseded_editions")
    return {
        **key,
        "share": share["number"] if share is not None else np.nan,
        "share_decimals": share["decimals"] if share is not None else 0,
        "n_tech": tech["number"] if tech is not None else np.nan,
        "n_total": total["number"] if total is not None else np.nan,
        "source": _JOIN.join(dict.fromkeys(row["source"] for row in used)),
        "edition": _JOIN.join(dict.fromkeys(row["source_edition"] for row in used)),
        "flags": flags,
        "measure": used[0]["measure"],
        "file": used[0]["file"],
        "line": used[0]["line"],
    }


def _derive_and_check_shares(series: pd.DataFrame, log: CleanLog) -> pd.DataFrame:
    series = series.copy()
    counts = series["n_tech"].notna() & series["n_total"].notna() & (series["n_total"] > 0)
    from_counts = series["n_tech"] / series["n_total"].where(counts)
    derive = series["share"].isna() & counts
    series.loc[derive, "share"] = from_counts[derive].round(8)
    for idx in series.index[derive]:
        series.at[idx, "flags"] = series.at[idx, "flags"] | {"share_from_counts", "derived"}
    # one entry per derived value, naming the edition(s) its counts come from: counts of
    # two editions combined into one share must be visible in the log
    for _, row in series[derive].iterrows():
        log.add("shares", "changed", 1,
                f"share derived as n_tech / n_total = {row['n_tech']:g} / {row['n_total']:g} "
                f"where only counts were published (flags share_from_counts, derived; "
                f"editions: {row['edition']})", row, measure="share", old="",
                new=f"{row['share']:.8g}")
    check = counts & ~derive & series["share"].notna()
    tolerance = 0.5 * 10.0 ** (-series["share_decimals"].astype(float)) / 100 + 1e-9
    mismatch = check & ((series["share"] - from_counts).abs() > tolerance)
    for idx in series.index[mismatch]:
        row = series.loc[idx]
        series.at[idx, "flags"] = row["flags"] | {"share_count_mismatch"}
        log.add("shares", "flagged", 1,
                f"printed share {row['share']:.4g} differs from n_tech / n_total = "
                f"{row['n_tech']:g} / {row['n_total']:g} = {from_counts[idx]:.4f} by more than "
                f"the rounding of the printed share ({tolerance[idx]:.4g}); editions: "
                f"{row['edition']}", row)
    return series


def _flag_breaks(series: pd.DataFrame, breaks: pd.DataFrame, log: CleanLog) -> pd.DataFrame:
    series = series.copy()
    # rules by year only; rules with edition_before are applied per edition before combining
    flag_rules = breaks[(breaks["action"] == "flag") & breaks["first_year"].notna()
                        & breaks["edition_before"].isna()]
    for break_id, rules in flag_rules.groupby("break_id", sort=True):
        hit = pd.Series(False, index=series.index)
        for rule in rules.itertuples(index=False):
            hit |= _break_mask(series, rule) & (series["year"] < rule.first_year)
        for idx in series.index[hit]:
            series.at[idx, "flags"] = series.at[idx, "flags"] | {f"pre_break:{break_id}"}
        if hit.any():
            log.add("flags", "flagged", int(hit.sum()),
                    f"pre_break:{break_id}: value lies before the break; "
                    f"{rules['description'].iloc[0]}", series.loc[hit].iloc[0])
    return series


def _apply_indicator_flags(series: pd.DataFrame, indicators: pd.DataFrame) -> pd.DataFrame:
    table = indicators.drop_duplicates(["indicator", "level"]).set_index(["indicator", "level"])
    canonical, extra = [], []
    for indicator, level in zip(series["indicator"], series["level"], strict=True):
        entry = table.loc[(indicator, level)] if (indicator, level) in table.index else None
        canonical.append(bool(entry["canonical"]) if entry is not None else False)
        extra.append(set(filter(None, entry["flags"].split(";"))) if entry is not None else set())
    series = series.assign(canonical=canonical)
    series["flags"] = [f | e for f, e in zip(series["flags"], extra, strict=True)]
    return series


_INDICATOR_FLAG_REASONS = {
    "institution_location": "the region is where the institution is",
}


def _log_quality(series: pd.DataFrame, indicators: pd.DataFrame, log: CleanLog) -> None:
    for quality in ("derived", "inferred", "approximate", "proxy"):
        hit = series["flags"].map(lambda f, q=quality: q in f)
        if hit.any():
            log.add("flags", "flagged", int(hit.sum()),
                    f"quality {quality!r} of a published value recorded in flags",
                    series.loc[hit].iloc[0])
    # every token indicators.csv adds is logged, not only the ones known today
    tokens = sorted({t for flags in indicators.loc[indicators["include"], "flags"]
                     for t in flags.split(";") if t})
    for token in tokens:
        extra = series["flags"].map(lambda f, t=token: t in f)
        if extra.any():
            what = _INDICATOR_FLAG_REASONS.get(token, "flag set for the indicator")
            log.add("flags", "flagged", int(extra.sum()), f"{token}: {what} (indicators.csv)",
                    series.loc[extra].iloc[0])
    superseded = series["flags"].map(lambda f: "superseded_editions" in f)
    if superseded.any():
        log.add("flags", "flagged", int(superseded.sum()),
                "superseded_editions: other editions gave another value (see the resolve rows)",
                series.loc[superseded].iloc[0])


def _finalize(series: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame({
        "indicator": series["indicator"],
        "level": series["level"],
        "region": series["region"],
        "sex": series["sex"],
        "year": series["year"],
        "share": series["share"],
        "share_lo": np.nan,
        "share_hi": np.nan,
        "n_tech": series["n_tech"],
        "n_total": series["n_total"],
        "source": series["source"],
        "edition": series["edition"],
        "origin": "published",
        "canonical": series["canonical"],
        "flags": [";".join(sorted(f)) for f in series["flags"]],
    }) if len(series) else pd.DataFrame(columns=SERIES_COLUMNS)
    out = out.astype(SERIES_DTYPES)
    return out.sort_values(KEY, kind="mergesort").reset_index(drop=True)
