"""DUO counts from a Parquet star schema (a fact table beside its ``dim_*.parquet`` tables).

The hbo files 2020/21-2024/25 in ``shared/data/raw/duo-hbo-2020-2024-star/`` are not DUO's own
files: another repository (ALeemans/ai-dimensional-modal-agent) transformed DUO's datasets
``p01hoinges`` and ``p02ho1ejrs`` into facts (``feit_eerstejaars``, ...) with keys into
dimensions (``dim_tijd``, ``dim_opleiding``, ``dim_geografie``, ...). :func:`read_parquet_result`
joins a fact table to its dimensions and returns the same *DUO counts frame* as
:func:`tpforecast.data.duo.read_duo` (``docs/design.md``), so shares are computed the same way:

* ``<x>_key`` columns are looked up in ``dim_<x>.parquet`` beside the fact; the fact's own
  first key (``eerstejaars_key``, ``id``) has no dimension and is the record number;
* ``dim_tijd.jaar`` is the year, ``dim_geslacht.geslacht`` the sex (MAN/VROUW, and
  ONBEKEND/X counted in totals only); a fact without a sex dimension counts sex ``all``;
* the one ``aantal_<measure>`` column holds the counts (measure words of
  ``data/mappings/duo_columns.csv``: ``eerstejaars`` -> ``first_years``);
* a suppressed cell (``is_onderdrukt`` = True, count empty) is kept as a bound: ``n`` = NA,
  ``n_lo`` = 1, ``n_hi`` = 4, never a zero;
* dimension columns become classification columns in lower_snake_case, renamed as in
  ``duo_columns.csv`` (``croho_code`` -> ``opleidingscode``, ``onderdeel`` -> ``croho_onderdeel``).

A fact by sex (``feit_eerstejaars_geslacht``) must add up to the totals of the facts beside it
(``feit_eerstejaars``: per programme, compared per year, institution and location;
``feit_eerstejaars_oplvorm``: per sector): per group of the dimension keys both facts share,
the sum over the sexes (unknown included) must lie within the bounds of the total, suppressed
cells on either side counting as 1..4 (:func:`tpforecast.data.checks.check_totals`). Without
those facts the check is not made, and a note says so.

Errors name the file, the 1-based ``row`` of the fact (or dimension) table and the column: a
file that is no Parquet or is cut off, a missing column, a key without a dimension row, a
repeated record, a count that is not a whole number of plausible size, a suppressed cell that
still holds a count, a sex outside the known values, or sexes that do not add up to a total.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from tpforecast.data import duo_header
from tpforecast.data.checks import (
    check_totals,
    check_unique,
    check_vocabulary,
    parse_counts,
    require_columns,
)
from tpforecast.data.inputs import ReadResult, note, notes_frame
from tpforecast.errors import TpDataError, TpFileNotFoundError

__all__ = ["looks_like_parquet", "read_parquet_result"]

MAGIC = b"PAR1"
SUPPRESSED = "is_onderdrukt"
SUPPRESSED_BELOW = 5  # DUO suppresses counts 1..4
_TIME, _SEX = "tijd", "geslacht"
_WHAT = "a Parquet fact table of a DUO star schema (with its dim_*.parquet beside it)"


def looks_like_parquet(path: str | Path) -> bool:
    """A ``.parquet`` name, or a file that starts with the Parquet magic bytes."""
    path = Path(path)
    if path.suffix.lower() == ".parquet":
        return True
    try:
        with path.open("rb") as handle:
            return handle.read(4) == MAGIC
    except OSError:
        return False


def read_parquet_result(path: str | Path) -> ReadResult:
    """Read a fact table of a DUO star schema into the DUO counts frame, with notes.

    Parameters
    ----------
    path
        The fact table (``feit_eerstejaars.parquet``); its dimensions lie beside it.

    Returns
    -------
    ReadResult
        ``frame``: the DUO counts frame (classification columns from the dimensions, then
        ``measure, sex, year, n, suppressed, n_lo, n_hi, line, record, source``; ``line`` and
        ``record`` are the fact's 1-based row). ``notes``: the dimensions joined and the
        suppressed cells kept as bounds. ``encoding``: ``parquet``.

    Raises
    ------
    TpDataError
        See the module docstring.
    """
    path = Path(path)
    fact = _read_table(path)
    rows = pd.Series(np.arange(1, len(fact) + 1), name="row")
    measure_column, measure = _measure(fact, path)
    require_columns(fact.columns, [SUPPRESSED], file=path, line=None)
    keys = [c for c in fact.columns if c.endswith("_key")]
    own = keys[0] if keys and not _dim_path(path, keys[0]).exists() else None
    dims = [k for k in keys if k != own]
    check_unique(fact, dims, file=path, lines=rows, column=dims[0] if dims else measure_column,
                 what="record (dimension keys)")
    frame = pd.DataFrame(index=fact.index)
    year = sex = None
    notes = [note(path, None, None, "read_as", len(fact), "Parquet star schema: "
                  f"{len(dims)} dimension(s) joined ({', '.join(dims)}); a transformation "
                  "of DUO data by another repository, not DUO's own file")]
    colmap = duo_header.column_map()
    for key in dims:
        name = key.removesuffix("_key")
        if name == _SEX:
            sex, unrecorded = _sex(fact[key], rows, path, colmap)
            if unrecorded:
                notes.append(note(path, None, key, "read_as", unrecorded, f"{unrecorded} "
                                  "row(s) without a sex (empty geslacht_key: DUO's onbekend, "
                                  "which dim_geslacht lacks): sex 'unknown', counted in the "
                                  "totals only"))
            continue
        joined = _join(fact[key], key, _dim_path(path, key), rows, path)
        if name == _TIME:
            year = joined["jaar"]
        else:
            for column in joined.columns:
                canonical = _canonical(column, colmap)
                frame[canonical if canonical not in frame else f"{name}_{canonical}"] = (
                    joined[column].to_numpy())
    if year is None:
        raise TpDataError("the fact table has no time key, so no year", file=path, row=1,
                          column="tijd_key", expected="a tijd_key column into dim_tijd.parquet")
    counts, hidden = _counts(fact, measure_column, rows, path)
    frame = frame.fillna("").astype(str)
    frame["measure"] = measure
    frame["sex"] = sex if sex is not None else "all"
    frame["year"] = pd.array(year.to_numpy(), dtype="Int64")
    for column in ("n", "suppressed", "n_lo", "n_hi"):
        frame[column] = counts[column]
    frame["line"] = pd.array(rows.to_numpy(), dtype="Int64")
    frame["record"] = frame["line"]
    frame["source"] = str(path)
    if hidden:
        notes.append(note(path, None, SUPPRESSED, "read_as", hidden, f"{hidden} suppressed "
                          f"cell(s) ({SUPPRESSED} = True) kept: n=NA, suppressed=True, n_lo=1, "
                          f"n_hi={SUPPRESSED_BELOW - 1}"))
    if sex is not None:
        notes.append(_check_sex_totals(path, fact, counts, measure_column))
    return ReadResult(frame.reset_index(drop=True), notes_frame(notes), "parquet")


def _read_table(path: Path) -> pd.DataFrame:
    """A Parquet file as a frame; anything unreadable is a TpDataError, never a traceback."""
    if not path.is_file():
        raise TpFileNotFoundError("file not found", file=path, expected=f"an existing file: "
                                  f"{_WHAT}")
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        return pq.read_table(path).to_pandas()
    except (pa.ArrowException, OSError, ValueError) as exc:
        head = path.read_bytes()[:4]
        problem = ("not a Parquet file" if head != MAGIC else
                   "damaged or cut-off Parquet file")
        raise TpDataError(f"{problem} ({str(exc)[:120]})", file=path, column="(file content)",
                          value=head, expected=f"{_WHAT}, whole") from exc


def _dim_path(path: Path, key: str) -> Path:
    return path.parent / f"dim_{key.removesuffix('_key')}.parquet"


def _measure(fact: pd.DataFrame, path: Path) -> tuple[str, str]:
    columns = [c for c in fact.columns if c.startswith("aantal_")]
    if len(columns) != 1:
        raise TpDataError("a fact table needs exactly one count column 'aantal_<measure>'",
                          file=path, row=1, column=", ".join(columns) or "aantal_*",
                          value=list(fact.columns)[:10],
                          expected="one column such as aantal_eerstejaars")
    word = columns[0].removeprefix("aantal_")
    measures = duo_header.column_map().measures
    return columns[0], measures.get(word.upper(), duo_header.snake_case(word))


def _join(keys: pd.Series, key: str, dim_path: Path, rows: pd.Series, path: Path
          ) -> pd.DataFrame:
    """The dimension rows of each fact row (every key must have exactly one)."""
    if not dim_path.is_file():
        raise TpDataError("no dimension table for this key", file=path, row=1, column=key,
                          value=dim_path.name, expected=f"{dim_path.name} beside the fact table")
    dim = _read_table(dim_path)
    require_columns(dim.columns, [key], file=dim_path, line=None)
    dim_rows = pd.Series(np.arange(1, len(dim) + 1), name="row")
    check_unique(dim, [key], file=dim_path, lines=dim_rows, column=key, what="dimension key")
    position = pd.Index(dim[key]).get_indexer(keys)
    missing = np.flatnonzero(position < 0)
    if missing.size:
        first = int(missing[0])
        raise TpDataError(f"key not found in {dim_path.name}", file=path,
                          row=int(rows.iloc[first]), column=key, value=keys.iloc[first],
                          expected=f"a {key} listed in {dim_path.name}")
    return dim.drop(columns=key).iloc[position].reset_index(drop=True).set_axis(keys.index)


def _canonical(column: str, colmap: duo_header.ColumnMap) -> str:
    return colmap.columns.get(duo_header.normalize_header(column)) or duo_header.snake_case(
        column)


def _sex(keys: pd.Series, rows: pd.Series, path: Path, colmap: duo_header.ColumnMap
         ) -> tuple[np.ndarray, int]:
    """Sex per fact row; an empty key is a sex not recorded (``unknown``), as DUO's onbekend."""
    key = f"{_SEX}_key"
    recorded = keys.notna().to_numpy()
    joined = _join(keys[recorded], key, _dim_path(path, key), rows[recorded], path)
    words = joined[_SEX].astype(str).str.strip().str.upper()
    check_vocabulary(words, list(colmap.sex_values), file=path, lines=rows[recorded],
                     column=_SEX, what="sex")
    sex = np.full(len(keys), "unknown", dtype=object)
    sex[recorded] = words.map(colmap.sex_values).to_numpy(dtype=object)
    return sex, int((~recorded).sum())


def _counts(fact: pd.DataFrame, column: str, rows: pd.Series, path: Path
            ) -> tuple[dict[str, object], int]:
    """Counts checked like CSV cells; a suppressed cell is a bound 1..4, never a zero."""
    flag = fact[SUPPRESSED]
    if not (pd.api.types.is_bool_dtype(flag) and not flag.isna().any()):
        bad = flag.map(lambda v: not isinstance(v, bool | np.bool_)).to_numpy()
        first = int(np.flatnonzero(bad)[0]) if bad.any() else 0
        raise TpDataError("the suppression flag is not True/False", file=path,
                          row=int(rows.iloc[first]), column=SUPPRESSED,
                          value=flag.iloc[first], expected="a boolean column (True/False)")
    hidden = flag.to_numpy(dtype=bool)
    values = fact[column]
    held = hidden & values.notna().to_numpy()
    if held.any():
        first = int(np.flatnonzero(held)[0])
        raise TpDataError("a suppressed cell still holds a count", file=path,
                          row=int(rows.iloc[first]), column=column, value=values.iloc[first],
                          expected=f"an empty count where {SUPPRESSED} is True")
    empty = ~hidden & values.isna().to_numpy()
    if empty.any():
        first = int(np.flatnonzero(empty)[0])
        raise TpDataError("empty count in a cell that is not suppressed", file=path,
                          row=int(rows.iloc[first]), column=column, value=None,
                          expected=f"a whole number, or {SUPPRESSED} = True")
    cells = np.where(hidden, f"<{SUPPRESSED_BELOW}", values.astype(object).map(_text))
    n, suppressed, lo, hi = parse_counts(cells.astype(str), file=path,
                                         lines=rows.to_numpy(), columns=[column],
                                         positions=np.zeros(len(cells), dtype=int),
                                         line_label="row")
    return {"n": n, "suppressed": suppressed, "n_lo": pd.array(lo, dtype="Int64"),
            "n_hi": pd.array(hi, dtype="Int64")}, int(hidden.sum())


def _text(value: object) -> str:
    """A count as the text a CSV cell would hold (a float that is whole reads as an int)."""
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    return str(value)


def _check_sex_totals(path: Path, fact: pd.DataFrame, counts: dict[str, object],
                      column: str) -> pd.Series:
    """The sexes of each group add up to the totals of every fact beside this one (the same
    name without ``_geslacht``, or with another breakdown); a note says what was checked."""
    base = path.stem.removesuffix(f"_{_SEX}")
    siblings = sorted(p for p in path.parent.glob(f"{base}*.parquet")
                      if p != path and re.fullmatch(rf"{re.escape(base)}(_[a-z]+)?", p.stem))
    parts = fact.assign(_lo=np.asarray(counts["n_lo"], dtype="int64"),
                        _hi=np.asarray(counts["n_hi"], dtype="int64"),
                        _row=np.arange(1, len(fact) + 1))
    checked = []
    for sibling in siblings:
        totals = _read_table(sibling)
        sibling_column, _ = _measure(totals, sibling)
        if sibling_column != column:
            continue
        rows = pd.Series(np.arange(1, len(totals) + 1), name="row")
        bounds, _ = _counts(totals, column, rows, sibling)
        keys = [k for k in fact.columns if k.endswith("_key") and k in totals.columns
                and _dim_path(path, k).exists() and k != f"{_SEX}_key"]
        whole = totals[keys].assign(_lo=np.asarray(bounds["n_lo"], dtype="int64"),
                                    _hi=np.asarray(bounds["n_hi"], dtype="int64"), _row=rows)
        _compare(path, parts, whole, sibling, keys, column)
        checked.append(f"{sibling.name} (per {', '.join(keys)})")
    if not checked:
        return note(path, None, column, "read_as", len(fact), "sexes not checked against "
                    f"totals: no {base}.parquet or {base}_<breakdown>.parquet beside the file")
    return note(path, None, column, "read_as", len(fact), "the sexes add up to the totals "
                f"of {' and '.join(checked)}, suppressed cells as bounds 1..4")


def _compare(path: Path, parts: pd.DataFrame, whole: pd.DataFrame, sibling: Path,
             keys: list[str], column: str) -> None:
    """Raise where the sexes of a group miss its total; a total without sexes names its row
    in the other fact."""
    sums = {"_lo": ("_lo", "sum"), "_hi": ("_hi", "sum"), "_row": ("_row", "min")}
    by_sex = parts.groupby(keys, dropna=False).agg(**sums)
    total = whole.groupby(keys, dropna=False).agg(**sums)
    lonely = total.index.difference(by_sex.index)
    if len(lonely):
        row = total.loc[lonely].sort_values("_row").iloc[0]
        raise TpDataError("a total without any row by sex in the fact it breaks down",
                          file=sibling, row=int(row["_row"]), column=column,
                          value=dict(zip(keys, row.name, strict=True)),
                          expected=f"rows by sex for these keys in {path.name}")
    total = total.reindex(by_sex.index, fill_value=0)
    check_totals(
        pd.DataFrame({"lo": total["_lo"], "hi": total["_hi"], "line": by_sex["_row"],
                      "column": column,
                      "text": [f"{sibling.name}: {lo}" + ("" if lo == hi else f"..{hi}")
                               for lo, hi in zip(total["_lo"], total["_hi"], strict=True)]}),
        pd.DataFrame({"lo": by_sex["_lo"], "hi": by_sex["_hi"]}),
        exact=pd.Series(True, index=by_sex.index), file=path, line_label="row",
        what=f"the sexes of this group ({', '.join(keys)}; row = its first row here)")
