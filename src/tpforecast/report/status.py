"""Answers that may not exist (stage 6): a runner's result or the rows that say why there is
none, and a figure or the note that says why there is nothing to draw.

The runners raise :class:`~tpforecast.errors.NothingComputedError` when no series could be
computed (a region's series all start after ``as_of``: nothing "as seen in 2016"). A notebook
that runs for any region shows those rows (status and reason) instead of stopping; these
helpers keep that out of the notebooks.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd

from tpforecast.errors import NothingComputedError
from tpforecast.report.figures import show

__all__ = ["Note", "hindcast_errors", "result_or_status", "show_or_note"]

#: Statuses of rows that have something to draw.
DRAWN = ("ok", "observed")


class Note:
    """A plain-text stand-in for a figure that has nothing to draw (its ``repr`` is the text,
    as :class:`~tpforecast.report.figures.FigurePNG`'s is the figure's title)."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text


def result_or_status(runner: Callable[..., pd.DataFrame], series: pd.DataFrame, /, *,
                     columns: Sequence[str] = (), **options: Any) -> pd.DataFrame:
    """``runner(series, **options)``, or, when no series could be computed, the runner's rows
    of the series it left out (``indicator, level, region, sex, model, status, reason``, plus
    ``columns`` as missing values).

    Parameters
    ----------
    runner
        A runner of the library (``reachability``, ``hindcast``, ``forecast``, ...).
    series
        Its series frame.
    columns
        Result columns to add (empty) to the status rows, for tables that show them.
    **options
        The runner's options.

    Returns
    -------
    pandas.DataFrame
        The result, or the status rows (never empty: a run without series is still an
        error).
    """
    try:
        return runner(series, **options)
    except NothingComputedError as exc:
        if not exc.rows:
            raise
        rows = pd.DataFrame(exc.rows)
        return rows.reindex(columns=list(dict.fromkeys([*rows.columns, *columns])))


def _why(frame: pd.DataFrame) -> str:
    counts = frame["status"].value_counts()
    return ", ".join(f"{n} {status}" for status, n in counts.items())


def show_or_note(plot: Callable[..., Any], frame: pd.DataFrame, /, **options: Any) -> Any:
    """:func:`~tpforecast.report.show` of ``plot(frame, **options)``, or a :class:`Note` when
    no row of ``frame`` has anything to draw (every status other than ok or observed)."""
    if "status" in frame.columns and not frame["status"].isin(DRAWN).any():
        levels = ", ".join(dict.fromkeys(frame["level"].astype(str)))
        return Note(f"[no figure: no series could be computed ({_why(frame)}; levels "
                    f"{levels}); the table above says why]")
    return show(plot(frame, **options))


def hindcast_errors(hindcast: pd.DataFrame, *, year: int) -> pd.DataFrame:
    """The hindcast's errors in ``year`` (observed minus forecast, points), one row per level
    and a column per model; where nothing was forecast, the rows that say why."""
    if "error_pp" in hindcast.columns:
        shown = hindcast.loc[(hindcast["year"] == year).to_numpy(dtype=bool, na_value=False)]
        table = shown.pivot_table(index="level", columns="model", values="error_pp", sort=True)
        if not table.empty:
            return table.round(1)
    cols = [c for c in ("level", "region", "model", "status", "reason") if c in hindcast]
    return hindcast[cols].drop_duplicates().reset_index(drop=True)
