"""Read the bundled, committed data: the canonical series and the targets.

Neither function needs ``../shared``: ``tpforecast data build`` derives ``data/processed/``
from the sources once, and the result is committed with its provenance.
"""

from __future__ import annotations

import functools
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from tpforecast.data.checks import require_columns
from tpforecast.data.inputs import read_delimited, read_text
from tpforecast.data.validation import SERIES_KEY, check_frame
from tpforecast.errors import TpDataError, TpDataWarning
from tpforecast.paths import data_dir

__all__ = [
    "SERIES_COLUMNS",
    "SERIES_DTYPES",
    "load_series",
    "load_targets",
    "select_series",
    "series_keys",
]

SERIES_DTYPES: dict[str, str] = {
    "indicator": "str",
    "level": "str",
    "region": "str",
    "sex": "str",
    "year": "Int64",
    "share": "Float64",
    "share_lo": "Float64",
    "share_hi": "Float64",
    "n_tech": "Int64",
    "n_total": "Int64",
    "source": "str",
    "edition": "str",
    "origin": "str",
    "canonical": "bool",
    "flags": "str",
}
SERIES_COLUMNS = list(SERIES_DTYPES)

TARGET_DTYPES: dict[str, str] = {
    "level": "str",
    "region": "str",
    "sex": "str",
    "year": "Int64",
    "target": "Float64",
    "kind": "str",
    "baseline_year": "Int64",
    "source": "str",
    "note": "str",
}
#: Optional columns of a targets file: ``indicator`` restricts a target to the series of that
#: indicator (e.g. vmbo gl/tl 40% on the NaSk diploma series; Twente's path on its own index).
TARGET_OPTIONAL: dict[str, str] = {"indicator": "str"}
#: The columns of the bundled targets file, in file order.
TARGET_COLUMNS: list[str] = ["level", "region", "sex", "year", "target", "kind",
                             "baseline_year", "indicator", "source", "note"]


def _read_checked(path: Path, dtypes: dict[str, str], kind: str, bundled: bool,
                  optional: dict[str, str] | None = None) -> pd.DataFrame:
    """Read a series or targets CSV with the shared reader, type it cell by cell, check it
    against the ``kind`` schema; every problem names the file, line, column and value.
    ``optional`` columns are typed the same way when the file has them."""
    source = read_text(path, what=f"a {kind} CSV (UTF-8, ',')",
                       missing_hint="bundled data file is missing; run `tpforecast data build`"
                       if bundled else None)
    parsed = read_delimited(source, separator=",", expected_header=",".join(dtypes),
                            casefold_header=True)
    raw = pd.DataFrame(parsed.records, columns=parsed.header, dtype=str)
    lines = pd.Series(parsed.lines, name="line")
    require_columns(raw.columns, list(dtypes), file=path, line=parsed.header_line)
    present = {**dtypes, **{c: d for c, d in (optional or {}).items() if c in raw.columns}}
    df = pd.DataFrame({col: _typed(raw[col], dtype, col, path, lines)
                       for col, dtype in present.items()})
    check_frame(df, kind, file=path, lines=lines)
    return df


def _typed(text: pd.Series, dtype: str, column: str, path: Path, lines: pd.Series) -> pd.Series:
    """One column of text in its dtype; the first cell that does not parse raises."""
    if dtype == "str":
        return text if column in ("flags", "note") else text.where(text != "", pd.NA).astype(
            "str")
    if dtype == "bool":
        values = text.str.lower().map({"true": True, "false": False})
        expected = "True or False"
    elif dtype == "Int64":
        values = pd.Series(pd.NA, index=text.index, dtype="Int64")
        whole = text.str.fullmatch(r"-?\d{1,15}")
        values[whole] = text[whole].astype("int64")
        values = values.where(whole | (text == ""), None)
        expected = "a whole number (or an empty cell)"
    else:
        plain = text.str.fullmatch(r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")
        values = pd.to_numeric(text.where(plain), errors="coerce").astype("Float64")
        values = values.where(plain | (text == ""), None)
        expected = "a number with '.' as decimal mark (or an empty cell)"
    bad = values.isna() & (text != "") if dtype != "bool" else values.isna()
    if bad.any():
        first = int(np.flatnonzero(bad.to_numpy())[0])
        raise TpDataError(f"not {dtype_word(dtype)}", file=path, line=int(lines.iloc[first]),
                          column=column, value=text.iloc[first], expected=expected)
    return values.astype(bool) if dtype == "bool" else values.astype(dtype)


def dtype_word(dtype: str) -> str:
    return {"bool": "a boolean", "Int64": "a whole number"}.get(dtype, "a number")


def load_series(path: str | Path | None = None, *, vintage: int | None = None
                ) -> pd.DataFrame:
    """The canonical enrolment series: published monitor figures and DUO-derived series.

    One row per (``indicator``, ``level``, ``region``, ``sex``, ``year``); a *series* is one
    (``indicator``, ``level``, ``region``, ``sex``). The monitor's national series and those
    computed from DUO files are separate series (other ``indicator``), side by side.

    Parameters
    ----------
    path
        A series CSV in the same layout; default the bundled ``data/processed/series.csv``.
    vintage
        The series as published by the end of this year (bundled data only): the newest
        edition published by then wins (dates in ``data/mappings/editions.csv``), later
        editions and DUO releases do not exist, and definition breaks that came later do not
        apply (``breaks.csv``, column ``effective``). ``reachability(load_series(vintage=2016),
        as_of=2015)`` is what the 2016 plans could know. None: today's revised data.

    Returns
    -------
    pandas.DataFrame
        Columns ``indicator, level, region, sex, year, share, share_lo, share_hi, n_tech,
        n_total, source, edition, origin, canonical, flags, vintage``. ``year`` is the start
        year of the school year (2014 for 2014/15), ``share`` a fraction in [0, 1] (NA for
        count-only rows), counts nullable integers. ``flags`` holds ``;``-separated tokens on
        quality, breaks and proxies (see ``docs/design.md``); ``source`` and ``edition`` trace
        each row. ``vintage`` (Int64) is the year whose end the data are as of: the requested
        one, the newest vintage for today's bundled data; for a file given by ``path`` its own
        ``vintage`` column, or NA when it has none.

    Raises
    ------
    TpDataError
        On a bad series file (file, line, column, value), a ``vintage`` before the first or
        after the newest edition (naming both and the years that exist), or a ``vintage`` with
        a ``path``.

    Examples
    --------
    >>> import tpforecast as tp
    >>> s = tp.load_series()
    >>> s.query("canonical and level == 'havo' and region == 'NL' and sex == 'all'")[
    ...     ["year", "share"]].tail(2)  # doctest: +SKIP
    >>> then = tp.load_series(vintage=2016)  # what the 2016 plans could know
    """
    bundled = path is None
    if vintage is not None:
        if not bundled:
            raise TpDataError("a vintage is built from the bundled data, not from a file",
                              file=path, column="vintage", value=vintage,
                              expected="load_series(vintage=YEAR) without a path")
        from tpforecast.data.vintage import load_vintage  # builds on this function

        return load_vintage(vintage)
    if bundled:
        path = data_dir() / "processed" / "series.csv"
        stat = path.stat() if path.exists() else None
        # the bundled file is read and checked once per version of it (callers get a copy)
        return _bundled_series(str(path), stat.st_mtime_ns if stat else 0,
                               stat.st_size if stat else 0).copy()
    return _series_from(Path(path), bundled=False)


def _series_from(path: Path, *, bundled: bool) -> pd.DataFrame:
    df = _read_checked(path, SERIES_DTYPES, "series", bundled, optional={"vintage": "Int64"})
    # row order carries no meaning: a series file in any order reads the same
    df = df.sort_values([*SERIES_KEY, "year"], kind="mergesort").reset_index(drop=True)
    if "vintage" in df.columns:  # a file written from a loaded frame keeps its vintage
        return df
    return df.assign(vintage=pd.array([_newest_vintage() if bundled else pd.NA] * len(df),
                                      dtype="Int64"))


@functools.lru_cache(maxsize=2)
def _bundled_series(path: str, mtime_ns: int, size: int) -> pd.DataFrame:
    """The bundled series file, read once per (path, modification time, size)."""
    return _series_from(Path(path), bundled=True)


def _newest_vintage() -> int:
    from tpforecast.data.vintage import newest_vintage

    return newest_vintage()


def load_targets(path: str | Path | None = None) -> pd.DataFrame:
    """Policy targets per level, region and sex, each with its source.

    The national 40% "4 in 10" goal (also read per level), the goals of landsdeel Oost,
    Overijssel, Gelderland (40% for mbo, hbo and wo), Stedendriehoek (40%) and Noord (hbo 30%),
    the national level ambitions (mbo 30%, doel 9; vmbo bb/kb 30% technical; vmbo gl/tl 40% with
    NaSk, judged on the gl and tl NaSk diploma series; havo/vwo 55% N-profile), the Twente path
    30/35/40% (``kind="path"`` for the interim points; Twente's own index only), and two count
    targets (``kind="growth_count"``: ``target`` is the ratio of the count in ``year`` to the
    count in ``baseline_year``): 20% more women in technical programmes in Oost by the end of
    2019, and Zwolle's +25% technical intake in mbo and hbo. Curated by hand in
    ``data/targets.csv``; each row cites its source and says in ``note`` how it is read.

    Returns
    -------
    pandas.DataFrame
        Columns ``level, region, sex, year, target, kind, baseline_year, source, note,
        indicator``. ``target`` is a fraction for ``goal``, ``ambition`` and ``path`` rows;
        ``indicator`` (NA: any series of the level) restricts a target to one indicator.
    """
    bundled = path is None
    path = Path(path) if path is not None else data_dir() / "targets.csv"
    frame = _read_checked(path, TARGET_DTYPES, "targets", bundled, optional=TARGET_OPTIONAL)
    if "indicator" not in frame.columns:  # a file without it: every target applies to any
        frame["indicator"] = pd.array([pd.NA] * len(frame), dtype="str")
    return frame


def series_keys(series: pd.DataFrame) -> pd.DataFrame:
    """The distinct series (``indicator, level, region, sex``) in a series frame, sorted."""
    return series[SERIES_KEY].drop_duplicates().sort_values(SERIES_KEY).reset_index(drop=True)


def select_series(
    series: pd.DataFrame,
    *,
    indicators: list[str] | None = None,
    levels: list[str] | None = None,
    regions: list[str] | None = None,
    sexes: list[str] | None = None,
    origin: str | None = None,
    canonical: bool | None = None,
    with_share: bool = True,
) -> pd.DataFrame:
    """Rows of ``series`` that match every filter given; a name that matches nothing is an error.

    Parameters
    ----------
    series
        A series frame (:func:`load_series`).
    indicators, levels, regions, sexes
        Keep only these values (None keeps all).
    origin
        ``"published"`` or ``"duo"`` (None keeps both).
    canonical
        True keeps only headline indicators, False only the others, None both.
    with_share
        Drop count-only rows (share missing), which trend models cannot use.

    Warns
    -----
    TpDataWarning
        When a requested value occurs in ``series`` but no row of it is left after all
        filters (e.g. ``levels=["mbo", "havo"], regions=["Overijssel"]`` without havo rows
        for Overijssel): that value is left out of the result, and the warning names it.

    Raises
    ------
    TpDataError
        When a requested indicator, level, region or sex does not occur, listing the
        values that do, or when no row matches all filters together.
    """
    out = series
    requested = [(c, w) for c, w in [("indicator", indicators), ("level", levels),
                                     ("region", regions), ("sex", sexes)] if w is not None]
    for column, wanted in requested:
        unknown = sorted(set(wanted) - set(series[column]))
        if unknown:
            known = ", ".join(sorted(map(str, series[column].unique())))
            raise TpDataError(f"unknown {column} {', '.join(unknown)}", column=column,
                              value=unknown[0], expected=f"one of: {known}")
        out = out[out[column].isin(wanted)]
    if origin is not None:
        out = out[out["origin"] == origin]
    if canonical is not None:
        out = out[out["canonical"] == canonical]
    if with_share:
        out = out[out["share"].notna()]
    asked = ", ".join(f"{c}={'/'.join(map(str, w))}" for c, w in requested) or "all rows"
    if out.empty:
        raise TpDataError(f"no rows match the selection together ({asked}; origin={origin}, "
                          f"canonical={canonical}, with_share={with_share})",
                          expected="filters that some rows meet at once")
    for column, wanted in requested:
        lost = [v for v in dict.fromkeys(wanted) if v not in set(out[column])]
        if lost:
            warnings.warn(f"select_series: no rows of {column} {', '.join(map(str, lost))} "
                          f"match the other filters ({asked}); left out", TpDataWarning,
                          stacklevel=2)
    return out.reset_index(drop=True)
