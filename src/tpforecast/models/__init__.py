"""Trend models for short annual share series, behind one small interface.

Every model is a :class:`TrendModel` with a ``name`` and a ``min_obs``. ``fit`` takes the
observed years and shares of *one* series (gaps allowed) and returns a :class:`FittedModel`,
which can

- ``predict(years, levels)``: point forecast and central prediction intervals, and
- ``simulate(years, n_paths, rng)``: joint future paths on the share scale (for probabilities
  such as "at or above 40% in 2020", first-passage years and combinations of levels).

Conventions shared by all models
--------------------------------
Scale
    Most models work on the logit of the share, so means and intervals stay inside (0, 1) by
    construction. ``linear`` works on the share itself; its paths and quantiles are clipped to
    [0, 1] (a quantile that would fall below 0 is reported as 0). Shares of exactly 0 or 1 are
    moved inside by ``eps`` before taking the logit: a quarter of a point for values printed as
    whole percents (the true value of a printed "0%" lies in [0, 0.5%)), ``0.5 / n_total`` when
    counts exist, 0.001 otherwise.
Point forecast (column ``mean``)
    The median of the predictive distribution on the share scale. For models on the logit scale
    this is the back-transformed logit mean; it always lies inside the intervals and is the
    MAE-optimal point forecast. (The frame contract calls the column ``mean``.)
Intervals
    Central intervals from the predictive distribution. Where cheap, parameter uncertainty is
    included: random-walk drift and OLS/GLM coefficients enter the forecast variance and the
    quantiles are Student-t with the residual degrees of freedom (``naive``, ``drift``,
    ``linear``, ``logit_linear``, ``glm_binomial``). The state-space models (``damped``,
    ``local_level``, ``local_linear``) condition on the maximum-likelihood variances (no parameter
    uncertainty) and are therefore likely too narrow on short series; the backtests show how
    much.
Rounding
    Published shares are printed as whole percents, so each value carries a rounding error of
    up to half a point (s.d. 0.29 points). When all shares of a series are whole percents, the
    residual / innovation standard deviation is floored at that rounding noise (converted to
    the logit scale at the series' mean level), so a series that happens to be flat in print
    does not get zero-width intervals. ``local_level`` models the noise explicitly (random walk
    plus noise), so it does not accumulate over the horizon as in ``naive``.
Gaps
    Random walks use the exact gap: an increment over ``g`` years has ``g`` times the one-year
    variance and ``g`` times the drift. OLS/GLM regress on the year itself. The local linear
    trend runs on a regular annual index with NaN in missing years (the Kalman filter skips
    them). statsmodels' ``ETSModel`` cannot skip missing values, so for ``damped`` interior
    missing years are filled by linear interpolation on the logit scale (documented
    approximation: the filled years look like observations, which narrows the intervals).
Warnings
    statsmodels warnings raised while fitting (convergence, Hessian, ...) are caught and stored
    in ``FittedModel.notes``; they do not leak into the output.
Identification
    ``glm_binomial`` refuses a series whose counts are perfectly separated (e.g. all zero):
    its slope is not identified and the fit would forecast 0% or 100% (``ModelFitError``;
    inside ``forecast`` the pair is skipped with that reason).

The registry: :func:`available_models`, :func:`get_model`.
"""

from __future__ import annotations

import hashlib
import math
import warnings
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from scipy import stats
from scipy.special import expit, logit

from tpforecast.errors import TpModelError

__all__ = [
    "DEFAULT_ENSEMBLE_MEMBERS",
    "DEFAULT_MODEL",
    "FAST_MODELS",
    "FittedModel",
    "ModelFitError",
    "SeriesTooShortError",
    "TrendModel",
    "available_models",
    "fit_all",
    "get_model",
    "stable_seed",
]

#: Default model for ``forecast``/``reachability``; chosen from the backtests (recompute with
#: :func:`tpforecast.forecasting.backtesting.default_model_evidence`). On the national published series
#: (11 series with forecasts at horizons 3-5, 76 forecasts) no trend model beats naive:
#: trends fitted to the pre-2015 growth overshoot the later plateau (MASE 2.9-4.6 vs naive
#: 1.51). ``local_level`` (random walk plus noise) ties naive on MASE (1.51; the MLE puts the
#: noise variance at ~0, so the point forecast is the last value) and is the only model whose
#: 80% intervals cover 70-90% of held-out points (0.895; naive 0.974), with the best interval
#: score. It therefore does NOT meet the "beats naive" bar; it is the honest default.
#: The default is ``auto``: ``local_level`` where a series has at least 5 observed shares,
#: ``naive`` for the 3-4 point series (several national series as of 2015 are that short).
DEFAULT_MODEL = "auto"

#: Members of the ``ensemble`` model (equal-weight mixture of their simulated paths).
DEFAULT_ENSEMBLE_MEMBERS: tuple[str, ...] = ("drift", "logit_linear", "local_linear", "damped")

#: Models that need no numerical optimisation (closed-form fits; fast for many series).
FAST_MODELS: tuple[str, ...] = ("naive", "drift", "linear", "logit_linear", "glm_binomial")

_DEFAULT_PATHS = 4000


class SeriesTooShortError(TpModelError):
    """The series has fewer observations than the model needs."""


class ModelFitError(TpModelError):
    """The model could not be fitted to the series (numerical failure, missing counts)."""


def stable_seed(*parts: Any) -> int:
    """A seed derived from ``parts`` that is the same in every Python process.

    Uses BLAKE2b of the parts' text (Python's ``hash()`` is randomised per process).

    Parameters
    ----------
    *parts
        Anything with a stable ``str()``: the base seed, series key fields, model name.

    Returns
    -------
    int
        A non-negative 64-bit integer, usable as ``numpy.random.default_rng(seed)``.
    """
    text = "\x1f".join(str(p) for p in parts)
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "big")


# --------------------------------------------------------------------------------------------
# input handling


@dataclass(frozen=True)
class SeriesData:
    """Validated observations of one series (only rows with a share)."""

    key: str
    years: np.ndarray  # int64, strictly increasing
    shares: np.ndarray  # float64 in [0, 1]
    n_tech: np.ndarray | None  # float64 with NaN, aligned with years
    n_total: np.ndarray | None
    resolution: float  # rounding step of the printed shares (0.01) or 0.0
    eps: float  # logit clipping margin

    @property
    def n(self) -> int:
        return len(self.years)

    @property
    def last_year(self) -> int:
        return int(self.years[-1])

    @property
    def last_share(self) -> float:
        return float(self.shares[-1])

    def logit(self) -> np.ndarray:
        return _logit(self.shares, self.eps)


def _logit(p: np.ndarray, eps: float) -> np.ndarray:
    return logit(np.clip(np.asarray(p, dtype=float), eps, 1.0 - eps))


def _as_float(values: Any, name: str, key: str) -> np.ndarray:
    try:
        return pd.array(values, dtype="Float64").to_numpy(dtype=float, na_value=np.nan)
    except (TypeError, ValueError) as exc:
        raise TpModelError(f"series {key}: {name} must be numeric ({exc})") from exc


def prepare_series(
    years: Any,
    shares: Any,
    n_tech: Any = None,
    n_total: Any = None,
    *,
    key: str = "series",
    resolution: float | None = None,
) -> SeriesData:
    """Check one series and return its observed points.

    Raises :class:`~tpforecast.errors.TpModelError` naming ``key`` for duplicate or unsorted
    years, shares outside [0, 1], inconsistent counts, or a series without any share. Rows
    whose share is missing are dropped (they may still carry counts).

    ``resolution`` is the rounding step of the shares; by default 0.01 when every share is a
    whole percent, else 0.
    """
    yrs = _as_float(years, "years", key)
    shr = _as_float(shares, "shares", key)
    if yrs.shape != shr.shape or yrs.ndim != 1:
        raise TpModelError(f"series {key}: years and shares must be 1-d and of equal length")
    if np.isnan(yrs).any():
        raise TpModelError(f"series {key}: missing year")
    if (yrs != np.round(yrs)).any():
        raise TpModelError(f"series {key}: years must be whole numbers; got {yrs.tolist()}")
    dup = pd.Series(yrs).duplicated()
    if dup.any():
        raise TpModelError(
            f"series {key}: duplicate year {int(yrs[dup.to_numpy()][0])}; "
            "expected one row per year"
        )
    if (np.diff(yrs) < 0).any():
        i = int(np.nonzero(np.diff(yrs) < 0)[0][0])
        raise TpModelError(
            f"series {key}: years are not sorted ({int(yrs[i])} before {int(yrs[i + 1])}); "
            "expected increasing years"
        )
    bad = ~np.isnan(shr) & ((shr < 0) | (shr > 1))
    if bad.any():
        i = int(np.nonzero(bad)[0][0])
        raise TpModelError(
            f"series {key}: share {shr[i]!r} in {int(yrs[i])} is outside [0, 1] "
            "(shares are fractions, not percents)"
        )
    ok = ~np.isnan(shr)
    if not ok.any():
        raise TpModelError(f"series {key}: all shares are missing")
    nt = nn = None
    if n_tech is not None and n_total is not None:
        nt = _as_float(n_tech, "n_tech", key)
        nn = _as_float(n_total, "n_total", key)
        # only rows with a share are used; a count-only row (e.g. 0 of 0 pupils) is dropped
        both = ok & ~np.isnan(nt) & ~np.isnan(nn)
        if (both & ((nn <= 0) | (nt < 0) | (nt > nn))).any():
            i = int(np.nonzero(both & ((nn <= 0) | (nt < 0) | (nt > nn)))[0][0])
            raise TpModelError(
                f"series {key}: counts n_tech={nt[i]:g}, n_total={nn[i]:g} in {int(yrs[i])} "
                "are inconsistent; expected 0 <= n_tech <= n_total and n_total > 0"
            )
        nt, nn = nt[ok], nn[ok]
    y, s = yrs[ok].astype(np.int64), shr[ok]
    if resolution is None:
        resolution = 0.01 if np.allclose(s * 100, np.round(s * 100), atol=1e-6) else 0.0
    if resolution > 0:
        eps = resolution / 4
    elif nn is not None and np.isfinite(nn).any():
        eps = 0.5 / float(np.nanmax(nn))
    else:
        eps = 1e-3
    return SeriesData(key, y, s, nt, nn, float(resolution), float(eps))


@contextmanager
def _capture_fit_warnings(notes: list[str]) -> Iterator[None]:
    """Record statsmodels warnings (and numpy RuntimeWarnings inside statsmodels) in ``notes``.

    Other warnings are re-issued unchanged, so nothing unrelated is swallowed.
    """
    from statsmodels.tools import sm_exceptions

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    sm_categories = tuple(
        c
        for c in vars(sm_exceptions).values()
        if isinstance(c, type) and issubclass(c, Warning)
    )
    for w in caught:
        from_sm = "statsmodels" in (w.filename or "")
        # RuntimeWarnings (overflow, invalid value in numerical differentiation, ...) raised
        # by numpy/scipy inside the optimiser belong to the fit, too
        if (
            issubclass(w.category, sm_categories)
            or issubclass(w.category, RuntimeWarning)
            or (from_sm and issubclass(w.category, FutureWarning))
        ):
            text = f"{w.category.__name__}: {str(w.message).splitlines()[0]}"
            if text not in notes:
                notes.append(text)
        else:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)


# --------------------------------------------------------------------------------------------
# fitted models


@dataclass
class Marginal:
    """Predictive distribution per year on the model scale: ``loc + scale * T(df)``."""

    loc: np.ndarray
    scale: np.ndarray
    df: float  # math.inf for normal


class FittedModel(ABC):
    """A model fitted to one series. Create with :meth:`TrendModel.fit`.

    Attributes
    ----------
    model : str
        Model name (registry key).
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

    def _horizons(self, years: Sequence[int] | np.ndarray) -> np.ndarray:
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

    def simulate(
        self,
        years: Sequence[int] | np.ndarray,
        n_paths: int = 1000,
        rng: np.random.Generator | int | None = None,
    ) -> np.ndarray:
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
        h = self._horizons(years)
        rng = np.random.default_rng(0 if rng is None else rng)
        if h.size == 0:
            return np.empty((n_paths, 0))
        grid = np.arange(1, int(h.max()) + 1)
        x = self._simulate_scale(grid, int(n_paths), rng)
        return self.to_share(x[:, h - 1])

    def predict(
        self,
        years: Sequence[int] | np.ndarray,
        levels: Sequence[int] = (80, 95),
        *,
        n_paths: int = _DEFAULT_PATHS,
        rng: np.random.Generator | int | None = None,
    ) -> pd.DataFrame:
        """Point forecast and central prediction intervals on the share scale.

        Analytic (Student-t or normal quantiles on the model scale, transformed) where the model
        has a closed form; otherwise empirical quantiles of ``n_paths`` simulated paths.

        Parameters
        ----------
        years
            Future years (each after ``last_year``).
        levels
            Interval coverages in percent, e.g. ``(80, 95)``.
        n_paths, rng
            Used only by models without closed-form quantiles (e.g. ``ensemble``).

        Returns
        -------
        pandas.DataFrame
            Columns ``year, mean, lo_<l>, hi_<l>`` per level; ``mean`` is the median
            (see module notes), all in [0, 1], ``lo <= mean <= hi``.
        """
        levels = check_levels(levels)
        h = self._horizons(years)
        out = {"year": self.last_year + h}
        if h.size == 0:
            cols = ["mean"] + [f"{s}_{lv}" for lv in levels for s in ("lo", "hi")]
            return pd.DataFrame({"year": np.array([], dtype=np.int64), **{c: [] for c in cols}})
        marg = self.marginal(h)
        if marg is not None:
            out["mean"] = self.to_share(marg.loc)
            for lv in levels:
                q = _quantile(lv, marg.df)
                out[f"lo_{lv}"] = self.to_share(marg.loc - q * marg.scale)
                out[f"hi_{lv}"] = self.to_share(marg.loc + q * marg.scale)
        else:
            paths = self.simulate(self.last_year + h, n_paths, rng)
            out["mean"] = np.median(paths, axis=0)
            for lv in levels:
                a = (1 - lv / 100) / 2
                out[f"lo_{lv}"] = np.quantile(paths, a, axis=0)
                out[f"hi_{lv}"] = np.quantile(paths, 1 - a, axis=0)
        df = pd.DataFrame(out)
        return df

    def point(self, years: Sequence[int] | np.ndarray) -> np.ndarray:
        """Point forecast (median share) for future ``years``."""
        return self.predict(years, levels=()).loc[:, "mean"].to_numpy()

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


def check_levels(levels: Sequence[int]) -> tuple[int, ...]:
    out = []
    for lv in levels:
        if not (isinstance(lv, int | np.integer) and 0 < lv < 100):
            raise TpModelError(f"interval levels must be integers in (0, 100); got {lv!r}")
        out.append(int(lv))
    return tuple(out)


def _quantile(level: int, df: float) -> float:
    p = 0.5 + level / 200
    return float(stats.norm.ppf(p) if math.isinf(df) else stats.t.ppf(p, df))


def _noise_floor(data: SeriesData, scale: str) -> float:
    """Standard deviation of the rounding error on the model scale (0 when not rounded)."""
    if data.resolution <= 0:
        return 1e-9
    sd = data.resolution / math.sqrt(12)
    if scale == "share":
        return sd
    p = float(np.clip(np.mean(data.shares), data.eps, 1 - data.eps))
    return sd / (p * (1 - p))


def _draw_sigma2(s2: float, df: float, n: int, rng: np.random.Generator) -> np.ndarray:
    """Posterior draws of a variance under a flat prior: s2 * df / chi2(df)."""
    if math.isinf(df):
        return np.full(n, s2)
    return s2 * df / rng.chisquare(df, size=n)


def _trend_design(last_year: int, center: float, h: np.ndarray) -> np.ndarray:
    """Design matrix ``[1, year - center]`` of a straight-line trend for horizons ``h``."""
    t = (last_year + h).astype(float) - center
    return np.column_stack([np.ones_like(t), t])


class _RandomWalkFitted(FittedModel):
    """Random walk (optionally with drift) on the logit scale with exact gap handling."""

    def __init__(self, data: SeriesData, drift: bool, name: str) -> None:
        super().__init__(data)
        self.model = name
        x = data.logit()
        gaps = np.diff(data.years).astype(float)
        d = np.diff(x)
        self.x_last = float(x[-1])
        self.sum_gap = float(gaps.sum())
        self.mu = float(d.sum() / self.sum_gap) if drift else 0.0
        self.has_drift = drift
        m = len(d)
        self.df = float(m - 1 if drift else m)
        resid = (d - self.mu * gaps) / np.sqrt(gaps)
        s2 = float(np.sum(resid**2) / self.df)
        floor = math.sqrt(2) * _noise_floor(data, "logit")
        if s2 < floor**2:
            self.notes.append(f"innovation s.d. floored at rounding noise ({floor:.4f} logit)")
            s2 = floor**2
        self.s2 = s2

    def marginal(self, h: np.ndarray) -> Marginal:
        var = self.s2 * h
        if self.has_drift:
            var = var + self.s2 * h**2 / self.sum_gap
        return Marginal(self.x_last + self.mu * h, np.sqrt(var), self.df)

    def _simulate_scale(self, h: np.ndarray, n_paths: int, rng: np.random.Generator) -> np.ndarray:
        sig2 = _draw_sigma2(self.s2, self.df, n_paths, rng)[:, None]
        mu = np.full((n_paths, 1), self.mu)
        if self.has_drift:
            mu = mu + np.sqrt(sig2 / self.sum_gap) * rng.standard_normal((n_paths, 1))
        steps = np.sqrt(sig2) * rng.standard_normal((n_paths, len(h)))
        return self.x_last + mu * h[None, :] + np.cumsum(steps, axis=1)


class _OLSFitted(FittedModel):
    """OLS trend line on the share or logit scale with the exact prediction interval."""

    def __init__(self, data: SeriesData, scale: str, name: str) -> None:
        super().__init__(data)
        self.model = name
        self.scale = scale
        x = data.logit() if scale == "logit" else data.shares.astype(float)
        t = data.years.astype(float)
        self.center = float(t.mean())
        X = np.column_stack([np.ones_like(t), t - self.center])
        xtx_inv = np.linalg.inv(X.T @ X)
        beta = xtx_inv @ X.T @ x
        resid = x - X @ beta
        self.df = float(len(x) - 2)
        s2 = float(resid @ resid / self.df)
        floor = _noise_floor(data, scale)
        if s2 < floor**2:
            self.notes.append(f"residual s.d. floored at rounding noise ({floor:.4f})")
            s2 = floor**2
        self.beta, self.xtx_inv, self.s2 = beta, xtx_inv, s2

    def _design(self, h: np.ndarray) -> np.ndarray:
        return _trend_design(self.last_year, self.center, h)

    def marginal(self, h: np.ndarray) -> Marginal:
        X = self._design(h)
        lev = np.einsum("ij,jk,ik->i", X, self.xtx_inv, X)
        return Marginal(X @ self.beta, np.sqrt(self.s2 * (1 + lev)), self.df)

    def _simulate_scale(self, h: np.ndarray, n_paths: int, rng: np.random.Generator) -> np.ndarray:
        sig2 = _draw_sigma2(self.s2, self.df, n_paths, rng)
        chol = np.linalg.cholesky(self.xtx_inv)
        beta = self.beta[None, :] + np.sqrt(sig2)[:, None] * (
            rng.standard_normal((n_paths, 2)) @ chol.T
        )
        X = self._design(h)
        noise = np.sqrt(sig2)[:, None] * rng.standard_normal((n_paths, len(h)))
        return beta @ X.T + noise


class _GLMFitted(FittedModel):
    """Quasi-binomial GLM, logit link, linear year trend, on the counts."""

    def __init__(self, data: SeriesData, notes: list[str]) -> None:
        super().__init__(data, notes)
        import statsmodels.api as sm

        self.model = "glm_binomial"
        ok = np.isfinite(data.n_tech) & np.isfinite(data.n_total)
        t = data.years[ok].astype(float)
        self.center = float(t.mean())
        X = np.column_stack([np.ones_like(t), t - self.center])
        nt, nn = data.n_tech[ok], data.n_total[ok]
        endog = np.column_stack([nt, nn - nt])
        with _capture_fit_warnings(self.notes):
            try:
                res = sm.GLM(endog, X, family=sm.families.Binomial()).fit()
            except (ValueError, np.linalg.LinAlgError) as exc:
                raise ModelFitError(f"series {data.key}: glm_binomial failed to fit ({exc})") from exc
        sep = [n for n in self.notes if n.startswith("PerfectSeparation")]
        self.beta = np.asarray(res.params, dtype=float)
        if sep or not np.all(np.isfinite(self.beta)):
            # e.g. all counts 0 (or all n_tech == n_total): the slope is not identified and
            # the fitted logit runs off to +-infinity, giving absurd 0%/100% forecasts
            raise ModelFitError(
                f"series {data.key}: glm_binomial not identified (perfect separation: the "
                "counts are all 0 or all n_total in some direction); use a share model"
            )
        self.df = float(len(t) - 2)
        # quasi-binomial dispersion: Pearson X2 on the counts / residual df (computed here:
        # statsmodels' scale="X2" works on the proportion scale for a two-column endog)
        p_hat = expit(X @ self.beta)
        x2 = float(np.sum((nt - nn * p_hat) ** 2 / (nn * p_hat * (1 - p_hat))))
        phi = x2 / self.df
        if not np.isfinite(phi) or phi < 1:
            self.notes.append(f"dispersion {phi:.3g} < 1 set to 1 (binomial)")
            phi = 1.0
        self.phi = phi
        self.cov_unscaled = np.asarray(res.normalized_cov_params, dtype=float)
        self.n_future = float(nn[-1])
        self.n_used = int(ok.sum())
        # binomial variance p(1 - p) of a future proportion, with p kept at least half a
        # pupil away from 0 and 1 (as the logit of the shares is): no division by zero
        self._p_eps = 0.5 / self.n_future

    def _pq(self, eta: np.ndarray) -> np.ndarray:
        p = np.clip(expit(eta), self._p_eps, 1 - self._p_eps)
        return p * (1 - p)

    def _design(self, h: np.ndarray) -> np.ndarray:
        return _trend_design(self.last_year, self.center, h)

    def marginal(self, h: np.ndarray) -> Marginal:
        X = self._design(h)
        eta = X @ self.beta
        var_par = self.phi * np.einsum("ij,jk,ik->i", X, self.cov_unscaled, X)
        var_obs = self.phi / (self.n_future * self._pq(eta))
        return Marginal(eta, np.sqrt(var_par + var_obs), self.df)

    def _simulate_scale(self, h: np.ndarray, n_paths: int, rng: np.random.Generator) -> np.ndarray:
        phi = _draw_sigma2(self.phi, self.df, n_paths, rng)
        chol = np.linalg.cholesky(self.cov_unscaled)
        beta = self.beta[None, :] + np.sqrt(phi)[:, None] * (
            rng.standard_normal((n_paths, 2)) @ chol.T
        )
        eta = beta @ self._design(h).T
        sd = np.sqrt(phi[:, None] / (self.n_future * self._pq(eta)))
        return eta + sd * rng.standard_normal(eta.shape)


class _DampedFitted(FittedModel):
    """statsmodels ETSModel (A, Ad, N) on the logit scale; own simulation of the recursion."""

    def __init__(self, data: SeriesData, notes: list[str]) -> None:
        super().__init__(data, notes)
        from statsmodels.tsa.exponential_smoothing.ets import ETSModel

        self.model = "damped"
        grid = np.arange(int(data.years[0]), self.last_year + 1)
        x = pd.Series(np.nan, index=grid)
        x[data.years] = data.logit()
        if x.isna().any():
            self.notes.append(f"{int(x.isna().sum())} missing year(s) interpolated for ETS")
            x = x.interpolate()
        endog = pd.Series(x.to_numpy(), index=pd.period_range(str(grid[0]), periods=len(grid), freq="Y"))
        with _capture_fit_warnings(self.notes):
            try:
                res = ETSModel(endog, error="add", trend="add", damped_trend=True).fit(
                    disp=False, maxiter=1000
                )
            except (ValueError, np.linalg.LinAlgError) as exc:
                raise ModelFitError(f"series {data.key}: damped (ETS) failed to fit ({exc})") from exc
        par = dict(zip(res.model.param_names, np.asarray(res.params, dtype=float), strict=True))
        self.alpha = par["smoothing_level"]
        self.beta_s = par["smoothing_trend"]
        self.phi = par["damping_trend"]
        states = np.asarray(res.states, dtype=float)
        self.level, self.slope = float(states[-1, 0]), float(states[-1, 1])
        resid = np.asarray(res.resid, dtype=float)
        n_par = 5
        dof = max(len(resid) - n_par, 1)
        s2 = float(np.sum(resid**2) / dof)
        floor = _noise_floor(data, "logit")
        if s2 < floor**2:
            self.notes.append(f"residual s.d. floored at rounding noise ({floor:.4f} logit)")
            s2 = floor**2
        self.s2 = s2
        if not all(np.isfinite([self.alpha, self.beta_s, self.phi, self.level, self.slope, s2])):
            raise ModelFitError(f"series {data.key}: damped (ETS) fit gave non-finite values")

    def _coefs(self, H: int) -> tuple[np.ndarray, np.ndarray]:
        """Mean and the error weights: y_{T+h} = mean_h + sum_j c_{h,j} e_{T+j}."""
        phis = self.phi ** np.arange(1, H + 1)
        cum = np.cumsum(phis)  # phi + ... + phi^h
        mean = self.level + cum * self.slope
        c = np.zeros((H, H))
        for hh in range(1, H + 1):
            c[hh - 1, hh - 1] = 1.0
            for j in range(1, hh):
                # error at T+j feeds level (alpha) and slope (beta) for the remaining steps
                k = hh - j
                c[hh - 1, j - 1] = self.alpha + self.beta_s * float(np.sum(self.phi ** np.arange(1, k + 1)))
        return mean, c

    def marginal(self, h: np.ndarray) -> Marginal:
        H = int(h.max())
        mean, c = self._coefs(H)
        sd = np.sqrt(self.s2 * np.sum(c**2, axis=1))
        return Marginal(mean[h - 1], sd[h - 1], math.inf)

    def _simulate_scale(self, h: np.ndarray, n_paths: int, rng: np.random.Generator) -> np.ndarray:
        H = int(h.max())
        mean, c = self._coefs(H)
        e = math.sqrt(self.s2) * rng.standard_normal((n_paths, H))
        return (mean[None, :] + e @ c.T)[:, h - 1]


class _UCFitted(FittedModel):
    """statsmodels UnobservedComponents on the logit scale with NaN for missing years.

    ``spec="local level"``: random walk plus noise (state: level);
    ``spec="local linear trend"``: level and slope both random walks, plus noise.
    Forecasts and paths start from the Kalman-predicted state for ``last_year + 1`` (its
    covariance carries the uncertainty about the current level and slope).
    """

    def __init__(self, data: SeriesData, notes: list[str], spec: str, name: str) -> None:
        super().__init__(data, notes)
        from statsmodels.tsa.statespace.structural import UnobservedComponents

        self.model = name
        trend = spec == "local linear trend"
        self._T = np.array([[1.0, 1.0], [0.0, 1.0]]) if trend else np.array([[1.0]])
        grid = np.arange(int(data.years[0]), self.last_year + 1)
        x = pd.Series(np.nan, index=grid)
        x[data.years] = data.logit()
        endog = pd.Series(x.to_numpy(),
                          index=pd.period_range(str(grid[0]), periods=len(grid), freq="Y"))
        with _capture_fit_warnings(self.notes):
            try:
                mod = UnobservedComponents(endog, level=spec)
                # MLE, then only the Kalman filter (no smoother, no parameter covariance)
                params = mod.fit(disp=False, maxiter=200, return_params=True)
                res = mod.filter(params, cov_type="none")
            except (ValueError, np.linalg.LinAlgError) as exc:
                raise ModelFitError(f"series {data.key}: {name} failed to fit ({exc})") from exc
        par = dict(zip(res.model.param_names, np.asarray(res.params, dtype=float), strict=True))
        floor2 = _noise_floor(data, "logit") ** 2
        s_irr = par["sigma2.irregular"]
        if s_irr < floor2 and par["sigma2.level"] < floor2:
            self.notes.append("irregular variance floored at rounding noise")
            s_irr = floor2
            # re-run the filter with the floored noise, so that the state covariance (the
            # uncertainty about the current level) is consistent with it
            params = np.asarray(params, dtype=float).copy()
            params[list(res.model.param_names).index("sigma2.irregular")] = floor2
            with _capture_fit_warnings(self.notes):
                res = mod.filter(params, cov_type="none")
        self.s_irr = s_irr
        q = [par["sigma2.level"], par["sigma2.trend"]] if trend else [par["sigma2.level"]]
        self.Q = np.diag(q)
        self.a = np.asarray(res.predicted_state[:, -1], dtype=float)  # state for last_year + 1
        P = np.asarray(res.predicted_state_cov[:, :, -1], dtype=float)
        self.P = (P + P.T) / 2
        if not (np.all(np.isfinite(self.a)) and np.all(np.isfinite(self.P))
                and np.isfinite(s_irr)):
            raise ModelFitError(f"series {data.key}: {name} fit gave non-finite states")

    def marginal(self, h: np.ndarray) -> Marginal:
        H = int(h.max())
        a, P = self.a.copy(), self.P.copy()
        loc, var = np.empty(H), np.empty(H)
        for i in range(H):
            loc[i], var[i] = a[0], P[0, 0] + self.s_irr
            a = self._T @ a
            P = self._T @ P @ self._T.T + self.Q
        return Marginal(loc[h - 1], np.sqrt(var[h - 1]), math.inf)

    def _simulate_scale(self, h: np.ndarray, n_paths: int, rng: np.random.Generator) -> np.ndarray:
        H = int(h.max())
        k = len(self.a)
        w, v = np.linalg.eigh(self.P)
        root = v * np.sqrt(np.clip(w, 0, None))
        state = self.a[None, :] + rng.standard_normal((n_paths, k)) @ root.T
        qsd = np.sqrt(np.clip(np.diag(self.Q), 0, None))
        out = np.empty((n_paths, H))
        for i in range(H):
            out[:, i] = state[:, 0] + math.sqrt(self.s_irr) * rng.standard_normal(n_paths)
            state = state @ self._T.T + qsd[None, :] * rng.standard_normal((n_paths, k))
        return out[:, h - 1]


class _EnsembleFitted(FittedModel):
    """Equal-weight mixture of the members' simulated paths."""

    def __init__(self, data: SeriesData, members: list[FittedModel], notes: list[str]) -> None:
        super().__init__(data, notes)
        self.model = "ensemble"
        self.members = members

    def _simulate_scale(self, h: np.ndarray, n_paths: int, rng: np.random.Generator) -> np.ndarray:
        k = len(self.members)
        counts = [n_paths // k + (1 if i < n_paths % k else 0) for i in range(k)]
        parts = []
        for m, n_i, child in zip(self.members, counts, rng.spawn(k), strict=True):
            if n_i:
                parts.append(m.to_share(m._simulate_scale(h, n_i, child)))
        paths = np.vstack(parts)
        return paths[rng.permutation(n_paths)]

    def to_share(self, x: np.ndarray) -> np.ndarray:
        return x  # members already return shares


# --------------------------------------------------------------------------------------------
# models


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

    def fit(
        self,
        years: Any,
        shares: Any,
        n_tech: Any = None,
        n_total: Any = None,
        *,
        key: str = "series",
        resolution: float | None = None,
    ) -> FittedModel:
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

        Returns
        -------
        FittedModel

        Raises
        ------
        TpModelError
            Bad input; :class:`SeriesTooShortError` for fewer than ``min_obs`` points;
            :class:`ModelFitError` when the fit fails or needed counts are missing.
        """
        data = prepare_series(years, shares, n_tech, n_total, key=key, resolution=resolution)
        return self.fit_data(data)

    def fit_data(self, data: SeriesData) -> FittedModel:
        """Fit already validated observations (see :func:`prepare_series`)."""
        self._check_length(data.n, data.key)
        return self._fit(data)

    def _check_length(self, n: int, key: str, what: str = "observed shares") -> None:
        if n < self.min_obs:
            raise SeriesTooShortError(
                f"series {key}: model {self.name!r} needs at least {self.min_obs} {what}, "
                f"got {n}"
            )

    @abstractmethod
    def _fit(self, data: SeriesData) -> FittedModel: ...

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r} min_obs={self.min_obs}>"


class NaiveModel(TrendModel):
    name = "naive"
    min_obs = 3
    description = "random walk on the logit share (no drift); variance grows with the gap"

    def _fit(self, data: SeriesData) -> FittedModel:
        return _RandomWalkFitted(data, drift=False, name=self.name)


class DriftModel(TrendModel):
    name = "drift"
    min_obs = 4
    description = "random walk with drift on the logit share; drift uncertainty included"

    def _fit(self, data: SeriesData) -> FittedModel:
        return _RandomWalkFitted(data, drift=True, name=self.name)


class LinearModel(TrendModel):
    name = "linear"
    min_obs = 4
    description = "OLS trend line on the share (t intervals, clipped to [0, 1])"

    def _fit(self, data: SeriesData) -> FittedModel:
        return _OLSFitted(data, scale="share", name=self.name)


class LogitLinearModel(TrendModel):
    name = "logit_linear"
    min_obs = 4
    description = "OLS trend line on the logit share (t intervals)"

    def _fit(self, data: SeriesData) -> FittedModel:
        return _OLSFitted(data, scale="logit", name=self.name)


class GLMBinomialModel(TrendModel):
    name = "glm_binomial"
    min_obs = 4
    needs_counts = True
    description = "quasi-binomial GLM (logit link, year trend) on counts; Pearson dispersion"

    def _fit(self, data: SeriesData) -> FittedModel:
        if data.n_tech is None or data.n_total is None:
            raise ModelFitError(
                f"series {data.key}: model 'glm_binomial' needs counts (n_tech, n_total); "
                "this series has none"
            )
        ok = np.isfinite(data.n_tech) & np.isfinite(data.n_total)
        self._check_length(int(ok.sum()), data.key, "years with counts")
        return _GLMFitted(data, [])


class DampedModel(TrendModel):
    name = "damped"
    min_obs = 8
    description = "ETS additive damped trend (statsmodels ETSModel) on the logit share"

    def _fit(self, data: SeriesData) -> FittedModel:
        return _DampedFitted(data, [])


class LocalLevelModel(TrendModel):
    name = "local_level"
    min_obs = 5
    description = ("random walk plus noise (statsmodels UnobservedComponents local level) on "
                   "the logit share: rounding/sampling noise does not accumulate")

    def _fit(self, data: SeriesData) -> FittedModel:
        return _UCFitted(data, [], "local level", self.name)


class LocalLinearModel(TrendModel):
    name = "local_linear"
    min_obs = 6
    description = "local linear trend (statsmodels UnobservedComponents) on the logit share"

    def _fit(self, data: SeriesData) -> FittedModel:
        return _UCFitted(data, [], "local linear trend", self.name)


@dataclass
class EnsembleModel(TrendModel):
    """Equal-weight mixture of the simulated paths of the members that can fit the series."""

    members: tuple[str, ...] = field(default_factory=lambda: DEFAULT_ENSEMBLE_MEMBERS)
    name: ClassVar[str] = "ensemble"
    description: ClassVar[str] = "equal-weight mixture of member paths"

    @property
    def min_obs(self) -> int:  # type: ignore[override]
        return min(get_model(m).min_obs for m in self.members)

    def _fit(self, data: SeriesData, fitter: Any = None) -> FittedModel:
        fitted: list[FittedModel] = []
        notes: list[str] = []
        for name in self.members:
            if fitter is not None:
                res = fitter(name)
            else:
                try:
                    res = get_model(name).fit_data(data)
                except TpModelError as exc:
                    res = exc
            if isinstance(res, FittedModel):
                fitted.append(res)
            else:
                notes.append(f"member {name} skipped: {res}")
        if not fitted:
            raise ModelFitError(
                f"series {data.key}: no ensemble member could fit ({'; '.join(notes)})"
            )
        for f in fitted:
            notes.extend(f"{f.model}: {n}" for n in f.notes)
        return _EnsembleFitted(data, fitted, notes)


def fit_all(
    models: Sequence[str | TrendModel], data: SeriesData
) -> dict[str, FittedModel | TpModelError]:
    """Fit several models to one series, fitting each distinct model only once.

    The ``ensemble`` reuses the fits of its members when they are also requested (or fits
    them once for itself). Models that cannot handle the series map to the
    :class:`SeriesTooShortError` / :class:`ModelFitError` they raised.

    Returns
    -------
    dict
        model name -> fitted model or the error.
    """
    cache: dict[Any, FittedModel | TpModelError] = {}

    def fit_one(spec: str | TrendModel) -> FittedModel | TpModelError:
        m = get_model(spec)
        ck = (m.name, getattr(m, "members", None))
        if ck not in cache:
            try:
                m._check_length(data.n, data.key)
                if isinstance(m, EnsembleModel):
                    cache[ck] = m._fit(data, fitter=fit_one)
                else:
                    cache[ck] = m._fit(data)
            except (SeriesTooShortError, ModelFitError) as exc:
                cache[ck] = exc
        return cache[ck]

    return {get_model(m).name: fit_one(m) for m in models}


class AutoModel(TrendModel):
    """The default: ``local_level`` when the series is long enough for it, else ``naive``.

    The fitted model's ``notes`` say which one was used, so the choice is visible in
    ``forecast(...).attrs["fit_notes"]`` and in the ``note`` of ``reachability``.
    """

    name = "auto"
    min_obs = NaiveModel.min_obs
    description = "local_level with 5+ observed shares, naive for shorter series"

    def _fit(self, data: SeriesData) -> FittedModel:
        if data.n >= LocalLevelModel.min_obs:
            return _UCFitted(data, [], "local level", self.name)
        fitted = _RandomWalkFitted(data, drift=False, name=self.name)
        fitted.notes.append(
            f"auto: naive (random walk) used, {data.n} observed shares is fewer than the "
            f"{LocalLevelModel.min_obs} local_level needs"
        )
        return fitted


_REGISTRY: dict[str, type[TrendModel]] = {
    m.name: m
    for m in (
        NaiveModel,
        DriftModel,
        LinearModel,
        LogitLinearModel,
        DampedModel,
        LocalLevelModel,
        LocalLinearModel,
        GLMBinomialModel,
        EnsembleModel,
        AutoModel,
    )
}


def available_models() -> list[str]:
    """Names of the registered models, in a fixed order.

    Returns
    -------
    list of str
        ``naive, drift, linear, logit_linear, damped, local_level, local_linear, glm_binomial, ensemble``.

    Examples
    --------
    >>> from tpforecast.models import available_models
    >>> available_models()[:2]
    ['naive', 'drift']
    """
    return list(_REGISTRY)


def get_model(name: str | TrendModel) -> TrendModel:
    """The model registered under ``name`` (a model instance is returned as is).

    Raises
    ------
    TpModelError
        For an unknown name, listing the valid ones.
    """
    if isinstance(name, TrendModel):
        return name
    cls = _REGISTRY.get(name) if isinstance(name, str) else None
    if cls is None:
        raise TpModelError(
            f"unknown model {name!r}; expected one of: {', '.join(available_models())}"
        )
    return cls()
