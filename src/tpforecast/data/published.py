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

from pathlib import Path

import numpy as np
import pandas as pd

from tpforecast.data.checks import check_totals, check_unique, parse_amounts, require_columns
from tpforecast.data.inputs import read_delimited, read_text
from tpforecast.data.mappings import normalize_level, normalize_sex, parse_school_year
from tpforecast.data.validation import check_frame
from tpforecast.paths import data_dir

__all__ = ["FIGURES_COLUMNS", "REQUIRED_COLUMNS", "default_figures_path", "load_figures"]

FIGURES_COLUMNS: tuple[str, ...] = (
    "indicator", "level", "region", "sex", "school_year", "measure", "value", "unit",
    "quality", "source_url", "source_edition", "note",
)
# `note` is optional (filled with "" when absent); all other columns are required
REQUIRED_COLUMNS: tuple[str, ...] = tuple(c for c in FIGURES_COLUMNS if c != "note")
_WHAT = "the published-figures CSV (UTF-8, ',')"


def default_figures_path() -> Path:
    """The project's own copy: ``data/published/techniekpact_figures.csv``."""
    return data_dir() / "published" / "techniekpact_figures.csv"


def load_figures(path: str | Path | None = None) -> pd.DataFrame:
    """Read the published-figures table and check it.

    Parameters
    ----------
    path
        A CSV in the published layout (may be gzip-compressed or UTF-16); default the bundled
        copy ``data/published/techniekpact_figures.csv`` (made from ``../shared/data/published/``).

    Returns
    -------
    pandas.DataFrame
        One row per published figure, in file order, with the columns ``indicator, level,
        region, sex, school_year, measure, value, unit, quality, source_url, source_edition,
        note`` (text as ``str``, stripped; ``school_year`` NA when empty; ``value`` float, still
        in the published unit) plus ``line``, the physical line number of the row in the file,
        and ``file``, the path it was read from. Header names are read case-insensitively.

    Raises
    ------
    TpDataError
        For everything :mod:`tpforecast.data.inputs` refuses (missing, empty, binary, mixed
        encodings, wrong separator, ragged or cut-off lines, duplicate header names); a missing
        required column; an empty required cell; a value that is not a plain number (``1e30``,
        ``1,5``), a percentage above 100 or written as a fraction (``0.37``), a count that is
        fractional, has a thousands separator (``34.000``) or is implausibly large; an unknown
        measure, unit, quality, region (did-you-mean), level name or sex value; a unit that
        does not fit the measure; an unparseable or out-of-range school year (``'69/70``); a
        figure repeated within one edition; or ``count_tech`` above ``count_total`` for the
        same figure and edition.

    Examples
    --------
    >>> import tpforecast as tp
    >>> figures = tp.load_figures()
    >>> first = figures.iloc[0]
    >>> first["indicator"], first["level"], first["school_year"], float(first["value"])
    ('bbkbgl_y3_techprofile', 'vmbo_bbkb', '2023/24', 20.0)
    """
    path = Path(path) if path is not None else default_figures_path()
    source = read_text(path, what=_WHAT)
    parsed = read_delimited(source, separator=",", expected_header=",".join(FIGURES_COLUMNS),
                            casefold_header=True)
    require_columns(parsed.header, REQUIRED_COLUMNS, file=path, line=parsed.header_line)
    frame = pd.DataFrame(parsed.records, columns=parsed.header, dtype="str")
    if "note" not in frame.columns:
        frame["note"] = ""
    frame = frame[list(FIGURES_COLUMNS)].copy()
    frame["line"] = np.array(parsed.lines, dtype="int64")
    lines = frame["line"]
    frame["value"] = parse_amounts(frame["value"], frame["unit"], file=path, lines=lines,
                                   column="value")
    frame["school_year"] = frame["school_year"].where(frame["school_year"] != "", pd.NA)
    frame["school_year"] = frame["school_year"].astype("str")
    check_frame(frame, "figures", file=path, lines=lines)
    _check_mapped(frame, path)
    _check_consistency(frame, path)
    frame["file"] = str(path)
    return frame


def _check_mapped(frame: pd.DataFrame, path: Path) -> None:
    """Level names, sex values and school years must be known / parseable (first use raises)."""
    checks = (("level", normalize_level), ("sex", normalize_sex),
              ("school_year", parse_school_year))
    for column, check in checks:
        firsts = frame.drop_duplicates(column)
        for value, line in zip(firsts[column], firsts["line"], strict=True):
            check(value, file=path, line=int(line), column=column)


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
    """A figure once per edition; ``count_tech`` not above ``count_total``."""
    work = pd.concat([_figure_keys(frame), frame[["measure", "value", "line"]]], axis=1)
    key = ["indicator", "level", "region", "sex", "year", "measure", "edition"]
    check_unique(work, key, file=path, lines=frame["line"], column="value",
                 what="figure within one edition")
    both = work[work["measure"] == "count_tech"].merge(
        work[work["measure"] == "count_total"], on=key[:5] + ["edition"],
        suffixes=("_tech", "_total"))
    check_totals(
        pd.DataFrame({"lo": both["value_total"], "hi": both["value_total"],
                      "line": both["line_total"], "column": "value",
                      "text": both["value_total"].map("{:g}".format)}),
        pd.DataFrame({"lo": both["value_tech"], "hi": both["value_tech"]}),
        exact=pd.Series(False, index=both.index), file=path,
        what="count_tech of the same figure and edition, which count_total must include")

