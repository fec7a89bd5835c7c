"""State-space models on the logit share (stage 2): ``damped`` (statsmodels ``ETSModel``,
additive damped trend) and ``local_level`` / ``local_linear`` (``UnobservedComponents``).

They condition on the maximum-likelihood variances (no parameter uncertainty), so they are
likely too narrow on short series; the backtests show how much. ``ETSModel`` cannot skip
missing values: interior missing years are filled by linear interpolation on the logit scale
(documented approximation). The Kalman filter of the unobserved-components models skips them.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from tpforecast.models.base import (
    FittedModel,
    Marginal,
    TrendModel,
    capture_fit_warnings,
    noise_floor,
)
from tpforecast.models.series import ModelFitError, SeriesData

__all__ = ["DampedModel", "LocalLevelModel", "LocalLinearModel", "UCFitted"]


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
        with capture_fit_warnings(self.notes):
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
        floor = noise_floor(data, "logit")
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


class UCFitted(FittedModel):
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
        with capture_fit_warnings(self.notes):
            try:
                mod = UnobservedComponents(endog, level=spec)
                # MLE, then only the Kalman filter (no smoother, no parameter covariance)
                params = mod.fit(disp=False, maxiter=200, return_params=True)
                res = mod.filter(params, cov_type="none")
            except (ValueError, np.linalg.LinAlgError) as exc:
                raise ModelFitError(f"series {data.key}: {name} failed to fit ({exc})") from exc
        par = dict(zip(res.model.param_names, np.asarray(res.params, dtype=float), strict=True))
        floor2 = noise_floor(data, "logit") ** 2
        s_irr = par["sigma2.irregular"]
        if s_irr < floor2 and par["sigma2.level"] < floor2:
            self.notes.append("irregular variance floored at rounding noise")
            s_irr = floor2
            # re-run the filter with the floored noise, so that the state covariance (the
            # uncertainty about the current level) is consistent with it
            params = np.asarray(params, dtype=float).copy()
            params[list(res.model.param_names).index("sigma2.irregular")] = floor2
            with capture_fit_warnings(self.notes):
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
        return UCFitted(data, [], "local level", self.name)


class LocalLinearModel(TrendModel):
    name = "local_linear"
    min_obs = 6
    description = "local linear trend (statsmodels UnobservedComponents) on the logit share"

    def _fit(self, data: SeriesData) -> FittedModel:
        return UCFitted(data, [], "local linear trend", self.name)

