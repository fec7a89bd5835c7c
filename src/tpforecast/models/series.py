"""One series' observations, checked: years, shares, counts, rounding step (stage 2).

:func:`prepare_series` validates the observations of *one* series and returns a
:class:`SeriesData` that every model fits; :func:`stable_seed` gives seeds that are the same in
every process. Bad input raises :class:`~tpforecast.errors.TpModelError` naming the series; a
series without any share raises :class:`~tpforecast.errors.TpNoDataError`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy.special import logit

from tpforecast.errors import TpModelError, TpNoDataError

__all__ = [
    "ModelFitError",
    "SeriesData",
    "SeriesTooShortError",
    "prepare_series",
    "stable_seed",
    "status_of",
]


class SeriesTooShortError(TpModelError):
    """The series has fewer observations than the model needs."""


class ModelFitError(TpModelError):
    """The model could not be fitted to the series (numerical failure, missing counts)."""


def status_of(error: TpModelError) -> str:
    """The ``status`` of a series/model pair that raised ``error``: ``too_short``,
    ``fit_failed`` or ``no_data`` (see ``docs/design.md``)."""
    if isinstance(error, SeriesTooShortError):
        return "too_short"
    if isinstance(error, TpNoDataError):
        return "no_data"
    return "fit_failed"


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
    level: str = ""  # the series' level and region, when known (the calibrated model's
    region: str = ""  # family and kind); "" for a bare series

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
    level: str | None = None,
    region: str | None = None,
) -> SeriesData:
    """Check one series and return its observed points.

    Raises :class:`~tpforecast.errors.TpModelError` naming ``key`` for duplicate or unsorted
    years, shares outside [0, 1], inconsistent counts, or a series without any share. Rows
    whose share is missing are dropped (they may still carry counts).

    ``resolution`` is the rounding step of the shares; by default 0.01 when every share is a
    whole percent, else 0. ``level`` and ``region`` say what the series is (the calibrated
    default model uses them: region NL is calibrated as national, others as regional).
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
        raise TpNoDataError(f"series {key}: all shares are missing")
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
    return SeriesData(key, y, s, nt, nn, float(resolution), float(eps), level or "",
                      region or "")

