"""The study settings (stage 0): target, target year, information set, simulation defaults.

A :class:`Study` holds the numbers the library defaults, the report and the notebooks share;
:func:`load_study` reads them from ``data/study.yml``. The module constants (``TARGET``,
``N_PATHS``, ...) are the bundled study's values and serve as the defaults of every public
function, so a setting is written down once.

>>> from tpforecast.study import load_study
>>> study = load_study()
>>> study.replace(target=0.30).target
0.3
"""

from __future__ import annotations

import dataclasses
import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tpforecast.errors import TpDataError
from tpforecast.options import problem
from tpforecast.paths import data_dir

__all__ = [
    "AS_OF",
    "HORIZON",
    "INTERVALS",
    "N_PATHS",
    "PACE",
    "PACE_WINDOW",
    "SEED",
    "START",
    "TARGET",
    "TARGET_YEAR",
    "UNTIL",
    "Study",
    "load_study",
]


#: The settings of a study, in file order (each checked by the option rule of its name).
_SETTINGS: tuple[str, ...] = ("target", "target_year", "as_of", "starts", "pace", "pace_window",
                              "seed", "n_paths", "intervals", "horizon", "until")


@dataclass(frozen=True)
class Study:
    """The settings of one study (see ``data/study.yml`` for their meaning).

    Attributes
    ----------
    target : float
        The goal as a fraction (0.40).
    target_year : int
        Year the goal is for (start year of the school year; 2020 = 2020/21).
    as_of : int
        Information set of the "was it reachable" question: data up to this year.
    starts : tuple of int
        Start years of an acceleration; the first is the headline's.
    pace : float
        Points a year of the observed pace (one point a year).
    pace_window : int
        Number of latest observations in the recent pace (OLS slope).
    seed, n_paths : int
        Base seed and number of simulated paths.
    intervals : tuple of int
        Central interval coverages in percent.
    horizon : int
        Last year of first-passage simulations.
    until : int
        Last year of forecast and scenario tables.
    """

    target: float
    target_year: int
    as_of: int
    starts: tuple[int, ...]
    pace: float
    pace_window: int
    seed: int
    n_paths: int
    intervals: tuple[int, ...]
    horizon: int
    until: int

    def __post_init__(self) -> None:
        for name in _SETTINGS:
            value = getattr(self, name)
            expected = problem(name, value)
            if expected is not None:
                raise TpDataError("bad study setting", column=name, value=value,
                                  expected=expected)
        for name in ("starts", "intervals"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        object.__setattr__(self, "target", float(self.target))
        object.__setattr__(self, "pace", float(self.pace))
        if self.horizon < max(self.target_year, self.until):
            raise TpDataError("horizon is before the target year or until", column="horizon",
                              value=self.horizon, expected=f"a year from "
                              f"{max(self.target_year, self.until)} on")

    @property
    def start(self) -> int:
        """The headline's acceleration start (the first of ``starts``)."""
        return self.starts[0]

    def replace(self, **changes: Any) -> Study:
        """A copy with ``changes`` (checked like a study file), e.g. ``replace(target=0.30)``."""
        unknown = [k for k in changes if k not in _SETTINGS]
        if unknown:
            raise TpDataError("unknown study setting", column=unknown[0],
                              expected=_suggest(unknown[0]))
        return dataclasses.replace(self, **changes)

    def as_dict(self) -> dict[str, Any]:
        """The settings as a plain mapping (lists for the tuples), e.g. for a report footer."""
        return {k: list(v) if isinstance(v, tuple) else v
                for k, v in dataclasses.asdict(self).items()}


def _suggest(key: str) -> str:
    close = difflib.get_close_matches(key, list(_SETTINGS), n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    return f"{hint}one of: {', '.join(_SETTINGS)}"


def load_study(path: str | Path | None = None) -> Study:
    """Read the study settings from a YAML file (default: the bundled ``data/study.yml``).

    Parameters
    ----------
    path
        A study file with every field of :class:`Study`.

    Returns
    -------
    Study

    Raises
    ------
    TpDataError
        Naming the file, line and setting: a missing file, unknown or missing settings (with
        a suggestion), or a value of the wrong type or range.
    """
    from tpforecast.data.yaml_input import duplicate_key, node_lines, read_yaml

    file = Path(path) if path is not None else data_dir() / "study.yml"
    parsed = read_yaml(file, what="a study file (YAML, 'setting: value' lines)")
    data = parsed.data
    lines = {k: line for k, (line, _) in node_lines(parsed.root).items()}
    twice = duplicate_key(parsed.root)
    if twice:
        raise TpDataError("study setting given twice", file=file, line=twice[1],
                          column=twice[0], expected="each setting once")
    if not isinstance(data, dict):
        raise TpDataError("expected a mapping of settings", file=file, line=1,
                          column="(file)", value=data, expected=", ".join(_SETTINGS))
    for key in data:
        if key not in _SETTINGS:
            raise TpDataError("unknown study setting", file=file, line=lines.get(str(key)),
                              column=str(key), expected=_suggest(str(key)))
    missing = [k for k in _SETTINGS if k not in data]
    if missing:
        raise TpDataError("missing study setting(s)", file=file, column=", ".join(missing))
    try:
        return Study(**data)
    except TpDataError as exc:
        raise TpDataError(exc.problem, file=file, line=lines.get(str(exc.column)),
                          column=exc.column, value=exc.value, expected=exc.expected) from exc


#: The bundled study; its values are the defaults of every public function.
DEFAULT_STUDY: Study = load_study()
TARGET: float = DEFAULT_STUDY.target
TARGET_YEAR: int = DEFAULT_STUDY.target_year
AS_OF: int = DEFAULT_STUDY.as_of
START: int = DEFAULT_STUDY.start
PACE: float = DEFAULT_STUDY.pace
PACE_WINDOW: int = DEFAULT_STUDY.pace_window
SEED: int = DEFAULT_STUDY.seed
N_PATHS: int = DEFAULT_STUDY.n_paths
INTERVALS: tuple[int, ...] = DEFAULT_STUDY.intervals
HORIZON: int = DEFAULT_STUDY.horizon
UNTIL: int = DEFAULT_STUDY.until
