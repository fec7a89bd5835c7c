"""The future of one series (stage 3): its fitted model and its simulated paths on a year grid.

A :class:`Future` is what ``reachability``, ``reachability_combined`` and every scenario read
quantiles, probabilities and first-passage years from. Its paths are drawn once, on a fixed
grid (the year after the last observation up to ``end``) from the pair's stable seed, so a
series' answers never depend on the other series or on the question asked; quantiles and
probabilities are analytic where the model has a closed form and come from the same paths
otherwise.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from tpforecast.errors import TpModelError
from tpforecast.forecasting.series import series_label, series_rng
from tpforecast.models import FittedModel, paths_at_least, paths_quantiles
from tpforecast.study import N_PATHS

__all__ = ["Future"]


class Future:
    """Simulated (and, where the model has them, analytic) future shares of one series.

    Parameters
    ----------
    grid
        The simulated years (consecutive, starting the year after the last observation).
    fitted
        The fitted model (None for a combination of several series: empirical only).
    paths
        Paths on ``grid`` (shape ``(n_paths, len(grid))``); None: drawn from ``fitted`` on
        first use with the pair's stable seed.
    key, seed, n_paths
        The series key, base seed and number of paths (for drawing the paths).
    """

    def __init__(self, grid: np.ndarray, *, fitted: FittedModel | None = None,
                 paths: np.ndarray | None = None, key: Sequence[str] = (), seed: int = 0,
                 n_paths: int = N_PATHS) -> None:
        self.grid = np.asarray(grid, dtype=np.int64)
        self.fitted = fitted
        self.key = tuple(key)
        self.seed, self.n_paths = int(seed), int(n_paths)
        self.model = fitted.model if fitted is not None else ""
        self.last_year = int(self.grid[0]) - 1 if self.grid.size else \
            (fitted.last_year if fitted is not None else 0)
        self._paths = paths

    @classmethod
    def of_model(cls, fitted: FittedModel, key: Sequence[str], *, seed: int, n_paths: int,
                 end: int) -> Future:
        """The future of a fitted series up to ``end`` (paths drawn lazily)."""
        grid = np.arange(fitted.last_year + 1, int(end) + 1)
        return cls(grid, fitted=fitted, key=key, seed=seed, n_paths=n_paths)

    @property
    def paths(self) -> np.ndarray:
        """Simulated share paths on ``grid`` (stable per-series seed), computed once."""
        if self._paths is None:
            if self.fitted is None:  # pragma: no cover - constructor guards
                raise TpModelError("a future without a model needs its paths")
            self._paths = self.fitted.simulate(self.grid, self.n_paths,
                                               series_rng(self.seed, self.key, self.model))
        return self._paths

    def columns(self, years: Any) -> np.ndarray:
        """Column indices of ``years`` in the paths."""
        cols = np.asarray(years, dtype=np.int64) - self.last_year - 1
        if cols.size and (cols.min() < 0 or cols.max() >= self.grid.size):
            raise TpModelError(f"series {series_label(self.key)}: years outside the simulated "
                               f"{int(self.grid[0])}-{int(self.grid[-1])}")
        return cols

    def paths_for(self, years: Any) -> np.ndarray:
        """The simulated shares in ``years`` (one column per year)."""
        return self.paths[:, self.columns(years)]

    def _analytic(self) -> bool:
        return self.fitted is not None and self.fitted.marginal(np.array([1])) is not None

    def quantiles(self, years: Any, probs: Sequence[float]) -> np.ndarray:
        """Quantiles of the share, shape ``(len(probs), len(years))``: analytic where the model
        has a closed form, else over the paths."""
        years = np.asarray(years, dtype=np.int64)
        if years.size == 0:
            return np.empty((len(probs), 0))
        if self._analytic():
            return self.fitted.quantiles(years, probs)  # type: ignore[union-attr]
        return paths_quantiles(self.paths_for(years), probs)

    def prob_at_least(self, years: Any, thresholds: Any) -> np.ndarray:
        """``P(share in year >= threshold)`` per year (thresholds may lie outside [0, 1])."""
        years = np.asarray(years, dtype=np.int64)
        if self.fitted is not None:
            paths = None if self._analytic() else self.paths_for(years)
            return self.fitted.prob_at_least(years, thresholds, paths=paths)
        thr = np.broadcast_to(np.asarray(thresholds, dtype=float), years.shape)
        return paths_at_least(self.paths_for(years), thr)
