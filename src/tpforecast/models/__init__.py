"""Trend models for short annual share series, behind one small interface (stage 2).

Every model is a :class:`TrendModel` with a ``name`` and a ``min_obs``. ``fit`` takes the
observed years and shares of *one* series (gaps allowed) and returns a :class:`FittedModel`,
which gives ``quantiles``, ``prob_at_least``, ``predict`` (the ``median`` and central
intervals) and ``simulate`` (joint future paths).

Conventions shared by all models
--------------------------------
Scale
    Most models work on the logit of the share, so medians and intervals stay inside (0, 1) by
    construction. ``linear`` works on the share itself; its paths and quantiles are clipped to
    [0, 1]. Shares of exactly 0 or 1 are moved inside by ``eps`` before taking the logit: a
    quarter of a point for values printed as whole percents, ``0.5 / n_total`` when counts
    exist, 0.001 otherwise.
Point forecast (column ``median``)
    The median of the predictive distribution on the share scale (for logit models the
    back-transformed logit mean). It always lies inside the intervals and is the MAE-optimal
    point forecast.
Intervals
    Central intervals from the predictive distribution. Where cheap, parameter uncertainty is
    included (``naive``, ``drift``, ``linear``, ``logit_linear``, ``glm_binomial``: Student-t
    quantiles). The state-space models (``damped``, ``local_level``, ``local_linear``)
    condition on the maximum-likelihood variances and are likely too narrow on short series.
    The default, ``calibrated``, takes its widths from rolling-origin errors of "no change"
    forecasts per horizon (``data/calibration.csv``), separately for national and regional
    series; backtests use it without the evaluated level family (``for_evaluation``).
Rounding
    Published shares are printed as whole percents (rounding s.d. 0.29 points). When all
    shares of a series are whole percents, the residual / innovation standard deviation is
    floored at that rounding noise, so a series flat in print does not get zero-width
    intervals.
Gaps
    Random walks use the exact gap; OLS/GLM regress on the year; the local models run on a
    regular annual index with NaN in missing years; ``damped`` interpolates interior gaps.
Warnings
    statsmodels warnings raised while fitting are caught and stored in ``FittedModel.notes``.

Modules: :mod:`~tpforecast.models.series` (checked observations), :mod:`~.base` (the
interface), :mod:`~.random_walk`, :mod:`~.regression`, :mod:`~.state_space`,
:mod:`~.calibration` and :mod:`~.calibrated` (the default: the last value with intervals
calibrated on backtest errors), :mod:`~.registry` (names, ``ensemble``, the default).
"""

from tpforecast.models.base import (
    FittedModel,
    Marginal,
    TrendModel,
    check_intervals,
    interval_probs,
    paths_at_least,
    paths_quantiles,
)
from tpforecast.models.calibrated import CalibratedModel
from tpforecast.models.random_walk import DriftModel, NaiveModel
from tpforecast.models.registry import (
    DEFAULT_ENSEMBLE_MEMBERS,
    DEFAULT_MODEL,
    FAST_MODELS,
    EnsembleModel,
    available_models,
    fit_all,
    get_model,
    model_table,
)
from tpforecast.models.regression import GLMBinomialModel, LinearModel, LogitLinearModel
from tpforecast.models.series import (
    ModelFitError,
    SeriesData,
    SeriesTooShortError,
    prepare_series,
    stable_seed,
    status_of,
)
from tpforecast.models.state_space import DampedModel, LocalLevelModel, LocalLinearModel

__all__ = [
    "DEFAULT_ENSEMBLE_MEMBERS",
    "DEFAULT_MODEL",
    "FAST_MODELS",
    "CalibratedModel",
    "DampedModel",
    "DriftModel",
    "EnsembleModel",
    "FittedModel",
    "GLMBinomialModel",
    "LinearModel",
    "LocalLevelModel",
    "LocalLinearModel",
    "LogitLinearModel",
    "Marginal",
    "ModelFitError",
    "NaiveModel",
    "SeriesData",
    "SeriesTooShortError",
    "TrendModel",
    "available_models",
    "check_intervals",
    "fit_all",
    "get_model",
    "interval_probs",
    "model_table",
    "paths_at_least",
    "paths_quantiles",
    "prepare_series",
    "stable_seed",
    "status_of",
]
