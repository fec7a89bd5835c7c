"""Acceleration scenarios: what it would take to reach the targets, and when they are reached.

A :class:`Scenario` describes a future for the series it applies to. It is one of

- a **shift** of a *base* future: ``base="trend"`` (the trend model's simulated paths, as in
  :func:`~tpforecast.forecasting.forecast`) or ``base="last"`` (flat at the last observed share
  with the noise of the ``naive`` random walk), plus ``extra_pp_per_year`` percentage points of
  extra growth per year from ``start`` on (optionally reached over ``ramp_years``, optionally stopping after ``end``);
- a **solved** shift (``solve``): the extra growth per year is solved per series so that the
  probability of being at or above a target in the target year equals a given probability
  (:func:`required_acceleration`); a series already on track gets no extra growth (an
  acceleration is never negative), while ``required_acceleration`` reports the signed slack;
- a fixed **path** of shares per year (deterministic: no uncertainty band).

The built-ins live in ``data/scenarios.yml`` (read by :func:`load_scenarios`):
``baseline``, ``observed_pace``, ``stagnation``, ``ambitions`` and ``required``.

How a shift works
-----------------
The extra growth adds the same deterministic amount to every simulated path: in year ``y`` the
shift is ``extra_pp_per_year / 100 * W(y)`` with ``W(y) = sum_{k=0}^{y - start} min(1, (k + 1) /
(ramp_years + 1))`` (0 before ``start``), so with ``ramp_years=0`` the extra growth is full from
``start`` on, and with ``ramp_years=R`` it rises linearly and is full from ``start + R`` on.
After ``end`` (if set) no further extra growth is added: the level gained is kept and the base's
own trend continues. Solved scenarios end, by default, in their target year (an acceleration
"to reach 40% in 2020" is not continued for ever).
Because a deterministic shift moves every path equally, the quantiles of the scenario are the
quantiles of the base plus the shift (then clipped to [0, 1], which as a monotone map commutes
with quantiles), and the shift that puts quantile ``1 - p`` on the target is found exactly:
``target - quantile_{1-p}(base in year)``. Results use the base's analytic quantiles where the
model has them and the empirical quantiles of its simulated paths otherwise (``ensemble``).

Extra growth is never added to years already observed in the data used (the *information
set*): when ``start`` is not after the last observation, it counts from the year after it.

Information set
---------------
``run_scenarios(as_of=...)`` cuts the data for all scenarios; a scenario's own ``as_of``
overrides it. A solved scenario with a ``start`` and no ``as_of`` uses the data up to
``start - 1``: what was known when the acceleration would have started (the same default as
:func:`required_acceleration`), unless ``run_scenarios`` gets an explicit ``as_of``.

Determinism
-----------
Simulated paths of a (series, model) pair come from the stable per-series seed of
:mod:`tpforecast.forecasting` (base seed, series key, model name) on a fixed year grid
(up to 2040, or later when asked), so results do not depend on which other series or
scenarios are in the run, and all scenarios of a series share the same base paths (a scenario
with zero extra growth equals ``baseline`` exactly).
"""

from __future__ import annotations

import difflib
import math
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats
from scipy.special import logit

from tpforecast.errors import TpModelError, TpScenarioError
from tpforecast.forecasting import (
    HORIZON_END,
    KEY,
    ForecastWarning,
    SplitSeries,
    check_target,
    first_year_fields,
    fit_models,
    historic_pace,
    prepare_targets,
    progress_bar,
    resolve_models,
    series_label,
    series_rng,
    split_series,
    targets_for,
    warn_skipped,
)
from tpforecast.models import (
    FittedModel,
    SeriesData,
    TrendModel,
    check_levels,
    get_model,
    stable_seed,
)
from tpforecast.paths import data_dir

__all__ = [
    "BASES",
    "Scenario",
    "ScenarioClipWarning",
    "Solve",
    "acceleration_table",
    "load_scenarios",
    "required_acceleration",
    "run_scenarios",
    "years_to_target",
]

#: Allowed values of :attr:`Scenario.base`.
BASES: tuple[str, ...] = ("trend", "last")

#: Model that gives the noise of ``base="last"`` (a random walk without drift: its median is
#: the last observed share).
LAST_MODEL = "naive"

_DEFAULT_PATHS = 4000
_MAX_PP = 100.0  # |extra growth| above this is surely a unit mistake


class ScenarioClipWarning(UserWarning):
    """A scenario pushed shares outside [0, 1]; they were clipped (details in ``attrs``)."""


# --------------------------------------------------------------------------------------------
# errors


def _scn_error(name: Any, fld: str, problem: str, expected: str | None = None) -> TpScenarioError:
    """A :class:`TpScenarioError` naming the scenario and the field (kept as attributes)."""
    msg = f"scenario {name!r}, field {fld!r}: {problem}"
    if expected:
        msg += f"; expected {expected}"
    err = TpScenarioError(msg)
    err.scenario = name  # type: ignore[attr-defined]
    err.field = fld  # type: ignore[attr-defined]
    return err


def _is_int(v: Any) -> bool:
    return isinstance(v, int | np.integer) and not isinstance(v, bool | np.bool_)


def _is_num(v: Any) -> bool:
    return (isinstance(v, int | float | np.integer | np.floating)
            and not isinstance(v, bool | np.bool_) and math.isfinite(float(v)))


# --------------------------------------------------------------------------------------------
# the scenario


@dataclass(frozen=True)
class Solve:
    """How a solved scenario finds its extra growth (see :func:`required_acceleration`).

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


_SOLVE_FIELDS = ("target", "year", "probability")


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
        Fixed shares per year (fractions, consecutive years). Deterministic: lo = hi = mean.
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
    TpScenarioError
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
        name = self.name
        if not isinstance(name, str) or not name.strip():
            raise _scn_error(name, "name", f"must be a non-empty text; got {name!r}")
        set_ = object.__setattr__
        if self.description is None:
            set_(self, "description", "")
        if not isinstance(self.description, str):
            raise _scn_error(name, "description", f"must be text; got {self.description!r}")
        for fld in ("start", "end", "as_of"):
            v = getattr(self, fld)
            if v is not None and not _is_int(v):
                raise _scn_error(name, fld, f"must be a year; got {v!r}",
                                 "a whole number such as 2016 (start year of the school year)")
            if v is not None:
                set_(self, fld, int(v))
        r = self.ramp_years
        if r is None:
            r = 0
        if not _is_int(r):
            raise _scn_error(name, "ramp_years", f"must be a whole number of years; got {r!r}")
        if r < 0:
            raise _scn_error(name, "ramp_years", f"is negative ({r})", "0 or more years")
        set_(self, "ramp_years", int(r))
        if self.base not in BASES:
            raise _scn_error(name, "base", f"unknown base {self.base!r}",
                             f"one of: {', '.join(BASES)}")
        for fld, what in (("levels", "level keys"), ("regions", "regions")):
            set_(self, fld, _name_tuple(name, fld, getattr(self, fld), what))
        set_(self, "extra_pp_per_year", self._check_extra())
        set_(self, "path", self._check_path())
        set_(self, "solve", self._check_solve())
        extra_nonzero = (any(v != 0 for v in self.extra_pp_per_year.values())
                         if isinstance(self.extra_pp_per_year, Mapping)
                         else self.extra_pp_per_year != 0)
        if self.path is not None:
            if extra_nonzero:
                raise _scn_error(name, "path", "a fixed path excludes extra growth; remove "
                                 "extra_pp_per_year or the path")
            if self.solve is not None:
                raise _scn_error(name, "solve", "a fixed path cannot be solved; remove solve or "
                                 "the path")
            if self.ramp_years:
                raise _scn_error(name, "ramp_years", "a fixed path has no ramp")
            if self.end is not None:
                raise _scn_error(name, "end", "a fixed path ends with its last year")
            first = min(self.path)
            if self.start is not None and self.start != first:
                raise _scn_error(name, "start", f"{self.start} differs from the path's first "
                                 f"year {first}", "no start, or the first path year")
        if self.end is not None and self.start is not None and self.end < self.start:
            raise _scn_error(name, "end", f"end {self.end} is before start {self.start}",
                             f"a year from {self.start} on")
        if self.solve is not None:
            if extra_nonzero:
                raise _scn_error(name, "extra_pp_per_year", "a solved scenario computes its "
                                 "extra growth; remove extra_pp_per_year or solve")
            if self.solve.year is not None and self.start is not None \
                    and self.start > self.solve.year:
                raise _scn_error(name, "start", f"start {self.start} is after the target year "
                                 f"{self.solve.year}", f"a start year up to {self.solve.year}")

    # -- validation helpers ------------------------------------------------------------------
    def _check_extra(self) -> float | dict[str, float]:
        name, v = self.name, self.extra_pp_per_year
        if v is None:
            return 0.0
        if isinstance(v, Mapping):
            if not v:
                raise _scn_error(name, "extra_pp_per_year", "empty mapping",
                                 "a number or a mapping level -> points per year")
            out: dict[str, float] = {}
            for lv, x in v.items():
                if not isinstance(lv, str) or not lv:
                    raise _scn_error(name, "extra_pp_per_year", f"level key {lv!r} is not text")
                if not _is_num(x):
                    raise _scn_error(name, "extra_pp_per_year", f"value {x!r} for level {lv!r} "
                                     "is not a number", "points per year such as 1.0")
                out[lv] = _check_pp(name, float(x))
            if self.levels is not None:
                miss = [lv for lv in self.levels if lv not in out]
                extra = [lv for lv in out if lv not in self.levels]
                if miss or extra:
                    raise _scn_error(name, "extra_pp_per_year", "levels of the mapping "
                                     f"{sorted(out)} differ from levels {list(self.levels)}",
                                     "one value per listed level (or leave levels out)")
            return out
        if not _is_num(v):
            raise _scn_error(name, "extra_pp_per_year", f"not a number: {v!r}",
                             "points per year such as 1.0, or a mapping level -> points")
        return _check_pp(name, float(v))

    def _check_path(self) -> dict[int, float] | None:
        name, p = self.name, self.path
        if p is None:
            return None
        if isinstance(p, Mapping):
            items = list(p.items())
        elif isinstance(p, Iterable) and not isinstance(p, str | bytes):
            items = []
            for it in p:
                if not (isinstance(it, Sequence) and not isinstance(it, str) and len(it) == 2):
                    raise _scn_error(name, "path", f"entry {it!r} is not a (year, share) pair",
                                     "a mapping year -> share")
                items.append((it[0], it[1]))
        else:
            raise _scn_error(name, "path", f"not a mapping: {p!r}", "a mapping year -> share")
        if not items:
            raise _scn_error(name, "path", "is empty", "at least one year -> share")
        years: list[int] = []
        for y, s in items:
            if not _is_int(y):
                raise _scn_error(name, "path", f"year {y!r} is not a whole number",
                                 "start years such as 2021 (for 2021/22)")
            if not _is_num(s):
                raise _scn_error(name, "path", f"share {s!r} in {y} is not a number",
                                 "a fraction in [0, 1]")
            if not 0 <= float(s) <= 1:
                raise _scn_error(name, "path", f"share {s!r} in {y} is outside [0, 1]",
                                 "a fraction such as 0.40 (not 40)")
            years.append(int(y))
        dup = sorted({y for y in years if years.count(y) > 1})
        if dup:
            raise _scn_error(name, "path", f"duplicate year(s) {dup}", "each year once")
        missing = sorted(set(range(min(years), max(years) + 1)) - set(years))
        if missing:
            raise _scn_error(name, "path", f"missing year(s) {missing} between {min(years)} and "
                             f"{max(years)}", "consecutive years")
        return {int(y): float(s) for y, s in sorted(items, key=lambda t: int(t[0]))}

    def _check_solve(self) -> Solve | None:
        name, s = self.name, self.solve
        if s is None:
            return None
        if isinstance(s, Solve):
            spec = {f: getattr(s, f) for f in _SOLVE_FIELDS}
        elif isinstance(s, Mapping):
            unknown = [k for k in s if k not in _SOLVE_FIELDS]
            if unknown:
                raise _scn_error(name, f"solve.{unknown[0]}", f"unknown field {unknown[0]!r}",
                                 f"one of: {', '.join(_SOLVE_FIELDS)}")
            if "target" not in s:
                raise _scn_error(name, "solve.target", "missing",
                                 "a fraction such as 0.40, or 'targets'")
            spec = {"year": None, "probability": 0.5, **s}
        else:
            raise _scn_error(name, "solve", f"not a mapping: {s!r}",
                             "{target: 0.40, year: 2020, probability: 0.5}")
        t = spec["target"]
        if isinstance(t, str):
            if t != "targets":
                raise _scn_error(name, "solve.target", f"unknown target {t!r}",
                                 "a fraction such as 0.40, or 'targets'")
        elif not _is_num(t) or not 0 < float(t) < 1:
            raise _scn_error(name, "solve.target", f"{t!r} is not a fraction in (0, 1)",
                             "a fraction such as 0.40 (not 40), or 'targets'")
        else:
            t = float(t)
        y = spec["year"]
        if y is not None and not _is_int(y):
            raise _scn_error(name, "solve.year", f"must be a year; got {y!r}",
                             "a whole number such as 2020")
        if y is None and not isinstance(t, str):
            raise _scn_error(name, "solve.year", "missing (needed with a fixed target)",
                             "a target year such as 2020")
        p = spec["probability"]
        if not _is_num(p) or not 0 < float(p) < 1:
            raise _scn_error(name, "solve.probability", f"{p!r} is not in (0, 1)",
                             "a probability such as 0.5")
        return Solve(t, None if y is None else int(y), float(p))

    # -- use -------------------------------------------------------------------------------
    def __hash__(self) -> int:
        return hash(("Scenario", self.name))

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


def _check_pp(name: str, x: float) -> float:
    if abs(x) > _MAX_PP:
        raise _scn_error(name, "extra_pp_per_year", f"{x:g} points per year is implausible",
                         "percentage points per year, e.g. 1.0 for one point a year")
    return x


def _name_tuple(name: str, fld: str, v: Any, what: str) -> tuple[str, ...] | None:
    if v is None:
        return None
    if isinstance(v, str) or not isinstance(v, Iterable):
        raise _scn_error(name, fld, f"must be a list of {what}; got {v!r}",
                         f"a list such as [{'havo' if fld == 'levels' else 'NL'}]")
    out = tuple(v)
    if not out:
        raise _scn_error(name, fld, "is empty", f"a non-empty list of {what}, or leave it out")
    for x in out:
        if not isinstance(x, str) or not x:
            raise _scn_error(name, fld, f"entry {x!r} is not text", f"a list of {what}")
    dup = sorted({x for x in out if out.count(x) > 1})
    if dup:
        raise _scn_error(name, fld, f"listed twice: {dup}")
    return out


def _ramp_weights(years: np.ndarray, start: int, ramp_years: int,
                  end: int | None = None) -> np.ndarray:
    """``W(y)``: cumulative years of extra growth in year ``y`` (see module docstring)."""
    years = np.asarray(years, dtype=np.int64)
    if end is not None:
        years = np.minimum(years, int(end))
    out = np.zeros(years.shape, dtype=float)
    if years.size == 0:
        return out
    k_max = int(years.max()) - start
    if k_max < 0:
        return out
    w = np.minimum(1.0, (np.arange(k_max + 1) + 1.0) / (ramp_years + 1.0))
    cum = np.cumsum(w)
    k = years - start
    inside = k >= 0
    out[inside] = cum[k[inside]]
    return out


# --------------------------------------------------------------------------------------------
# YAML


_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Scenario))


def _location(file: Path, line: int | None) -> str:
    return f"{file}, line {line}" if line is not None else str(file)


def _node_lines(node: Any) -> dict[str, tuple[int, Any]]:
    """key -> (line of the key, value node) for a YAML mapping node."""
    import yaml

    out: dict[str, tuple[int, Any]] = {}
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            out.setdefault(str(k.value), (k.start_mark.line + 1, v))
    return out


def _find_duplicate_key(node: Any, trail: tuple[str, ...] = ()) -> tuple[str, int] | None:
    """The first duplicate mapping key below ``node``: (dotted key, line)."""
    import yaml

    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for k, v in node.value:
            kv = str(k.value)
            if kv in seen:
                return ".".join((*trail, kv)), k.start_mark.line + 1
            seen.add(kv)
            found = _find_duplicate_key(v, (*trail, kv))
            if found:
                return found
    elif isinstance(node, yaml.SequenceNode):
        for v in node.value:
            found = _find_duplicate_key(v, trail)
            if found:
                return found
    return None


def load_scenarios(path: str | Path | None = None) -> list[Scenario]:
    """Read scenarios from a YAML file (default: the built-ins in ``data/scenarios.yml``).

    The file holds a mapping with one key, ``scenarios``: a list of mappings with the fields
    of :class:`Scenario` (``name`` required). See the comments at the top of
    ``data/scenarios.yml`` for the format.

    Parameters
    ----------
    path
        YAML file; default the bundled ``data/scenarios.yml``.

    Returns
    -------
    list of Scenario
        In file order.

    Raises
    ------
    TpScenarioError
        With the file and line, the scenario and the field: invalid YAML, unknown keys (with a
        suggestion), duplicate keys, wrong types, bad values, duplicate scenario names.

    Examples
    --------
    >>> from tpforecast.scenarios import load_scenarios
    >>> [s.name for s in load_scenarios()]
    ['baseline', 'observed_pace', 'stagnation', 'ambitions', 'required']
    """
    import yaml

    file = Path(path) if path is not None else data_dir() / "scenarios.yml"
    if not file.is_file():
        raise TpScenarioError(f"{file}: scenario file not found")
    text = file.read_text(encoding="utf-8")
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise TpScenarioError(f"{_location(file, line)}: not valid YAML ({problem})") from exc
    if not isinstance(data, dict) or "scenarios" not in data:
        raise TpScenarioError(f"{file}: expected a mapping with the key 'scenarios' holding a "
                              "list of scenarios")
    top = _node_lines(root)
    unknown_top = [k for k in data if k != "scenarios"]
    if unknown_top:
        k = str(unknown_top[0])
        raise TpScenarioError(f"{_location(file, top.get(k, (None,))[0])}: unknown top-level key "
                              f"{k!r}; expected only 'scenarios'")
    items, seq_node = data["scenarios"], top["scenarios"][1]
    if not isinstance(items, list):
        raise TpScenarioError(f"{_location(file, top['scenarios'][0])}: 'scenarios' must be a "
                              f"list of scenarios (items starting with '- name: ...')")
    out: list[Scenario] = []
    names: dict[str, int] = {}
    for i, (item, node) in enumerate(zip(items, seq_node.value, strict=True)):
        line0 = node.start_mark.line + 1
        label = item.get("name") if isinstance(item, dict) else None
        label = label if isinstance(label, str) and label else f"#{i + 1}"
        where = _location(file, line0)
        if not isinstance(item, dict):
            raise TpScenarioError(f"{where}: scenario {label!r}: expected a mapping of fields "
                                  f"({', '.join(_FIELDS)}); got {item!r}")
        dup = _find_duplicate_key(node)
        if dup:
            raise TpScenarioError(f"{_location(file, dup[1])}: scenario {label!r}, field "
                                  f"{dup[0]!r}: key given twice")
        keys = _node_lines(node)
        for k in item:
            if k not in _FIELDS:
                close = difflib.get_close_matches(str(k), _FIELDS, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                raise TpScenarioError(
                    f"{_location(file, keys.get(str(k), (line0,))[0])}: scenario {label!r}: "
                    f"unknown field {k!r}{hint}; expected one of: {', '.join(_FIELDS)}")
        if "name" not in item:
            raise TpScenarioError(f"{where}: scenario {label!r}: missing field 'name'")
        try:
            scn = Scenario(**item)
        except TpScenarioError as exc:
            fld = str(getattr(exc, "field", ""))
            head, _, sub = fld.partition(".")
            line = keys.get(head, (line0, None))[0]
            if sub and head in keys:
                line = _node_lines(keys[head][1]).get(sub, (line,))[0]
            raise TpScenarioError(f"{_location(file, line)}: {exc}") from exc
        if scn.name in names:
            raise TpScenarioError(f"{where}: scenario {scn.name!r}, field 'name': used twice "
                                  f"(first on line {names[scn.name]})")
        names[scn.name] = line0
        out.append(scn)
    return out


# --------------------------------------------------------------------------------------------
# the simulation engine


class _Base:
    """The base future of one series under one model and information set."""

    def __init__(self, fitted: FittedModel, key: tuple[str, ...], data: SeriesData, seed: int,
                 n_paths: int, end: int) -> None:
        self.fitted = fitted
        self.key = key
        self.data = data
        self.model = fitted.model
        self.last_year = fitted.last_year
        self.grid = np.arange(self.last_year + 1, end + 1)
        self.seed, self.n_paths = seed, n_paths
        self._paths: np.ndarray | None = None

    @property
    def paths(self) -> np.ndarray:
        """Simulated share paths on ``grid`` (stable per-series seed), computed once."""
        if self._paths is None:
            self._paths = self.fitted.simulate(self.grid, self.n_paths,
                                               series_rng(self.seed, self.key, self.model))
        return self._paths

    def _cols(self, years: np.ndarray) -> np.ndarray:
        cols = np.asarray(years, dtype=np.int64) - self.last_year - 1
        if cols.size and (cols.min() < 0 or cols.max() >= self.grid.size):  # pragma: no cover
            raise TpModelError(f"series {series_label(self.key)}: years outside the grid")
        return cols

    def quantile(self, years: np.ndarray, probs: Sequence[float]) -> np.ndarray:
        """Quantiles of the base share, shape ``(len(probs), len(years))``."""
        years = np.asarray(years, dtype=np.int64)
        probs = np.asarray(probs, dtype=float)
        if years.size == 0:
            return np.empty((probs.size, 0))
        marg = self.fitted.marginal(years - self.last_year)
        if marg is not None:
            dist = stats.norm if math.isinf(marg.df) else stats.t(marg.df)
            z = np.asarray(dist.ppf(probs), dtype=float)[:, None]
            return self.fitted.to_share(marg.loc[None, :] + z * marg.scale[None, :])
        return np.quantile(self.paths[:, self._cols(years)], probs, axis=0)

    def prob_at_least(self, years: np.ndarray, thr: np.ndarray) -> np.ndarray:
        """``P(base share in year >= thr)`` per year (``thr`` may lie outside [0, 1])."""
        years = np.asarray(years, dtype=np.int64)
        thr = np.asarray(thr, dtype=float)
        out = np.where(thr <= 0, 1.0, 0.0)
        inside = (thr > 0) & (thr <= 1)
        if not inside.any():
            return out
        marg = self.fitted.marginal(years[inside] - self.last_year)
        if marg is not None:
            t = thr[inside]
            x = logit(t) if self.fitted.scale == "logit" else t
            dist = stats.norm if math.isinf(marg.df) else stats.t(marg.df)
            out[inside] = dist.sf((x - marg.loc) / np.maximum(marg.scale, 1e-300))
        else:
            cols = self._cols(years[inside])
            out[inside] = np.mean(self.paths[:, cols] >= thr[inside][None, :], axis=0)
        return out


class _Engine:
    """Caches the splits per information set and the fitted bases per (as_of, series, model)."""

    def __init__(self, series: pd.DataFrame, seed: int, n_paths: int, end: int) -> None:
        if not isinstance(seed, int | np.integer) or isinstance(seed, bool):
            raise TpModelError(f"seed must be an integer; got {seed!r}")
        if not _is_int(n_paths) or n_paths < 1:
            raise TpModelError(f"n_paths must be a positive integer; got {n_paths!r}")
        self.series = series
        self.full = split_series(series, None)  # checks every series (bad input raises here)
        self.seed, self.n_paths, self.end = int(seed), int(n_paths), int(end)
        self._splits: dict[int | None, SplitSeries | str] = {None: self.full}
        self._bases: dict[tuple[Any, ...], _Base | str] = {}
        self.skipped: list[dict[str, Any]] = list(self.full.skipped)
        self.notes: list[dict[str, Any]] = []

    def split(self, as_of: int | None) -> SplitSeries | str:
        """The split for an information set, or the reason there is no series in it."""
        if as_of not in self._splits:
            try:
                self._splits[as_of] = split_series(self.series, as_of)
            except TpModelError as exc:
                self._splits[as_of] = str(exc)
        return self._splits[as_of]

    def base(self, as_of: int | None, key: tuple[str, ...], model: TrendModel) -> _Base | str:
        """The fitted base (or the reason it could not be fitted)."""
        ck = (as_of, key, model.name)
        if ck not in self._bases:
            split = self.split(as_of)
            if isinstance(split, str) or key not in split.data:
                self._bases[ck] = f"no observation up to as_of={as_of}"
            else:
                skipped: list[dict[str, Any]] = []
                fitted = fit_models([model], key, split.data[key], skipped, self.notes).get(model.name)
                if fitted is None:
                    self._bases[ck] = skipped[-1]["reason"] if skipped else "fit failed"
                else:
                    self._bases[ck] = _Base(fitted, key, split.data[key], self.seed,
                                            self.n_paths, self.end)
        return self._bases[ck]

    def skip(self, key: tuple[str, ...], model: str, reason: str, **extra: Any) -> None:
        self.skipped.append({**dict(zip(KEY, key, strict=True)), "model": model,
                             "reason": reason, **extra})


def _effective_start(start: int | None, last_year: int) -> int:
    return last_year + 1 if start is None else max(int(start), last_year + 1)


def _targets_frame(target: Any) -> pd.DataFrame | float:
    """``prepare_targets`` for a float or a targets frame ("targets" -> load_targets())."""
    if isinstance(target, str):
        if target != "targets":
            raise TpModelError(f"target must be a fraction, a targets frame or 'targets'; got "
                               f"{target!r}")
        from tpforecast.data.loaders import load_targets

        target = load_targets()
    return prepare_targets(target)


_KIND_RANK = {"ambition": 0, "goal": 1}


def _goals(tgt: pd.DataFrame | float, key: tuple[str, ...], year: int | None,
           *, one: bool) -> list[tuple[float, int | None, str, str]]:
    """(target, year, kind, source) that apply to the series ``key``.

    With ``one=True`` only the most specific row: a sex and region match beats a wildcard, an
    ambition beats a goal.
    """
    if not isinstance(tgt, pd.DataFrame):
        return [(float(tgt), year, "", "")]
    rows = targets_for(tgt, key)
    if rows.empty:
        return []
    goals = []
    for _, r in rows.iterrows():
        spec = int(pd.isna(r.get("region"))) + int(pd.isna(r.get("sex")))
        kind = "" if pd.isna(r.get("kind")) else str(r.get("kind"))
        y = int(r["year"]) if year is None else int(year)
        src = "" if pd.isna(r.get("source")) else str(r.get("source"))
        goals.append((spec, _KIND_RANK.get(kind, 2), (float(r["target"]), y, kind, src)))
    if one:
        goals.sort(key=lambda g: (g[0], g[1]))
        return [goals[0][2]]
    return [g[2] for g in goals]


def _solve_shift(base: _Base, year: int, target: float, probability: float) -> float:
    """The cumulative shift in ``year`` for which ``P(clip(base + shift) >= target) = p``."""
    q = float(base.quantile(np.array([year]), [1.0 - probability])[0, 0])
    return target - q


def _verify(base: _Base, year: int, shift: float, target: float) -> tuple[float, float]:
    """Re-simulate with an independent seed: (P(>= target), median) of the clipped shifted paths."""
    rng = np.random.default_rng(stable_seed(base.seed, *base.key, base.model, "verify"))
    paths = base.fitted.simulate(base.grid, base.n_paths, rng)
    col = np.clip(paths[:, year - base.last_year - 1] + shift, 0.0, 1.0)
    return float(np.mean(col >= target)), float(np.median(col))


def _mc_tolerance(p: float, n: int) -> float:
    return 4 * math.sqrt(max(p * (1 - p), 0.01) / n) + 0.005


# --------------------------------------------------------------------------------------------
# required acceleration and years to target


def _int_or_none(v: Any, what: str) -> int | None:
    if v is None:
        return None
    if not _is_int(v):
        raise TpModelError(f"{what} must be a year (int) or None; got {v!r}")
    return int(v)


def required_acceleration(
    series: pd.DataFrame,
    target: float | pd.DataFrame | str = 0.40,
    year: int = 2020,
    start: int | None = 2016,
    probability: float = 0.5,
    models: str | Sequence[str] | None = None,
    as_of: int | None = None,
    *,
    ramp_years: int = 0,
    base: str = "trend",
    seed: int = 0,
    n_paths: int = _DEFAULT_PATHS,
    progress: bool | None = None,
    _late_start: str = "raise",
) -> pd.DataFrame:
    """Extra points per year from ``start`` that give P(share in ``year`` >= target) = p.

    The extra growth is added to the base paths as a deterministic shift (see the module
    docstring), so the required cumulative shift in ``year`` is exactly ``target -
    quantile_{1-p}(base share in year)``; dividing by the ramp-weighted number of years
    ``W(year)`` gives the points per year. The answer is then checked by re-simulating the
    base with an independent seed, applying the shift and clipping to [0, 1]
    (``p_check``, ``median_check``).

    Information set: by default the data up to ``start - 1`` (what was known when the
    acceleration would have started: ``start=2016`` uses data up to 2015/16); ``as_of``
    overrides it. Extra growth never applies to observed years: if the last observation used is
    ``start`` or later, it counts from the year after it (column ``start``).

    Parameters
    ----------
    series
        Series frame (``load_series()`` layout).
    target
        A fraction in (0, 1); a targets frame (``load_targets()`` layout; each series uses its
        matching rows and their years, ``growth_count`` rows ignored); or ``"targets"`` for
        the bundled targets.
    year
        Target year (start year of the school year; 2020 = 2020/21); with a targets frame the
        rows' years are used.
    start
        First year of the extra growth; None: the year after each series' last observation.
    probability
        Probability of being at or above the target in the target year (0.5: the median lands
        on the target).
    models
        Trend model name(s) for ``base="trend"``; default
        :data:`~tpforecast.models.DEFAULT_MODEL`.
    as_of
        Last data year used (default ``start - 1``; all data when ``start`` is None).
    ramp_years
        Years to reach the full extra growth (linear ramp, see :class:`Scenario`).
    base
        ``"trend"`` or ``"last"`` (extra growth on top of a flat future).
    seed, n_paths
        Simulation settings (stable per-series seeds).
    progress
        Progress bar (default: only in an interactive terminal outside CI).

    Returns
    -------
    pandas.DataFrame
        One row per series, model and target: ``indicator, level, region, sex, model, base,
        target, target_year, start`` (first year of extra growth), ``ramp_years, as_of,
        probability, last_year, last_share, baseline_median`` (median share in the target year
        without extra growth), ``baseline_p_target`` (probability of reaching the target without
        it), ``required_shift_pp`` (extra points in the target year), ``required_pp_per_year``
        (extra points per year; negative: the base alone overshoots), ``historic_pp_per_year``
        (OLS slope of the last five observations used, points per year), ``p_check`` and
        ``median_check`` (re-simulated), ``note``; with a targets frame also ``target_kind``.
        NA (with a note) where the target year is already observed. ``attrs["skipped"]``:
        series a model could not handle.

    Raises
    ------
    TpScenarioError
        ``start`` after the target year, a negative ramp, an unknown base (naming the scenario
        ``required_acceleration`` and the field).
    TpModelError
        Bad series input, unknown models, a target outside (0, 1), a probability outside
        (0, 1).

    Examples
    --------
    >>> import tpforecast as tp
    >>> tp.required_acceleration(tp.load_series(), target=0.40, year=2020,
    ...                          start=2016)  # doctest: +SKIP
    """
    if not _is_num(probability) or not 0 < float(probability) < 1:
        raise TpModelError(f"probability must be in (0, 1); got {probability!r}")
    if not _is_int(year):
        raise TpModelError(f"year must be a year (int); got {year!r}")
    start = _int_or_none(start, "start")
    as_of = _int_or_none(as_of, "as_of")
    label = "required_acceleration"
    is_frame = isinstance(target, pd.DataFrame | str)
    # validates ramp, base, start vs a fixed target year (naming the scenario and field)
    Scenario(label, start=start, ramp_years=ramp_years, base=base,
             solve=Solve("targets" if is_frame else check_target(target), None if is_frame
                         else int(year), float(probability)))
    tgt = _targets_frame(target)
    model_objs = [get_model(LAST_MODEL)] if base == "last" else resolve_models(models)
    info = as_of if as_of is not None else (start - 1 if start is not None else None)
    goals_end = int(year)
    if isinstance(tgt, pd.DataFrame) and not tgt.empty:
        goals_end = max(goals_end, int(tgt["year"].max()))
    eng = _Engine(series, seed, n_paths, max(HORIZON_END, goals_end))
    split = eng.split(info)
    if isinstance(split, str):
        raise TpModelError(f"required_acceleration: no series has data up to as_of={info} "
                           f"({split})")
    rows: list[dict[str, Any]] = []
    unmatched: list[str] = []
    for key, data in progress_bar(split.data.items(), total=len(split.data),
                                  desc="required_acceleration", progress=progress):
        goals = _goals(tgt, key, None if isinstance(tgt, pd.DataFrame) else int(year), one=False)
        if not goals:
            unmatched.append(series_label(key))
            continue
        for m in model_objs:
            b = eng.base(info, key, m)
            if isinstance(b, str):
                eng.skip(key, m.name, b)
                continue
            for t, y, kind, _src in goals:
                row = _required_row(b, data, key, m.name, base, t, int(y), start, ramp_years,
                                    info, float(probability), label, _late_start)
                if is_frame:
                    row["target_kind"] = kind
                rows.append(row)
    cols = [*KEY, "model", "base", "target", "target_year", "start", "ramp_years", "as_of",
            "probability", "last_year", "last_share", "baseline_median", "baseline_p_target",
            "required_shift_pp", "required_pp_per_year", "historic_pp_per_year", "p_check",
            "median_check", *(["target_kind"] if is_frame else []), "note"]
    out = _typed(pd.DataFrame(rows, columns=cols))
    out.attrs.update(skipped=eng.skipped, fit_notes=eng.notes, unmatched=unmatched)
    warn_skipped([s for s in eng.skipped if s["model"] != "*"], "required_acceleration")
    return out


def _required_row(b: _Base, data: SeriesData, key: tuple[str, ...], model: str, base: str,
                  target: float, year: int, start: int | None, ramp_years: int,
                  as_of: int | None, probability: float, label: str,
                  late_start: str) -> dict[str, Any]:
    s_eff = _effective_start(start, b.last_year)
    row: dict[str, Any] = {
        **dict(zip(KEY, key, strict=True)), "model": model, "base": base, "target": target,
        "target_year": year, "start": s_eff, "ramp_years": ramp_years, "as_of": as_of,
        "probability": probability, "last_year": b.last_year, "last_share": data.last_share,
        "baseline_median": math.nan, "baseline_p_target": math.nan,
        "required_shift_pp": math.nan, "required_pp_per_year": math.nan,
        "historic_pp_per_year": historic_pace(data), "p_check": math.nan,
        "median_check": math.nan, "note": "",
    }
    if start is not None and start > year:
        if late_start == "raise":
            raise _scn_error(label, "start", f"start {start} is after the target year {year} "
                             f"(series {series_label(key)})", f"a start year up to {year}")
        row["note"] = f"start {start} is after the target year {year}"
        return row
    if year <= b.last_year:
        row["note"] = (f"target year {year} is not after the last observation used "
                       f"({b.last_year}); nothing to solve")
        return row
    notes = []
    if start is not None and s_eff != start:
        notes.append(f"start {start} is not after the last observation used ({b.last_year}); "
                     f"extra growth counted from {s_eff}")
    w = float(_ramp_weights(np.array([year]), s_eff, ramp_years)[0])
    yr = np.array([year])
    row["baseline_median"] = float(b.quantile(yr, [0.5])[0, 0])
    row["baseline_p_target"] = float(b.prob_at_least(yr, np.array([target]))[0])
    shift = _solve_shift(b, year, target, probability)
    if abs(shift) < 1e-12:  # the base's quantile is on the target (float noise)
        shift = 0.0
    row["required_shift_pp"] = 100 * shift
    row["required_pp_per_year"] = 100 * shift / w
    if shift < 0:
        notes.append("the base alone overshoots the target (negative extra growth)")
    p_chk, med_chk = _verify(b, year, shift, target)
    row["p_check"], row["median_check"] = p_chk, med_chk
    if abs(p_chk - probability) > _mc_tolerance(probability, b.n_paths):
        notes.append(f"re-simulated probability {p_chk:.3f} differs from {probability:.3f} by "
                     "more than simulation noise")
    row["note"] = "; ".join(notes)
    return row


def years_to_target(
    series: pd.DataFrame,
    extra_pp_per_year: float | Mapping[str, float] = 1.0,
    start: int | None = None,
    target: float | pd.DataFrame | str = 0.40,
    *,
    base: str = "trend",
    ramp_years: int = 0,
    models: str | Sequence[str] | None = None,
    as_of: int | None = None,
    seed: int = 0,
    n_paths: int = _DEFAULT_PATHS,
    horizon: int = HORIZON_END,
    progress: bool | None = None,
) -> pd.DataFrame:
    """The first year the target is reached, given extra growth from ``start`` (mirror question).

    Parameters
    ----------
    series
        Series frame.
    extra_pp_per_year
        Extra points per year on top of the base (a mapping per level allowed).
    start
        First year of the extra growth; None: the year after each series' last observation.
    target
        A fraction, a targets frame or ``"targets"`` (only the target values are used).
    base
        ``"trend"`` (on top of the model trend) or ``"last"`` (on top of a flat future: with
        ``extra_pp_per_year=1`` this is the observed pace of one point per year).
    ramp_years, models, as_of, seed, n_paths
        As in :func:`required_acceleration` (``as_of`` default: all data).
    horizon
        Last year looked at (default 2040).
    progress
        Progress bar.

    Returns
    -------
    pandas.DataFrame
        ``indicator, level, region, sex, model, base, extra_pp_per_year, start, ramp_years,
        as_of, target, last_year, last_share, first_year`` (median over the
        scenario's simulated paths of the first year at or above the target),
        ``first_year_lo`` / ``first_year_hi`` (10th / 90th percentiles of that first-passage
        year), ``note``: the same definition as ``first_year`` in
        :func:`~tpforecast.forecasting.reachability` (with zero extra growth and the same
        model, seed and data the two agree exactly). When the last observation used is at or
        above the target: the first year of that spell at or above it (observed). NA when not
        reached by ``horizon``.
    """
    start = _int_or_none(start, "start")
    as_of = _int_or_none(as_of, "as_of")
    label = "years_to_target"
    scn = Scenario(label, start=start, extra_pp_per_year=extra_pp_per_year,
                   ramp_years=ramp_years, base=base)
    if not _is_int(horizon):
        raise TpModelError(f"horizon must be a year (int); got {horizon!r}")
    tgt = _targets_frame(target)
    model_objs = [get_model(LAST_MODEL)] if base == "last" else resolve_models(models)
    eng = _Engine(series, seed, n_paths, max(HORIZON_END, int(horizon)))
    split = eng.split(as_of)
    if isinstance(split, str):
        raise TpModelError(f"years_to_target: {split}")
    rows: list[dict[str, Any]] = []
    unmatched: list[str] = []
    for key, data in progress_bar(split.data.items(), total=len(split.data),
                                  desc="years_to_target", progress=progress):
        if isinstance(scn.extra_pp_per_year, Mapping) and key[1] not in scn.extra_pp_per_year:
            continue
        goals = _goals(tgt, key, None, one=True)
        if not goals:
            unmatched.append(series_label(key))
            continue
        t = goals[0][0]
        extra = scn.extra_for(key[1])
        for m in model_objs:
            b = eng.base(as_of, key, m)
            if isinstance(b, str):
                eng.skip(key, m.name, b)
                continue
            s_eff = _effective_start(start, b.last_year)
            row: dict[str, Any] = {
                **dict(zip(KEY, key, strict=True)), "model": m.name, "base": base,
                "extra_pp_per_year": extra, "start": s_eff, "ramp_years": scn.ramp_years,
                "as_of": as_of, "target": t, "last_year": b.last_year,
                "last_share": data.last_share, "first_year": pd.NA, "first_year_lo": pd.NA,
                "first_year_hi": pd.NA, "note": "",
            }
            # the same first-passage definition as reachability(): median and 10th / 90th
            # percentiles over the shifted simulated paths of the first year at or above t
            years = np.arange(b.last_year + 1, int(horizon) + 1)
            shift = extra / 100 * _ramp_weights(years, s_eff, scn.ramp_years, scn.end)
            paths = np.clip(b.paths[:, b._cols(years)] + shift[None, :], 0.0, 1.0)
            fy = first_year_fields(data.years, data.shares, years, paths, t)
            note = fy.pop("first_year_note")
            if pd.isna(fy["first_year"]):
                note = "; ".join(x for x in (note, f"not reached by {horizon} on most "
                                             "paths") if x)
            row.update(fy, note=note)
            rows.append(row)
    cols = [*KEY, "model", "base", "extra_pp_per_year", "start", "ramp_years", "as_of",
            "target", "last_year", "last_share", "first_year", "first_year_lo", "first_year_hi",
            "note"]
    out = _typed(pd.DataFrame(rows, columns=cols))
    out.attrs.update(skipped=eng.skipped, fit_notes=eng.notes, unmatched=unmatched)
    warn_skipped([s for s in eng.skipped if s["model"] != "*"], "years_to_target")
    return out


_INT_COLS = {"target_year", "start", "ramp_years", "as_of", "last_year", "first_year",
             "first_year_lo", "first_year_hi", "year"}
_STR_COLS = {*KEY, "scenario", "model", "base", "note", "target_kind", "n_total_projection",
             "kind"}


def _typed(df: pd.DataFrame) -> pd.DataFrame:
    for c in df.columns:
        if c in _INT_COLS:
            df[c] = df[c].astype("Int64")
        elif c in _STR_COLS:
            df[c] = df[c].astype("str")
        else:
            df[c] = pd.to_numeric(df[c]).astype("Float64")
    return df


# --------------------------------------------------------------------------------------------
# the README table


def acceleration_table(
    series: pd.DataFrame,
    target: float | pd.DataFrame | str = 0.40,
    year: int = 2020,
    starts: Sequence[int] = (2016, 2018, 2020),
    pace: float = 1.0,
    *,
    region: str | None = "NL",
    sex: str | None = "all",
    canonical: bool | None = True,
    origin: str | None = "published",
    levels: Sequence[str] | None = None,
    probability: float = 0.5,
    models: str | Sequence[str] | None = None,
    seed: int = 0,
    n_paths: int = _DEFAULT_PATHS,
) -> pd.DataFrame:
    """Per level: required extra points per year by start year, and the year the observed pace
    reaches the target.

    For each start in ``starts``, :func:`required_acceleration` with the data up to
    ``start - 1`` (what was known then) and the default trend model; then
    :func:`years_to_target` with ``base="last"`` and ``pace`` points per year from the latest
    observation (all data). Short series: the default model may need more observations than
    the data up to ``start - 1`` hold; pass a fallback sequence in ``models`` to fill such
    cells with the next model that can fit them (the note says which model was used).

    Parameters
    ----------
    series
        Series frame; filtered to ``region``, ``sex``, ``canonical`` and ``origin`` where the
        columns exist (None skips a filter): by default the canonical published national
        series.
    levels
        Keep only these levels (in this order); default all, sorted.
    target, year, probability
        The goal (fraction, targets frame or ``"targets"``) and its year.
    starts
        Start years of the acceleration.
    pace
        Points per year of the observed pace (Overijssel reported about one).
    models
        A trend model (default :data:`~tpforecast.models.DEFAULT_MODEL`), or a sequence tried
        in order per cell: e.g. ``("local_level", "drift")``.
    seed, n_paths
        Simulation settings.

    Returns
    -------
    pandas.DataFrame
        One row per series: ``level, indicator, target, target_year``,
        ``required_pp_per_year_from_<start>`` per start (NA when the series has no data before
        the start or no model can fit it, or the target year is observed by then),
        ``historic_pp_per_year_to_<starts[0] - 1>`` (OLS slope of the last five observations up
        to the year before the first start, points per year), ``last_year, last_share`` (latest data),
        ``first_year_at_pace``, ``first_year_at_pace_lo``, ``first_year_at_pace_hi`` and
        ``note``. ``attrs["required"]`` and ``attrs["pace"]`` hold the long results.
    """
    s = series
    for col, val in (("region", region), ("sex", sex), ("canonical", canonical),
                     ("origin", origin)):
        if val is not None and col in s.columns:
            s = s.loc[(s[col] == val).to_numpy(dtype=bool, na_value=False)]
    if levels is not None:
        unknown = [lv for lv in levels if lv not in set(s["level"])]
        if unknown:
            raise TpModelError(f"acceleration_table: level(s) {unknown} not among the filtered "
                               "series")
        s = s.loc[s["level"].isin(list(levels)).to_numpy()]
    if s.empty:
        raise TpModelError(f"acceleration_table: no series left after filtering region={region}, "
                           f"sex={sex}, canonical={canonical}, origin={origin}")
    chain = resolve_models(models)
    parts = []
    reasons: dict[tuple[Any, ...], str] = {}
    for st in starts:
        for rank, m in enumerate(chain):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ForecastWarning)
                try:
                    r = required_acceleration(s, target, year, st, probability, m.name,
                                              seed=seed, n_paths=n_paths, _late_start="skip")
                except TpModelError as exc:
                    if "no series has data" not in str(exc):
                        raise
                    continue
            for sk in r.attrs.get("skipped", []):
                k = (st, *(sk[c] for c in KEY))
                why = f"{str(sk['reason']).split(': ', 1)[-1]}"
                reasons[k] = f"{reasons[k]}; {why}" if k in reasons else why
            r = r.assign(start_asked=st, model_rank=rank)
            r.attrs = {}
            parts.append(r)
    req = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    if not req.empty:  # per series and start: the first model of the chain that could fit
        req = req.sort_values(["start_asked", *KEY, "model_rank"], kind="stable")
        req = req.drop_duplicates(["start_asked", *KEY], keep="first").reset_index(drop=True)
        req.attrs = {}
    hist_as_of = int(starts[0]) - 1 if len(starts) else None
    hist: dict[tuple[str, ...], float] = {}
    try:
        hsplit = split_series(s, hist_as_of)
        hist = {k: historic_pace(d) for k, d in hsplit.data.items()}
    except TpModelError:
        pass
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ForecastWarning)
        pc = years_to_target(s, pace, None, target, base="last", seed=seed, n_paths=n_paths)
    keys = s[["level", "indicator", *[k for k in KEY if k not in ("level", "indicator")]]]
    keys = keys.drop_duplicates().sort_values(["level", "indicator", "region", "sex"])
    if levels is not None:
        order = {lv: i for i, lv in enumerate(levels)}
        keys = keys.sort_values("level", key=lambda c: c.map(order), kind="stable")
    out_rows = []
    for _, k in keys.iterrows():
        key = tuple(str(k[c]) for c in KEY)
        row: dict[str, Any] = {"level": key[1], "indicator": key[0]}
        if region is None:
            row["region"] = key[2]
        if sex is None:
            row["sex"] = key[3]
        notes = []
        sel = req
        if not req.empty:
            for c, v in zip(KEY, key, strict=True):
                sel = sel.loc[(sel[c] == v).to_numpy()]
        if len(sel):
            row["target"] = float(sel["target"].iloc[0])
            row["target_year"] = int(sel["target_year"].iloc[0])
        elif isinstance(target, int | float):
            row["target"], row["target_year"] = float(target), int(year)
        else:
            row["target"], row["target_year"] = math.nan, pd.NA
        for st in starts:
            r = sel.loc[(sel["start_asked"] == st).to_numpy()] if len(sel) else sel
            v = float(r["required_pp_per_year"].iloc[0]) if len(r) and \
                pd.notna(r["required_pp_per_year"].iloc[0]) else math.nan
            row[f"required_pp_per_year_from_{st}"] = v
            if not len(r):
                why = reasons.get((st, *key), "no observation")
                notes.append(f"from {st}: {why} (data up to {st - 1})")
            else:
                used = str(r["model"].iloc[0])
                if used != chain[0].name:
                    notes.append(f"from {st}: model {used} ({reasons.get((st, *key), '')})")
                if r["note"].iloc[0]:
                    notes.append(f"from {st}: {r['note'].iloc[0]}")
        if hist_as_of is not None:
            row[f"historic_pp_per_year_to_{hist_as_of}"] = hist.get(key, math.nan)
        p = pc
        for c, v in zip(KEY, key, strict=True):
            p = p.loc[(p[c] == v).to_numpy()]
        if len(p):
            row.update(last_year=int(p["last_year"].iloc[0]),
                       last_share=float(p["last_share"].iloc[0]),
                       first_year_at_pace=p["first_year"].iloc[0],
                       first_year_at_pace_lo=p["first_year_lo"].iloc[0],
                       first_year_at_pace_hi=p["first_year_hi"].iloc[0])
            if p["note"].iloc[0]:
                notes.append(f"pace: {p['note'].iloc[0]}")
        else:
            row.update(last_year=pd.NA, last_share=math.nan, first_year_at_pace=pd.NA,
                       first_year_at_pace_lo=pd.NA, first_year_at_pace_hi=pd.NA)
            notes.append("pace: too few observations for the naive model")
        row["note"] = "; ".join(notes)
        out_rows.append(row)
    out = pd.DataFrame(out_rows)
    for c in out.columns:
        if c in ("target_year", "last_year") or c.startswith("first_year"):
            out[c] = out[c].astype("Int64")
        elif c not in ("level", "indicator", "region", "sex", "note"):
            out[c] = pd.to_numeric(out[c]).astype("Float64")
        else:
            out[c] = out[c].astype("str")
    out.attrs.update(required=req, pace=pc)
    return out


# --------------------------------------------------------------------------------------------
# run_scenarios


def _coerce_scenarios(scenarios: Any) -> list[Scenario]:
    if scenarios is None:
        return load_scenarios()
    if isinstance(scenarios, str | Path):
        return load_scenarios(scenarios)
    if isinstance(scenarios, Scenario):
        return [scenarios]
    out = list(scenarios)
    for s in out:
        if not isinstance(s, Scenario):
            raise TpScenarioError(f"expected Scenario objects (or a YAML path); got {s!r}")
    names = [s.name for s in out]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise _scn_error(dup[0], "name", "used by more than one scenario in the run")
    if not out:
        raise TpScenarioError("no scenarios given")
    return out


def _check_known(scn: Scenario, series: pd.DataFrame) -> None:
    """Unknown levels / regions of a scenario, against the levels and regions in the data."""
    levels = set(series["level"].dropna().astype(str))
    regions = set(series["region"].dropna().astype(str))
    checks: list[tuple[str, Iterable[str], set[str], str]] = [
        ("levels", scn.levels or (), levels, "level"),
        ("regions", scn.regions or (), regions, "region"),
    ]
    if isinstance(scn.extra_pp_per_year, Mapping):
        checks.append(("extra_pp_per_year", scn.extra_pp_per_year, levels, "level"))
    for fld, wanted, known, what in checks:
        unknown = [w for w in wanted if w not in known]
        if unknown:
            shown = ", ".join(sorted(known)[:30]) + (" ..." if len(known) > 30 else "")
            raise _scn_error(scn.name, fld, f"unknown {what} {unknown[0]!r} (not in the series)",
                             f"one of: {shown}")


def _project_n_total(rows: pd.DataFrame, years: np.ndarray) -> tuple[np.ndarray, str]:
    """Pupil totals for ``years`` from the series' own counts (information set only).

    Three or more positive counts: drift on log ``n_total`` over the last (up to six) counts
    (constant yearly growth rate); one or two: the last value; none: NaN.
    """
    nan = np.full(years.shape, np.nan)
    if "n_total" not in rows.columns:
        return nan, "none: the series has no pupil counts (n_total)"
    n = rows[["year", "n_total"]].dropna()
    n = n.loc[(n["n_total"].astype(float) > 0).to_numpy()]
    if n.empty:
        return nan, "none: the series has no pupil counts (n_total)"
    n = n.sort_values("year").tail(6)
    y = n["year"].to_numpy(dtype=float)
    v = n["n_total"].to_numpy(dtype=float)
    if len(n) >= 3 and y[-1] > y[0]:
        mu = (math.log(v[-1]) - math.log(v[0])) / (y[-1] - y[0])
        proj = v[-1] * np.exp(mu * (years - y[-1]))
        return proj, (f"log drift {int(y[0])}-{int(y[-1])} "
                      f"({100 * (math.exp(mu) - 1):+.1f}% a year)")
    return np.full(years.shape, v[-1]), f"last value ({int(y[-1])}: {int(v[-1])})"


def run_scenarios(
    series: pd.DataFrame,
    scenarios: Scenario | Sequence[Scenario] | str | Path | None = None,
    until: int = 2030,
    seed: int = 0,
    models: str | Sequence[str] | None = None,
    levels: Sequence[int] = (80, 95),
    as_of: int | None = None,
    *,
    target: float | pd.DataFrame | str = 0.40,
    n_paths: int = _DEFAULT_PATHS,
    progress: bool | None = None,
) -> pd.DataFrame:
    """Run scenarios on every series they apply to, up to ``until``.

    Parameters
    ----------
    series
        Series frame (``load_series()`` layout); ``n_total`` is used for ``extra_students``.
    scenarios
        Scenario objects, a YAML file, or None for the built-ins (:func:`load_scenarios`).
    until
        Last year (start year of the school year).
    seed
        Base seed; paths come from stable per-series seeds (see module docstring).
    models
        Trend model name(s) for ``base="trend"`` scenarios (default
        :data:`~tpforecast.models.DEFAULT_MODEL`); ``base="last"`` uses ``naive``.
    levels
        Central interval coverages in percent.
    as_of
        Last data year used by all scenarios (a scenario's own ``as_of`` wins).
    target
        For ``p_target``: a fraction, a targets frame or ``"targets"`` (per level).
    n_paths
        Simulated paths per series (models without closed-form quantiles, re-simulation).
    progress
        Progress bar (default: only in an interactive terminal outside CI).

    Returns
    -------
    pandas.DataFrame
        One row per scenario, series, model and year after the last observation used up to
        ``until`` (for path scenarios: the path's years): ``scenario, indicator, level, region,
        sex, year, mean`` (median share), ``lo_<l>, hi_<l>`` per level, ``p_target``
        (probability of being at or above ``target`` that year), ``extra_students``
        (additional technical pupils/entrants that year relative to the baseline trend of
        the same model and data: (scenario median - baseline median) x projected
        ``n_total``; NA without counts), then ``model, base, as_of, start`` (first year of
        extra growth; NA without), ``extra_pp_per_year`` (points per year; solved per series
        for solved scenarios), ``target, n_total_proj`` and ``n_total_projection`` (how the
        pupil totals were projected). All shares are fractions within [0, 1]; values pushed
        outside are clipped with one :class:`ScenarioClipWarning` naming the series and years
        (all listed in ``attrs["clipped"]``). ``attrs["skipped"]`` lists scenario/series pairs
        that could not be run, and why.

    Raises
    ------
    TpScenarioError
        A scenario names a level or region not in the series, a solved scenario starts after
        its target year, duplicate scenario names.
    TpModelError
        Bad series input or options.

    Examples
    --------
    >>> import tpforecast as tp
    >>> res = tp.run_scenarios(tp.load_series().query("region == 'NL'"))  # doctest: +SKIP
    """
    scns = _coerce_scenarios(scenarios)
    model_objs = resolve_models(models)
    levels = check_levels(levels)
    if not _is_int(until):
        raise TpModelError(f"until must be a year (int); got {until!r}")
    as_of = _int_or_none(as_of, "as_of")
    until = int(until)
    p_tgt = _targets_frame(target)
    for scn in scns:
        _check_known(scn, series)
    solve_years = [s.solve.year for s in scns if s.solve is not None and s.solve.year]
    solve_tgts: dict[str, pd.DataFrame | float] = {}
    for scn in scns:
        if scn.solve is not None:
            solve_tgts[scn.name] = _targets_frame(scn.solve.target) \
                if isinstance(scn.solve.target, str) else float(scn.solve.target)
            if isinstance(solve_tgts[scn.name], pd.DataFrame) and not scn.solve.year:
                solve_years.append(int(solve_tgts[scn.name]["year"].max()))
    end = max(HORIZON_END, until, *solve_years)
    eng = _Engine(series, seed, n_paths, end)
    probs = [0.5] + [p for lv in levels for p in ((1 - lv / 100) / 2, 1 - (1 - lv / 100) / 2)]
    qcols = ["mean"] + [f"{s}_{lv}" for lv in levels for s in ("lo", "hi")]
    naive = get_model(LAST_MODEL)
    parts: list[pd.DataFrame] = []
    clipped: list[dict[str, Any]] = []
    ntot_cache: dict[tuple[Any, ...], tuple[np.ndarray, str, np.ndarray]] = {}
    work = [(scn, key) for scn in scns for key in eng.full.data
            if scn.applies_to(key[1], key[2])]
    for scn, key in progress_bar(work, total=len(work), desc="scenarios", progress=progress):
        info = scn.info_as_of(as_of)
        split = eng.split(info)
        if isinstance(split, str) or key not in split.data:
            eng.skip(key, "*", f"no observation up to as_of={info}", scenario=scn.name)
            continue
        data, rows_meta = split.data[key], split.meta[key]
        goal = _goals(p_tgt, key, None, one=True)
        t_val = goal[0][0] if goal else math.nan
        for m in model_objs:
            trend = eng.base(info, key, m)
            b = trend if scn.base == "trend" else eng.base(info, key, naive)
            model_name = m.name if scn.base == "trend" else LAST_MODEL
            ident = {**dict(zip(KEY, key, strict=True)), "scenario": scn.name}
            if scn.kind == "path":
                years = np.array([y for y in scn.path if y <= until], dtype=np.int64)
                q = np.tile(np.array([scn.path[int(y)] for y in years]), (len(probs), 1))
                p_t = (q[0] >= t_val).astype(float) if math.isfinite(t_val) \
                    else np.full(years.size, np.nan)
                extra, s_eff, model_name = math.nan, (int(years[0]) if years.size else None), m.name
            else:
                if isinstance(b, str):
                    eng.skip(key, model_name, b, scenario=scn.name)
                    continue
                years = np.arange(b.last_year + 1, until + 1)
                if years.size == 0:
                    eng.skip(key, model_name, f"last observation {b.last_year} is not before "
                             f"until={until}", scenario=scn.name)
                    continue
                s_eff = _effective_start(scn.start, b.last_year)
                if scn.kind == "solve":
                    solved = _solve_for(scn, solve_tgts[scn.name], b, key, s_eff)
                    if isinstance(solved, str):
                        eng.skip(key, model_name, solved, scenario=scn.name)
                        continue
                    # an acceleration is never negative: a series already on track keeps
                    # its baseline (required_acceleration reports the signed slack)
                    extra = max(solved, 0.0)
                else:
                    extra = scn.extra_for(key[1])
                end_y = scn.end
                if scn.kind == "solve" and end_y is None:
                    end_y = _goals(solve_tgts[scn.name], key, scn.solve.year, one=True)[0][1]
                shift = extra / 100 * _ramp_weights(years, s_eff, scn.ramp_years, end_y)
                raw = b.quantile(years, probs) + shift[None, :]
                out_of = ((raw < 0) | (raw > 1)).any(axis=0)
                if out_of.any():
                    clipped.append({**ident, "model": model_name,
                                    "years": [int(y) for y in years[out_of]]})
                q = np.clip(raw, 0.0, 1.0)
                p_t = b.prob_at_least(years, t_val - shift) if math.isfinite(t_val) \
                    else np.full(years.size, np.nan)
                if extra == 0 and scn.kind != "solve":
                    s_eff = None
            # extra students relative to the baseline trend of the same model and data
            ck = (info, key, m.name)
            if ck not in ntot_cache:
                grid = np.arange(data.last_year + 1, end + 1)
                n_proj, how = _project_n_total(rows_meta, grid)
                base_med = (trend.quantile(grid, [0.5])[0] if isinstance(trend, _Base)
                            else np.full(grid.shape, np.nan))
                ntot_cache[ck] = (n_proj, how, base_med)
            n_proj_all, how, base_med_all = ntot_cache[ck]
            idx = years - data.last_year - 1
            fut = idx >= 0
            n_proj = np.full(years.shape, np.nan)
            base_med = np.full(years.shape, np.nan)
            n_proj[fut] = n_proj_all[idx[fut]]
            base_med[fut] = base_med_all[idx[fut]]
            if not isinstance(trend, _Base) and not how.startswith("none"):
                how += f"; no baseline trend ({trend})"
            part = pd.DataFrame({"scenario": scn.name, **dict(zip(KEY, key, strict=True)),
                                 "year": years})
            for c, vals in zip(qcols, q, strict=True):
                part[c] = vals
            part["p_target"] = p_t
            part["extra_students"] = (part["mean"].to_numpy() - base_med) * n_proj
            part["model"] = model_name
            part["base"] = "path" if scn.kind == "path" else scn.base
            part["as_of"] = info
            part["start"] = s_eff
            part["extra_pp_per_year"] = extra
            part["target"] = t_val
            part["n_total_proj"] = n_proj
            part["n_total_projection"] = how
            parts.append(part)
    if not parts:
        reasons = "; ".join(f"{s.get('scenario', '')} {series_label([s[k] for k in KEY])}: "
                            f"{s['reason']}" for s in eng.skipped[:5])
        raise TpScenarioError(f"run_scenarios: no scenario could be run ({reasons or 'no series'})")
    out = _typed(pd.concat(parts, ignore_index=True))
    out.attrs.update(skipped=eng.skipped, fit_notes=eng.notes, clipped=clipped)
    if clipped:
        shown = "; ".join(
            f"{c['scenario']} {series_label([c[k] for k in KEY])}: {_years_text(c['years'])}"
            for c in clipped[:4])
        more = f" (and {len(clipped) - 4} more)" if len(clipped) > 4 else ""
        warnings.warn(f"run_scenarios: shares outside [0, 1] were clipped for {shown}{more}; "
                      "see result.attrs['clipped']", ScenarioClipWarning, stacklevel=2)
    real_skips = [s for s in eng.skipped if s["model"] != "*" or "scenario" in s]
    warn_skipped(real_skips, "run_scenarios")
    return out


def _years_text(years: Sequence[int]) -> str:
    if not years:
        return ""
    if list(years) == list(range(years[0], years[-1] + 1)) and len(years) > 2:
        return f"{years[0]}-{years[-1]}"
    return ", ".join(map(str, years))


def _solve_for(scn: Scenario, tgt: pd.DataFrame | float, b: _Base, key: tuple[str, ...],
               s_eff: int) -> float | str:
    """Solved extra points per year of ``scn`` for one series, or the reason it cannot be."""
    assert scn.solve is not None
    goals = _goals(tgt, key, scn.solve.year, one=True)
    if not goals:
        return "no target for this series in the targets file"
    t, year, _, _ = goals[0]
    year = int(year)  # type: ignore[arg-type]
    if scn.start is not None and scn.start > year:
        raise _scn_error(scn.name, "start", f"start {scn.start} is after the target year {year} "
                         f"of series {series_label(key)}", f"a start year up to {year}")
    if year <= b.last_year:
        return (f"target year {year} is not after the last observation used ({b.last_year}); "
                "set as_of or start earlier")
    # the same weights as the shift applied in run_scenarios (which stops at ``end``)
    w = float(_ramp_weights(np.array([year]), s_eff, scn.ramp_years, scn.end)[0])
    if w <= 0:
        return (f"no year of extra growth between {s_eff} and the end {scn.end} (the last "
                f"observation used is {b.last_year})")
    return 100 * _solve_shift(b, year, t, scn.solve.probability) / w

