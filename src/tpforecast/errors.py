"""Exceptions raised for bad input.

Every error says *where* (file, row or line, column, or the series) and *what was expected*,
so an analyst can fix the input without reading a traceback.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = [
    "CountTargetError",
    "MissingDataError",
    "NothingComputedError",
    "TargetYearError",
    "TpDataError",
    "TpDataWarning",
    "TpError",
    "TpFileNotFoundError",
    "TpModelError",
    "TpNoDataError",
    "TpScenarioError",
    "TpSelectionError",
    "UnknownNameError",
]


class TpError(ValueError):
    """Base class of all tpforecast input errors (a ``ValueError``)."""


class TpDataError(TpError):
    """Bad input data: names the file, row or line, column, the bad value and what was expected.

    Parameters
    ----------
    problem
        Short description of what is wrong.
    file
        Path or name of the offending file, if any.
    row
        1-based data row (header excluded) or, with ``line``, the physical line number.
    column
        Column name.
    value
        The offending value.
    expected
        What would have been accepted.
    line
        Physical line number in the file (1-based, header is line 1).
    """

    def __init__(
        self,
        problem: str,
        *,
        file: str | Path | None = None,
        row: int | None = None,
        column: str | None = None,
        value: Any = None,
        expected: str | None = None,
        line: int | None = None,
    ) -> None:
        self.problem = problem
        self.file = str(file) if file is not None else None
        self.row = row
        self.column = column
        self.value = value
        self.expected = expected
        self.line = line
        super().__init__(self._format())

    def _format(self) -> str:
        where = []
        if self.file is not None:
            where.append(f"file {self.file}")
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        msg = self.problem
        if where:
            msg = f"{', '.join(where)}: {msg}"
        if self.value is not None:
            msg += f"; got {self.value!r}"
        if self.expected is not None:
            msg += f"; expected {self.expected}"
        return msg


class TpModelError(TpError):
    """Bad input to a model, forecast or backtest: names the series and the problem."""


class TpScenarioError(TpError):
    """Bad scenario definition: names the scenario and the field."""


class TpNoDataError(TpModelError):
    """No usable observation: a series without any share, or none up to ``as_of``."""



class NothingComputedError(TpModelError):
    """A run in which no series (or series-model pair) could be computed: the message says why
    for each (too short, no data up to ``as_of``, ...); ``rows`` holds the runner's rows of
    those series (status and reason), for tables that show them."""

    def __init__(self, message: str, rows: Any = ()) -> None:
        self.rows = list(rows)
        super().__init__(message)


class TpSelectionError(TpDataError):
    """A region, level or year asked for that the data do not hold.

    The message names what was asked and what exists; the same facts are attributes, so code
    branches on the subclass and reads ``asked`` and ``known``, never the message.

    Parameters
    ----------
    problem
        What is wrong, e.g. ``"unknown region"``.
    what
        The kind of name: ``region``, ``level``, ``year`` or ``target year``.
    asked
        The value asked for.
    known
        The values that exist (in the vocabulary, or in the data).
    hint
        A did-you-mean or other pointer (appended to the list of what exists).
    """

    def __init__(self, problem: str, *, what: str, asked: Any, known: Any,
                 hint: str = "") -> None:
        self.what = what
        self.asked = asked
        self.known = list(known)
        self.hint = hint
        super().__init__(problem, column=what, value=asked)

    def _format(self) -> str:
        shown = ", ".join(str(k) for k in self.known[:40]) + (
            ", ..." if len(self.known) > 40 else "")
        hint = f" ({self.hint})" if self.hint else ""
        return f"{self.problem}{hint}; there is: {shown or 'nothing'}"


class UnknownNameError(TpSelectionError):
    """A region or level name outside the vocabulary (``data/mappings/region_names.csv``,
    ``level_names.csv``), with a did-you-mean."""


class MissingDataError(TpSelectionError):
    """A known region, level or year without data in the frame (or a region without data for
    a level): names what the frame does hold."""


class TargetYearError(TpSelectionError):
    """A target year that no target in the targets frame has: names the years that exist."""


class CountTargetError(TpModelError):
    """A count target (``kind == "growth_count"``, e.g. +20% women) applied where a share
    target is needed: count targets are judged on counts (``count_target_progress``)."""


class TpFileNotFoundError(TpDataError):
    """An input file does not exist (a user path, or bundled data that was never built)."""


class TpDataWarning(UserWarning):
    """Input was read, but something was left out or repaired; the message names what and where.

    The same facts are in the ``notes`` of the reader's result (never only in a warning).
    """
