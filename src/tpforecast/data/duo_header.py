"""The header of a DUO file: which columns hold counts (measure, sex, year) and which classify.

The vocabulary is the data file ``data/mappings/duo_columns.csv`` (renamed classification
columns, the long-format sex column, sex words, measure words and derived columns). Count
headers come in four shapes: ``2019``, ``MAN2015``/``TOTAAL 2015``, ``2019 MAN`` and
``EXAMENKANDIDATEN SCHOOLJAAR 2019-2020 - MAN``; a school-year range must be one year long.

A header that holds a year but fits none of the shapes (``2019*``, ``2019.0``,
``2019 (voorlopig)``, ``'2019``, ``TOTAL2019``, an exam header with a suffix) is refused: read
as a classification column it would silently drop that year's counts.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from tpforecast.data.checks import did_you_mean
from tpforecast.data.mappings import mapping_path, read_mapping
from tpforecast.errors import TpDataError

__all__ = ["ColumnMap", "CountColumn", "Header", "column_map", "parse_header"]

DEFAULT_MEASURE = "count"  # measure of count columns whose header names none (e.g. ``2019``)
COUNT_COLUMNS = ("measure", "sex", "year", "n", "suppressed", "n_lo", "n_hi", "line", "record",
                 "source")
GRADE_COLUMN = "leerjaar"  # year in school, for files with one count column per grade
_KINDS = ("column", "sex_column", "sex_value", "measure", "grade_measure", "derived")
_YEAR = r"(?P<year>(?:19|20)\d{2})(?:\s*[-/\u2013]\s*(?P<end>(?:19|20)?\d{2}))?"
_YEAR_LIKE = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
_SHAPES = ("'2019', 'MAN2015', '2019 MAN' or 'EXAMENKANDIDATEN SCHOOLJAAR 2019-2020 - MAN'")


@dataclass(frozen=True)
class CountColumn:
    """A count column of the wide file: which measure, sex and year its cells hold."""

    header: str
    measure: str
    sex: str | None  # None: the sex comes from a long-format GESLACHT column (or is "all")
    year: int | None  # None: a year-in-school column; the school year is the file's
    grade: int | None = None  # year in school (LEER- OF VERBLIJFSJAAR 4 - MAN -> 4)


@dataclass(frozen=True)
class ColumnMap:
    """The header vocabulary of ``data/mappings/duo_columns.csv``, split by kind."""

    columns: dict[str, str]  # raw header -> canonical classification column
    sex_columns: frozenset[str]  # long-format sex columns (GESLACHT)
    sex_values: dict[str, str]  # MAN/VROUW/TOTAAL/ONBEKEND -> male/female/all/unknown
    measures: dict[str, str]  # EXAMENKANDIDATEN -> exam_candidates
    grade_measures: dict[str, str]  # LEER- OF VERBLIJFSJAAR -> pupils (columns per grade)
    derived: dict[str, str]  # SLAAGPERC -> pass_rate_pct (left out of the counts)
    derived_notes: dict[str, str]


@dataclass(frozen=True)
class Header:
    """A DUO header split by kind."""

    counts: list[CountColumn]
    classes: list[str]
    sex_column: str | None
    derived: list[str]
    renames: dict[str, str]  # classification header -> output column


@lru_cache(maxsize=4)
def _load_column_map(path: Path, stamp: int) -> ColumnMap:
    table = read_mapping(path, required=("raw", "canonical", "kind"),
                         not_empty=("raw", "canonical", "kind"))
    by_kind: dict[str, dict[str, str]] = {k: {} for k in _KINDS}
    notes: dict[str, str] = {}
    for row in table.itertuples(index=False):
        if row.kind not in by_kind:
            raise TpDataError("unknown kind in the DUO column mapping", file=path,
                              line=int(row.line), column="kind", value=row.kind,
                              expected=did_you_mean(row.kind, _KINDS))
        key = normalize_header(row.raw)
        by_kind[row.kind][key] = row.canonical
        if row.kind == "derived":
            notes[key] = getattr(row, "note", "")
    return ColumnMap(columns=by_kind["column"], sex_columns=frozenset(by_kind["sex_column"]),
                     sex_values=by_kind["sex_value"], measures=by_kind["measure"],
                     grade_measures=by_kind["grade_measure"],
                     derived=by_kind["derived"], derived_notes=notes)


def column_map() -> ColumnMap:
    """The bundled ``duo_columns.csv`` (re-read when the file changes)."""
    path = mapping_path("duo_columns.csv")
    return _load_column_map(path, path.stat().st_mtime_ns if path.exists() else -1)


def normalize_header(name: str) -> str:
    return " ".join(name.upper().split())


def snake_case(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^0-9a-z]+", "_", ascii_name.lower()).strip("_")


@lru_cache(maxsize=4)
def _patterns(sex_words: tuple[str, ...]) -> list[re.Pattern[str]]:
    sex = "(?P<sex>" + "|".join(sorted(map(re.escape, sex_words), key=len, reverse=True)) + ")"
    measure = r"(?P<measure>[A-Z][A-Z ]*?)"
    period = r"(?:(?:SCHOOLJAAR|STUDIEJAAR|JAAR)\s+)?"
    return [
        re.compile(_YEAR),  # 2019, 2019-2020
        re.compile(sex + r"\s*" + _YEAR),  # MAN2015, TOTAAL 2015
        re.compile(_YEAR + r"\s*-?\s*" + sex),  # 2019 MAN
        re.compile(measure + r"\s+" + period + _YEAR + r"(?:\s*-?\s*" + sex + ")?"),
    ]


def _count_header(header: str, colmap: ColumnMap, path: object
                  ) -> tuple[str, str | None, int | None, int | None] | None:
    """``(measure word, sex, year, grade)`` of a count header, or None for a classification
    column; a year-in-school header (``LEER- OF VERBLIJFSJAAR 4 - MAN``) has no year."""
    key = normalize_header(header)
    grade = _grade_pattern(tuple(colmap.grade_measures), tuple(colmap.sex_values)).fullmatch(key)
    if grade:
        sex = colmap.sex_values[grade["sex"]] if grade["sex"] else None
        return grade["measure"], sex, None, int(grade["grade"])
    for pattern in _patterns(tuple(colmap.sex_values)):
        match = pattern.fullmatch(key)
        if match:
            groups = match.groupdict()
            year = int(groups["year"])
            end = groups.get("end")
            if end is not None and int(end) != (year + 1 if len(end) == 4 else (year + 1) % 100):
                raise TpDataError(
                    "unparseable school year in a count header: the end year must follow the "
                    "start year", file=path, line=1, column=header, value=header,
                    expected=f"a school year such as {year}-{year + 1} or "
                             f"{year}/{(year + 1) % 100:02d}")
            sex = colmap.sex_values[groups["sex"]] if groups.get("sex") else None
            return (groups.get("measure") or "").strip(), sex, year, None
    return None


@lru_cache(maxsize=4)
def _grade_pattern(measures: tuple[str, ...], sex_words: tuple[str, ...]) -> re.Pattern[str]:
    """``<grade measure> <n> - <sex>``; matches nothing when the mapping lists no such word."""
    if not measures:
        return re.compile(r"(?!)")
    words = "|".join(sorted(map(re.escape, measures), key=len, reverse=True))
    sex = "|".join(sorted(map(re.escape, sex_words), key=len, reverse=True))
    return re.compile(rf"(?P<measure>{words})\s+(?P<grade>[1-9])(?:\s*-?\s*(?P<sex>{sex}))?")


def parse_header(names: list[str], colmap: ColumnMap, path: object) -> Header:
    """Split the header into count, classification, sex and derived columns; check it."""
    counts: list[CountColumn] = []
    classes: list[str] = []
    derived: list[str] = []
    sex_column: str | None = None
    for header in names:
        key = normalize_header(header)
        parsed = _count_header(header, colmap, path)
        if key in colmap.derived or (parsed and normalize_header(parsed[0]) in colmap.derived):
            derived.append(header)
        elif key in colmap.sex_columns:
            sex_column = header
        elif parsed is not None:
            word, sex, year, grade = parsed
            measure = (colmap.grade_measures.get(word) if grade is not None else
                       colmap.measures.get(normalize_header(word)) if word else DEFAULT_MEASURE)
            counts.append(CountColumn(header, measure or snake_case(word), sex, year, grade))
        elif _YEAR_LIKE.search(header) and key not in colmap.columns:
            _raise_year_like(header, colmap, path)
        elif any(key.startswith(word) for word in colmap.grade_measures):
            raise TpDataError("a year-in-school count header that cannot be read (as a "
                              "classification column its counts would be lost)", file=path,
                              line=1, column=header, value=header,
                              expected="e.g. 'LEER- OF VERBLIJFSJAAR 4 - MAN' (a year in school "
                                       "1-9, then MAN, VROUW, TOTAAL or ONBEKEND)")
        else:
            classes.append(header)
    if not counts:
        raise TpDataError("no count (year) columns found", file=path, line=1, column="(header)",
                          value=names[:8], expected=f"count headers like {_SHAPES}")
    if len({c.year is None for c in counts}) > 1:
        raise TpDataError("the header mixes school-year and year-in-school count columns",
                          file=path, line=1, column=next(c.header for c in counts if c.year
                                                         is None),
                          expected="count columns of one kind")
    _check_count_columns(counts, sex_column, path)
    renames = {raw: colmap.columns.get(normalize_header(raw)) or snake_case(raw)
               for raw in classes}
    _check_names(renames, path)
    return Header(counts, classes, sex_column, derived, renames)


def _raise_year_like(header: str, colmap: ColumnMap, path: object) -> None:
    words = re.findall(r"[A-Z]{3,}", normalize_header(header))
    known = [*colmap.sex_values, *colmap.measures, *colmap.derived]
    hint = next((did_you_mean(w, known) for w in words if w not in known), "")
    raise TpDataError(
        "a column header holds a year but is not a count header that can be read (as a "
        "classification column its year's counts would be lost)", file=path, line=1,
        column=header, value=header,
        expected=f"a count header like {_SHAPES}" + (f"; for the word: {hint}" if "did you"
                                                      in hint else ""))


def _check_count_columns(counts: list[CountColumn], sex_column: str | None, path: object) -> None:
    seen: dict[tuple[str, str | None, int], str] = {}
    for column in counts:
        if sex_column is not None and column.sex is not None:
            raise TpDataError(f"the sex is both in a count header and in the column "
                              f"{sex_column!r}", file=path, line=1, column=column.header,
                              expected="either sex in the count headers or a long-format "
                                       "GESLACHT column")
        key = (column.measure, column.sex, column.year, column.grade)
        if key in seen:
            raise TpDataError(f"two count columns hold the same measure, sex and year (also "
                              f"{seen[key]!r})", file=path, line=1, column=column.header,
                              expected="one column per measure, sex and year")
        seen[key] = column.header


def _check_names(renames: dict[str, str], path: object) -> None:
    owners: dict[str, str] = {}
    for raw, name in renames.items():
        clash = owners.get(name) or (name if name in COUNT_COLUMNS else None)
        if clash is not None:
            raise TpDataError(f"column becomes {name!r}, which {clash!r} already is", file=path,
                              line=1, column=raw, expected="header names that stay distinct "
                              "after renaming (see data/mappings/duo_columns.csv)")
        owners[name] = raw


def derived_note(derived: list[str], colmap: ColumnMap) -> str:
    """Why derived columns (``SLAAGPERC``) are left out of the counts."""
    words = {normalize_header(h).split()[0] for h in derived}
    explain = "; ".join(
        f"{word}: {colmap.derived_notes.get(word, '') or colmap.derived.get(word, '')}"
        for word in sorted(words))
    return (f"left out {len(derived)} column(s) derived from counts ({explain}): "
            + ", ".join(derived))
