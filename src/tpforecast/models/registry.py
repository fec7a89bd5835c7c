"""The model registry (stage 2): names -> models, the ``ensemble`` and the default.

:func:`available_models` lists the names, :func:`get_model` returns a model, :func:`fit_all`
fits several models to one series and fits each distinct model only once (the ``ensemble``
reuses the fits of its members).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from tpforecast.errors import TpModelError
from tpforecast.models.base import FittedModel, TrendModel
from tpforecast.models.calibrated import CalibratedModel
from tpforecast.models.random_walk import DriftModel, NaiveModel
from tpforecast.models.regression import GLMBinomialModel, LinearModel, LogitLinearModel
from tpforecast.models.series import ModelFitError, SeriesData, SeriesTooShortError
from tpforecast.models.state_space import DampedModel, LocalLevelModel, LocalLinearModel

__all__ = [
    "DEFAULT_ENSEMBLE_MEMBERS",
    "DEFAULT_MODEL",
    "FAST_MODELS",
    "EnsembleModel",
    "available_models",
    "fit_all",
    "get_model",
    "model_table",
]

#: Default model of ``forecast``, ``reachability``, the scenarios and the report: the calibrated
#: random walk (:mod:`~tpforecast.models.calibrated`). In rolling-origin backtests on the
#: national monitor series and on the regional DUO series (horizons 1-5, min_train 4;
#: ``tpforecast.forecasting.two_set_evaluation``, README *Models*) no trend model beats "no
#: change" (naive) on MAE on either set, and only intervals calibrated on backtest errors
#: cover about 80% of held-out points at every horizon on both; the state-space models' and
#: naive's do not (too narrow on regional series, too wide on national ones).
DEFAULT_MODEL = "calibrated"

#: Members of the ``ensemble`` model (equal-weight mixture of their simulated paths).
DEFAULT_ENSEMBLE_MEMBERS: tuple[str, ...] = ("drift", "logit_linear", "local_linear", "damped")

#: Models that need no numerical optimisation (closed-form fits; fast for many series).
FAST_MODELS: tuple[str, ...] = ("naive", "drift", "linear", "logit_linear", "glm_binomial")


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


def fit_all(models: Sequence[str | TrendModel],
            data: SeriesData) -> dict[str, FittedModel | TpModelError]:
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
        ck = (m.name, getattr(m, "members", None), getattr(m, "held_out", None))
        if ck not in cache:
            try:
                m.check_length(data.n, data.key)
                if isinstance(m, EnsembleModel):
                    cache[ck] = m._fit(data, fitter=fit_one)
                else:
                    cache[ck] = m._fit(data)
            except (SeriesTooShortError, ModelFitError) as exc:
                cache[ck] = exc
        return cache[ck]

    return {get_model(m).name: fit_one(m) for m in models}


_REGISTRY: dict[str, type[TrendModel]] = {
    m.name: m
    for m in (NaiveModel, DriftModel, LinearModel, LogitLinearModel, DampedModel,
              LocalLevelModel, LocalLinearModel, GLMBinomialModel, EnsembleModel,
              CalibratedModel)
}


def available_models() -> list[str]:
    """Names of the registered models, in a fixed order.

    Returns
    -------
    list of str
        ``naive, drift, linear, logit_linear, damped, local_level, local_linear,
        glm_binomial, ensemble, calibrated``.

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


def model_table() -> pd.DataFrame:
    """The registered models: ``model, min_obs, description`` (one row each, registry order)."""
    models = [get_model(name) for name in available_models()]
    return pd.DataFrame({"model": [m.name for m in models],
                         "min_obs": [m.min_obs for m in models],
                         "description": [m.description for m in models]})
