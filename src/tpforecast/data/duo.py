"""Read DUO open-data files (CSV or JSON) into tidy long counts.

:func:`read_duo` returns the *DUO counts frame* of ``docs/design.md``: the file's classification
columns in lower_snake_case, then ``measure, sex, year, n, suppressed, n_lo, n_hi, line,
record, source``, one row per record x count column.

What the reader copes with (all seen in real DUO files or exports of them):

* ``;`` as separator (any other separator is reported as an error, never guessed);
* UTF-8 with or without BOM, UTF-16 with BOM (Excel "Unicode text"), latin-1 (a file with no
  UTF-8 sequence at all), gzip-compressed files (``.csv.gz``);
* CRLF or LF; quoted or unquoted fields; space-padded text (stripped);
* blank lines and lines holding only ``""`` (left by a chunked re-download; skipped, noted);
* count headers ``2019``, ``MAN2015``/``VROUW2015``/``TOTAAL2015``, ``2019 MAN`` and
  ``EXAMENKANDIDATEN SCHOOLJAAR 2019-2020 - MAN`` (measure + school year + sex), or a
  long-format ``GESLACHT`` column (man/vrouw/totaal/onbekend);
* sex ``onbekend``/``X`` (``ONBEKEND`` in headers): sex ``unknown``; those students count in
  the totals, never as male or female, and a file is never refused for them;
* header renames between releases, kept as data in ``data/mappings/duo_columns.csv``;
* privacy-suppressed cells ``<5``: kept, ``n`` = NA, ``suppressed`` = True, ``n_lo`` = 1,
  ``n_hi`` = 4 (generally ``<k`` gives 1..k-1);
* empty count cells, which in DUO files mean *no enrolment*: ``n`` = 0 (noted);
* derived percentage columns such as ``SLAAGPERC``: left out of the counts (noted);
* a totals line (``Totalen`` with the other classification cells empty): checked against the
  sum of the other lines and left out (noted, with a warning); refused when it disagrees.

Refused, with file, line (JSON: ``row``), column, value and what was expected: everything
:mod:`tpforecast.data.inputs` refuses (binary, mixed encodings, wrong separator, ragged or
cut-off lines, duplicate header names), a header with a year that is no count header, two
records with the same classification, a count that is not a plain whole number of plausible
size, an unknown sex, and a ``TOTAAL`` below ``MAN + VROUW`` (or different from ``MAN + VROUW +
ONBEKEND``).
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from tpforecast.data import duo_header
from tpforecast.data.checks import check_totals, check_unique, check_vocabulary, parse_counts
from tpforecast.data.duo_json import looks_like_json, parse_json
from tpforecast.data.duo_parquet import looks_like_parquet, read_parquet_result
from tpforecast.data.inputs import (
    ReadResult,
    note,
    notes_frame,
    read_delimited,
    read_text,
    warn_notes,
)
from tpforecast.errors import TpDataError

__all__ = ["COUNT_COLUMNS", "read_duo", "read_duo_result", "read_duo_table"]

SEPARATOR = ";"
COUNT_COLUMNS = list(duo_header.COUNT_COLUMNS)
PARTS = ("female", "male", "unknown")
_WHAT = "a DUO open-data file: ';'-separated CSV or JSON"
_TOTALS_WORDS = ("totaal", "totalen", "total", "totals", "eindtotaal")
_FILE_YEAR = re.compile(r"(?<![0-9])((?:19|20)[0-9]{2})(?![0-9])")


def read_duo(path: str | Path) -> pd.DataFrame:
    """Read a DUO open-data file into tidy long counts.

    Parameters
    ----------
    path
        A DUO CSV (``;``-separated; may be gzip-compressed) or JSON file, or the Parquet fact
        table of a star schema (:mod:`tpforecast.data.duo_parquet`).

    Returns
    -------
    pandas.DataFrame
        The DUO counts frame: classification columns (lower_snake_case, header renames unified
        via ``data/mappings/duo_columns.csv``), then ``measure`` (``"count"`` when the headers
        name none), ``sex`` (female/male/all/unknown), ``year`` (Int64, start year of the
        school year), ``n`` (Int64; NA when suppressed, 0 for an empty cell = no enrolment),
        ``suppressed`` (bool), ``n_lo``, ``n_hi`` (Int64 bounds: 1..4 for ``<5``, n..n
        otherwise), ``line`` (physical line of the count, header = 1; JSON: record number),
        ``record`` (line of the first line of the classified record: the lines of one
        record in a long-format file share it) and ``source`` (the path). Rows are in file
        order (record, then count column). What was left out or interpreted is in the notes
        of :func:`read_duo_result`; what left data out is also a :class:`TpDataWarning`.

    Raises
    ------
    TpDataError
        See the module docstring; always naming file, line or row, column, value and what was
        expected.
    """
    result = read_duo_result(path)
    warn_notes(result.notes, ("dropped",))
    return result.frame


def read_duo_result(path: str | Path) -> ReadResult:
    """:func:`read_duo` with its notes: ``ReadResult(frame, notes, encoding)``.

    A Parquet fact table of a star schema (``.parquet``) is read by
    :func:`tpforecast.data.duo_parquet.read_parquet_result` into the same frame.
    """
    if looks_like_parquet(path):
        return read_parquet_result(path)
    table = read_duo_table(path)
    frame, path = table.frame, Path(path)
    colmap = duo_header.column_map()
    header = duo_header.parse_header(list(frame.columns), colmap, path)
    notes = list(table.notes.to_dict("records"))
    header, year_notes = _file_year(header, path)
    notes.extend(year_notes)
    if header.derived:
        notes.append(note(path, 1, ", ".join(header.derived), "left_out", 0,
                          duo_header.derived_note(header.derived, colmap)))
    if header.sex_column:
        notes.append(note(path, 1, header.sex_column, "read_as", 0, f"long-format column "
                          f"{header.sex_column!r} became 'sex' (man -> male, vrouw -> female, "
                          "totaal -> all, onbekend/X -> unknown)"))
    key = [*header.classes, *([header.sex_column] if header.sex_column else [])]
    if header.classes:
        check_unique(frame, key, file=path, lines=_lines(frame), column=header.classes[0],
                     what="record (classification)")
    frame, totals_note = _drop_totals_lines(frame, header, path)
    notes.extend(totals_note)
    counts = _long_counts(frame, header, path, colmap)
    notes.extend(_check_sex_totals(counts, header, path, str(frame.index.name)))
    notes.extend(_count_notes(counts, path))
    return ReadResult(counts, notes_frame(notes), table.encoding)


def read_duo_table(path: str | Path) -> ReadResult:
    """Read a DUO file as a wide table of stripped strings, as the file has it.

    This is the first half of :func:`read_duo` (decoding, separator, structure); it also
    reads DUO files without count columns, such as the list of hbo/wo institutions.

    Returns
    -------
    ReadResult
        ``frame``: one row per data record, the original (stripped) headers as columns, all
        values ``str``; the index is the physical line of each record (name ``line``; header
        = line 1) or, for JSON, the 1-based record number (name ``row``). ``notes``: skipped
        blank lines and the encoding. ``encoding``: ``utf-8``, ``utf-16`` or ``latin-1``.
    """
    source = read_text(path, what=_WHAT, allow_latin1=True)
    if looks_like_json(source):
        parsed, index_name = parse_json(source), "row"
    else:
        parsed = read_delimited(source, separator=SEPARATOR,
                                expected_header="PROVINCIE;GEMEENTENAAM;...;2019")
        index_name = "line"
    table = pd.DataFrame(parsed.records, columns=parsed.header, dtype=str)
    table.index = pd.Index(parsed.lines, name=index_name)
    return ReadResult(table, notes_frame(parsed.notes), source.encoding)


def _file_year(header: duo_header.Header, path: Path) -> tuple[duo_header.Header, list[dict]]:
    """Year-in-school count columns carry no school year: it is the file's, from its name
    (DUO names them ``...-2019.csv`` for the count of 1 October 2019)."""
    if all(c.year is not None for c in header.counts):
        return header, []
    years = _FILE_YEAR.findall(path.name)
    first = next(c.header for c in header.counts if c.year is None)
    if not years:
        raise TpDataError("the count columns are per year in school, so the school year must "
                          "come from the file name, which holds none", file=path, line=1,
                          column=first, value=path.name,
                          expected="a DUO file name with its year, e.g. "
                                   "leerlingen-vo-per-vestiging-naar-onderwijstype-2019.csv")
    year = int(years[-1])
    counts = [replace(c, year=year) for c in header.counts]
    return replace(header, counts=counts), [note(
        path, 1, first, "read_as", len(counts), f"{len(counts)} year-in-school count column(s): "
        f"school year {year}/{(year + 1) % 100:02d} taken from the file name")]


def _lines(frame: pd.DataFrame) -> pd.Series:
    return pd.Series(frame.index.to_numpy(), name=frame.index.name)


# ------------------------------------------------------------------------------ wide -> long


def _long_counts(table: pd.DataFrame, header: duo_header.Header, path: Path,
                 colmap: duo_header.ColumnMap) -> pd.DataFrame:
    """Melt the count columns record-major (file order) and parse every cell."""
    counts = header.counts
    k, records = len(counts), len(table)
    values = table[[c.header for c in counts]].to_numpy(dtype=object).ravel()
    lines = np.repeat(table.index.to_numpy(), k)
    n, suppressed, n_lo, n_hi = parse_counts(
        values, file=path, lines=lines, columns=[c.header for c in counts],
        positions=np.tile(np.arange(k), records), line_label=table.index.name)
    out = {header.renames[raw]: np.repeat(table[raw].to_numpy(dtype=object), k)
           for raw in header.classes}
    if any(c.grade is not None for c in counts):
        out[duo_header.GRADE_COLUMN] = np.tile(np.array([str(c.grade) for c in counts],
                                                        dtype=object), records)
    out["measure"] = np.tile(np.array([c.measure for c in counts], dtype=object), records)
    if header.sex_column is not None:
        out["sex"] = np.repeat(_sex_from_column(table, header.sex_column, path, colmap), k)
    else:
        out["sex"] = np.tile(np.array([c.sex or "all" for c in counts], dtype=object), records)
    frame = pd.DataFrame({name: pd.array(col, dtype="str") for name, col in out.items()})
    frame["year"] = pd.array(np.tile([c.year for c in counts], records), dtype="Int64")
    frame["n"] = n
    frame["suppressed"] = suppressed
    frame["n_lo"] = pd.array(n_lo, dtype="Int64")
    frame["n_hi"] = pd.array(n_hi, dtype="Int64")
    frame["line"] = pd.array(lines, dtype="Int64")
    frame["record"] = pd.array(np.repeat(_record_lines(table, header), k), dtype="Int64")
    frame["source"] = pd.array([str(path)] * len(frame), dtype="str")
    frame["_empty"] = values.astype(str) == ""
    return frame


def _record_lines(table: pd.DataFrame, header: duo_header.Header) -> np.ndarray:
    """The line of each record's first line: long-format lines of one record share it."""
    lines = table.index.to_numpy()
    if header.sex_column is None or not header.classes:
        return lines
    codes = table.groupby(header.classes, sort=False, dropna=False).ngroup().to_numpy()
    first = pd.Series(lines).groupby(codes).transform("first").to_numpy()
    return first


def _sex_from_column(table: pd.DataFrame, column: str, path: Path,
                     colmap: duo_header.ColumnMap) -> np.ndarray:
    words = table[column].str.upper()
    check_vocabulary(words, list(colmap.sex_values), file=path, lines=_lines(table),
                     column=column, what="sex")
    return words.map(colmap.sex_values).to_numpy(dtype=object)


# ------------------------------------------------------------------------------------ totals


def _drop_totals_lines(table: pd.DataFrame, header: duo_header.Header, path: Path
                       ) -> tuple[pd.DataFrame, list[dict]]:
    """A ``Totalen`` line (other classification cells empty) is checked, then left out.

    Each of its totals must equal the sum of its column over the other lines or, as in DUO's
    older releases that put the year's total under the first sex column, the sum of all sexes
    of that measure and year.
    """
    if not header.classes:
        return table, []
    cells = table[header.classes].apply(lambda c: c.str.casefold())
    labelled = cells.isin(_TOTALS_WORDS)
    is_total = (labelled | (cells == "")).all(axis=1) & labelled.any(axis=1)
    if not is_total.any():
        return table, []
    heads = [c.header for c in header.counts]
    parse = {"file": path, "columns": heads, "line_label": table.index.name}
    body, totals = table[~is_total.to_numpy()], table[is_total.to_numpy()]
    _, _, lo, hi = parse_counts(body[heads].to_numpy(dtype=object).ravel(),
                                lines=np.repeat(body.index.to_numpy(), len(heads)),
                                positions=np.tile(np.arange(len(heads)), len(body)), **parse)
    column = pd.DataFrame({"lo": lo.reshape(len(body), -1).sum(axis=0),
                           "hi": hi.reshape(len(body), -1).sum(axis=0)})
    year = _year_sums(column, header.counts)
    for line, row in totals.iterrows():
        _, _, t_lo, t_hi = parse_counts(row[heads].to_numpy(dtype=object), lines=np.full(
            len(heads), line), positions=np.arange(len(heads)), **parse)
        given = np.array([v != "" for v in row[heads]])
        in_column = (t_lo >= column["lo"].to_numpy()) & (t_hi <= column["hi"].to_numpy())
        in_year = (t_lo >= year["lo"].to_numpy()) & (t_hi <= year["hi"].to_numpy())
        parts = column.copy()
        use_year = in_year & ~in_column
        parts.loc[use_year, ["lo", "hi"]] = year.loc[use_year, ["lo", "hi"]].to_numpy()
        check_totals(
            pd.DataFrame({"lo": t_lo, "hi": t_hi, "line": line, "column": heads,
                          "text": row[heads].to_numpy()})[given],
            parts[given].reset_index(drop=True),
            exact=pd.Series(True, index=range(given.sum())), file=path,
            what="the sum of that column over the other lines",
            line_label=str(table.index.name or "line"))
    lines = ", ".join(map(str, totals.index))
    return body, [note(path, int(totals.index[0]), header.classes[0], "dropped", len(totals),
                       f"left out {len(totals)} totals line(s) ({lines}): each total equals "
                       "the sum of its column (or of its year, all sexes) over the other "
                       "lines, which are counted instead")]


def _year_sums(column: pd.DataFrame, counts: list[duo_header.CountColumn]) -> pd.DataFrame:
    """Per count column: the summed counts of its measure and year over the sexes (female,
    male, unknown; the ``all`` column when there are no sexes)."""
    key = [(c.measure, c.year, c.grade) for c in counts]
    parts = np.array([c.sex not in (None, "all") for c in counts])
    frame = column.assign(key=key, part=parts)
    chosen = frame[frame["part"] | ~frame.groupby("key")["part"].transform("any")]
    sums = chosen.groupby("key")[["lo", "hi"]].sum()
    return sums.reindex(key).reset_index(drop=True)


def _check_sex_totals(counts: pd.DataFrame, header: duo_header.Header, path: Path,
                      label: str) -> list[dict]:
    """``TOTAAL`` must not be below ``MAN + VROUW``; with ``ONBEKEND`` listed it must equal."""
    key = ["source", "record", "measure", "year"]
    is_all = counts["sex"].eq("all").to_numpy()
    if not is_all.any() or is_all.all():
        return []
    parts = counts.loc[~is_all, [*key, "n_lo", "n_hi"]].assign(
        exact=counts.loc[~is_all, "sex"].eq("unknown"))
    sums = parts.groupby(key, sort=False).agg(lo=("n_lo", "sum"), hi=("n_hi", "sum"),
                                              exact=("exact", "any"))
    totals = counts[is_all].merge(sums, left_on=key, right_index=True, how="inner")
    if totals.empty:
        return []
    column = {(c.measure, c.year, c.sex or "all"): c.header for c in header.counts}
    sex_column = header.sex_column
    check_totals(
        pd.DataFrame({"lo": totals["n_lo"].to_numpy(), "hi": totals["n_hi"].to_numpy(),
                      "line": totals["line"].to_numpy(),
                      "column": [sex_column or column.get((m, y, "all"), "") for m, y in
                                 zip(totals["measure"], totals["year"], strict=True)],
                      "text": totals["n"].astype("str").fillna("<k").to_numpy()}),
        pd.DataFrame({"lo": totals["lo"].to_numpy(), "hi": totals["hi"].to_numpy()}),
        exact=pd.Series(totals["exact"].to_numpy(dtype=bool)), file=path,
        what="the sum of the sexes", line_label=label)
    above = int((totals["n_lo"] > totals["hi"]).sum())
    if not above:
        return []
    return [note(path, int(totals.loc[totals["n_lo"] > totals["hi"], "line"].iloc[0]), "sex",
                 "read_as", above, f"{above} total(s) exceed the sum of the listed sexes: the "
                 "difference (sex not recorded) counts in sex 'all' only")]


def _count_notes(frame: pd.DataFrame, path: Path) -> list[dict]:
    notes = []
    empty = int(frame.pop("_empty").sum())
    if empty:
        notes.append(note(path, None, None, "read_as", empty, f"{empty} empty count cell(s) "
                          "read as no enrolment (n=0, suppressed=False)"))
    hidden = int(frame["suppressed"].sum())
    if hidden:
        notes.append(note(path, None, None, "read_as", hidden, f"{hidden} privacy-suppressed "
                          "cell(s) ('<5') kept: n=NA, suppressed=True, n_lo=1, n_hi=4"))
    unknown = int(frame["sex"].eq("unknown").sum())
    if unknown:
        notes.append(note(path, None, "sex", "read_as", unknown, f"{unknown} count(s) of "
                          "unknown sex (onbekend/X): counted in the totals (sex 'all') only"))
    return notes

