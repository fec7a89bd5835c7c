"""Numbers as text for people (stage 0): one wording for each kind of fact.

The report, the notebooks, the figures and the command line all format through these
functions, so the same fact reads the same everywhere ("7%", "<1%", "+2.6", "2020/21",
"2035 (2025 to after 2040)", "already (since 2005)"). Frames keep fractions and years; text is
made only here, at the end.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

__all__ = [
    "NA_TEXT",
    "TOO_FEW_TEXT",
    "format_columns",
    "is_na",
    "percent",
    "points",
    "probability",
    "school_year",
    "year_range",
]

#: Text of a missing value.
NA_TEXT = "n/a"
#: Text of a first year that cannot be computed because the series is too short.
TOO_FEW_TEXT = "n/a (too few points)"


def is_na(value: Any) -> bool:
    """True for None, NaN and pandas' NA (the missing values of the library's frames)."""
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def percent(value: Any, decimals: int = 0, *, na: str = NA_TEXT) -> str:
    """A fraction as a percentage: ``percent(0.431) == "43%"``; missing: ``na``."""
    if is_na(value):
        return na
    return f"{100 * float(value):.{decimals}f}%"


def probability(value: Any, *, na: str = NA_TEXT, simulated: bool = False) -> str:
    """A probability as a whole percentage that never claims more certainty than a simulation
    gives: ``"<1%"`` and ``">99%"`` where it would round to 0% or 100% without being 0 or 1.
    ``simulated``: the value is a share of simulated paths, so an exact 0 or 1 (no path on
    the other side) is not a certainty either.

    >>> probability(0.071), probability(0.005), probability(0.998), probability(1.0)
    ('7%', '<1%', '>99%', '100%')
    >>> probability(0.0, simulated=True), probability(1.0, simulated=True)
    ('<1%', '>99%')
    """
    if is_na(value):
        return na
    p = float(value)
    text = f"{100 * p:.0f}%"
    if text == "0%" and (p > 0 or simulated):
        return "<1%"
    if text == "100%" and (p < 1 or simulated):
        return ">99%"
    return text


def points(value: Any, decimals: int = 1, *, na: str = NA_TEXT) -> str:
    """Percentage points with a sign: ``points(2.61) == "+2.6"`` (never ``"-0.0"``)."""
    if is_na(value):
        return na
    return f"{round(float(value), decimals) + 0.0:+.{decimals}f}"


def school_year(year: Any, *, na: str = NA_TEXT) -> str:
    """A start year as a school year: ``school_year(2020) == "2020/21"``."""
    if is_na(year):
        return na
    y = int(year)
    return f"{y}/{(y + 1) % 100:02d}"


def year_range(first: Any, lo: Any, hi: Any, *, horizon: int, since: Any = None,
               too_few: bool = False) -> str:
    """A first-passage year with its 10-90% range as text.

    Parameters
    ----------
    first, lo, hi
        Median, early (10th percentile) and late (90th percentile) first year at or above a
        target; NA when not reached by ``horizon``.
    horizon
        The last year simulated.
    since
        ``at_target_since``: the latest observation is at or above the target since this
        year (then the answer is "already").
    too_few
        The series is too short to simulate.

    Examples
    --------
    >>> year_range(2031, 2027, 2038, horizon=2040)
    '2031 (2027-2038)'
    >>> year_range(2031, 2027, None, horizon=2040)
    '2031 (2027 to after 2040)'
    >>> year_range(None, 2030, None, horizon=2040)
    'not by 2040 (10% chance by 2030)'
    >>> year_range(2005, 2005, 2005, horizon=2040, since=2005)
    'already (since 2005)'
    """
    if too_few:
        return TOO_FEW_TEXT
    if not is_na(since):
        return f"already (since {int(since)})"
    if is_na(first):
        return f"not by {horizon}" if is_na(lo) else f"not by {horizon} (10% chance by {int(lo)})"
    f = int(first)
    if is_na(lo) or is_na(hi):
        early = "?" if is_na(lo) else str(int(lo))
        return f"{f} ({early} to after {horizon})" if is_na(hi) else f"{f} ({early}-{int(hi)})"
    if int(lo) == int(hi) == f:
        return str(f)
    return f"{f} ({int(lo)}-{int(hi)})"


def format_columns(frame: pd.DataFrame, *, percents: Sequence[str] = (),
                   probabilities: Sequence[str] = (), pts: Sequence[str] = (),
                   decimals: int = 0, na: str = NA_TEXT) -> pd.DataFrame:
    """A copy with fraction columns as percentages, probability columns as probabilities and
    point columns as signed points (for printing, not computing)."""
    out = frame.copy()
    for c in percents:
        out[c] = [percent(v, decimals, na=na) for v in out[c]]
    for c in probabilities:
        out[c] = [probability(v, na=na) for v in out[c]]
    for c in pts:
        out[c] = [points(v, na=na) for v in out[c]]
    return out
