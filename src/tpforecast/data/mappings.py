"""Analyst-editable mapping files in ``data/mappings/`` and the parsers that use them.

Every classification or renaming lives in a CSV (UTF-8, ``,``) so that an analyst can change it
without touching code. Each reader checks the file on the way in (required columns, unique
keys, values from known vocabularies) and raises :class:`~tpforecast.errors.TpDataError`
naming the file, the line and the column of the first problem.

Files
-----
``level_names.csv``
    ``alias, level, note``: level names in Dutch or English (any case; spaces, hyphens and
    underscores are equivalent) -> level key. Every level key is also an alias of itself.
``sex_names.csv``
    ``alias, sex, note``: ``F``, ``vrouw``, ``meisjes``, ... -> ``all``/``female``/``male``.
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
    ``break_id, indicator, level, region, first_year, edition_before, action, to_indicator,
    description``: definition breaks; ``flag`` marks values before ``first_year`` with
    ``pre_break:<break_id>``, ``move`` reassigns rows of editions dated before
    ``edition_before`` to ``to_indicator``.
``corrections.csv``
    ``indicator, level, region, measure, source_edition, new_indicator, new_level, reason``:
    row-level relabelling of published rows (an empty match field matches anything).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from tpforecast.errors import TpDataError
from tpforecast.paths import data_dir

__all__ = [
    "BREAK_ACTIONS",
    "EDITION_KINDS",
    "FLAG_TOKENS",
    "MEASURES",
    "QUALITIES",
    "SEXES",
    "UNITS",
    "level_aliases",
    "level_keys",
    "load_breaks",
    "load_corrections",
    "load_editions",
    "load_indicators",
    "mapping_path",
    "normalize_level",
    "normalize_sex",
    "parse_school_year",
    "read_mapping",
    "sex_aliases",
]

SEXES: tuple[str, ...] = ("all", "female", "male")
MEASURES: tuple[str, ...] = ("share", "count_tech", "count_total", "target")
UNITS: tuple[str, ...] = ("pct", "persons")
QUALITIES: tuple[str, ...] = ("reported", "derived", "inferred", "approximate", "proxy")
EDITION_KINDS: tuple[str, ...] = ("primary", "secondary")
BREAK_ACTIONS: tuple[str, ...] = ("flag", "move")
# flag tokens of docs/design.md; `pre_break:<id>` is parameterised and checked separately
FLAG_TOKENS: tuple[str, ...] = (
    *QUALITIES,
    "share_from_counts",
    "n_total_from_share",
    "share_count_mismatch",
    "superseded_editions",
    "exam_candidates_proxy",
    "participants_not_entrants",
    "institution_location",
    "suppressed_cells",
)

_LEVEL_KEY = re.compile(r"^[a-z0-9_]+$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SPACERS = re.compile(r"[\s_\-]+")
_TRUE_FALSE = {"true": True, "false": False}


def mapping_path(name: str) -> Path:
    """Path of a mapping file in the bundled ``data/mappings/`` folder.

    Parameters
    ----------
    name
        File name, e.g. ``"level_names.csv"``.
    """
    return data_dir() / "mappings" / name


def _normalize_alias(text: str) -> str:
    """Case-fold and treat runs of spaces, hyphens and underscores as one space."""
    return _SPACERS.sub(" ", text.strip().casefold()).strip()


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


# ---------------------------------------------------------------------------- generic reader


def read_mapping(
    path: str | Path,
    *,
    required: Sequence[str],
    key: Sequence[str] = (),
    not_empty: Sequence[str] = (),
) -> pd.DataFrame:
    """Read a mapping CSV as text and check its structure.

    Parameters
    ----------
    path
        The CSV file (UTF-8, ``,``-separated, header on line 1).
    required
        Columns that must be present.
    key
        Columns whose combination must be unique.
    not_empty
        Columns that may not hold an empty cell.

    Returns
    -------
    pandas.DataFrame
        All cells as stripped ``str`` (empty string for an empty cell) plus ``line``, the
        physical line number of each row.

    Raises
    ------
    TpDataError
        If the file is missing, not UTF-8 text, lacks a required column, has an empty cell in a
        ``not_empty`` column or repeats a key.
    """
    path = Path(path)
    if not path.is_file():
        raise TpDataError("mapping file not found", file=path, expected="an existing CSV file")
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise TpDataError("mapping file is not UTF-8 text", file=path, line=1,
                          value=str(exc), expected="a UTF-8 CSV file") from exc
    except pd.errors.ParserError as exc:
        raise TpDataError("mapping file is not a valid CSV", file=path, value=str(exc),
                          expected="comma-separated columns, quoted where a cell holds "
                                   "a comma") from exc
    except pd.errors.EmptyDataError as exc:
        raise TpDataError("mapping file is empty", file=path, line=1,
                          column=required[0] if required else None,
                          expected=f"a header with {', '.join(required)}") from exc
    frame.columns = [str(c).strip() for c in frame.columns]
    for column in required:
        if column not in frame.columns:
            raise TpDataError("missing required column", file=path, line=1, column=column,
                              value=",".join(frame.columns),
                              expected=f"columns {', '.join(required)}")
    frame = frame.apply(lambda col: col.str.strip())
    frame["line"] = range(2, len(frame) + 2)
    for column in not_empty:
        empty = frame[frame[column] == ""]
        if not empty.empty:
            raise TpDataError("empty cell", file=path, line=int(empty["line"].iloc[0]),
                              column=column, expected="a value")
    if key:
        dup = frame[frame.duplicated(list(key), keep="first")]
        if not dup.empty:
            row = dup.iloc[0]
            first = frame[(frame[list(key)] == row[list(key)]).all(axis=1)]["line"].iloc[0]
            raise TpDataError(
                f"duplicate key (first on line {first})", file=path, line=int(row["line"]),
                column=",".join(key), value=tuple(row[list(key)]),
                expected="each key once",
            )
    return frame


def _check_vocabulary(
    frame: pd.DataFrame,
    column: str,
    allowed: Sequence[str],
    path: Path,
    *,
    allow_empty: bool = False,
) -> None:
    """Raise on the first cell of ``column`` not in ``allowed``."""
    ok = frame[column].isin(list(allowed))
    if allow_empty:
        ok |= frame[column] == ""
    if not ok.all():
        row = frame[~ok].iloc[0]
        raise TpDataError("unknown value", file=path, line=int(row["line"]), column=column,
                          value=row[column], expected=f"one of {', '.join(allowed)}")


def _parse_bool_column(frame: pd.DataFrame, column: str, path: Path) -> pd.Series:
    lowered = frame[column].str.lower()
    _check_vocabulary(frame.assign(**{column: lowered}), column, ("true", "false"), path)
    return lowered.map(_TRUE_FALSE).astype(bool)


def _check_level_keys(
    frame: pd.DataFrame, column: str, path: Path, *, allow_empty: bool = False
) -> None:
    keys = set(level_keys())
    for row in frame.itertuples(index=False):
        value = getattr(row, column)
        if allow_empty and value == "":
            continue
        if value not in keys:
            raise TpDataError("not a level key", file=path, line=int(row.line), column=column,
                              value=value, expected=_suggest(value, sorted(keys), "level key"))


def _file_stamp(path: Path) -> tuple[str, int]:
    """Cache key for a file: its path and modification time (edits invalidate the cache)."""
    try:
        return str(path), path.stat().st_mtime_ns
    except OSError:
        return str(path), -1


def _suggest(value: Any, known: Sequence[str], what: str) -> str:
    close = difflib.get_close_matches(_normalize_alias(str(value)), list(known), n=5, cutoff=0.6)
    if close:
        return f"a known {what}; close matches: {', '.join(close)}"
    return f"a known {what}, e.g. {', '.join(list(known)[:8])}"


# ------------------------------------------------------------------------------- level names


@lru_cache(maxsize=8)
def _level_table(stamp: tuple[str, int]) -> tuple[tuple[str, str], ...]:
    path = Path(stamp[0])
    frame = read_mapping(path, required=("alias", "level"), not_empty=("alias", "level"))
    frame["normalized"] = frame["alias"].map(_normalize_alias)
    dup = frame[frame.duplicated("normalized", keep="first")]
    if not dup.empty:
        row = dup.iloc[0]
        raise TpDataError("alias listed twice (after normalising case, spaces, hyphens and "
                          "underscores)", file=path, line=int(row["line"]), column="alias",
                          value=row["alias"], expected="each alias once")
    bad = frame[~frame["level"].str.match(_LEVEL_KEY)]
    if not bad.empty:
        row = bad.iloc[0]
        raise TpDataError("malformed level key", file=path, line=int(row["line"]), column="level",
                          value=row["level"], expected="lower_snake_case letters, digits, _")
    self_aliases = set(frame.loc[frame["alias"] == frame["level"], "level"])
    missing = frame[~frame["level"].isin(self_aliases)]
    if not missing.empty:
        row = missing.iloc[0]
        raise TpDataError("level key is not an alias of itself", file=path,
                          line=int(row["line"]), column="level", value=row["level"],
                          expected=f"a row '{row['level']},{row['level']}'")
    return tuple(zip(frame["normalized"], frame["level"], strict=True))


def level_aliases(path: str | Path | None = None) -> dict[str, str]:
    """Normalised alias -> level key, from ``level_names.csv``.

    Parameters
    ----------
    path
        Another ``level_names.csv``; default the bundled one.
    """
    path = Path(path) if path is not None else mapping_path("level_names.csv")
    return dict(_level_table(_file_stamp(path)))


def level_keys(path: str | Path | None = None) -> list[str]:
    """The sorted level keys (e.g. ``havo``, ``mbo_n4``, ``doorstroom_havo_ho``)."""
    return sorted(set(level_aliases(path).values()))


def normalize_level(
    name: Any,
    *,
    file: str | Path | None = None,
    line: int | None = None,
    column: str | None = None,
) -> str:
    """Map a level name in Dutch or English, in any case, to its level key.

    Parameters
    ----------
    name
        E.g. ``"VMBO-BB"``, ``"basisberoepsgerichte leerweg"``, ``"MBO niveau 4"``,
        ``"universiteit"``, ``"higher education"`` or a key such as ``"vmbo_gltl"``.
    file, line, column
        Where the name was read, for the error message.

    Returns
    -------
    str
        The level key.

    Raises
    ------
    TpDataError
        If the name is not in ``data/mappings/level_names.csv``; the message lists close
        known names.

    Examples
    --------
    >>> normalize_level("VMBO-BB"), normalize_level("MBO niveau 4"), normalize_level("WO")
    ('vmbo_bb', 'mbo_n4', 'wo')
    """
    aliases = level_aliases()
    if isinstance(name, str):
        key = aliases.get(_normalize_alias(name))
        if key is not None:
            return key
    raise TpDataError(
        "unknown level name", file=file, line=line, column=column,
        value=None if _is_missing(name) else name,
        expected=_suggest(name, sorted(aliases), "level name (data/mappings/level_names.csv)"),
    )


# --------------------------------------------------------------------------------------- sex


@lru_cache(maxsize=8)
def _sex_table(stamp: tuple[str, int]) -> tuple[tuple[str, str], ...]:
    path = Path(stamp[0])
    frame = read_mapping(path, required=("alias", "sex"), not_empty=("alias", "sex"))
    frame["normalized"] = frame["alias"].map(_normalize_alias)
    dup = frame[frame.duplicated("normalized", keep="first")]
    if not dup.empty:
        row = dup.iloc[0]
        raise TpDataError("alias listed twice", file=path, line=int(row["line"]), column="alias",
                          value=row["alias"], expected="each alias once")
    _check_vocabulary(frame, "sex", SEXES, path)
    return tuple(zip(frame["normalized"], frame["sex"], strict=True))


def sex_aliases(path: str | Path | None = None) -> dict[str, str]:
    """Normalised alias -> ``all``/``female``/``male``, from ``sex_names.csv``."""
    path = Path(path) if path is not None else mapping_path("sex_names.csv")
    return dict(_sex_table(_file_stamp(path)))


def normalize_sex(
    value: Any,
    *,
    file: str | Path | None = None,
    line: int | None = None,
    column: str | None = None,
) -> str:
    """Map a sex value (``F``, ``vrouw``, ``meisjes``, ``M``, ``jongens``, ...) to its key.

    Raises
    ------
    TpDataError
        If the value is not in ``data/mappings/sex_names.csv``.

    Examples
    --------
    >>> normalize_sex("F"), normalize_sex("jongens"), normalize_sex("all")
    ('female', 'male', 'all')
    """
    aliases = sex_aliases()
    if isinstance(value, str):
        key = aliases.get(_normalize_alias(value))
        if key is not None:
            return key
    raise TpDataError("unknown sex value", file=file, line=line, column=column,
                      value=None if _is_missing(value) else value,
                      expected=f"one of {', '.join(SEXES)} or an alias in "
                               "data/mappings/sex_names.csv")


# ------------------------------------------------------------------------------- school year

_YEAR_RANGE = re.compile(r"^'?(\d{2}|\d{4})\s*[/\-\u2013]\s*'?(\d{2}|\d{4})$")
_SINGLE_YEAR = re.compile(r"^(\d{4})$")
_SCHOOL_YEAR_FORMATS = "a school year such as 2014/15, 2014-2015, 2014/2015, '14/'15, 14/15 or 2014"


def _expand_year(digits: str) -> int:
    if len(digits) == 4:
        return int(digits)
    two = int(digits)
    return 2000 + two if two < 70 else 1900 + two


def parse_school_year(
    text: Any,
    *,
    file: str | Path | None = None,
    line: int | None = None,
    column: str | None = None,
) -> int | None:
    """The start year of a school year, e.g. 2014 for ``2014/15``.

    Parameters
    ----------
    text
        ``2014/15``, ``2014-2015``, ``2014/2015``, ``'14/'15``, ``14/15`` or ``2014``
        (surrounding spaces are ignored). Empty or missing gives ``None``.
    file, line, column
        Where the text was read, for the error message.

    Returns
    -------
    int or None

    Raises
    ------
    TpDataError
        For an inconsistent range (``2014/16``) or text that is no school year.

    Examples
    --------
    >>> parse_school_year("2014/15"), parse_school_year("'14/'15"), parse_school_year("")
    (2014, 2014, None)
    """
    if _is_missing(text):
        return None
    if isinstance(text, int) and not isinstance(text, bool):
        text = str(text)
    if not isinstance(text, str):
        raise TpDataError("not a school year", file=file, line=line, column=column,
                          value=text, expected=_SCHOOL_YEAR_FORMATS)
    stripped = text.strip()
    if not stripped:
        return None
    single = _SINGLE_YEAR.match(stripped)
    if single:
        start = int(single.group(1))
    else:
        match = _YEAR_RANGE.match(stripped)
        if not match:
            raise TpDataError("not a school year", file=file, line=line, column=column,
                              value=text, expected=_SCHOOL_YEAR_FORMATS)
        start = _expand_year(match.group(1))
        end_digits = match.group(2)
        end = int(end_digits)
        consistent = end == start + 1 if len(end_digits) == 4 else end == (start + 1) % 100
        if not consistent:
            raise TpDataError("inconsistent school year: the end year must follow the start year",
                              file=file, line=line, column=column, value=text,
                              expected=f"{start}/{(start + 1) % 100:02d}")
    if not 1950 <= start <= 2100:
        raise TpDataError("school year out of range", file=file, line=line, column=column,
                          value=text, expected="a start year between 1950 and 2100")
    return start


# --------------------------------------------------------------------------- indicator table


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
        NaT), action, to_indicator, description, line``. Empty ``level``/``region`` match any.

    Raises
    ------
    TpDataError
        On an unknown action or level key, a malformed year or date, a ``flag`` rule without
        ``first_year``, or a ``move`` rule without ``to_indicator``.
    """
    path = Path(path) if path is not None else mapping_path("breaks.csv")
    columns = ("break_id", "indicator", "level", "region", "first_year", "edition_before",
               "action", "to_indicator", "description")
    frame = read_mapping(path, required=columns, key=("break_id", "indicator", "level", "region"),
                         not_empty=("break_id", "indicator", "action", "description"))
    _check_vocabulary(frame, "action", BREAK_ACTIONS, path)
    _check_level_keys(frame, "level", path, allow_empty=True)
    years: list[Any] = []
    dates: list[Any] = []
    for row in frame.itertuples(index=False):
        line = int(row.line)
        if row.first_year and not row.first_year.isdigit():
            raise TpDataError("not a year", file=path, line=line, column="first_year",
                              value=row.first_year, expected="a start year such as 2016")
        years.append(int(row.first_year) if row.first_year else pd.NA)
        dates.append(_parse_iso_date(row.edition_before, path, line, "edition_before")
                     if row.edition_before else pd.NaT)
        if row.action == "flag" and not row.first_year:
            # clean_figures flags values by year; a rule without first_year would do nothing
            raise TpDataError("a flag rule needs first_year", file=path, line=line,
                              column="first_year", value=row.first_year,
                              expected="the first start year after the break, such as 2016")
        if row.action == "move" and not row.to_indicator:
            raise TpDataError("a move rule needs to_indicator", file=path, line=line,
                              column="to_indicator", expected="an indicator code")
    frame["first_year"] = pd.array(years, dtype="Int64")
    frame["edition_before"] = pd.to_datetime(pd.Series(dates, index=frame.index, dtype=object))
    return frame[[*columns, "line"]]


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
