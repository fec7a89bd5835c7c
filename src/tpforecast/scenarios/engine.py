"""The scenario engine (stage 4): the base futures of every series, and the extra-growth shift.

How a shift works
-----------------
Extra growth adds the same deterministic amount to every simulated path: in year ``y`` the
shift is ``extra_pp_per_year / 100 * W(y)`` with ``W(y) = sum_{k=0}^{y - start} min(1, (k + 1)
/ (ramp_years + 1))`` (0 before ``start``), so with ``ramp_years=0`` the extra growth is full
from ``start`` on, and with ``ramp_years=R`` it rises linearly and is full from ``start + R``
on. After ``end`` (if set) no further extra growth is added: the level gained is kept and the
base's own trend continues. Because a deterministic shift moves every path equally, the
quantiles of a scenario are the quantiles of the base plus the shift (then clipped to [0, 1],
which as a monotone map commutes with quantiles). Extra growth is never added to years already
observed in the data used: when ``start`` is not after the last observation, it counts from
the year after it.

Information set and determinism
-------------------------------
:class:`Engine` keeps one split of the data per information set (``as_of``) and one
:class:`~tpforecast.forecasting.Future` per (``as_of``, series, model): every scenario of a
series shares the same base paths (stable per-series seed, fixed year grid), so a scenario with
zero extra growth equals ``baseline`` exactly and results do not depend on which other series
or scenarios are in the run.
"""

from __future__ import annotations

import warnings
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from tpforecast.errors import TpDataWarning, TpModelError, TpNoDataError
from tpforecast.forecasting.future import Future
from tpforecast.forecasting.series import (
    KEY,
    SplitSeries,
    fit_models,
    series_label,
    split_series,
)
from tpforecast.models import TrendModel, get_model
from tpforecast.options import check_options
from tpforecast.scenarios.spec import BASES

__all__ = ["LAST_MODEL", "Engine", "ScenarioStartWarning", "Skip", "effective_start",
           "ramp_weights", "warn_moved_start"]

#: Model that gives the noise of ``base="last"`` (a random walk without drift: its median is
#: the last observed share).
LAST_MODEL = "naive"


class Skip(NamedTuple):
    """Why a (series, model) pair has no future: a ``status`` and a ``reason``."""

    status: str
    reason: str


def ramp_weights(years: np.ndarray, start: int, ramp_years: int,
                 end: int | None = None) -> np.ndarray:
    """``W(y)``: cumulative years of extra growth in year ``y`` (see the module docstring)."""
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


def effective_start(start: int | None, last_year: int) -> int:
    """The first year of extra growth: ``start``, but never an observed year."""
    return last_year + 1 if start is None else max(int(start), last_year + 1)


class ScenarioStartWarning(TpDataWarning):
    """A scenario's ``start`` lies within the observed years of some series: its extra growth
    starts after their last observation instead (columns ``requested_start`` and ``start``)."""


def warn_moved_start(what: str, out: pd.DataFrame, *, shown: int = 4) -> None:
    """One :class:`ScenarioStartWarning` naming the rows of ``out`` whose ``start`` differs from
    their ``requested_start`` (grouped by scenario and series)."""
    moved = out.loc[(out["start"].notna() & out["requested_start"].notna()
                     & (out["start"] != out["requested_start"])).to_numpy(dtype=bool)]
    if moved.empty:
        return
    by = [c for c in ("scenario", *KEY) if c in moved.columns]
    groups = moved.drop_duplicates(by)
    items = [(f"{r['scenario']!r} on " if "scenario" in by else "")
             + f"{series_label([r[c] for c in KEY])}: {int(r['requested_start'])} -> "
             f"{int(r['start'])}" for _, r in groups.head(shown).iterrows()]
    more = f" and {len(groups) - shown} more" if len(groups) > shown else ""
    warnings.warn(f"{what}: start moved after the last observation used (observed years are "
                  f"never changed): {'; '.join(items)}{more} (columns requested_start and "
                  "start)", ScenarioStartWarning, stacklevel=3)


def base_models(base: str, models: list[TrendModel]) -> list[TrendModel]:
    """The models giving the base future: the trend models, or ``naive`` for ``base="last"``."""
    if base not in BASES:
        raise TpModelError(f"base must be one of {', '.join(BASES)}; got {base!r}")
    return [get_model(LAST_MODEL)] if base == "last" else models


class Engine:
    """Caches the splits per information set and the futures per (as_of, series, model)."""

    def __init__(self, series: pd.DataFrame, seed: int, n_paths: int, end: int) -> None:
        seed, n_paths = check_options(seed=seed, n_paths=n_paths)
        self.series = series
        self.full = split_series(series, None)  # checks every series (bad input raises here)
        self.seed, self.n_paths, self.end = int(seed), int(n_paths), int(end)
        self._splits: dict[int | None, SplitSeries | Skip] = {None: self.full}
        self._futures: dict[tuple[Any, ...], Future | Skip] = {}

    def split(self, as_of: int | None) -> SplitSeries | Skip:
        """The split for an information set, or why there is no series in it."""
        if as_of not in self._splits:
            try:
                self._splits[as_of] = split_series(self.series, as_of)
            except TpNoDataError as exc:
                self._splits[as_of] = Skip("no_data", str(exc))
        return self._splits[as_of]

    def future(self, as_of: int | None, key: tuple[str, ...],
               model: TrendModel) -> Future | Skip:
        """The base future of a series (or why it has none)."""
        ck = (as_of, key, model.name)
        if ck not in self._futures:
            split = self.split(as_of)
            if isinstance(split, Skip) or key not in split.data:
                self._futures[ck] = Skip("no_data", f"no observation up to as_of={as_of}")
            else:
                fits, failed = fit_models([model], key, split.data[key])
                self._futures[ck] = (
                    Future.of_model(fits[model.name], key, seed=self.seed,
                                    n_paths=self.n_paths, end=self.end)
                    if model.name in fits else Skip(failed[0]["status"], failed[0]["reason"]))
        return self._futures[ck]
