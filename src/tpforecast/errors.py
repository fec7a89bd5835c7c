"""Exceptions raised for bad input.

Every error says *where* (file, row or line, column, or the series) and *what was expected*,
so an analyst can fix the input without reading a traceback.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = [
    "TpDataError",
    "TpDataWarning",
    "TpError",
    "TpFileNotFoundError",
    "TpModelError",
    "TpNoDataError",
    "TpScenarioError",
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



class TpFileNotFoundError(TpDataError):
    """An input file does not exist (a user path, or bundled data that was never built)."""


class TpDataWarning(UserWarning):
    """Input was read, but something was left out or repaired; the message names what and where.

    The same facts are in the ``notes`` of the reader's result (never only in a warning).
    """
