"""The published Techniekpact figures table, read and checked.

:func:`load_figures` reads ``techniekpact_figures.csv`` (one published figure a row, see
``../shared/data/published/README.md``) and checks it before anything else uses it. Values
are typed but not converted: a percentage stays a percentage and level names, sex values and
school years keep their published text (they are checked to be known and parseable here and
mapped in :func:`tpforecast.clean_figures`).

Every problem raises :class:`~tpforecast.errors.TpDataError` naming the file, the physical
line (header is line 1), the column, the bad value and what was expected.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pandas as pd

from tpforecast.data.mappings import (
    MEASURES,
    QUALITIES,
    UNITS,
    normalize_level,
    normalize_sex,
    parse_school_year,
)
from tpforecast.errors import TpDataError
from tpforecast.paths import data_dir

__all__ = ["FIGURES_COLUMNS", "REQUIRED_COLUMNS", "default_figures_path", "load_figures"]

FIGURES_COLUMNS: tuple[str, ...] = (
    "indicator", "level", "region", "sex", "school_year", "measure", "value", "unit",
    "quality", "source_url", "source_edition", "note",
)
# `note` is optional (filled with "" when absent); all other columns are required
REQUIRED_COLUMNS: tuple[str, ...] = tuple(c for c in FIGURES_COLUMNS if c != "note")
_NOT_EMPTY = ("indicator", "level", "region", "sex", "measure", "value", "unit", "quality",
              "source_edition")
_UNITS_FOR_MEASURE = {
    "share": ("pct",),
    "count_tech": ("persons",),
    "count_total": ("persons",),
    "target": ("pct", "persons"),
}
_OTHER_SEPARATORS = {";": "';'", "\t": "tab", "|": "'|'"}


def default_figures_path() -> Path:
    """The project's own copy: ``data/published/techniekpact_figures.csv``."""
    return data_dir() / "published" / "techniekpact_figures.csv"


def load_figures(path: str | Path | None = None) -> pd.DataFrame:
    """Read the published-figures table and check it.

    Parameters
    ----------
    path
        A CSV in the published layout; default the bundled copy
        ``data/published/techniekpact_figures.csv`` (made from ``../shared/data/published/``).

    Returns
    -------
    pandas.DataFrame
        One row per published figure, in file order, with the columns ``indicator, level,
        region, sex, school_year, measure, value, unit, quality, source_url, source_edition,
        note`` (text as ``str``, stripped; ``school_year`` NA when empty; ``value`` float, still
        in the published unit) plus ``line``, the physical line number of the row in the file.
        ``attrs["source"]`` holds the path.

    Raises
    ------
    TpDataError
        For a file that is missing, empty, not UTF-8 text or not ``,``-separated; a missing
        required column; a row with too few or too many fields; an empty required cell; text in
        ``value``; a percentage above 100 or below 0; a negative or fractional count; an unknown
        measure, unit, quality, level name or sex value; a unit that does not fit the measure;
        an unparseable school year; two different values for one figure within one edition; or
        ``count_tech`` above ``count_total`` for the same figure and edition.

    Examples
    --------
    >>> import tpforecast as tp
    >>> figures = tp.load_figures()
    >>> first = figures.iloc[0]
    >>> first["indicator"], first["level"], first["school_year"], float(first["value"])
    ('bbkbgl_y3_techprofile', 'vmbo_bbkb', '2023/24', 20.0)
    """
    path = Path(path) if path is not None else default_figures_path()
    text = _read_text(path)
    header, records = _parse_csv(text, path)
    frame = _to_frame(header, records)
    _check_cells(frame, path)
    frame = _typed(frame)
    _check_consistency(frame, path)
    frame.attrs["source"] = str(path)
    return frame


# ------------------------------------------------------------------------------ reading text


def _read_text(path: Path) -> str:
    """The file as text; empty, binary and non-UTF-8 files raise."""
    if not path.is_file():
        raise TpDataError("figures file not found", file=path, expected="an existing CSV file")
    data = path.read_bytes()
    if not data.strip():
        raise TpDataError("file is empty", file=path, line=1, column=REQUIRED_COLUMNS[0],
                          expected=f"a header line {','.join(FIGURES_COLUMNS)} and data rows")
    nul = data.find(b"\x00")
    try:
        text = data.decode("utf-8")
        bad = -1
    except UnicodeDecodeError as exc:
        bad = exc.start
    if 0 <= nul and (bad < 0 or nul < bad):
        _raise_not_text(data, nul, path, "file is not text (it holds NUL bytes)")
    if bad >= 0:
        problem = "file is not text" if nul >= 0 else "file is not UTF-8 text"
        _raise_not_text(data, bad, path, problem)
    return text.removeprefix("\ufeff")


def _raise_not_text(data: bytes, offset: int, path: Path, problem: str) -> None:
    """Raise for a byte that is not text, naming its line and the column it falls in."""
    line = data.count(b"\n", 0, offset) + 1
    line_start = data.rfind(b"\n", 0, offset) + 1
    field = data.count(b",", line_start, offset)
    header = data.split(b"\n", 1)[0].decode("utf-8", errors="replace").strip().split(",")
    columns = header if line > 1 and len(header) > 1 else list(FIGURES_COLUMNS)
    column = columns[field] if field < len(columns) else f"field {field + 1}"
    raise TpDataError(problem, file=path, line=line, column=column,
                      value=data[offset:offset + 8],
                      expected="a UTF-8 CSV text file (save the sheet as CSV UTF-8)")


def _parse_csv(text: str, path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header and ``(physical start line, fields)`` of each non-blank record."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader)]
        records: list[tuple[int, list[str]]] = []
        start = reader.line_num + 1
        for fields in reader:
            if any(f.strip() for f in fields):
                records.append((start, fields))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise TpDataError(f"malformed CSV ({exc})", file=path, line=reader.line_num,
                          expected="comma-separated fields, quoted where a cell holds "
                                   "a comma") from exc
    _check_header(header, path)
    if not records:
        raise TpDataError("file has a header but no data rows", file=path, line=2,
                          column=header[0], expected="at least one figure")
    for line, fields in records:
        if len(fields) != len(header):
            _raise_field_count(header, fields, line, path)
    return header, records


def _check_header(header: list[str], path: Path) -> None:
    if len(header) == 1:
        for separator, name in _OTHER_SEPARATORS.items():
            if separator in header[0]:
                raise TpDataError(
                    f"wrong separator: the file is {name}-separated", file=path, line=1,
                    column=header[0][:60],
                    expected=f"','-separated columns {','.join(FIGURES_COLUMNS)}",
                )
    seen: set[str] = set()
    for name in header:
        if name in seen:
            raise TpDataError("column appears twice in the header", file=path, line=1,
                              column=name, expected="each column once")
        seen.add(name)
    for name in REQUIRED_COLUMNS:
        if name not in seen:
            raise TpDataError("missing required column", file=path, line=1, column=name,
                              value=",".join(header),
                              expected=f"a header with {','.join(FIGURES_COLUMNS)}")


def _raise_field_count(header: list[str], fields: list[str], line: int, path: Path) -> None:
    if len(fields) == 1:
        for separator, name in _OTHER_SEPARATORS.items():
            if separator in fields[0]:
                raise TpDataError(
                    f"wrong separator: this row is {name}-separated", file=path, line=line,
                    column=header[0], value=fields[0][:60], expected="','-separated fields",
                )
    if len(fields) < len(header):
        column = header[len(fields)]
    else:
        column = f"(extra field {len(header) + 1})"
    raise TpDataError(
        f"row has {len(fields)} fields, the header {len(header)}", file=path, line=line,
        column=column, value=",".join(fields)[:80],
        expected=f"{len(header)} ','-separated fields; quote cells that hold a comma",
    )


def _to_frame(header: list[str], records: list[tuple[int, list[str]]]) -> pd.DataFrame:
    rows = [[f.strip() for f in fields] for _, fields in records]
    frame = pd.DataFrame(rows, columns=header, dtype="str")
    if "note" not in frame.columns:
        frame["note"] = ""
    frame = frame[list(FIGURES_COLUMNS)].copy()
    frame["line"] = np.array([line for line, _ in records], dtype="int64")
    return frame


# ------------------------------------------------------------------------------ cell checks


def _first_bad(frame: pd.DataFrame, mask: pd.Series) -> pd.Series:
    return frame[mask].iloc[0]


def _check_cells(frame: pd.DataFrame, path: Path) -> None:
    """Checks of single cells: empty, vocabularies, numbers, level/sex/school year."""
    for column in _NOT_EMPTY:
        empty = frame[column] == ""
        if empty.any():
            row = _first_bad(frame, empty)
            raise TpDataError("empty cell", file=path, line=int(row["line"]), column=column,
                              expected="a value")
    for column, allowed in (("measure", MEASURES), ("unit", UNITS), ("quality", QUALITIES)):
        bad = ~frame[column].isin(list(allowed))
        if bad.any():
            row = _first_bad(frame, bad)
            raise TpDataError(f"unknown {column}", file=path, line=int(row["line"]),
                              column=column, value=row[column],
                              expected=f"one of {', '.join(allowed)}")
    for measure, units in _UNITS_FOR_MEASURE.items():
        bad = (frame["measure"] == measure) & ~frame["unit"].isin(list(units))
        if bad.any():
            row = _first_bad(frame, bad)
            raise TpDataError(f"unit does not fit measure {measure!r}", file=path,
                              line=int(row["line"]), column="unit", value=row["unit"],
                              expected=" or ".join(units))
    _check_numbers(frame, path)
    _check_mapped(frame, path)


def _check_numbers(frame: pd.DataFrame, path: Path) -> None:
    numbers = pd.to_numeric(frame["value"], errors="coerce").astype("float64")
    bad = numbers.isna() | ~np.isfinite(numbers)
    if bad.any():
        row = _first_bad(frame, bad)
        raise TpDataError("text in a numeric column", file=path, line=int(row["line"]),
                          column="value", value=row["value"],
                          expected="a number with '.' as decimal mark and no thousands separator")
    pct = frame["unit"] == "pct"
    for mask, problem in ((pct & (numbers > 100), "percentage above 100%"),
                          (numbers < 0, "negative value")):
        if mask.any():
            row = _first_bad(frame, mask)
            raise TpDataError(problem, file=path, line=int(row["line"]), column="value",
                              value=row["value"],
                              expected="a percentage between 0 and 100" if row["unit"] == "pct"
                              else "a count of 0 or more")
    fractional = (frame["unit"] == "persons") & (numbers != np.floor(numbers))
    if fractional.any():
        row = _first_bad(frame, fractional)
        raise TpDataError("count is not a whole number", file=path, line=int(row["line"]),
                          column="value", value=row["value"], expected="a whole number of persons")


def _check_mapped(frame: pd.DataFrame, path: Path) -> None:
    """Level names, sex values and school years must be known / parseable (first use raises)."""
    checks = (("level", normalize_level), ("sex", normalize_sex),
              ("school_year", parse_school_year))
    for column, check in checks:
        firsts = frame.drop_duplicates(column)
        for value, line in zip(firsts[column], firsts["line"], strict=True):
            check(value, file=path, line=int(line), column=column)


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    out["value"] = pd.to_numeric(out["value"]).astype("float64")
    out["school_year"] = out["school_year"].where(out["school_year"] != "", pd.NA).astype("str")
    return out


# --------------------------------------------------------------------- consistency checks


def _figure_keys(frame: pd.DataFrame) -> pd.DataFrame:
    """The figure identity with level/sex/school year normalised (so aliases collide)."""
    return pd.DataFrame({
        "indicator": frame["indicator"],
        "level": frame["level"].map(normalize_level),
        "region": frame["region"],
        "sex": frame["sex"].map(normalize_sex),
        "year": [str(parse_school_year(v)) for v in frame["school_year"]],
        "edition": frame["source_edition"],
    })


def _check_consistency(frame: pd.DataFrame, path: Path) -> None:
    keys = _figure_keys(frame)
    work = pd.concat([keys, frame[["measure", "value", "line"]]], axis=1)
    _check_one_value_per_edition(work, path)
    _check_tech_within_total(work, path)


def _check_one_value_per_edition(work: pd.DataFrame, path: Path) -> None:
    """Rows that repeat a figure within one edition must repeat its value too."""
    key = ["indicator", "level", "region", "sex", "year", "measure", "edition"]
    first = work.groupby(key, sort=False, dropna=False)["value"].transform("first")
    first_line = work.groupby(key, sort=False, dropna=False)["line"].transform("first")
    differs = ~np.isclose(work["value"], first)
    if differs.any():
        row = work[differs].iloc[0]
        line = int(first_line[differs].iloc[0])
        raise TpDataError(
            f"two different values for one figure within one edition ({row['edition']!r}); "
            f"line {line} gives {first[differs].iloc[0]:g}",
            file=path, line=int(row["line"]), column="value", value=row["value"],
            expected=f"the same value as line {line}, or another source_edition",
        )


def _check_tech_within_total(work: pd.DataFrame, path: Path) -> None:
    key = ["indicator", "level", "region", "sex", "year", "edition"]
    tech = work[work["measure"] == "count_tech"]
    total = work[work["measure"] == "count_total"]
    both = tech.merge(total, on=key, suffixes=("_tech", "_total"))
    bad = both["value_tech"] > both["value_total"]
    if bad.any():
        row = both[bad].iloc[0]
        raise TpDataError(
            f"count_tech above count_total for the same figure and edition "
            f"(count_total {row['value_total']:g} on line {int(row['line_total'])})",
            file=path, line=int(row["line_tech"]), column="value", value=row["value_tech"],
            expected=f"at most {row['value_total']:g}",
        )
