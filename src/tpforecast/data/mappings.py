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
``region_names.csv``
    ``region, kind, note``: every region name the published figures may use (``NL``,
    landsdelen, provinces, areas such as ``Twente``); anything else is refused with a
    did-you-mean.

The rule tables of the cleaning (``indicators.csv``, ``editions.csv``, ``breaks.csv``,
``corrections.csv``) are read by :mod:`tpforecast.data.tables`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from tpforecast.data.checks import (
    check_unique,
    check_vocabulary,
    did_you_mean,
    require_columns,
)
from tpforecast.data.inputs import read_delimited, read_text
from tpforecast.errors import TpDataError
from tpforecast.paths import data_dir

__all__ = [
    "BREAK_ACTIONS",
    "EDITION_KINDS",
    "FLAG_TOKENS",
    "MEASURES",
    "QUALITIES",
    "REGION_KINDS",
    "SEXES",
    "UNITS",
    "YEAR_RANGE",
    "known_regions",
    "level_aliases",
    "level_keys",
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
REGION_KINDS: tuple[str, ...] = ("country", "landsdeel", "province", "area")
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
    "suppression_bias",
    "enrolment_not_intake",
    "assumed_region_mapping",
    "anchored",
    "anchor_outside_band",
    "benchmarked",
    "pooled",
)

# the start years a school year may have (the series schema checks the same range)
YEAR_RANGE: tuple[int, int] = (1990, 2100)

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
    source = read_text(path, what="a mapping CSV (UTF-8, ',')")
    parsed = read_delimited(source, separator=",", expected_header=",".join(required))
    frame = pd.DataFrame(parsed.records, columns=parsed.header, dtype=str)
    require_columns(frame.columns, required, file=path, line=parsed.header_line)
    frame["line"] = parsed.lines
    for column in not_empty:
        empty = frame[frame[column] == ""]
        if not empty.empty:
            raise TpDataError("empty cell", file=path, line=int(empty["line"].iloc[0]),
                              column=column, expected="a value")
    if key:
        check_unique(frame, list(key), file=path, lines=frame["line"], column=",".join(key),
                     what="key")
    return frame


def _check_vocabulary(frame: pd.DataFrame, column: str, allowed: Sequence[str], path: Path,
                      *, allow_empty: bool = False) -> None:
    """Raise on the first cell of ``column`` not in ``allowed`` (with did-you-mean)."""
    rows = frame[frame[column] != ""] if allow_empty else frame
    check_vocabulary(rows[column], list(allowed), file=path, lines=rows["line"], column=column,
                     what="value")


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
    return f"a known {what}: {did_you_mean(value, known)}"


# ------------------------------------------------------------------------------- level names


def _alias_frame(path: Path, target: str) -> pd.DataFrame:
    """An alias file (``alias, <target>``) with each alias once after normalising."""
    frame = read_mapping(path, required=("alias", target), not_empty=("alias", target))
    frame["normalized"] = frame["alias"].map(_normalize_alias)
    dup = frame[frame.duplicated("normalized", keep="first")]
    if not dup.empty:
        row = dup.iloc[0]
        raise TpDataError("alias listed twice (after normalising case, spaces, hyphens and "
                          "underscores)", file=path, line=int(row["line"]), column="alias",
                          value=row["alias"], expected="each alias once")
    return frame


def _lookup(value: Any, aliases: dict[str, str], problem: str, expected: Callable[[], str],
            where: dict[str, Any]) -> str:
    """The key of an alias, or a TpDataError naming where the value was read."""
    if isinstance(value, str):
        key = aliases.get(_normalize_alias(value))
        if key is not None:
            return key
    raise TpDataError(problem, value=None if _is_missing(value) else value, expected=expected(),
                      **where)


@lru_cache(maxsize=8)
def _level_table(stamp: tuple[str, int]) -> tuple[tuple[str, str], ...]:
    path = Path(stamp[0])
    frame = _alias_frame(path, "level")
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


def normalize_level(name: Any, *, file: str | Path | None = None, line: int | None = None,
                    column: str | None = None) -> str:
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
    return _lookup(name, aliases, "unknown level name", lambda: _suggest(
        name, sorted(aliases), "level name (data/mappings/level_names.csv)"),
        {"file": file, "line": line, "column": column})


# --------------------------------------------------------------------------------------- sex


@lru_cache(maxsize=8)
def _sex_table(stamp: tuple[str, int]) -> tuple[tuple[str, str], ...]:
    path = Path(stamp[0])
    frame = _alias_frame(path, "sex")
    _check_vocabulary(frame, "sex", SEXES, path)
    return tuple(zip(frame["normalized"], frame["sex"], strict=True))


def sex_aliases(path: str | Path | None = None) -> dict[str, str]:
    """Normalised alias -> ``all``/``female``/``male``, from ``sex_names.csv``."""
    path = Path(path) if path is not None else mapping_path("sex_names.csv")
    return dict(_sex_table(_file_stamp(path)))


def normalize_sex(value: Any, *, file: str | Path | None = None, line: int | None = None,
                  column: str | None = None) -> str:
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
    return _lookup(value, aliases, "unknown sex value", lambda: f"one of {', '.join(SEXES)} or an "
                   f"alias in data/mappings/sex_names.csv; {did_you_mean(value, sorted(aliases))}",
                   {"file": file, "line": line, "column": column})


# ------------------------------------------------------------------------------- school year

_YEAR_RANGE = re.compile(r"^'?(\d{2}|\d{4})\s*[/\-\u2013]\s*'?(\d{2}|\d{4})$")
_SINGLE_YEAR = re.compile(r"^(\d{4})$")
_YEAR_WORD = re.compile(r"^(?:schooljaar|school year|studiejaar|sj)\s+", re.IGNORECASE)
_SCHOOL_YEAR_FORMATS = ("a school year such as 2014/15, 2014-2015, 2014/2015, '14/'15, 14/15, "
                        "schooljaar 2014/15 or 2014")


def _expand_year(digits: str) -> int:
    """A two-digit year in the century that reads it as a person would: '95 -> 1995, '14 ->
    2014, and '69 -> 1969 (out of range here), never 2069."""
    if len(digits) == 4:
        return int(digits)
    two = int(digits)
    return 2000 + two if two < 50 else 1900 + two


def parse_school_year(text: Any, *, file: str | Path | None = None, line: int | None = None,
                      column: str | None = None) -> int | None:
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
    stripped = _YEAR_WORD.sub("", text.strip())
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
    if not YEAR_RANGE[0] <= start <= YEAR_RANGE[1]:
        raise TpDataError("school year out of range", file=file, line=line, column=column,
                          value=text, expected=f"a start year between {YEAR_RANGE[0]} and "
                          f"{YEAR_RANGE[1]}")
    return start


# ------------------------------------------------------------------------------- region names


@lru_cache(maxsize=8)
def _region_table(stamp: tuple[str, int]) -> tuple[str, ...]:
    frame = read_mapping(Path(stamp[0]), required=("region", "kind"), key=("region",),
                         not_empty=("region", "kind"))
    _check_vocabulary(frame, "kind", REGION_KINDS, Path(stamp[0]))
    return tuple(frame["region"])


def known_regions(path: str | Path | None = None) -> list[str]:
    """Every region name of ``region_names.csv`` (``NL``, landsdelen, provinces, areas)."""
    path = Path(path) if path is not None else mapping_path("region_names.csv")
    return list(_region_table(_file_stamp(path)))


_MOVED_TO_TABLES = ("load_breaks", "load_corrections", "load_editions", "load_indicators")


def __getattr__(name: str) -> Any:
    """The rule-table readers moved to :mod:`tpforecast.data.tables`; old imports keep working."""
    if name in _MOVED_TO_TABLES:
        from tpforecast.data import tables

        return getattr(tables, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
