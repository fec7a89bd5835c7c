"""The default model (stage 2): ``calibrated``, a random walk whose intervals are calibrated
on backtest errors.

On the logit of the share:

Point forecast (``median``)
    The last observed share, at every horizon. In rolling-origin backtests on the national
    and the regional series no trend, damped trend, smoothed level or learned level/trend
    mixture beat it (README, *Models*); the default therefore does not extrapolate trends.
One-year scale ``s``
    The series' own RMS one-year increment, shrunk to its kind's typical value ``s0`` with
    ``m0`` pseudo-increments and floored at rounding noise (:func:`~.calibration.shrunk_scale`):
    3-8 increments alone are too noisy to set a width, and no variance sits on a boundary.
Noise share and growth with the horizon
    The sampling part of a one-year change (binomial, from the counts; rounding for whole
    percents) does not accumulate; the rest does: ``s_h = s sqrt((1 - pi) h + pi)`` with
    ``pi <= 1 - f_min``, so widths always grow (:func:`~.calibration.horizon_scale`).
Predictive distribution
    ``logit(share) = loc + s_h c_h T_df``: a Student-t whose per-horizon factor ``c_h`` makes
    the 80% interval the conformal one of the calibration table (:class:`KindTable`); beyond
    5 years ``c_h = c_5`` and the width keeps growing through ``s_h``. On the logit scale the
    10-year width is at least ``sqrt(1 + 9 f_min) = 1.8`` times the 1-year width.
Paths (``simulate``)
    ``loc + s_h c_h Z_h / sqrt(W)``, ``Z_h`` a standardised random walk over the years and
    ``W ~ chi2(df) / df`` once per path: each year's marginal is exactly the t above, and
    consecutive years are correlated like a random walk (first years at a target).
Kinds
    Region NL uses the national table, every other region (or an unknown one) the regional
    table: national monitor series are much smoother relative to their increments.
"""

from __future__ import annotations

import math
from typing import ClassVar

import numpy as np

from tpforecast.models.base import FittedModel, Marginal, TrendModel
from tpforecast.models.calibration import (
    Calibration,
    CalibrationTable,
    KindTable,
    families_of,
    horizon_scale,
    kind_of,
    load_calibration,
    noise_share,
    raw_scale,
    shrunk_scale,
)
from tpforecast.models.series import SeriesData

__all__ = ["CalibratedFitted", "CalibratedModel"]


class CalibratedFitted(FittedModel):
    """A series fitted by :class:`CalibratedModel`: last value, calibrated t marginals."""

    model = "calibrated"
    scale = "logit"

    def __init__(self, data: SeriesData, table: KindTable, notes: list[str]) -> None:
        super().__init__(data, notes)
        raw = raw_scale(data)
        self.table = table
        self.kind = table.kind
        self.loc = raw.loc
        self.s = shrunk_scale(raw, table.s0, table.m0)
        self.noise_share = float(noise_share(raw.nu, self.s, table.f_min))

    def marginal(self, h: np.ndarray) -> Marginal:
        h = np.asarray(h)
        scale = horizon_scale(self.s, self.noise_share, h) * self.table.factor(h)
        return Marginal(np.full(h.shape, self.loc, dtype=float), scale, self.table.df)

    def _simulate_scale(self, h: np.ndarray, n_paths: int, rng: np.random.Generator) -> np.ndarray:
        z = np.cumsum(rng.standard_normal((n_paths, h.size)), axis=1) / np.sqrt(h)[None, :]
        if math.isinf(self.table.df):
            w = np.ones((n_paths, 1))
        else:
            w = rng.chisquare(self.table.df, size=(n_paths, 1)) / self.table.df
        return self.loc + self.marginal(h).scale[None, :] * z / np.sqrt(w)


class CalibratedModel(TrendModel):
    """The default: the last value, with intervals calibrated on backtest errors.

    Parameters
    ----------
    calibration
        The calibration to use (default: the shipped one, ``data/calibration.csv``).
    held_out
        Use, for each series, the table built without the scores of its own level family
        (``data/mappings/level_families.csv``): what backtests and hindcasts must use
        (:meth:`for_evaluation`), so the default is never scored on its own errors.
    """

    name: ClassVar[str] = "calibrated"
    min_obs: ClassVar[int] = 3
    description: ClassVar[str] = ("last value; intervals per horizon calibrated on backtest "
                                  "errors (national or regional), widening with the horizon")

    def __init__(self, calibration: Calibration | None = None, *, held_out: bool = False) -> None:
        self._calibration = calibration
        self.held_out = held_out

    @property
    def calibration(self) -> Calibration:
        """The calibration in use (the shipped one unless given)."""
        return self._calibration if self._calibration is not None else load_calibration()

    def table_for(self, data: SeriesData) -> CalibrationTable:
        """The table a series is fitted with (without its family's scores when held out)."""
        cal = self.calibration
        return cal.held_out(families_of(data.level)) if self.held_out else cal.table

    def for_evaluation(self) -> CalibratedModel:
        return CalibratedModel(self._calibration, held_out=True)

    def _fit(self, data: SeriesData) -> FittedModel:
        table = self.table_for(data).kind(kind_of(data.region or None))
        notes = [f"{table.kind} calibration" + (
            f" without the {'/'.join(families_of(data.level))} family" if self.held_out else "")]
        return CalibratedFitted(data, table, notes)

    def __repr__(self) -> str:
        return f"<CalibratedModel held_out={self.held_out}>"
