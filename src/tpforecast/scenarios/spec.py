"""The scenario specification (stage 4): :class:`Scenario` and :class:`Solve`, checked
declaratively.

Each field has one checker (:data:`_CHECKS`: the value is converted or a problem is raised)
and the combinations of fields have one rule table (:data:`_RULES`); a problem becomes a
:class:`ScenarioFieldError` naming the scenario and the field, which
:func:`~tpforecast.scenarios.load_scenarios` turns into a file and line.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

import numpy as np

from tpforecast.errors import TpScenarioError

__all__ = ["BASES", "FIELDS", "Scenario", "ScenarioFieldError", "Solve"]

#: Allowed values of :attr:`Scenario.base`.
BASES: tuple[str, ...] = ("trend", "last")

_MAX_PP = 100.0  # |extra growth| above this is surely a unit mistake
_SOLVE_FIELDS = ("target", "year", "probability")


class ScenarioFieldError(TpScenarioError):
    """A bad scenario field; ``scenario`` and ``field`` (``"solve.year"``) name it."""

    def __init__(self, scenario: Any, field: str, problem: str,
                 expected: str | None = None) -> None:
        self.scenario, self.field = scenario, field
        msg = f"scenario {scenario!r}, field {field!r}: {problem}"
        super().__init__(msg + (f"; expected {expected}" if expected else ""))


class _Bad(Exception):
    """A field checker's finding: the problem, what was expected, and the sub-field."""

    def __init__(self, problem: str, expected: str | None = None, sub: str = "") -> None:
        super().__init__(problem)
        self.problem, self.expected, self.sub = problem, expected, sub


def _is_int(v: Any) -> bool:
    return isinstance(v, int | np.integer) and not isinstance(v, bool | np.bool_)


def _is_num(v: Any) -> bool:
    return (isinstance(v, int | float | np.integer | np.floating)
            and not isinstance(v, bool | np.bool_) and math.isfinite(float(v)))


@dataclass(frozen=True)
class Solve:
    """How a solved scenario finds its extra growth (see
    :func:`~tpforecast.scenarios.required_acceleration`).

    Attributes
    ----------
    target : float or "targets"
        A fraction in (0, 1), or ``"targets"``: each series' own goal or ambition from
        :func:`~tpforecast.data.loaders.load_targets` (an ambition is preferred over a goal).
    year : int or None
        Target year (start year of the school year). Needed with a fraction; with
        ``"targets"`` it overrides the targets' own years.
    probability : float
        Probability of being at or above the target in ``year`` (0.5: the median lands on it).
    """

    target: float | str
    year: int | None = None
    probability: float = 0.5


# -- field checkers: value -> checked value, or _Bad ----------------------------------------

def _text(v: Any) -> str:
    if v is None:
        return ""
    if not isinstance(v, str):
        raise _Bad(f"must be text; got {v!r}")
    return v


def _year(v: Any) -> int | None:
    if v is not None and not _is_int(v):
        raise _Bad(f"must be a year; got {v!r}",
                   "a whole number such as 2016 (start year of the school year)")
    return None if v is None else int(v)


def _ramp(v: Any) -> int:
    v = 0 if v is None else v
    if not _is_int(v):
        raise _Bad(f"must be a whole number of years; got {v!r}")
    if v < 0:
        raise _Bad(f"is negative ({v})", "0 or more years")
    return int(v)


def _base(v: Any) -> str:
    if v not in BASES:
        raise _Bad(f"unknown base {v!r}", f"one of: {', '.join(BASES)}")
    return v


def _names(example: str, what: str) -> Callable[[Any], tuple[str, ...] | None]:
    def check(v: Any) -> tuple[str, ...] | None:
        if v is None:
            return None
        if isinstance(v, str) or not isinstance(v, Iterable):
            raise _Bad(f"must be a list of {what}; got {v!r}", f"a list such as [{example}]")
        out = tuple(v)
        if not out:
            raise _Bad("is empty", f"a non-empty list of {what}, or leave it out")
        bad = [x for x in out if not isinstance(x, str) or not x]
        if bad:
            raise _Bad(f"entry {bad[0]!r} is not text", f"a list of {what}")
        dup = sorted({x for x in out if out.count(x) > 1})
        if dup:
            raise _Bad(f"listed twice: {dup}")
        return out
    return check


def _pp(x: Any, problem: str) -> float:
    if not _is_num(x):
        raise _Bad(problem, "points per year such as 1.0, or a mapping level -> points")
    if abs(float(x)) > _MAX_PP:
        raise _Bad(f"{float(x):g} points per year is implausible",
                   "percentage points per year, e.g. 1.0 for one point a year")
    return float(x)


def _extra(v: Any) -> float | dict[str, float]:
    if v is None:
        return 0.0
    if not isinstance(v, Mapping):
        return _pp(v, f"not a number: {v!r}")
    if not v:
        raise _Bad("empty mapping", "a number or a mapping level -> points per year")
    bad = [lv for lv in v if not isinstance(lv, str) or not lv]
    if bad:
        raise _Bad(f"level key {bad[0]!r} is not text")
    return {lv: _pp(x, f"value {x!r} for level {lv!r} is not a number") for lv, x in v.items()}


def _path_items(p: Any) -> list[tuple[Any, Any]]:
    if isinstance(p, Mapping):
        return list(p.items())
    if not isinstance(p, Iterable) or isinstance(p, str | bytes):
        raise _Bad(f"not a mapping: {p!r}", "a mapping year -> share")
    items = list(p)
    bad = [it for it in items if not (isinstance(it, Sequence) and not isinstance(it, str)
                                      and len(it) == 2)]
    if bad:
        raise _Bad(f"entry {bad[0]!r} is not a (year, share) pair", "a mapping year -> share")
    return [(it[0], it[1]) for it in items]


def _path(p: Any) -> dict[int, float] | None:
    if p is None:
        return None
    items = _path_items(p)
    if not items:
        raise _Bad("is empty", "at least one year -> share")
    for y, s in items:
        if not _is_int(y):
            raise _Bad(f"year {y!r} is not a whole number", "start years such as 2021 (for 2021/22)")
        if not _is_num(s):
            raise _Bad(f"share {s!r} in {y} is not a number", "a fraction in [0, 1]")
        if not 0 <= float(s) <= 1:
            raise _Bad(f"share {s!r} in {y} is outside [0, 1]", "a fraction such as 0.40 (not 40)")
    years = [int(y) for y, _ in items]
    dup = sorted({y for y in years if years.count(y) > 1})
    if dup:
        raise _Bad(f"duplicate year(s) {dup}", "each year once")
    missing = sorted(set(range(min(years), max(years) + 1)) - set(years))
    if missing:
        raise _Bad(f"missing year(s) {missing} between {min(years)} and {max(years)}",
                   "consecutive years")
    return {int(y): float(s) for y, s in sorted(items, key=lambda t: int(t[0]))}


def _solve_target(t: Any) -> float | str:
    if isinstance(t, str):
        if t != "targets":
            raise _Bad(f"unknown target {t!r}", "a fraction such as 0.40, or 'targets'", "target")
        return t
    if not _is_num(t) or not 0 < float(t) < 1:
        raise _Bad(f"{t!r} is not a fraction in (0, 1)",
                   "a fraction such as 0.40 (not 40), or 'targets'", "target")
    return float(t)


def _solve(s: Any) -> Solve | None:
    if s is None:
        return None
    if isinstance(s, Solve):
        s = {f: getattr(s, f) for f in _SOLVE_FIELDS}
    if not isinstance(s, Mapping):
        raise _Bad(f"not a mapping: {s!r}", "{target: 0.40, year: 2020, probability: 0.5}")
    unknown = [k for k in s if k not in _SOLVE_FIELDS]
    if unknown:
        raise _Bad(f"unknown field {unknown[0]!r}", f"one of: {', '.join(_SOLVE_FIELDS)}",
                   str(unknown[0]))
    if "target" not in s:
        raise _Bad("missing", "a fraction such as 0.40, or 'targets'", "target")
    t, y, p = _solve_target(s["target"]), s.get("year"), s.get("probability", 0.5)
    if y is not None and not _is_int(y):
        raise _Bad(f"must be a year; got {y!r}", "a whole number such as 2020", "year")
    if y is None and not isinstance(t, str):
        raise _Bad("missing (needed with a fixed target)", "a target year such as 2020", "year")
    if not _is_num(p) or not 0 < float(p) < 1:
        raise _Bad(f"{p!r} is not in (0, 1)", "a probability such as 0.5", "probability")
    return Solve(t, None if y is None else int(y), float(p))


#: field -> checker (the one description of a valid field)
_CHECKS: dict[str, Callable[[Any], Any]] = {
    "description": _text, "start": _year, "end": _year, "as_of": _year, "ramp_years": _ramp,
    "base": _base, "levels": _names("havo", "level keys"), "regions": _names("NL", "regions"),
    "extra_pp_per_year": _extra, "path": _path, "solve": _solve,
}

# (broken?, field, problem, expected): the rules on combinations of fields, checked in order
_RULES: list[tuple[Callable[[Any], bool], str, Callable[[Any], str], str | None]] = [
    (lambda s: s.path is not None and s.extra_nonzero, "path",
     lambda s: "a fixed path excludes extra growth; remove extra_pp_per_year or the path", None),
    (lambda s: s.path is not None and s.solve is not None, "solve",
     lambda s: "a fixed path cannot be solved; remove solve or the path", None),
    (lambda s: s.path is not None and bool(s.ramp_years), "ramp_years",
     lambda s: "a fixed path has no ramp", None),
    (lambda s: s.path is not None and s.end is not None, "end",
     lambda s: "a fixed path ends with its last year", None),
    (lambda s: s.path is not None and s.start is not None and s.start != min(s.path), "start",
     lambda s: f"{s.start} differs from the path's first year {min(s.path)}",
     "no start, or the first path year"),
    (lambda s: None not in (s.end, s.start) and s.end < s.start, "end",
     lambda s: f"end {s.end} is before start {s.start}", "a year from the start on"),
    (lambda s: s.solve is not None and s.extra_nonzero, "extra_pp_per_year",
     lambda s: "a solved scenario computes its extra growth; remove extra_pp_per_year or solve",
     None),
    (lambda s: s.solve is not None and None not in (s.solve.year, s.start)
     and s.start > s.solve.year, "start",
     lambda s: f"start {s.start} is after the target year {s.solve.year}",
     "a start year up to the target year"),
    (lambda s: isinstance(s.extra_pp_per_year, Mapping) and s.levels is not None
     and set(s.extra_pp_per_year) != set(s.levels), "extra_pp_per_year",
     lambda s: f"levels of the mapping {sorted(s.extra_pp_per_year)} differ from levels "
               f"{list(s.levels)}", "one value per listed level (or leave levels out)"),
]


@dataclass(frozen=True, eq=True)
class Scenario:
    """One future for the series it applies to (a shifted base, a solved shift, or a path).

    Attributes
    ----------
    name : str
        Unique name (tables, legends).
    description : str
        What the scenario means, in words.
    start : int or None
        First school year (start year; 2016 = 2016/17) the extra growth applies. None: the
        year after each series' last observation. Never earlier than that year (observed years
        are not changed).
    extra_pp_per_year : float or mapping
        Extra growth in percentage points per year on top of the base (1.0 = one point a
        year); a mapping ``level -> points`` gives each level its own (and limits the scenario
        to those levels).
    levels, regions : tuple of str or None
        Level keys / regions the scenario applies to (None = all).
    ramp_years : int
        Years to reach the full extra growth (linear ramp; 0 = full from ``start``).
    end : int or None
        Last year of extra growth; later years keep the level gained (default: none; for solved
        scenarios the target year).
    path : dict or None
        Fixed shares per year (fractions, consecutive years). Deterministic: lo = hi = median.
        Excludes extra growth and ``solve``.
    base : str
        ``"trend"`` (the trend model's paths) or ``"last"`` (flat at the last observed share,
        with the naive model's noise).
    solve : Solve or None
        Solve the extra growth per series (:class:`Solve`); excludes ``extra_pp_per_year``.
    as_of : int or None
        Use only data up to this year (default: the run's data; for solved scenarios with a
        ``start``, ``start - 1``).

    Raises
    ------
    ScenarioFieldError
        Naming the scenario and the field, for wrong types, a negative ramp, a path with
        missing or duplicate years or shares outside [0, 1], a ``start`` after a fixed target
        year, and conflicting fields.

    Examples
    --------
    >>> from tpforecast.scenarios import Scenario
    >>> Scenario("plus2", start=2024, extra_pp_per_year=2.0, levels=["havo"]).extra_for("havo")
    2.0
    """

    name: str
    description: str = ""
    start: int | None = None
    extra_pp_per_year: float | Mapping[str, float] = 0.0
    levels: tuple[str, ...] | None = None
    regions: tuple[str, ...] | None = None
    ramp_years: int = 0
    end: int | None = None
    path: Mapping[int, float] | None = None
    base: str = "trend"
    solve: Solve | None = None
    as_of: int | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise ScenarioFieldError(self.name, "name",
                                     f"must be a non-empty text; got {self.name!r}")
        for fld, check in _CHECKS.items():
            try:
                object.__setattr__(self, fld, check(getattr(self, fld)))
            except _Bad as bad:
                where = f"{fld}.{bad.sub}" if bad.sub else fld
                raise ScenarioFieldError(self.name, where, bad.problem, bad.expected) from None
        for broken, fld, problem, expected in _RULES:
            if broken(self):
                raise ScenarioFieldError(self.name, fld, problem(self), expected)

    def __hash__(self) -> int:
        return hash(("Scenario", self.name))

    @property
    def extra_nonzero(self) -> bool:
        """Any non-zero extra growth."""
        v = self.extra_pp_per_year
        return any(x != 0 for x in v.values()) if isinstance(v, Mapping) else v != 0

    @property
    def kind(self) -> str:
        """``"path"``, ``"solve"`` or ``"shift"``."""
        if self.path is not None:
            return "path"
        return "solve" if self.solve is not None else "shift"

    def extra_for(self, level: str) -> float:
        """Extra growth (points per year) for ``level``; 0 for a level the mapping lacks."""
        if isinstance(self.extra_pp_per_year, Mapping):
            return float(self.extra_pp_per_year.get(level, 0.0))
        return float(self.extra_pp_per_year)

    def applies_to(self, level: str, region: str) -> bool:
        """Does the scenario apply to a series of this level and region?"""
        if self.levels is not None and level not in self.levels:
            return False
        if isinstance(self.extra_pp_per_year, Mapping) and level not in self.extra_pp_per_year:
            return False
        return self.regions is None or region in self.regions

    def info_as_of(self, run_as_of: int | None = None) -> int | None:
        """The information set (last data year used) in a run with ``run_as_of``."""
        if self.as_of is not None:
            return self.as_of
        if run_as_of is not None:
            return run_as_of
        if self.solve is not None and self.start is not None:
            return self.start - 1
        return None


#: The fields of a scenario, in order (the keys a scenario file may use).
FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Scenario))
