"""The model interface (stage 2): :class:`TrendModel` fits one series, :class:`FittedModel`
forecasts it.

A fitted model gives, for future years, its predictive distribution on the share scale in
three ways that agree with each other:

- :meth:`FittedModel.quantiles` and :meth:`FittedModel.prob_at_least`: analytic (Student-t or
  normal on the model scale, transformed) where the model has a closed form, else empirical
  over simulated paths;
- :meth:`FittedModel.predict`: the ``median`` and central intervals as a frame;
- :meth:`FittedModel.simulate`: joint future paths (first-passage years, combinations).

Every quantile and every "probability at or above a target" in the library comes from these
two methods.
"""

from __future__ import annotations

import math
import warnings
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from scipy import stats
from scipy.special import expit, logit

from tpforecast.errors import TpModelError
from tpforecast.models.series import SeriesData, SeriesTooShortError, prepare_series
from tpforecast.options import checked
from tpforecast.study import INTERVALS, N_PATHS

__all__ = [
    "FittedModel",
    "Marginal",
    "TrendModel",
    "capture_fit_warnings",
    "check_intervals",
    "interval_probs",
    "paths_at_least",
    "paths_quantiles",
]


@contextmanager
def capture_fit_warnings(notes: list[str]) -> Iterator[list[type[Warning]]]:
    """Record statsmodels warnings (and numpy RuntimeWarnings inside statsmodels) in ``notes``.

    Yields a list that holds the recorded warning categories once the block has run (for
    decisions: branch on the category, never on the text). Other warnings are re-issued
    unchanged, so nothing unrelated is swallowed.
    """
    from statsmodels.tools import sm_exceptions

    categories: list[type[Warning]] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield categories
    sm_categories = tuple(
        c for c in vars(sm_exceptions).values() if isinstance(c, type) and issubclass(c, Warning)
    )
    for w in caught:
        from_sm = "statsmodels" in (w.filename or "")
        # RuntimeWarnings (overflow, invalid value in numerical differentiation, ...) raised
        # by numpy/scipy inside the optimiser belong to the fit, too
        if (issubclass(w.category, sm_categories) or issubclass(w.category, RuntimeWarning)
                or (from_sm and issubclass(w.category, FutureWarning))):
            categories.append(w.category)
            text = f"{w.category.__name__}: {str(w.message).splitlines()[0]}"
            if text not in notes:
                notes.append(text)
        else:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)


def check_intervals(intervals: Sequence[int]) -> tuple[int, ...]:
    """Interval coverages in percent as a tuple of different ints in (0, 100) (the
    ``intervals`` rule of :mod:`tpforecast.options`)."""
    return checked("intervals", intervals)


def interval_probs(intervals: Sequence[int]) -> tuple[list[float], list[str]]:
    """Probabilities and column names of the median and the central intervals:
    ``([0.5, 0.1, 0.9], ["median", "lo_80", "hi_80"])`` for ``(80,)``."""
    probs, cols = [0.5], ["median"]
    for lv in intervals:
        a = (1 - lv / 100) / 2
        probs += [a, 1 - a]
        cols += [f"lo_{lv}", f"hi_{lv}"]
    return probs, cols


def paths_quantiles(paths: np.ndarray, probs: Sequence[float]) -> np.ndarray:
    """Empirical quantiles over simulated paths: shape ``(len(probs), n_columns)``."""
    return np.quantile(paths, np.asarray(probs, dtype=float), axis=0)


def paths_at_least(paths: np.ndarray, thresholds: np.ndarray) -> np.ndarray:
    """Share of simulated paths at or above ``thresholds`` (one per column)."""
    return np.mean(paths >= np.asarray(thresholds, dtype=float)[None, :], axis=0)


def _z(probs: np.ndarray, df: float) -> np.ndarray:
    """Standard quantiles, symmetric by construction (``z(p) == -z(1 - p)``)."""
    upper = np.where(probs >= 0.5, probs, 1 - probs)
    z = np.asarray(stats.norm.ppf(upper) if math.isinf(df) else stats.t.ppf(upper, df),
                   dtype=float)
    return np.where(probs >= 0.5, z, -z)


def _sf(z: np.ndarray, df: float) -> np.ndarray:
    """Upper tail of the standard normal or Student-t (no frozen distribution: fast)."""
    return stats.norm.sf(z) if math.isinf(df) else stats.t.sf(z, df)


@dataclass
class Marginal:
    """Predictive distribution per year on the model scale: ``loc + scale * T(df)``."""

    loc: np.ndarray
    scale: np.ndarray
    df: float  # math.inf for normal


def noise_floor(data: SeriesData, scale: str) -> float:
    """Standard deviation of the rounding error on the model scale (0 when not rounded)."""
    if data.resolution <= 0:
        return 1e-9
    sd = data.resolution / math.sqrt(12)
    if scale == "share":
        return sd
    p = float(np.clip(np.mean(data.shares), data.eps, 1 - data.eps))
    return sd / (p * (1 - p))


def draw_sigma2(s2: float, df: float, n: int, rng: np.random.Generator) -> np.ndarray:
    """Posterior draws of a variance under a flat prior: s2 * df / chi2(df)."""
    if math.isinf(df):
        return np.full(n, s2)
    return s2 * df / rng.chisquare(df, size=n)


def trend_design(last_year: int, center: float, h: np.ndarray) -> np.ndarray:
    """Design matrix ``[1, year - center]`` of a straight-line trend for horizons ``h``."""
    t = (last_year + h).astype(float) - center
    return np.column_stack([np.ones_like(t), t])


class FittedModel(ABC):
    """A model fitted to one series. Create with :meth:`TrendModel.fit`.

    Attributes
    ----------
    model : str
        Model name (registry key).
    model_used : str
        The model that actually produced the forecasts (what ``auto`` chose; else ``model``).
    key : str
        Series label used in messages.
    years, shares : numpy.ndarray
        The observations the model was fitted on (never anything later).
    last_year : int
        Last observed year; forecasts are for later years only.
    last_share : float
        Observed share in ``last_year`` (the level the future starts from).
    scale : str
        ``"logit"`` or ``"share"``: the scale the model works on.
    notes : list of str
        Fit problems (statsmodels warnings, dropped ensemble members, noise floors used).
    """

    model: str = ""
    scale: str = "logit"

    def __init__(self, data: SeriesData, notes: list[str] | None = None) -> None:
        self.data = data
        self.key = data.key
        self.years = data.years
        self.shares = data.shares
        self.last_year = int(data.years[-1])
        self.last_share = float(data.shares[-1])
        self.notes: list[str] = list(notes or [])
        self._model_used: str | None = None

    @property
    def model_used(self) -> str:
        return self._model_used or self.model

    @model_used.setter
    def model_used(self, name: str) -> None:
        self._model_used = name

    # -- to implement -----------------------------------------------------------------------
    @abstractmethod
    def _simulate_scale(self, h: np.ndarray, n_paths: int, rng: np.random.Generator) -> np.ndarray:
        """Paths on the model scale for horizons ``h`` (1..H, increasing), shape (n, len(h))."""

    def marginal(self, h: np.ndarray) -> Marginal | None:
        """Analytic predictive distribution on the model scale, or None (use simulation)."""
        return None

    # -- shared -------------------------------------------------------------------------------
    def to_share(self, x: np.ndarray) -> np.ndarray:
        if self.scale == "logit":
            return expit(x)
        return np.clip(x, 0.0, 1.0)

    def horizons(self, years: Sequence[int] | np.ndarray) -> np.ndarray:
        """Years after the last observation as horizons 1, 2, ... (an error for other years)."""
        yrs = np.atleast_1d(np.asarray(years, dtype=float))
        if yrs.size == 0:
            return yrs.astype(np.int64)
        if (yrs != np.round(yrs)).any():
            raise TpModelError(f"series {self.key}: forecast years must be whole numbers")
        h = yrs.astype(np.int64) - self.last_year
        if (h < 1).any():
            raise TpModelError(
                f"series {self.key}: can only forecast years after the last observation "
                f"{self.last_year}; got {int(yrs[h < 1][0])}"
            )
        return h

    def simulate(self, years: Sequence[int] | np.ndarray, n_paths: int = N_PATHS,
                 rng: np.random.Generator | int | None = None) -> np.ndarray:
        """Draw joint future paths on the share scale.

        Parameters
        ----------
        years
            Future years (each after ``last_year``), in any order.
        n_paths
            Number of paths.
        rng
            A numpy Generator or a seed (default seed 0: reproducible).

        Returns
        -------
        numpy.ndarray
            Shape ``(n_paths, len(years))``, values in [0, 1]; column ``j`` is ``years[j]``.
        """
        h = self.horizons(years)
        n_paths = checked("n_paths", n_paths)
        rng = np.random.default_rng(0 if rng is None else rng)
        if h.size == 0:
            return np.empty((n_paths, 0))
        grid = np.arange(1, int(h.max()) + 1)
        x = self._simulate_scale(grid, int(n_paths), rng)
        return self.to_share(x[:, h - 1])

    def quantiles(self, years: Sequence[int] | np.ndarray, probs: Sequence[float], *,
                  paths: np.ndarray | None = None, n_paths: int = N_PATHS,
                  rng: np.random.Generator | int | None = None) -> np.ndarray:
        """Quantiles of the share in future ``years``: shape ``(len(probs), len(years))``.

        Analytic where the model has a closed form; otherwise empirical over ``paths`` (one
        column per year, e.g. the paths behind a probability) or over ``n_paths`` paths drawn
        with ``rng``.
        """
        h = self.horizons(years)
        probs = np.asarray(probs, dtype=float)
        if h.size == 0:
            return np.empty((probs.size, 0))
        marg = self.marginal(h)
        if marg is not None:
            z = _z(probs, marg.df)[:, None]
            return self.to_share(marg.loc[None, :] + z * marg.scale[None, :])
        if paths is None:
            paths = self.simulate(self.last_year + h, n_paths, rng)
        return paths_quantiles(paths, probs)

    def prob_at_least(self, years: Sequence[int] | np.ndarray, thresholds: Any, *,
                      paths: np.ndarray | None = None, n_paths: int = N_PATHS,
                      rng: np.random.Generator | int | None = None) -> np.ndarray:
        """``P(share in year >= threshold)`` per year (thresholds may lie outside [0, 1]).

        Analytic where the model has a closed form; otherwise the share of ``paths`` (or of
        ``n_paths`` paths drawn with ``rng``) at or above the threshold.
        """
        h = self.horizons(years)
        thr = np.broadcast_to(np.asarray(thresholds, dtype=float), h.shape).copy()
        out = np.where(thr <= 0, 1.0, 0.0)
        inside = (thr > 0) & (thr <= 1)
        if not inside.any():
            return out
        marg = self.marginal(h[inside])
        if marg is not None:
            t = thr[inside]
            x = logit(t) if self.scale == "logit" else t
            out[inside] = _sf((x - marg.loc) / np.maximum(marg.scale, 1e-300), marg.df)
            return out
        if paths is None:
            paths = self.simulate(self.last_year + h, n_paths, rng)
        out[inside] = paths_at_least(paths[:, inside], thr[inside])
        return out

    def predict(self, years: Sequence[int] | np.ndarray, intervals: Sequence[int] = INTERVALS,
                *, n_paths: int = N_PATHS,
                rng: np.random.Generator | int | None = None) -> pd.DataFrame:
        """The median and central prediction intervals on the share scale.

        Parameters
        ----------
        years
            Future years (each after ``last_year``).
        intervals
            Interval coverages in percent, e.g. ``(80, 95)``.
        n_paths, rng
            Used only by models without closed-form quantiles (e.g. ``ensemble``).

        Returns
        -------
        pandas.DataFrame
            Columns ``year, median, lo_<l>, hi_<l>`` per interval; all in [0, 1],
            ``lo <= median <= hi``.
        """
        probs, cols = interval_probs(check_intervals(intervals))
        h = self.horizons(years)
        q = self.quantiles(self.last_year + h, probs, n_paths=n_paths, rng=rng)
        out = pd.DataFrame({"year": self.last_year + h})
        for c, values in zip(cols, q, strict=True):
            out[c] = values
        return out

    def point(self, years: Sequence[int] | np.ndarray) -> np.ndarray:
        """Point forecast (median share) for future ``years``."""
        return self.predict(years, intervals=()).loc[:, "median"].to_numpy()

    @property
    def trend(self) -> float:
        """Change of the point forecast over the first forecast year (share per year).

        For random walks this is the drift, for trend lines the slope near the last
        observation (on the share scale).
        """
        p = self.point([self.last_year + 1, self.last_year + 2])
        return float(p[1] - p[0])

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__} {self.model!r} on {self.key}: {len(self.years)} obs "
            f"{int(self.years[0])}-{self.last_year}, last {self.last_share:.3f}>"
        )


class TrendModel(ABC):
    """A trend model for one share series. Subclasses set ``name``, ``min_obs`` and ``_fit``.

    Attributes
    ----------
    name : str
        Registry key.
    min_obs : int
        Fewest observed points the model accepts.
    description : str
        One line for tables and docs.
    needs_counts : bool
        The model fits counts (``n_tech``, ``n_total``) rather than shares.
    """

    name: ClassVar[str] = ""
    min_obs: ClassVar[int] = 3
    description: ClassVar[str] = ""
    needs_counts: ClassVar[bool] = False

    def fit(self, years: Any, shares: Any, n_tech: Any = None, n_total: Any = None, *,
            key: str = "series", resolution: float | None = None, level: str | None = None,
            region: str | None = None) -> FittedModel:
        """Fit the model to one series.

        Parameters
        ----------
        years
            Start years of the school years (whole numbers, increasing, no duplicates; gaps
            allowed).
        shares
            Fractions in [0, 1]; missing values are dropped.
        n_tech, n_total
            Optional counts aligned with ``years`` (needed by ``glm_binomial``).
        key
            Series label for error messages, e.g. ``"havo4_nprofile/havo/NL/all"``.
        resolution
            Rounding step of the shares (default: 0.01 when all are whole percents, else 0).
        level, region
            What the series is (the ``calibrated`` default uses them: region ``NL`` gets the
            national calibration, any other region or none the regional one).

        Returns
        -------
        FittedModel

        Raises
        ------
        TpModelError
            Bad input; :class:`SeriesTooShortError` for fewer than ``min_obs`` points;
            :class:`ModelFitError` when the fit fails or needed counts are missing.
        """
        data = prepare_series(years, shares, n_tech, n_total, key=key, resolution=resolution,
                              level=level, region=region)
        return self.fit_data(data)

    def fit_data(self, data: SeriesData) -> FittedModel:
        """Fit already validated observations (see :func:`prepare_series`)."""
        self.check_length(data.n, data.key)
        return self._fit(data)

    def check_length(self, n: int, key: str, what: str = "observed shares") -> None:
        if n < self.min_obs:
            raise SeriesTooShortError(
                f"series {key}: model {self.name!r} needs at least {self.min_obs} {what}, "
                f"got {n}"
            )

    @abstractmethod
    def _fit(self, data: SeriesData) -> FittedModel: ...

    def for_evaluation(self) -> TrendModel:
        """The model as backtests and hindcasts must use it: the same model, except for models
        that learned from backtest errors (``calibrated``), which then leave out the
        evaluated series' own level family."""
        return self

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r} min_obs={self.min_obs}>"
