"""Random walks on the logit share (stage 2): ``naive`` (no drift) and ``drift``.

Exact gap handling: an increment over ``g`` years has ``g`` times the one-year variance and
``g`` times the drift. With drift, the drift's uncertainty enters the forecast variance and
the quantiles are Student-t with the residual degrees of freedom.
"""

from __future__ import annotations

import math
from typing import ClassVar

import numpy as np

from tpforecast.models.base import FittedModel, Marginal, TrendModel, draw_sigma2, noise_floor
from tpforecast.models.series import SeriesData

__all__ = ["DriftModel", "NaiveModel", "RandomWalkFitted"]


class RandomWalkFitted(FittedModel):
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
        floor = math.sqrt(2) * noise_floor(data, "logit")
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
        sig2 = draw_sigma2(self.s2, self.df, n_paths, rng)[:, None]
        mu = np.full((n_paths, 1), self.mu)
        if self.has_drift:
            mu = mu + np.sqrt(sig2 / self.sum_gap) * rng.standard_normal((n_paths, 1))
        steps = np.sqrt(sig2) * rng.standard_normal((n_paths, len(h)))
        return self.x_last + mu * h[None, :] + np.cumsum(steps, axis=1)



class _RandomWalkModel(TrendModel):
    drift: ClassVar[bool] = False

    def _fit(self, data: SeriesData) -> FittedModel:
        return RandomWalkFitted(data, drift=self.drift, name=self.name)


class NaiveModel(_RandomWalkModel):
    name, min_obs = "naive", 3
    description = "random walk on the logit share (no drift); variance grows with the gap"


class DriftModel(_RandomWalkModel):
    name, min_obs, drift = "drift", 4, True
    description = "random walk with drift on the logit share; drift uncertainty included"

