"""The clean log: one typed row per change, drop, move, flag or conflict resolution.

Every value a reader of the log needs is a column: the step and action, the number of input
rows affected, the key of the (first) affected figure, what changed (``old`` -> ``new``), for
conflict resolution the kept and the superseded value with their editions, and where the
affected input row is (``file``, ``line``). ``reason`` is the same fact rendered as prose for
people; nothing needs to parse it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

__all__ = ["LOG_COLUMNS", "LOG_DTYPES", "CleanLog"]

LOG_DTYPES: dict[str, str] = {
    "step": "str",
    "action": "str",  # changed, dropped, flagged, moved, resolved
    "rows": "int64",  # input rows affected
    "indicator": "str",
    "level": "str",
    "region": "str",
    "sex": "str",
    "year": "Int64",  # start year of the school year; NA when the row has none
    "measure": "str",
    "old": "str",  # the value before a change (a name, a level, an indicator)
    "new": "str",  # the value after it
    "kept_value": "Float64",  # conflict resolution: the value kept (published unit)
    "kept_edition": "str",
    "superseded_value": "Float64",  # ... and the value it supersedes
    "superseded_edition": "str",
    "file": "str",  # where the (first) affected input row is
    "line": "Int64",
    "reason": "str",  # the whole entry as prose, for people
}
LOG_COLUMNS = list(LOG_DTYPES)
_KEY = ("indicator", "level", "region", "sex", "measure")


@dataclass
class CleanLog:
    """Collects log rows in the order the steps run."""

    file: str = ""
    rows: list[dict[str, Any]] = field(default_factory=list)

    def add(self, step: str, action: str, rows: int, reason: str, example: pd.Series | None,
            **values: Any) -> None:
        """Log one entry; ``example`` is the (first) affected row, giving key, file and line."""
        entry: dict[str, Any] = {"step": step, "action": action, "rows": int(rows)}
        if example is not None:
            entry.update({k: example.get(k, "") for k in _KEY})
            entry["year"] = _year_of(example)
            entry["line"] = example.get("line")
            entry["file"] = example.get("file", self.file) or self.file
        entry.update(values)
        entry["reason"] = reason
        self.rows.append(entry)

    def frame(self) -> pd.DataFrame:
        log = pd.DataFrame(self.rows, columns=LOG_COLUMNS)
        for column, dtype in LOG_DTYPES.items():
            if dtype == "str":
                log[column] = log[column].astype(object).fillna("").astype(str)
        return log.astype(LOG_DTYPES)


def _year_of(row: pd.Series) -> Any:
    year = row.get("year")
    if year is not None and not pd.isna(year):
        return int(year)
    return pd.NA
