"""The checks every reader shares, each written once.

* :func:`check_vocabulary` - a value outside a vocabulary, with did-you-mean;
* :func:`check_unique` - duplicate records or classification keys, naming both lines;
* :func:`parse_counts` - count cells: whole numbers, ``<k`` privacy suppression, empty = 0;
  thousands separators, decimals, signs and counts beyond any plausible size are refused;
* :func:`parse_amounts` - published numbers: plain decimals only (no exponent, no thousands
  separator), percentages in 0..100 and not written as a fraction, persons whole and plausible;
* :func:`check_totals` - a total that disagrees with the sum of its parts.

Each raises :class:`~tpforecast.errors.TpDataError` naming the file, the physical line, the
column, the value and what was expected.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from tpforecast.errors import TpDataError

__all__ = [
    "MAX_COUNT",
    "at",
    "check_totals",
    "check_unique",
    "check_vocabulary",
    "did_you_mean",
    "parse_amounts",
    "parse_counts",
    "require_columns",
]

# No Dutch education count comes near ten million (all pupils and students together are
# about four million): a larger count is a typo, two numbers run together or a unit error.
MAX_COUNT = 10_000_000
_COUNT_EXPECTED = ("a whole number of persons written with digits only (no thousands "
                   "separator), '<5' (privacy-suppressed) or an empty cell")
_PLAIN = re.compile(r"[0-9]+(?:\.[0-9]+)?")
_THOUSANDS = re.compile(r"[0-9]{1,3}(?:[.,' ][0-9]{3})+")


def did_you_mean(value: object, known: Sequence[str]) -> str:
    """``"one of A, B, C; did you mean B?"`` (case-insensitive close matches)."""
    text = str(value).strip()
    folded = {k.casefold(): k for k in known}
    close = [folded[c] for c in difflib.get_close_matches(text.casefold(), list(folded), n=3,
                                                          cutoff=0.6)]
    listed = ", ".join(sorted(known)[:30]) + (", ..." if len(known) > 30 else "")
    return f"one of {listed}" + (f"; did you mean {' or '.join(close)}?" if close else "")


def require_columns(names: Sequence[str], required: Sequence[str], *, file: object,
                    line: int | None = None) -> None:
    """Raise for the first required column that ``names`` (a header or frame) lacks."""
    present = list(names)
    for column in required:
        if column not in present:
            close = did_you_mean(column, [str(n) for n in present])
            raise TpDataError("missing required column", file=file, line=line, column=column,
                              value=", ".join(map(str, present))[:200],
                              expected=f"columns {', '.join(required)}"
                              + (f" (the header has: {close.split('; ')[-1]})" if "did you"
                                 in close else ""))


def check_vocabulary(values: pd.Series, known: Sequence[str], *, file: object, lines: pd.Series,
                     column: str, what: str | None = None) -> None:
    """Raise at the first value not in ``known`` (exact match), suggesting close ones."""
    bad = ~values.isin(list(known))
    if bad.any():
        first = int(np.flatnonzero(bad.to_numpy())[0])
        value = values.iloc[first]
        raise TpDataError(f"unknown {what or column}", file=file, column=column, value=value,
                          expected=did_you_mean(value, known), **at(lines, first))


def check_unique(frame: pd.DataFrame, key: Sequence[str], *, file: object, lines: pd.Series,
                 column: str, what: str = "record") -> None:
    """Raise at the second line that repeats ``key`` (a repeated line would count twice)."""
    repeated = frame.duplicated(list(key), keep="first").to_numpy()
    if repeated.any():
        second = int(np.flatnonzero(repeated)[0])
        same = (frame[list(key)] == frame[list(key)].iloc[second]).all(axis=1).to_numpy()
        first = int(np.flatnonzero(same)[0])
        label = "row" if lines.name == "row" else "line"
        raise TpDataError(
            f"duplicate {what}: the same {', '.join(key)} as {label} {_line(lines, first)} "
            "(it would be counted twice)", file=file, column=column, **at(lines, second),
            value=" | ".join(str(v) for v in frame[list(key)].iloc[second])[:160],
            expected=f"each {what} once; delete the repeated line or tell the two apart")


def parse_counts(cells: np.ndarray, *, file: object, lines: np.ndarray, columns: Sequence[str],
                 positions: np.ndarray, line_label: str = "line"
                 ) -> tuple[pd.arrays.IntegerArray, np.ndarray, np.ndarray, np.ndarray]:
    """Count cells (stripped text) -> ``(n, suppressed, n_lo, n_hi)``.

    An empty cell is a known 0 (DUO: no enrolment); ``<k`` hides a count in ``1..k-1``.
    ``lines[i]`` and ``columns[positions[i]]`` say where cell ``i`` came from.
    """
    cells = cells.astype(str)
    empty = cells == ""
    digits = ~empty & (np.strings.strip(cells, "0123456789") == "")  # ASCII digits only
    marked = np.strings.startswith(cells, "<")
    limit = np.zeros(len(cells), dtype=np.int64)
    for i in np.flatnonzero(marked):
        match = re.fullmatch(r"<\s*([0-9]{1,3})", cells[i])
        marked[i] = match is not None and int(match.group(1)) > 1
        limit[i] = int(match.group(1)) if marked[i] else 0
    too_long = digits & (np.strings.str_len(cells) > len(str(MAX_COUNT)))
    digits &= ~too_long
    values = np.where(digits, cells, "0").astype(np.int64)
    bad = ~(empty | digits | marked) | too_long | (values > MAX_COUNT)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise TpDataError(_count_problem(str(cells[i])), file=file,
                          column=columns[positions[i]], value=str(cells[i]),
                          expected=_COUNT_EXPECTED,
                          **{line_label: int(lines[i])})
    n = pd.array(values, dtype="Int64")
    n[marked] = pd.NA
    lo = np.where(marked, 1, values)
    hi = np.where(marked, limit - 1, values)
    return n, marked, lo, hi


def _count_problem(cell: str) -> str:
    if re.fullmatch(r"-\s*[0-9]+", cell):
        return "negative count"
    if re.fullmatch(r"<\s*[0-9]+", cell):
        return "suppression marker below 2 cannot hide a count"
    if _THOUSANDS.fullmatch(cell):
        return "ambiguous count: a thousands separator or a decimal mark"
    if re.fullmatch(r"[0-9]+|[0-9]+(?:\.[0-9]*)?[eE][+-]?[0-9]+", cell):
        return f"count beyond any plausible size (more than {MAX_COUNT:,})"
    if re.fullmatch(r"[0-9]*[.,][0-9]+", cell):
        return "count is not a whole number"
    return "text in a count column"


def parse_amounts(text: pd.Series, units: pd.Series, *, file: object, lines: pd.Series,
                  column: str) -> pd.Series:
    """Published values -> float64, checked against their unit (``pct`` or ``persons``).

    Refused: anything but plain decimals (exponents such as ``1e30``, signs, commas, spaces),
    a percentage written as a fraction (``0.37``), and a number of persons that is fractional,
    has a thousands separator (``34.000``) or is beyond any plausible size. (A percentage above
    100 is a rule of the frame: the ``figures`` schema of :mod:`tpforecast.data.validation`.)
    """
    plain = text.map(lambda v: bool(_PLAIN.fullmatch(v)))
    numbers = pd.to_numeric(text.where(plain), errors="coerce").astype("float64")
    pct, persons = units == "pct", units == "persons"
    negative = text.map(lambda v: bool(re.fullmatch(r"-\s*\d+(?:\.\d+)?", v)))
    grouped = text.map(lambda v: bool(_THOUSANDS.fullmatch(v) or re.fullmatch(r"\d+,\d+", v)))
    problems = [
        (negative, "negative value", "a value of 0 or more"),
        (~plain & grouped, "not a plain number: a thousands separator or a decimal comma",
         "a number with '.' as decimal mark and no thousands separator"),
        (~plain, "not a plain number", "a number with '.' as decimal mark, no exponent, sign "
         "or thousands separator"),
        (pct & (numbers > 0) & (numbers < 1) & text.str.contains(".", regex=False),
         "percentage written as a fraction", "a percentage: 37 for 37% (a fraction 0.37 in a "
         "pct row would be read as 0.37%)"),
        (persons & text.map(lambda v: bool(_THOUSANDS.fullmatch(v)) and "." in v),
         "ambiguous count: a thousands separator or a decimal mark", "a whole number of "
         "persons written with digits only (34000, not 34.000)"),
        (persons & (numbers != np.floor(numbers)), "count is not a whole number",
         "a whole number of persons"),
        (persons & (numbers > MAX_COUNT), "count beyond any plausible size",
         f"at most {MAX_COUNT:,} persons"),
    ]
    for mask, problem, expected in problems:
        mask = mask.fillna(False).to_numpy(dtype=bool)
        if mask.any():
            first = int(np.flatnonzero(mask)[0])
            raise TpDataError(problem, file=file, column=column, value=text.iloc[first],
                              expected=expected, **at(lines, first))
    return numbers


def check_totals(total: pd.DataFrame, parts: pd.DataFrame, *, exact: pd.Series, file: object,
                 what: str, line_label: str = "line") -> None:
    """Raise where a total disagrees with the sum of its parts.

    ``total`` and ``parts`` are aligned frames with ``lo``/``hi`` bounds (suppressed cells give
    ranges), ``line`` and ``column`` (where the total stands). A total must lie within the
    range of the summed parts where ``exact`` is true (every part is listed), and may exceed
    it elsewhere (parts not listed, such as students of unknown sex) but never fall below it.
    """
    below = total["hi"].to_numpy() < parts["lo"].to_numpy()
    above = exact.to_numpy() & (total["lo"].to_numpy() > parts["hi"].to_numpy())
    bad = below | above
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        lo, hi = int(parts["lo"].iloc[i]), int(parts["hi"].iloc[i])
        span = f"{lo}" if lo == hi else f"{lo}..{hi}"
        raise TpDataError(
            f"total disagrees with the sum of its parts ({what} = {span})", file=file,
            column=str(total["column"].iloc[i]), **{line_label: int(total["line"].iloc[i])},
            value=str(total["text"].iloc[i]),
            expected=f"{span}" + ("" if exact.iloc[i] else f" or more (at least {lo})"))


def at(lines: pd.Series, position: int) -> dict[str, int]:
    """``{"line": n}``, or ``{"row": n}`` when ``lines`` counts JSON records (name ``row``)."""
    return {"row" if lines.name == "row" else "line": _line(lines, position)}


def _line(lines: pd.Series | np.ndarray, position: int) -> int:
    values = lines.to_numpy() if isinstance(lines, pd.Series) else lines
    return int(values[position])
