"""Frame schemas (pandera) and ``validate``, which returns the failing rows.

Like pyam's validation, :func:`validate` does not answer a bare ``False``: it returns the rows
that break a rule, each with the column and the check it failed, so the problem can be fixed
at its source. An empty frame means the data is valid.

Kinds
-----
``figures``
    The published-figures table as read by :func:`tpforecast.load_figures`.
``series``
    The canonical series frame (:func:`tpforecast.load_series`, ``clean_figures(...).series``).
``counts``
    Tidy DUO counts from :func:`tpforecast.read_duo`.
``targets``
    The targets table (:func:`tpforecast.load_targets`).
``forecast``
    Output of :func:`tpforecast.forecast`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
import pandera.pandas as pa

from tpforecast.data.checks import check_unique, did_you_mean
from tpforecast.data.mappings import (
    FLAG_TOKENS,
    MEASURES,
    QUALITIES,
    UNITS,
    YEAR_RANGE,
    known_regions,
)
from tpforecast.errors import TpDataError

__all__ = ["SCHEMAS", "SERIES_KEY", "check_frame", "validate"]

SERIES_KEY = ["indicator", "level", "region", "sex"]
SEXES = ["all", "female", "male"]
COUNT_SEXES = [*SEXES, "unknown"]  # DUO counts: sex onbekend/X counts in totals only
UNITS_FOR_MEASURE = {
    "share": ("pct",),
    "count_tech": ("persons",),
    "count_total": ("persons",),
    "target": ("pct", "persons"),
}


def _text(nullable: bool = False, allow_empty: bool = True) -> pa.Column:
    checks = [pa.Check(lambda s: s.map(lambda v: isinstance(v, str)), element_wise=False,
                       name="is_text", ignore_na=True)]
    if not allow_empty:
        checks.append(pa.Check(lambda s: s.str.strip().str.len() > 0, name="not_empty"))
    return pa.Column(None, checks=checks, nullable=nullable)


def _fraction(nullable: bool = True) -> pa.Column:
    return pa.Column("Float64", pa.Check.in_range(0.0, 1.0), nullable=nullable)


def _count() -> pa.Column:
    return pa.Column("Int64", pa.Check.ge(0), nullable=True)


def _year() -> pa.Column:
    return pa.Column("Int64", pa.Check.in_range(*YEAR_RANGE))


def _vocabulary(values: Callable[[], Sequence[str]] | Sequence[str], name: str) -> pa.Column:
    """A text column whose values come from a vocabulary (read when the check runs)."""
    def known(series: pd.Series) -> pd.Series:
        allowed = values() if callable(values) else values
        return series.isin(list(allowed))

    not_empty = pa.Check(lambda s: s.astype(str).str.strip().str.len() > 0, name="not_empty")
    return pa.Column(None, [not_empty, pa.Check(known, name=name)], nullable=False)


def _unit_fits_measure(df: pd.DataFrame) -> pd.Series:
    allowed = df["measure"].map(lambda m: UNITS_FOR_MEASURE.get(m, ()))
    return pd.Series([u in a for u, a in zip(df["unit"], allowed, strict=True)], index=df.index)


def _lo_le_share(df: pd.DataFrame) -> pd.Series:
    ok = (df["share_lo"].isna() | df["share"].isna() | (df["share_lo"] <= df["share"] + 1e-12))
    return ok & (df["share_hi"].isna() | df["share"].isna() | (df["share"] <= df["share_hi"] + 1e-12))


def _tech_le_total(df: pd.DataFrame) -> pd.Series:
    return (df["n_tech"].isna() | df["n_total"].isna() | (df["n_tech"] <= df["n_total"])).astype(bool)


_PRE_BREAK = re.compile(r"pre_break:[a-z0-9_]+")


def _known_flags(flags: pd.Series) -> pd.Series:
    """Every ``;``-separated token is one of docs/design.md (``FLAG_TOKENS``, ``pre_break:<id>``)."""
    def ok(value: object) -> bool:
        if not isinstance(value, str):
            return False
        tokens = value.split(";") if value else []
        return all(t in FLAG_TOKENS or _PRE_BREAK.fullmatch(t) for t in tokens) and (
            tokens == sorted(set(tokens))
        )

    return flags.map(ok).astype(bool)


def _bounds_hold_n(df: pd.DataFrame) -> pd.Series:
    """A known count is its own bounds; a suppressed one has 1 <= n_lo <= n_hi."""
    known = ~df["suppressed"].astype(bool)
    exact = (df["n_lo"] == df["n"]) & (df["n_hi"] == df["n"])
    hidden = (df["n_lo"] >= 1) & (df["n_lo"] <= df["n_hi"])
    return pd.Series(exact.where(known, hidden).fillna(False).astype(bool), index=df.index)


SERIES_SCHEMA = pa.DataFrameSchema(
    {
        "indicator": _text(allow_empty=False),
        "level": _text(allow_empty=False),
        "region": _text(allow_empty=False),
        "sex": pa.Column(None, pa.Check.isin(SEXES)),
        "year": _year(),
        "share": _fraction(),
        "share_lo": _fraction(),
        "share_hi": _fraction(),
        "n_tech": _count(),
        "n_total": _count(),
        "source": _text(allow_empty=False),
        "edition": _text(allow_empty=False),
        "origin": pa.Column(None, pa.Check.isin(["published", "duo"])),
        "canonical": pa.Column(bool),
        "flags": pa.Column(None, pa.Check(_known_flags, name="known sorted flag tokens")),
    },
    checks=[
        pa.Check(_lo_le_share, name="share_lo <= share <= share_hi"),
        pa.Check(_tech_le_total, name="n_tech <= n_total"),
    ],
    unique=[*SERIES_KEY, "year"],
    name="series",
)

FIGURES_SCHEMA = pa.DataFrameSchema(
    {
        "indicator": _text(allow_empty=False),
        "level": _text(allow_empty=False),
        "region": _vocabulary(known_regions, "known region"),
        "sex": _text(allow_empty=False),
        "school_year": _text(nullable=True),
        "measure": _vocabulary(MEASURES, "known measure"),
        "value": pa.Column(float, pa.Check.ge(0)),
        "unit": _vocabulary(UNITS, "known unit"),
        "quality": _vocabulary(QUALITIES, "known quality"),
        # seed-document tables have no URL; their edition names the document
        "source_url": _text(nullable=True),
        "source_edition": _text(allow_empty=False),
    },
    checks=[
        pa.Check(
            lambda df: ~((df["unit"] == "pct") & (df["value"] > 100)),
            name="percentages <= 100",
        ),
        pa.Check(_unit_fits_measure, name="unit fits the measure"),
    ],
    name="figures",
)

COUNTS_SCHEMA = pa.DataFrameSchema(
    {
        "sex": pa.Column(None, pa.Check.isin(COUNT_SEXES)),
        "year": _year(),
        "n": _count(),
        "suppressed": pa.Column(bool),
        "n_lo": _count(),
        "n_hi": _count(),
    },
    checks=[
        pa.Check(lambda df: df["suppressed"] == df["n"].isna(), name="n missing iff suppressed"),
        pa.Check(_bounds_hold_n, name="n_lo <= n <= n_hi"),
    ],
    name="counts",
)

TARGETS_SCHEMA = pa.DataFrameSchema(
    {
        "level": _text(allow_empty=False),
        "region": _text(allow_empty=False),
        "sex": pa.Column(None, pa.Check.isin(SEXES)),
        "year": _year(),
        "target": pa.Column("Float64", pa.Check.gt(0)),
        "kind": pa.Column(None, pa.Check.isin(["goal", "ambition", "path", "growth_count"])),
        "source": _text(allow_empty=False),
    },
    checks=[
        pa.Check(
            lambda df: (df["kind"] == "growth_count") | (df["target"] < 1),
            name="share targets are fractions in (0, 1)",
        ),
        pa.Check(
            lambda df: (df["kind"] != "growth_count") | df["baseline_year"].notna(),
            name="count targets have a baseline year",
        ),
    ],
    unique=["level", "region", "sex", "year", "kind"],
    name="targets",
)


def _forecast_schema() -> pa.DataFrameSchema:
    def bands_ordered(df: pd.DataFrame) -> pd.Series:
        ok = pd.Series(True, index=df.index)
        for lo in [c for c in df.columns if c.startswith("lo_")]:
            hi = "hi_" + lo[3:]
            ok &= (df[lo] <= df["mean"] + 1e-9) & (df["mean"] <= df[hi] + 1e-9)
        return ok

    return pa.DataFrameSchema(
        {
            **{k: _text(allow_empty=False) for k in SERIES_KEY},
            "model": _text(allow_empty=False),
            "year": pa.Column(int, coerce=True),
            "mean": pa.Column(float, pa.Check.in_range(0.0, 1.0)),
            r"^(lo|hi)_\d+$": pa.Column(float, pa.Check.in_range(0.0, 1.0), regex=True),
        },
        checks=[pa.Check(bands_ordered, name="lo <= mean <= hi")],
        name="forecast",
    )


SCHEMAS: dict[str, pa.DataFrameSchema] = {
    "series": SERIES_SCHEMA,
    "figures": FIGURES_SCHEMA,
    "counts": COUNTS_SCHEMA,
    "targets": TARGETS_SCHEMA,
    "forecast": _forecast_schema(),
}


def validate(df: pd.DataFrame, kind: str) -> pd.DataFrame:
    """Check ``df`` against the schema for ``kind`` and return the failing rows.

    Parameters
    ----------
    df
        Frame to check.
    kind
        One of ``"figures"``, ``"series"``, ``"counts"``, ``"targets"``, ``"forecast"``.

    Returns
    -------
    pandas.DataFrame
        The rows of ``df`` that fail a check, with three extra columns: ``failed_column``
        (the column checked, or empty for a row-level check), ``failed_check`` and
        ``failure_case`` (the offending value). A problem that concerns the whole frame, such
        as a missing column, appears as a row with the data columns empty. Empty when valid.

    Raises
    ------
    TpDataError
        If ``kind`` is unknown.

    Examples
    --------
    >>> import tpforecast as tp
    >>> tp.validate(tp.load_series(), "series").empty  # doctest: +SKIP
    True
    """
    schema = SCHEMAS.get(kind)
    if schema is None:
        raise TpDataError(
            "unknown validation kind", value=kind, expected=f"one of {sorted(SCHEMAS)}"
        )
    extra = ["failed_column", "failed_check", "failure_case"]
    try:
        # validate by position: a duplicated or non-unique index must neither crash the
        # uniqueness check nor attach a failure to the wrong row
        schema.validate(df.reset_index(drop=True), lazy=True)
    except pa.errors.SchemaErrors as exc:
        return _failing_rows(df, exc.failure_cases, extra)
    return df.iloc[0:0].assign(**{c: pd.Series(dtype=object) for c in extra})


def _failing_rows(df: pd.DataFrame, cases: pd.DataFrame, extra: list[str]) -> pd.DataFrame:
    """Turn pandera's failure cases (``index`` = row position) into the failing rows of ``df``
    (with their own index labels) plus why they fail."""
    frame_level = cases["schema_context"] == "DataFrameSchema"
    # a frame-level check reports one case per cell of a failing row: keep one per row
    cases = pd.concat(
        [cases[~frame_level], cases[frame_level].drop_duplicates(["check", "index"])]
    )
    out = []
    for case in cases.itertuples(index=False):
        if case.check == "column_in_dataframe":
            info = {"failed_column": case.failure_case, "failed_check": "column is missing",
                    "failure_case": None}
        else:
            is_column = case.schema_context == "Column"
            info = {
                "failed_column": case.column if is_column else "",
                "failed_check": str(case.check),
                "failure_case": case.failure_case if is_column else None,
            }
        position = case.index
        if position is not None and not pd.isna(position) and 0 <= position < len(df):
            row = df.iloc[[int(position)]].copy()
            for k, v in info.items():
                row[k] = v
            out.append(row)
        else:
            out.append(pd.DataFrame([info]))
    return pd.concat(out) if out else pd.DataFrame(columns=extra)


# what a failing check expects, in words (checks not listed: their name)
_VOCABULARIES: dict[str, Callable[[], Sequence[str]]] = {
    "known region": known_regions,
    "known measure": lambda: MEASURES,
    "known unit": lambda: UNITS,
    "known quality": lambda: QUALITIES,
}
# check -> (column it concerns, problem, expected)
_EXPECTED = {
    "percentages <= 100": ("value", "percentage above 100", "a percentage between 0 and 100"),
    "unit fits the measure": ("unit", "unit does not fit the measure", "pct for a share, "
                              "persons for a count, either for a target"),
    "not_empty": (None, "empty cell", "a value"),
    "not_nullable": (None, "empty cell", "a value"),
    "greater_than_or_equal_to(0)": (None, "negative value", "a value of 0 or more"),
    "greater_than(0)": (None, "value not above 0", "a value above 0"),
    "share_lo <= share <= share_hi": ("share", "share outside its bounds share_lo..share_hi",
                                      "share_lo <= share <= share_hi"),
    "n_tech <= n_total": ("n_tech", "n_tech above n_total", "at most n_total"),
    "share targets are fractions in (0, 1)": ("target", "share target is not a fraction",
                                              "a fraction in (0, 1), e.g. 0.40 for 40%"),
    "count targets have a baseline year": ("baseline_year", "count target without a baseline "
                                           "year", "the year the count is compared with"),
    "known sorted flag tokens": ("flags", "unknown or unsorted flag token(s)",
                                 "sorted ';'-separated tokens of docs/design.md"),
}


def check_frame(df: pd.DataFrame, kind: str, *, file: object, lines: pd.Series) -> None:
    """Raise a :class:`TpDataError` at the first row of ``df`` that breaks the ``kind`` schema.

    This is how readers use the schemas: ``lines`` gives the physical line of each row (in
    order), so the error names the file, the line, the column, the value and, for a
    vocabulary, the close matches.
    """
    schema = SCHEMAS[kind]
    if schema.unique:  # duplicates: the shared check names both lines
        check_unique(df, list(schema.unique), file=file, lines=lines, column=schema.unique[0],
                     what=f"{kind} key")
    failing = validate(df.reset_index(drop=True), kind)
    if failing.empty:
        return
    positions = np.asarray(failing.index, dtype=float)
    # the first failing row; within it an empty cell before any other failure
    empty_first = ~failing["failed_check"].isin(["not_empty", "not_nullable"]).to_numpy()
    order = np.lexsort((empty_first, np.where(np.isnan(positions), -1, positions)))
    first = failing.iloc[int(order[0])]
    position = positions[int(order[0])]
    check = str(first["failed_check"])
    concerns, problem, expected = _EXPECTED.get(
        check, (None, f"{kind} check failed: {check}", f"a value passing the check {check!r}"))
    bounds = re.fullmatch(r"in_range\((.*), (.*)\)", check)
    if bounds:
        problem, expected = "value out of range", f"a value from {bounds[1]} to {bounds[2]}"
    column = first["failed_column"] or concerns
    value = df[column].iloc[int(position)] if column in df and not np.isnan(position) else (
        first["failure_case"])
    value = value.item() if isinstance(value, np.generic) else value
    if check in _VOCABULARIES:
        problem = f"unknown {check.removeprefix('known ')}"
        expected = did_you_mean(value, list(_VOCABULARIES[check]()))
    line = int(lines.iloc[int(position)]) if not np.isnan(position) else None
    raise TpDataError(problem, file=file, line=line, column=column or None,
                      value=None if problem == "empty cell" else value, expected=expected)
