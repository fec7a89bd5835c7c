"""The rule tables of the cleaning in ``data/mappings/``, read and checked.

``indicators.csv``
    ``indicator, source_level, level, canonical, include, flags, description, note``: per
    published (indicator, level) the level the rows belong to (fixes mislabels), whether the
    indicator is the headline (canonical) one for that level, whether its rows are used at all,
    and extra flag tokens for its rows.
``editions.csv``
    ``source_edition, edition_date, kind, document, note``: the date that orders editions
    (newest wins), ``primary`` or ``secondary`` (a report of another edition), and the document
    that serves as source for rows without a URL.
``breaks.csv``
    ``break_id, indicator, level, region, first_year, edition_before, effective, action,
    to_indicator, description``: definition breaks; ``flag`` marks values before
    ``first_year`` and/or from editions dated before ``edition_before`` with
    ``pre_break:<break_id>``, ``move`` reassigns rows of editions dated before
    ``edition_before`` to ``to_indicator``. ``effective`` is the date the break came (the
    first edition or DUO release on the new basis): a vintage whose year ends before it does
    not know the break (``tpforecast.load_series(vintage=...)``).
``series_roles.csv``
    ``level, regional_headline, duo_basis, reason``: per level, the series that stands for a
    region other than NL in headline tables and judgements against the monitor's targets (the
    DUO series benchmarked to the monitor's scale; empty where none exists), and the DUO-basis
    series computed the same way for every region and NL (comparisons between regions, counts
    of entrants and pupils). NL's headline series is the canonical published one
    (``indicators.csv``).
``corrections.csv``
    ``indicator, level, region, measure, source_edition, new_indicator, new_level, reason``:
    row-level relabelling of published rows (an empty match field matches anything).
``level_families.csv``
    ``level, family, regional_set, reason``: per level its family (levels that share
    definitions and shocks; ``;`` joins several for a pool across families), left out
    together when the default model's calibration is evaluated, and whether its DUO-basis
    series belong to the regional calibration set (pools of other levels do not).
``level_groups.csv``
    ``group, members, note``: a level key that stands for several levels (``all`` = mbo, hbo
    and wo intake; ``mbo_hbo``; ``havo_vwo``; ...), for targets set on a group and for pooling.

Each reader raises :class:`~tpforecast.errors.TpDataError` naming the file, the line and the
column of the first problem.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd

from tpforecast.data.mappings import (
    BREAK_ACTIONS,
    EDITION_KINDS,
    FLAG_TOKENS,
    MEASURES,
    _check_level_keys,
    _check_vocabulary,
    _parse_bool_column,
    mapping_path,
    read_mapping,
)
from tpforecast.errors import TpDataError

__all__ = ["breaks_in_force", "load_breaks", "load_corrections", "load_editions",
           "load_indicators", "load_level_families", "load_level_groups", "vintage_end"]

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")



def load_indicators(path: str | Path | None = None) -> pd.DataFrame:
    """The indicator table (``indicators.csv``), checked.

    Returns
    -------
    pandas.DataFrame
        ``indicator, source_level, level, canonical (bool), include (bool), flags,
        description, note, line``; one row per published (indicator, source_level).

    Raises
    ------
    TpDataError
        On a duplicate (indicator, source_level), an unknown level key, a non-boolean
        ``canonical``/``include``, an unknown flag token, rows of one (indicator, level) that
        disagree, two canonical indicators for one level, or a canonical row that is excluded.
    """
    path = Path(path) if path is not None else mapping_path("indicators.csv")
    required = ("indicator", "source_level", "level", "canonical", "include", "description")
    frame = read_mapping(path, required=required, key=("indicator", "source_level"),
                         not_empty=required)
    for column in ("flags", "note"):
        if column not in frame.columns:
            frame[column] = ""
    _check_level_keys(frame, "source_level", path)
    _check_level_keys(frame, "level", path)
    frame["canonical"] = _parse_bool_column(frame, "canonical", path)
    frame["include"] = _parse_bool_column(frame, "include", path)
    for row in frame.itertuples(index=False):
        for token in filter(None, row.flags.split(";")):
            if token not in FLAG_TOKENS:
                raise TpDataError("unknown flag token", file=path, line=int(row.line),
                                  column="flags", value=token,
                                  expected=f"tokens from docs/design.md: {', '.join(FLAG_TOKENS)}")
    _check_indicator_consistency(frame, path)
    return frame[["indicator", "source_level", "level", "canonical", "include", "flags",
                  "description", "note", "line"]]


def _check_indicator_consistency(frame: pd.DataFrame, path: Path) -> None:
    for (indicator, level), group in frame.groupby(["indicator", "level"], sort=True):
        for column in ("canonical", "include", "flags"):
            if group[column].nunique() > 1:
                row = group.iloc[1]
                raise TpDataError(
                    f"rows of indicator {indicator!r}, level {level!r} disagree",
                    file=path, line=int(row["line"]), column=column, value=row[column],
                    expected=f"the same {column} as line {int(group['line'].iloc[0])}",
                )
    canonical = frame[frame["canonical"]].drop_duplicates(["indicator", "level"])
    dup = canonical[canonical.duplicated("level", keep="first")]
    if not dup.empty:
        row = dup.iloc[0]
        first = canonical[canonical["level"] == row["level"]].iloc[0]
        raise TpDataError(
            f"two canonical indicators for level {row['level']!r} "
            f"({first['indicator']} on line {int(first['line'])})",
            file=path, line=int(row["line"]), column="canonical", value=row["indicator"],
            expected="at most one canonical indicator per level",
        )
    bad = frame[frame["canonical"] & ~frame["include"]]
    if not bad.empty:
        row = bad.iloc[0]
        raise TpDataError("a canonical indicator cannot be excluded", file=path,
                          line=int(row["line"]), column="include", value="false",
                          expected="include=true for canonical rows")


# ----------------------------------------------------------------------------------- editions


def load_editions(path: str | Path | None = None) -> pd.DataFrame:
    """The edition table (``editions.csv``), checked.

    Returns
    -------
    pandas.DataFrame
        ``source_edition, edition_date (Timestamp), kind, document, note, line``.

    Raises
    ------
    TpDataError
        On a duplicate edition, a date that is not ``YYYY-MM-DD`` or an unknown ``kind``.
    """
    path = Path(path) if path is not None else mapping_path("editions.csv")
    frame = read_mapping(path, required=("source_edition", "edition_date", "kind"),
                         key=("source_edition",),
                         not_empty=("source_edition", "edition_date", "kind"))
    for column in ("document", "note"):
        if column not in frame.columns:
            frame[column] = ""
    _check_vocabulary(frame, "kind", EDITION_KINDS, path)
    frame["edition_date"] = [
        _parse_iso_date(value, path, int(line), "edition_date")
        for value, line in zip(frame["edition_date"], frame["line"], strict=True)
    ]
    frame["edition_date"] = pd.to_datetime(frame["edition_date"])
    return frame[["source_edition", "edition_date", "kind", "document", "note", "line"]]


def _parse_iso_date(value: str, path: Path, line: int, column: str) -> pd.Timestamp:
    if _ISO_DATE.match(value):
        try:
            return pd.Timestamp(value)
        except ValueError:
            pass
    raise TpDataError("not an ISO date", file=path, line=line, column=column, value=value,
                      expected="YYYY-MM-DD")


# ------------------------------------------------------------------------------------- breaks


def load_breaks(path: str | Path | None = None) -> pd.DataFrame:
    """The series-break table (``breaks.csv``), checked.

    Returns
    -------
    pandas.DataFrame
        ``break_id, indicator, level, region, first_year (Int64), edition_before (Timestamp or
        NaT), effective (Timestamp), action, to_indicator, description, line``. Empty
        ``level``/``region`` match any.

    Raises
    ------
    TpDataError
        On an unknown action or level key, a malformed year or date, a ``flag`` rule without
        ``first_year`` or ``edition_before``, a ``move`` rule without ``to_indicator``, or rows
        of one break with different ``effective`` dates.
    """
    path = Path(path) if path is not None else mapping_path("breaks.csv")
    columns = ("break_id", "indicator", "level", "region", "first_year", "edition_before",
               "effective", "action", "to_indicator", "description")
    frame = read_mapping(path, required=columns, key=("break_id", "indicator", "level", "region"),
                         not_empty=("break_id", "indicator", "effective", "action",
                                    "description"))
    _check_vocabulary(frame, "action", BREAK_ACTIONS, path)
    _check_level_keys(frame, "level", path, allow_empty=True)
    years: list[Any] = []
    dates: list[Any] = []
    effective: list[pd.Timestamp] = []
    for row in frame.itertuples(index=False):
        line = int(row.line)
        if row.first_year and not row.first_year.isdigit():
            raise TpDataError("not a year", file=path, line=line, column="first_year",
                              value=row.first_year, expected="a start year such as 2016")
        years.append(int(row.first_year) if row.first_year else pd.NA)
        dates.append(_parse_iso_date(row.edition_before, path, line, "edition_before")
                     if row.edition_before else pd.NaT)
        effective.append(_parse_iso_date(row.effective, path, line, "effective"))
        if row.action == "flag" and not (row.first_year or row.edition_before):
            # values are flagged by year or by edition; a rule with neither would do nothing
            raise TpDataError("a flag rule needs first_year or edition_before", file=path,
                              line=line, column="first_year", value=row.first_year,
                              expected="the first start year after the break, such as 2016, "
                                       "or the date of the first edition after it")
        if row.action == "move" and not row.to_indicator:
            raise TpDataError("a move rule needs to_indicator", file=path, line=line,
                              column="to_indicator", expected="an indicator code")
    frame["first_year"] = pd.array(years, dtype="Int64")
    frame["edition_before"] = pd.to_datetime(pd.Series(dates, index=frame.index, dtype=object))
    frame["effective"] = pd.to_datetime(pd.Series(effective, index=frame.index, dtype=object))
    _check_one_date_per_break(frame, path)
    return frame[[*columns, "line"]]


def _check_one_date_per_break(frame: pd.DataFrame, path: Path) -> None:
    """A break comes at one date: every row of a ``break_id`` has the same ``effective``."""
    first = frame.groupby("break_id", sort=False)["effective"].transform("first")
    differs = frame["effective"] != first
    if differs.any():
        row = frame[differs].iloc[0]
        raise TpDataError(f"rows of break {row['break_id']!r} have different effective dates",
                          file=path, line=int(row["line"]), column="effective",
                          value=str(row["effective"].date()),
                          expected=f"{first[differs].iloc[0].date()}, as the break's first "
                                   "row (one date per break)")


def vintage_end(vintage: int) -> pd.Timestamp:
    """The last day of a vintage: what was published by the end of that year."""
    return pd.Timestamp(int(vintage), 12, 31)


def breaks_in_force(breaks: pd.DataFrame, vintage: int | None) -> pd.DataFrame:
    """The rows of ``breaks`` (:func:`load_breaks`) that had come by the end of ``vintage``
    (``effective`` on or before it); every row when ``vintage`` is None (today's data)."""
    if vintage is None:
        return breaks
    return breaks[breaks["effective"] <= vintage_end(vintage)].reset_index(drop=True)


# -------------------------------------------------------------------------------- corrections


def load_corrections(path: str | Path | None = None) -> pd.DataFrame:
    """Row-level relabelling rules (``corrections.csv``), checked.

    Returns
    -------
    pandas.DataFrame
        ``indicator, level, region, measure, source_edition`` (match fields; empty matches
        anything except ``indicator``, which is required), ``new_indicator, new_level, reason,
        line``.

    Raises
    ------
    TpDataError
        On an unknown level key or measure, a rule that changes nothing, or a missing reason.
    """
    path = Path(path) if path is not None else mapping_path("corrections.csv")
    columns = ("indicator", "level", "region", "measure", "source_edition", "new_indicator",
               "new_level", "reason")
    frame = read_mapping(path, required=columns,
                         key=("indicator", "level", "region", "measure", "source_edition"),
                         not_empty=("indicator", "reason"))
    _check_level_keys(frame, "level", path, allow_empty=True)
    _check_level_keys(frame, "new_level", path, allow_empty=True)
    _check_vocabulary(frame, "measure", MEASURES, path, allow_empty=True)
    idle = frame[(frame["new_indicator"] == "") & (frame["new_level"] == "")]
    if not idle.empty:
        raise TpDataError("a correction must set new_indicator or new_level", file=path,
                          line=int(idle["line"].iloc[0]), column="new_indicator",
                          expected="an indicator code or a level key")
    return frame[[*columns, "line"]]


def load_series_roles(path: str | Path | None = None) -> pd.DataFrame:
    """Which series stands for a level in a region (``series_roles.csv``), checked.

    Returns
    -------
    pandas.DataFrame
        ``level, regional_headline, duo_basis, reason, line``; one row per level.

    Raises
    ------
    TpDataError
        On a repeated or unknown level, an empty ``duo_basis`` or ``reason``, or an indicator
        that is not a DUO-derived code (``duo_...``).
    """
    path = Path(path) if path is not None else mapping_path("series_roles.csv")
    required = ("level", "regional_headline", "duo_basis", "reason")
    frame = read_mapping(path, required=required, key=("level",),
                         not_empty=("level", "duo_basis", "reason"))
    _check_level_keys(frame, "level", path)
    for column in ("regional_headline", "duo_basis"):
        bad = frame[(frame[column] != "") & ~frame[column].str.startswith("duo_")]
        if not bad.empty:
            raise TpDataError("not a DUO-derived indicator", file=path,
                              line=int(bad["line"].iloc[0]), column=column,
                              value=bad[column].iloc[0],
                              expected="an indicator code from duo_indicators.csv or "
                                       "benchmarks.csv (duo_...)")
    return frame[[*required, "line"]]


def load_level_families(path: str | Path | None = None) -> pd.DataFrame:
    """The level families of the default model's calibration (``level_families.csv``), checked.

    Returns
    -------
    pandas.DataFrame
        ``level, family, regional_set (bool), reason, line``; one row per level key.

    Raises
    ------
    TpDataError
        On a repeated or unknown level, an empty family or reason, a family that is not a
        ``;``-joined list of lower-case names, or a ``regional_set`` other than true/false.
    """
    path = Path(path) if path is not None else mapping_path("level_families.csv")
    required = ("level", "family", "regional_set", "reason")
    frame = read_mapping(path, required=required, key=("level",),
                         not_empty=("level", "family", "regional_set", "reason"))
    _check_level_keys(frame, "level", path)
    bad = frame[~frame["family"].str.fullmatch(r"[a-z][a-z0-9_]*(;[a-z][a-z0-9_]*)*")]
    if not bad.empty:
        raise TpDataError("not a family list", file=path, line=int(bad["line"].iloc[0]),
                          column="family", value=bad["family"].iloc[0],
                          expected="lower-case names joined by ';', e.g. havo;vwo")
    frame["regional_set"] = _parse_bool_column(frame, "regional_set", path)
    return frame[[*required, "line"]]


def load_level_groups(path: str | Path | None = None) -> dict[str, tuple[str, ...]]:
    """Level keys that stand for several levels (``level_groups.csv``), checked.

    Returns
    -------
    dict
        group -> its member levels, e.g. ``{"all": ("mbo", "hbo", "wo"), ...}``.

    Raises
    ------
    TpDataError
        On a repeated group, an unknown level key (group or member, with did-you-mean), an
        empty or repeated member list.
    """
    path = Path(path) if path is not None else mapping_path("level_groups.csv")
    frame = read_mapping(path, required=("group", "members", "note"), key=("group",),
                         not_empty=("group", "members"))
    _check_level_keys(frame, "group", path)
    groups = {}
    for row in frame.itertuples(index=False):
        members = tuple(m.strip() for m in row.members.split(";"))
        if len(members) < 2 or len(set(members)) != len(members) or "" in members:
            raise TpDataError("a group needs two or more different members", file=path,
                              line=int(row.line), column="members", value=row.members,
                              expected="level keys separated by ';', e.g. mbo;hbo;wo")
        _check_level_keys(pd.DataFrame({"members": members, "line": row.line}), "members",
                          path)
        groups[row.group] = members
    return groups
