"""Trend lines (stage 2): OLS on the share (``linear``) or its logit (``logit_linear``), and the
quasi-binomial GLM on counts (``glm_binomial``).

Coefficient uncertainty enters the forecast variance and quantiles are Student-t with the
residual degrees of freedom. ``glm_binomial`` refuses a series whose counts are perfectly
separated (e.g. all zero): its slope is not identified (:class:`ModelFitError`).
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from scipy.special import expit

from tpforecast.models.base import (
    FittedModel,
    Marginal,
    TrendModel,
    capture_fit_warnings,
    draw_sigma2,
    noise_floor,
    trend_design,
)
from tpforecast.models.series import ModelFitError, SeriesData

__all__ = ["GLMBinomialModel", "LinearModel", "LogitLinearModel"]


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
        floor = noise_floor(data, scale)
        if s2 < floor**2:
            self.notes.append(f"residual s.d. floored at rounding noise ({floor:.4f})")
            s2 = floor**2
        self.beta, self.xtx_inv, self.s2 = beta, xtx_inv, s2

    def _design(self, h: np.ndarray) -> np.ndarray:
        return trend_design(self.last_year, self.center, h)

    def marginal(self, h: np.ndarray) -> Marginal:
        X = self._design(h)
        lev = np.einsum("ij,jk,ik->i", X, self.xtx_inv, X)
        return Marginal(X @ self.beta, np.sqrt(self.s2 * (1 + lev)), self.df)

    def _simulate_scale(self, h: np.ndarray, n_paths: int, rng: np.random.Generator) -> np.ndarray:
        sig2 = draw_sigma2(self.s2, self.df, n_paths, rng)
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
        from statsmodels.tools.sm_exceptions import PerfectSeparationWarning

        self.model = "glm_binomial"
        ok = np.isfinite(data.n_tech) & np.isfinite(data.n_total)
        t = data.years[ok].astype(float)
        self.center = float(t.mean())
        X = np.column_stack([np.ones_like(t), t - self.center])
        nt, nn = data.n_tech[ok], data.n_total[ok]
        endog = np.column_stack([nt, nn - nt])
        with capture_fit_warnings(self.notes) as caught:
            try:
                res = sm.GLM(endog, X, family=sm.families.Binomial()).fit()
            except (ValueError, np.linalg.LinAlgError) as exc:
                raise ModelFitError(f"series {data.key}: glm_binomial failed to fit ({exc})") from exc
        sep = any(issubclass(c, PerfectSeparationWarning) for c in caught)
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
        return trend_design(self.last_year, self.center, h)

    def marginal(self, h: np.ndarray) -> Marginal:
        X = self._design(h)
        eta = X @ self.beta
        var_par = self.phi * np.einsum("ij,jk,ik->i", X, self.cov_unscaled, X)
        var_obs = self.phi / (self.n_future * self._pq(eta))
        return Marginal(eta, np.sqrt(var_par + var_obs), self.df)

    def _simulate_scale(self, h: np.ndarray, n_paths: int, rng: np.random.Generator) -> np.ndarray:
        phi = draw_sigma2(self.phi, self.df, n_paths, rng)
        chol = np.linalg.cholesky(self.cov_unscaled)
        beta = self.beta[None, :] + np.sqrt(phi)[:, None] * (
            rng.standard_normal((n_paths, 2)) @ chol.T
        )
        eta = beta @ self._design(h).T
        sd = np.sqrt(phi[:, None] / (self.n_future * self._pq(eta)))
        return eta + sd * rng.standard_normal(eta.shape)



class _OLSModel(TrendModel):
    min_obs = 4
    scale: ClassVar[str] = "share"

    def _fit(self, data: SeriesData) -> FittedModel:
        return _OLSFitted(data, scale=self.scale, name=self.name)


class LinearModel(_OLSModel):
    name, scale = "linear", "share"
    description = "OLS trend line on the share (t intervals, clipped to [0, 1])"


class LogitLinearModel(_OLSModel):
    name, scale = "logit_linear", "logit"
    description = "OLS trend line on the logit share (t intervals)"


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
        self.check_length(int(ok.sum()), data.key, "years with counts")
        return _GLMFitted(data, [])

