"""Read DUO open-data files (CSV or JSON) into tidy long counts.

:func:`read_duo` returns the *DUO counts frame* of ``docs/design.md``: the file's classification
columns in lower_snake_case, then ``measure, sex, year, n, suppressed, n_lo, n_hi``, one row per
record x count column.

What the reader copes with (all seen in real DUO files):

* ``;`` as separator (any other separator is reported as an error, never guessed);
* UTF-8 with or without BOM, or latin-1 (``utf-8-sig`` is tried first, latin-1 is the fallback);
* CRLF or LF; quoted or unquoted fields; space-padded text (stripped);
* blank lines and lines holding only ``""`` (left by a chunked re-download; skipped and noted);
* count headers ``2019``, ``MAN2015``/``VROUW2015``/``TOTAAL2015``, ``2019 MAN`` and
  ``EXAMENKANDIDATEN SCHOOLJAAR 2019-2020 - MAN`` (measure + school year + sex), or a long-format
  ``GESLACHT`` column (man/vrouw);
* header renames between releases, kept as data in ``data/mappings/duo_columns.csv``;
* privacy-suppressed cells ``<5``: kept, ``n`` = NA, ``suppressed`` = True, ``n_lo`` = 1,
  ``n_hi`` = 4 (generally ``<k`` gives 1..k-1);
* empty count cells, which in DUO files mean *no enrolment*: ``n`` = 0, ``suppressed`` = False
  and ``n_lo`` = ``n_hi`` = 0 (counted in ``df.attrs["notes"]``);
* derived percentage columns such as ``SLAAGPERC``: left out of the counts, with a note in
  ``df.attrs["notes"]``.

JSON input is either an array of records whose keys are the CSV headers (pandas
``orient="records"``) or an object of columns (pandas ``orient="columns"``:
``{header: {index: value}}``). For JSON, errors name the 1-based record (``row``) instead of a
physical line.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from tpforecast.errors import TpDataError
from tpforecast.paths import data_dir

__all__ = ["read_duo", "read_duo_table"]

SEPARATOR = ";"
COUNT_COLUMNS = ["measure", "sex", "year", "n", "suppressed", "n_lo", "n_hi"]
DEFAULT_MEASURE = "count"  # measure of count columns whose header names none (e.g. ``2019``)
_EXPECTED_COUNT = "a whole number >= 0, '<5' (privacy-suppressed) or an empty cell"
_BINARY_SAMPLE = 65536


@dataclass(frozen=True)
class _CountColumn:
    """A count column of the wide file: which measure, sex and year its cells hold."""

    header: str
    measure: str
    sex: str | None  # None: the sex comes from a long-format GESLACHT column (or is "all")
    year: int


@dataclass(frozen=True)
class _ColumnMap:
    """The header vocabulary of ``data/mappings/duo_columns.csv``, split by kind."""

    columns: dict[str, str]  # raw header -> canonical classification column
    sex_columns: set[str]  # long-format sex columns (GESLACHT)
    sex_values: dict[str, str]  # MAN/VROUW/TOTAAL -> male/female/all
    measures: dict[str, str]  # EXAMENKANDIDATEN -> exam_candidates
    derived: dict[str, str]  # SLAAGPERC -> pass_rate_pct (left out of the counts)
    derived_notes: dict[str, str]


# ----------------------------------------------------------------------------------------------
# public API
# ----------------------------------------------------------------------------------------------


def read_duo(path: str | Path) -> pd.DataFrame:
    """Read a DUO open-data file into tidy long counts.

    Parameters
    ----------
    path
        A DUO CSV (``;``-separated) or JSON file.

    Returns
    -------
    pandas.DataFrame
        The DUO counts frame: classification columns (lower_snake_case, header renames unified
        via ``data/mappings/duo_columns.csv``), then ``measure`` (``"count"`` when the headers
        name none), ``sex`` (female/male/all), ``year`` (Int64, start year of the school year),
        ``n`` (Int64; NA when suppressed, 0 for an empty cell = no enrolment), ``suppressed``
        (bool), ``n_lo``, ``n_hi`` (Int64 bounds: 1..4 for ``<5``, n..n otherwise). Rows are in file order (record, then count column).
        ``attrs``: ``source`` (the path), ``encoding``, ``records`` (data records read),
        ``columns`` (raw header -> output column) and ``notes`` (list of str: everything left out
        or interpreted, e.g. derived percentage columns, skipped empty lines).

    Raises
    ------
    TpDataError
        Naming file, line (physical, header = 1; for JSON the record ``row``), column, value and
        what was expected: empty or binary file, wrong separator, ragged line, duplicate or empty
        header, no count (year) columns, text or a negative number in a count column, an unknown
        sex in a ``GESLACHT`` column.
    """
    table = read_duo_table(path)
    colmap = _column_map()
    counts, classes, sex_column, derived = _classify_header(table, colmap)
    notes = list(table.attrs["notes"])
    if derived:
        notes.append(_derived_note(derived, colmap))
    if sex_column is not None:
        notes.append(
            f"long-format column {sex_column!r} became 'sex' (man -> male, vrouw -> female)"
        )
    renames = {raw: _canonical_name(raw, colmap) for raw in classes}
    _check_canonical_names(renames, table)
    frame = _long_counts(table, counts, renames, sex_column, colmap)
    notes.extend(_count_notes(frame))
    frame.attrs = {
        "source": str(path),
        "encoding": table.attrs["encoding"],
        "records": len(table),
        "columns": renames,
        "notes": notes,
    }
    return frame


def read_duo_table(path: str | Path) -> pd.DataFrame:
    """Read a DUO file as a wide table of stripped strings, as the file has it.

    This is the first half of :func:`read_duo` (decoding, separator, quirks); it also reads DUO
    files without count columns, such as the list of hbo/wo institutions.

    Parameters
    ----------
    path
        A DUO CSV (``;``-separated) or JSON file.

    Returns
    -------
    pandas.DataFrame
        One row per data record, the original (stripped) headers as columns, all values ``str``
        with surrounding spaces removed. The index is the physical line of each record (name
        ``line``; header = line 1) or, for JSON, the 1-based record number (name ``row``).
        ``attrs``: ``source``, ``encoding``, ``notes``.

    Raises
    ------
    TpDataError
        Empty or binary file, wrong separator, ragged line, duplicate or empty header name,
        malformed JSON.
    """
    path = Path(path)
    raw = _read_bytes(path)
    _check_not_binary(raw, path)
    text, encoding = _decode(raw)
    if _looks_like_json(path, text):
        header, records, numbers, notes = _parse_json(text, path)
        index_name = "row"
    else:
        header, records, numbers, notes = _parse_csv(text, path)
        index_name = "line"
    table = pd.DataFrame(records, columns=header, dtype=str)
    table.index = pd.Index(numbers, name=index_name)
    table.attrs = {"source": str(path), "encoding": encoding, "notes": notes}
    return table


# ----------------------------------------------------------------------------------------------
# bytes -> text
# ----------------------------------------------------------------------------------------------


def _read_bytes(path: Path) -> bytes:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise TpDataError(
            f"cannot read the file ({exc.strerror})",
            file=path,
            line=1,
            column="(file)",
            expected="a readable DUO CSV or JSON file",
        ) from exc
    if not raw.strip():
        raise TpDataError(
            "empty file: no header line",
            file=path,
            line=1,
            column="(header)",
            expected="a header line of ';'-separated column names and data lines",
        )
    return raw


def _check_not_binary(raw: bytes, path: Path) -> None:
    """Raise when the file is not text: a NUL byte, or many control characters."""
    sample = raw[:_BINARY_SAMPLE]
    position = sample.find(b"\x00")
    if position < 0:
        controls = sum(sample.count(bytes([c])) for c in (*range(1, 9), *range(14, 32), 127))
        if controls <= 0.01 * len(sample):
            return
        position = next(i for i, b in enumerate(sample) if b < 9 or 13 < b < 32 or b == 127)
    raise TpDataError(
        f"the file is not text (binary byte 0x{sample[position]:02x} at byte offset {position})",
        file=path,
        line=sample[:position].count(b"\n") + 1,
        column="(file content)",
        expected="a ';'-separated text file (CSV) or JSON, not e.g. an Excel workbook",
    )


def _decode(raw: bytes) -> tuple[str, str]:
    """Decode as UTF-8 (BOM allowed) or, failing that, latin-1 (DUO's own encoding)."""
    try:
        return raw.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
        return text.removeprefix("\u00ef\u00bb\u00bf"), "latin-1"  # a BOM before latin-1 text


def _looks_like_json(path: Path, text: str) -> bool:
    return path.suffix.lower() == ".json" or text.lstrip()[:1] in ("[", "{")


# ----------------------------------------------------------------------------------------------
# text -> header + records
# ----------------------------------------------------------------------------------------------


def _parse_csv(text: str, path: Path) -> tuple[list[str], list[list[str]], list[int], list[str]]:
    """Split ``;``-separated text into header, records and the physical line of each record."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=SEPARATOR, quotechar='"')
    header: list[str] | None = None
    header_line = 1
    records: list[list[str]] = []
    numbers: list[int] = []
    skipped: list[int] = []
    previous_end = 0
    for fields in reader:
        line = previous_end + 1
        previous_end = reader.line_num
        if not any(field.strip() for field in fields):
            skipped.append(line)
            continue
        if header is None:
            header, header_line = _parse_header(fields, line, path), line
            continue
        if len(fields) != len(header):
            fields = _fit_to_header(fields, header, line, path)
        records.append([field.strip() for field in fields])
        numbers.append(line)
    if header is None:
        raise TpDataError(
            "empty file: only blank lines",
            file=path,
            line=1,
            column="(header)",
            expected="a header line of ';'-separated column names and data lines",
        )
    if not records:
        raise TpDataError(
            "no data lines after the header",
            file=path,
            line=header_line + 1,
            column="(all)",
            expected="at least one data line",
        )
    notes = []
    if skipped:
        shown = ", ".join(str(n) for n in skipped[:10]) + (", ..." if len(skipped) > 10 else "")
        notes.append(
            f"skipped {len(skipped)} empty line(s) (blank, only '\"\"' or only separators): "
            f"line {shown}"
        )
    return header, records, numbers, notes


def _parse_header(fields: list[str], line: int, path: Path) -> list[str]:
    """Validate the header: more than one column, no duplicate names, no empty names."""
    names = [field.strip().lstrip("\ufeff").strip() for field in fields]
    if len(names) == 1:
        found = next((sep for sep in (",", "\t", "|") if sep in names[0]), None)
        hint = f"; it looks {found!r}-separated" if found else ""
        raise TpDataError(
            f"the header has a single column, so the file is not ';'-separated{hint}",
            file=path,
            line=line,
            column=names[0][:60],
            value=names[0][:120],
            expected="';' as separator, e.g. 'PROVINCIE;GEMEENTENAAM;...;2019'",
        )
    while names and not names[-1]:  # a trailing ';' on every line adds an unnamed last column
        names.pop()
    for position, name in enumerate(names, start=1):
        if not name:
            raise TpDataError(
                f"empty column name (column {position} of the header)",
                file=path,
                line=line,
                column=f"#{position}",
                value=name,
                expected="a name for every column",
            )
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise TpDataError(
                "duplicate column name in the header",
                file=path,
                line=line,
                column=name,
                value=name,
                expected="unique column names",
            )
        seen.add(name)
    return names


def _fit_to_header(fields: list[str], header: list[str], line: int, path: Path) -> list[str]:
    """Accept a line whose fields beyond the named header are empty (trailing ``;``).

    Any other width raises: a value in a column without a name (e.g. under a trailing ``;``
    of the header) would otherwise be lost.
    """
    width = len(header)
    extra = [i for i, f in enumerate(fields[width:], start=width) if f.strip()]
    if len(fields) > width and not extra:
        return fields[:width]
    if len(fields) < width:
        column, problem = header[len(fields)], f"the line has {len(fields)} field(s)"
    else:
        column = f"#{extra[0] + 1} (beyond the named header)"
        problem = f"the line has a value in field {extra[0] + 1}"
    raise TpDataError(
        f"{problem} but the header has {len(header)}",
        file=path,
        line=line,
        column=column,
        value=SEPARATOR.join(fields)[:120],
        expected=f"{len(header)} ';'-separated fields like the header (wrong separator?)",
    )


def _parse_json(text: str, path: Path) -> tuple[list[str], list[list[str]], list[int], list[str]]:
    """Turn JSON records (``orient="records"``) or columns (``orient="columns"``) into rows."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise TpDataError(
            f"malformed JSON ({exc.msg})",
            file=path,
            line=exc.lineno,
            column=f"char {exc.colno}",
            expected="an array of records or an object of columns",
        ) from exc
    if isinstance(data, dict) and data and all(isinstance(v, dict | list) for v in data.values()):
        data = _columns_to_records(data, path)
    if not isinstance(data, list) or not data:
        raise TpDataError(
            "JSON holds no records",
            file=path,
            row=1,
            column="(json)",
            value=type(data).__name__,
            expected='a non-empty array of records [{"HEADER": value, ...}, ...] '
            'or an object of columns {"HEADER": {"0": value, ...}, ...}',
        )
    header = _json_header(data, path)
    records = [
        _json_record(record, header, number, path) for number, record in enumerate(data, start=1)
    ]
    return header, records, list(range(1, len(records) + 1)), []


def _columns_to_records(data: dict[str, Any], path: Path) -> list[dict[str, Any]]:
    columns = {
        name: (values if isinstance(values, dict) else dict(enumerate(values)))
        for name, values in data.items()
    }
    index = list(dict.fromkeys(key for values in columns.values() for key in values))
    for name, values in columns.items():
        absent = [number for number, key in enumerate(index, start=1) if key not in values]
        if absent:  # a missing entry is not an empty cell: never read it as 0
            raise TpDataError(
                "JSON column lacks an entry that other columns have",
                file=path,
                row=absent[0],
                column=name,
                value=index[absent[0] - 1],
                expected="an entry (a value or null) for every record in every column",
            )
    return [{name: values[key] for name, values in columns.items()} for key in index]


def _json_header(data: list[Any], path: Path) -> list[str]:
    first = data[0]
    if not isinstance(first, dict):
        raise TpDataError(
            "JSON record is not an object",
            file=path,
            row=1,
            column="(json)",
            value=str(first)[:80],
            expected='an object {"HEADER": value, ...}',
        )
    return _parse_header([str(key) for key in first], 1, path)


def _json_record(record: Any, header: list[str], number: int, path: Path) -> list[str]:
    if not isinstance(record, dict):
        raise TpDataError(
            "JSON record is not an object",
            file=path,
            row=number,
            column="(json)",
            value=str(record)[:80],
            expected='an object {"HEADER": value, ...}',
        )
    missing = [name for name in header if name not in record]
    extra = [str(key) for key in record if str(key).strip() not in header]
    if missing or extra:
        raise TpDataError(
            "JSON record has other keys than the first record",
            file=path,
            row=number,
            column=(missing or extra)[0],
            value=sorted(missing + extra),
            expected=f"the keys of record 1: {header}",
        )
    return [_json_text(record[name], number, name, path).strip() for name in header]


def _json_text(value: Any, number: int, name: str, path: Path) -> str:
    if value is None:
        return ""
    if isinstance(value, bool) or isinstance(value, list | dict):
        raise TpDataError(
            "JSON value is not text or a number",
            file=path,
            row=number,
            column=name,
            value=value,
            expected="a string, a number or null",
        )
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# ----------------------------------------------------------------------------------------------
# header -> count columns and classification columns
# ----------------------------------------------------------------------------------------------


@lru_cache(maxsize=4)
def _load_column_map(path: Path) -> _ColumnMap:
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = {"raw", "canonical", "kind"} - set(table.columns)
    if missing:
        raise TpDataError(
            "mapping file lacks columns",
            file=path,
            line=1,
            column=sorted(missing)[0],
            expected="columns raw, canonical, kind, note",
        )
    by_kind: dict[str, dict[str, str]] = {
        k: {} for k in ("column", "sex_column", "sex_value", "measure", "derived")
    }
    notes: dict[str, str] = {}
    for line, row in enumerate(table.itertuples(index=False), start=2):
        if row.kind not in by_kind:
            raise TpDataError(
                "unknown kind in the DUO column mapping",
                file=path,
                line=line,
                column="kind",
                value=row.kind,
                expected=f"one of {sorted(by_kind)}",
            )
        key = _normalize_header(row.raw)
        by_kind[row.kind][key] = row.canonical.strip()
        if row.kind == "derived":
            notes[key] = getattr(row, "note", "")
    return _ColumnMap(
        columns=by_kind["column"],
        sex_columns=set(by_kind["sex_column"]),
        sex_values=by_kind["sex_value"],
        measures=by_kind["measure"],
        derived=by_kind["derived"],
        derived_notes=notes,
    )


def _column_map() -> _ColumnMap:
    return _load_column_map(data_dir() / "mappings" / "duo_columns.csv")


def _normalize_header(name: str) -> str:
    return " ".join(name.upper().split())


def _snake_case(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^0-9a-z]+", "_", ascii_name.lower()).strip("_")


def _canonical_name(raw: str, colmap: _ColumnMap) -> str:
    return colmap.columns.get(_normalize_header(raw)) or _snake_case(raw)


_YEAR = r"(?P<year>(?:19|20)\d{2})(?:\s*[-/]\s*(?P<end>(?:19|20)?\d{2}))?"


@lru_cache(maxsize=4)
def _header_patterns(sex_words: tuple[str, ...]) -> list[re.Pattern[str]]:
    sex = "(?P<sex>" + "|".join(sorted(sex_words, key=len, reverse=True)) + ")"
    measure = r"(?P<measure>[A-Z][A-Z ]*?)"
    period = r"(?:(?:SCHOOLJAAR|STUDIEJAAR|JAAR)\s+)?"
    return [
        re.compile(_YEAR),  # 2019, 2019-2020
        re.compile(sex + r"\s*" + _YEAR),  # MAN2015, TOTAAL 2015
        re.compile(_YEAR + r"\s*-?\s*" + sex),  # 2019 MAN
        re.compile(measure + r"\s+" + period + _YEAR + r"(?:\s*-?\s*" + sex + ")?"),
    ]


def _parse_count_header(
    header: str, colmap: _ColumnMap, path: str | None = None
) -> tuple[str, str | None, int] | None:
    """``(measure word, sex, year)`` of a count header, or None for a classification column.

    A school-year range (``2019-2020``, ``2019/20``) must be one year long; anything else
    (``2019-2021``) raises instead of being read as its start year.
    """
    key = _normalize_header(header)
    for pattern in _header_patterns(tuple(colmap.sex_values)):
        match = pattern.fullmatch(key)
        if match:
            groups = match.groupdict()
            year = int(groups["year"])
            end = groups.get("end")
            if end is not None and int(end) != (year + 1 if len(end) == 4 else (year + 1) % 100):
                raise TpDataError(
                    "unparseable school year in a count header: the end year must follow "
                    "the start year",
                    file=path,
                    line=1,
                    column=header,
                    value=header,
                    expected=f"a school year such as {year}-{year + 1} or {year}/"
                    f"{(year + 1) % 100:02d}",
                )
            sex = colmap.sex_values[groups["sex"]] if groups.get("sex") else None
            return (groups.get("measure") or "").strip(), sex, year
    return None


def _classify_header(
    table: pd.DataFrame, colmap: _ColumnMap
) -> tuple[list[_CountColumn], list[str], str | None, list[str]]:
    """Split the header into count columns, classification columns, a sex column, derived ones."""
    path = table.attrs["source"]
    counts: list[_CountColumn] = []
    classes: list[str] = []
    derived: list[str] = []
    sex_column: str | None = None
    for header in table.columns:
        key = _normalize_header(header)
        parsed = _parse_count_header(header, colmap, path)
        if key in colmap.derived or (parsed and _normalize_header(parsed[0]) in colmap.derived):
            derived.append(header)
        elif key in colmap.sex_columns:
            sex_column = header
        elif parsed is None:
            classes.append(header)
        else:
            word, sex, year = parsed
            measure = colmap.measures.get(_normalize_header(word)) if word else DEFAULT_MEASURE
            counts.append(_CountColumn(header, measure or _snake_case(word), sex, year))
    if not counts:
        raise TpDataError(
            "no count (year) columns found",
            file=path,
            line=1,
            column="(header)",
            value=list(table.columns)[:8],
            expected="headers like '2019', 'MAN2015', '2019 MAN' or "
            "'EXAMENKANDIDATEN SCHOOLJAAR 2019-2020 - MAN'",
        )
    _check_count_columns(counts, sex_column, path)
    return counts, classes, sex_column, derived


def _check_count_columns(counts: list[_CountColumn], sex_column: str | None, path: str) -> None:
    seen: dict[tuple[str, str | None, int], str] = {}
    for column in counts:
        if sex_column is not None and column.sex is not None:
            raise TpDataError(
                f"the sex is both in a count header and in the column {sex_column!r}",
                file=path,
                line=1,
                column=column.header,
                expected="either sex in the count headers or a long-format GESLACHT column",
            )
        key = (column.measure, column.sex, column.year)
        if key in seen:
            raise TpDataError(
                f"two count columns hold the same measure, sex and year (also {seen[key]!r})",
                file=path,
                line=1,
                column=column.header,
                expected="one column per measure, sex and year",
            )
        seen[key] = column.header


def _check_canonical_names(renames: dict[str, str], table: pd.DataFrame) -> None:
    owners: dict[str, str] = {}
    for raw, name in renames.items():
        clash = owners.get(name) or (name if name in COUNT_COLUMNS else None)
        if clash is not None:
            raise TpDataError(
                f"column becomes {name!r}, which {clash!r} already is",
                file=table.attrs["source"],
                line=1,
                column=raw,
                expected="header names that stay distinct after renaming "
                "(see data/mappings/duo_columns.csv)",
            )
        owners[name] = raw


def _derived_note(derived: list[str], colmap: _ColumnMap) -> str:
    words = {_normalize_header(h).split()[0] for h in derived}
    explain = "; ".join(
        f"{word}: {colmap.derived_notes.get(word, '') or colmap.derived.get(word, '')}"
        for word in sorted(words)
    )
    return f"left out {len(derived)} column(s) derived from counts ({explain}): " + ", ".join(
        derived
    )


# ----------------------------------------------------------------------------------------------
# wide -> long counts
# ----------------------------------------------------------------------------------------------


def _long_counts(
    table: pd.DataFrame,
    counts: list[_CountColumn],
    renames: dict[str, str],
    sex_column: str | None,
    colmap: _ColumnMap,
) -> pd.DataFrame:
    """Melt the count columns record-major (file order) and parse every cell."""
    k, records = len(counts), len(table)
    values = table[[c.header for c in counts]].to_numpy(dtype=object).ravel()
    lines = np.repeat(table.index.to_numpy(), k)
    positions = np.tile(np.arange(k), records)
    n, suppressed, n_lo, n_hi = _parse_cells(values, lines, positions, counts, table)
    out: dict[str, Any] = {
        renames[raw]: np.repeat(table[raw].to_numpy(dtype=object), k) for raw in renames
    }
    out["measure"] = np.tile(np.array([c.measure for c in counts], dtype=object), records)
    if sex_column is not None:
        out["sex"] = np.repeat(_sex_from_column(table, sex_column, colmap), k)
    else:
        out["sex"] = np.tile(np.array([c.sex or "all" for c in counts], dtype=object), records)
    frame = pd.DataFrame({name: pd.array(col, dtype="str") for name, col in out.items()})
    frame["year"] = pd.array(np.tile([c.year for c in counts], records), dtype="Int64")
    frame["n"] = n
    frame["suppressed"] = suppressed
    frame["n_lo"] = n_lo
    frame["n_hi"] = n_hi
    frame.attrs["empty_cells"] = int((values.astype(str) == "").sum())
    return frame


def _parse_cells(
    values: np.ndarray,
    lines: np.ndarray,
    positions: np.ndarray,
    counts: list[_CountColumn],
    table: pd.DataFrame,
) -> tuple[pd.arrays.IntegerArray, np.ndarray, pd.arrays.IntegerArray, pd.arrays.IntegerArray]:
    """Count cells -> (n, suppressed, n_lo, n_hi); raise at the first cell that is not a count."""
    cells = values.astype(str)  # already stripped by read_duo_table
    empty = cells == ""
    number = ~empty & (np.strings.strip(cells, "0123456789") == "")  # ASCII digits only
    marked = np.strings.startswith(cells, "<")
    limit = np.zeros(len(cells), dtype=np.int64)  # '<k' hides a count in 1..k-1
    for i in np.flatnonzero(marked):
        match = re.fullmatch(r"<\s*([0-9]+)", cells[i])
        marked[i] = match is not None
        limit[i] = int(match.group(1)) if match else 0
    suppressed = marked & (limit > 1)
    bad = ~(empty | number | suppressed)
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        _raise_bad_cell(cells[first], int(lines[first]), counts[positions[first]], table)
    # an empty cell means no enrolment: a known 0; only suppressed cells are unknown
    n = pd.array(np.where(number, cells, "0").astype(np.int64), dtype="Int64")
    n[suppressed] = pd.NA
    n_lo = n.fillna(0)
    n_hi = n.fillna(0)
    n_lo[suppressed] = 1
    n_hi[suppressed] = limit[suppressed] - 1
    return n, suppressed, n_lo, n_hi


def _raise_bad_cell(value: str, line: int, column: _CountColumn, table: pd.DataFrame) -> None:
    where = {"line": line} if table.index.name == "line" else {"row": line}
    if re.fullmatch(r"-\s*\d+", value):
        problem = "negative count"
    elif re.fullmatch(r"<\s*[01]", value):
        problem = "suppression marker below 2 cannot hide a count"
    else:
        problem = "text in a count column"
    raise TpDataError(
        problem,
        file=table.attrs["source"],
        column=column.header,
        value=value,
        expected=_EXPECTED_COUNT,
        **where,
    )


def _sex_from_column(table: pd.DataFrame, column: str, colmap: _ColumnMap) -> np.ndarray:
    words = table[column].str.upper()
    sex = words.map(colmap.sex_values)
    unknown = sex.isna().to_numpy()
    if unknown.any():
        first = int(np.flatnonzero(unknown)[0])
        where = {"line" if table.index.name == "line" else "row": int(table.index[first])}
        raise TpDataError(
            "unknown sex",
            file=table.attrs["source"],
            column=column,
            value=table[column].iloc[first],
            expected="man, vrouw or totaal",
            **where,
        )
    return sex.to_numpy(dtype=object)


def _count_notes(frame: pd.DataFrame) -> list[str]:
    notes = []
    empty = int(frame.attrs.get("empty_cells", 0))
    if empty:
        notes.append(
            f"{empty} empty count cell(s) read as no enrolment (n=0, suppressed=False)"
        )
    hidden = int(frame["suppressed"].sum())
    if hidden:
        notes.append(
            f"{hidden} privacy-suppressed cell(s) ('<5') kept: n=NA, suppressed=True, "
            "n_lo=1, n_hi=4"
        )
    return notes
