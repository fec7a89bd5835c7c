"""The checks of the public options (stage 0): one rule per keyword of the one vocabulary.

Every public runner (``forecast``, ``reachability``, ``backtest``, ``run_scenarios``, ...)
checks its keyword options with :func:`checked`, and the study file (``data/study.yml``) with
:func:`problem`, so a bad value gets the same words everywhere: the keyword, the value and what
is expected.

>>> checked("n_paths", 2000)
2000
>>> checked("intervals", [80, 95])
(80, 95)
>>> checked("n_paths", 0)
Traceback (most recent call last):
...
tpforecast.options.OptionError: n_paths must be a whole number of simulated paths from 1 to 1000000; got 0
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from tpforecast.errors import TpModelError

__all__ = ["MAX_PATHS", "OPTIONAL", "RULES", "OptionError", "check_options", "checked",
           "problem"]

class OptionError(TpModelError):
    """A keyword option with a value its rule does not allow (names option, value, rule)."""


#: More simulated paths than this is surely a mistake (memory: paths x years floats).
MAX_PATHS = 1_000_000
_FIRST_YEAR, _LAST_YEAR = 1900, 2200


def _is_int(v: Any) -> bool:
    return isinstance(v, int | np.integer) and not isinstance(v, bool | np.bool_)


def _is_number(v: Any) -> bool:
    return (isinstance(v, int | float | np.integer | np.floating)
            and not isinstance(v, bool | np.bool_) and math.isfinite(float(v)))


def _is_year(v: Any) -> bool:
    return _is_int(v) and _FIRST_YEAR <= v <= _LAST_YEAR


def _is_fraction(v: Any) -> bool:
    return _is_number(v) and 0 < float(v) < 1


def _whole_list(v: Any, ok: Callable[[Any], bool], *, empty: bool) -> bool:
    if isinstance(v, str | bytes) or not isinstance(v, Iterable):
        return False
    items = list(v)
    return (empty or bool(items)) and all(ok(x) for x in items) and \
        len(set(map(int, items))) == len(items)


_YEAR = "a start year such as 2020 (for 2020/21)"

#: option -> (check, what is expected); the one description of a valid value of each keyword
RULES: dict[str, tuple[Callable[[Any], bool], str]] = {
    "target": (_is_fraction, "a fraction in (0, 1) such as 0.40 (not 40)"),
    "year": (_is_year, _YEAR),
    "target_year": (_is_year, _YEAR),
    "as_of": (_is_year, "a start year such as 2015 (data up to 2015/16)"),
    "start": (_is_year, "a start year such as 2016 (for 2016/17)"),
    "until": (_is_year, "a start year such as 2030"),
    "horizon": (_is_year, "a start year such as 2040"),
    "starts": (lambda v: _whole_list(v, _is_year, empty=False),
               "a list of different start years such as [2016, 2018, 2020]"),
    "years": (lambda v: _whole_list(v, _is_year, empty=False),
              "a non-empty list of different start years such as [2019, 2020]"),
    "pace": (lambda v: _is_number(v) and abs(float(v)) <= 100,
             "points a year such as 1.0 (not a fraction)"),
    "pace_window": (lambda v: _is_int(v) and v >= 2, "a whole number of observations >= 2"),
    "seed": (lambda v: _is_int(v) and v >= 0, "a non-negative whole number"),
    "n_paths": (lambda v: _is_int(v) and 1 <= v <= MAX_PATHS,
                f"a whole number of simulated paths from 1 to {MAX_PATHS}"),
    "intervals": (lambda v: _whole_list(v, lambda x: _is_int(x) and 0 < x < 100, empty=True),
                  "a list of different coverages in percent, each from 1 to 99, such as "
                  "[80, 95]"),
    "horizons": (lambda v: _whole_list(v, lambda x: _is_int(x) and 1 <= x <= 100, empty=False),
                 "a non-empty list of different forecast horizons in years such as [1, 2, 3]"),
    "min_train": (lambda v: _is_int(v) and 2 <= v <= 1000,
                  "a whole number of training observations >= 2"),
    "probability": (_is_fraction, "a probability in (0, 1) such as 0.5"),
}

#: Options a runner accepts as None (no cut, no fixed start).
OPTIONAL: frozenset[str] = frozenset({"as_of", "start"})


def problem(name: str, value: Any) -> str | None:
    """What is expected of option ``name`` when ``value`` breaks its rule; None when it is fine."""
    ok, expected = RULES[name]
    return None if ok(value) else expected


def checked(name: str, value: Any) -> Any:
    """The value of the keyword option ``name``, checked and as a plain Python value.

    Years and counts become ``int``, fractions ``float``, lists of whole numbers tuples;
    ``None`` passes for the options in :data:`OPTIONAL`.

    Raises
    ------
    OptionError
        A :class:`~tpforecast.errors.TpModelError`: ``"<name> must be <what is expected>; got
        <value>"``.
    """
    if value is None and name in OPTIONAL:
        return None
    expected = problem(name, value)
    if expected is not None:
        raise OptionError(f"{name} must be {expected}; got {value!r}")
    if isinstance(value, Iterable):
        return tuple(int(x) for x in value)
    return float(value) if name in ("target", "probability", "pace") else int(value)


def check_options(**values: Any) -> tuple[Any, ...]:
    """:func:`checked` for several options at once, in the order given:
    ``until, seed = check_options(until=until, seed=seed)``."""
    return tuple(checked(name, value) for name, value in values.items())
