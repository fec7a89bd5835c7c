"""From a series frame to checked series, fitted models and typed result frames (stage 3).

Every runner (:func:`~tpforecast.forecasting.forecast`, ``reachability``, ``backtest``, the
scenario functions) splits its input with :func:`split_series`, fits with :func:`fit_models`
and builds its output with :func:`typed`. A series' result depends only on its own rows: the
random seed of a (series, model) pair is derived from the base ``seed``, the series key and the
model name (:func:`series_rng`), so adding or removing other series never changes it.

A (series, model) pair that cannot be computed is not dropped: it is a row with a ``status``
from :data:`STATUSES` and a ``reason`` for people (see ``docs/design.md``).
"""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from tpforecast.errors import TpDataWarning, TpModelError, TpNoDataError
from tpforecast.models import (
    DEFAULT_MODEL,
    FittedModel,
    SeriesData,
    TrendModel,
    fit_all,
    get_model,
    prepare_series,
    stable_seed,
    status_of,
)
from tpforecast.options import checked

__all__ = [
    "KEY",
    "RESULT_STATUSES",
    "STATUSES",
    "SkippedSeriesWarning",
    "SplitSeries",
    "drop_short_series",
    "fit_models",
    "progress_bar",
    "resolve_models",
    "series_label",
    "series_rng",
    "share_counts",
    "skip_row",
    "skipped_summary",
    "split_series",
    "typed",
    "warn_skipped",
]

#: Columns that identify a series.
KEY: list[str] = ["indicator", "level", "region", "sex"]

#: The ``status`` vocabulary of every result frame (value -> meaning).
STATUSES: dict[str, str] = {
    "ok": "computed from the model",
    "observed": "the target year is observed: the result is the observation",
    "not_observed": "the target year lies inside the observed years but has no value",
    "too_short": "fewer observations than the model needs",
    "fit_failed": "the model could not be fitted to the series",
    "no_data": "no share observed (up to as_of)",
    "no_target": "no target applies to the series",
    "no_years": "no year to forecast or to accelerate in (see reason)",
}

#: Statuses of rows that hold a result; any other status is a series (or pair) left out.
RESULT_STATUSES: frozenset[str] = frozenset({"ok", "observed"})


class SkippedSeriesWarning(TpDataWarning):
    """Some series of the input (or series-model pairs) have no result: the rows with their
    ``status`` and ``reason`` say which and why (:func:`warn_skipped`)."""


def skipped_summary(out: pd.DataFrame, *, results: Iterable[str] = RESULT_STATUSES,
                    shown: int = 4) -> str | None:
    """One line naming the series of ``out`` whose rows hold no result (a status outside
    ``results``), by status; None when every row holds a result."""
    bad = out.loc[~out["status"].isin(list(results)).to_numpy()]
    if bad.empty:
        return None
    n_all = len(out[KEY].drop_duplicates())
    parts = []
    for status, rows in bad.groupby("status", sort=True):
        labels = [series_label(k) for k in rows[KEY].drop_duplicates().itertuples(index=False)]
        more = f" and {len(labels) - shown} more" if len(labels) > shown else ""
        parts.append(f"{status} ({len(labels)}): {', '.join(labels[:shown])}{more}")
    n_bad = len(bad[KEY].drop_duplicates())
    return (f"{n_bad} of {n_all} series have rows without a result: {'; '.join(parts)} "
            "(see the columns status and reason)")


def warn_skipped(what: str, out: pd.DataFrame, *, results: Iterable[str] = RESULT_STATUSES,
                 stacklevel: int = 3) -> None:
    """A :class:`SkippedSeriesWarning` when rows of the result ``out`` of ``what`` (a runner)
    hold no result; the rows themselves say which and why."""
    summary = skipped_summary(out, results=results)
    if summary is not None:
        warnings.warn(f"{what}: {summary}", SkippedSeriesWarning, stacklevel=stacklevel)


_INTS = {"year", "target_year", "as_of", "last_year", "first_year", "first_year_lo",
         "first_year_hi", "at_target_since", "last_year_at_target", "start", "ramp_years",
         "cutoff", "horizon", "n_train", "n_obs", "n_shares", "observed_year",
         "pace_first_year", "pace_first_year_lo", "pace_first_year_hi", "pace_at_target_since",
         "until", "n_series", "first_likely_year", "own_target_year", "vintage", "n_points",
         "baseline_year", "year_from", "year_to"}
_STRS = {*KEY, "model", "model_used", "status", "reason", "base", "scenario", "target_kind",
         "target_source", "n_total_projection", "weights", "weights_source", "levels",
         "pace_status", "first_year_status", "goal", "method", "likely_status", "view", "set",
         "years", "own_target_kind", "own_target_source", "own_target_scope", "own_target_status",
         "own_target_now_status", "basis",
         "entrants_projection", "note"}
_BOOLS = {"clipped", "inside_80", "met", "at_target", "comparable"}


def series_label(key: Sequence[Any]) -> str:
    """``"indicator/level/region/sex"`` for messages."""
    return "/".join(str(k) for k in key)


def typed(frame: pd.DataFrame) -> pd.DataFrame:
    """Give a result frame the library's dtypes by column name: nullable ints for years,
    text for keys, ``status`` and ``reason``, nullable floats for the numbers."""
    for c in frame.columns:
        if c in _INTS:
            frame[c] = pd.array(frame[c].astype("Float64"), dtype="Int64")
        elif c in _STRS:
            col = frame[c].astype(object)
            frame[c] = col.where(col.notna(), "").astype("str")
        elif c in _BOOLS:
            frame[c] = frame[c].astype("boolean")
        else:
            frame[c] = pd.to_numeric(frame[c]).astype("Float64")
    return frame


def progress_bar(iterable: Iterable[Any], *, total: int | None = None, desc: str = "",
                 progress: bool | None = None, min_items: int = 25) -> Iterable[Any]:
    """Wrap ``iterable`` in a tqdm bar when it helps.

    ``progress=None`` (default) shows the bar only when stderr is a terminal, the ``CI``
    environment variable is unset and there are at least ``min_items`` items: so notebooks'
    saved output and CI logs stay clean. ``True``/``False`` force it on/off.
    """
    if progress is None:
        n = total if total is not None else (len(iterable) if hasattr(iterable, "__len__") else 0)
        isatty = getattr(sys.stderr, "isatty", lambda: False)
        progress = bool(isatty()) and not os.environ.get("CI") and n >= min_items
    if not progress:
        return iterable
    from tqdm.auto import tqdm

    return tqdm(iterable, total=total, desc=desc, leave=False)


def skip_row(key: Sequence[str], model: str, status: str, reason: str,
             **extra: Any) -> dict[str, Any]:
    """A result row for a (series, model) pair that could not be computed."""
    return {**dict(zip(KEY, key, strict=True)), "model": model, "status": status,
            "reason": reason, **extra}


@dataclass
class SplitSeries:
    """The checked series of a frame: observations, rows and the series without data."""

    data: dict[tuple[str, ...], SeriesData]
    meta: dict[tuple[str, ...], pd.DataFrame]  # the series' rows (after the as_of cut)
    skipped: list[dict[str, Any]] = field(default_factory=list)  # skip_row records, model "*"


def _check_frame(series: pd.DataFrame) -> None:
    if not isinstance(series, pd.DataFrame):
        raise TpModelError(f"expected a series frame (pandas DataFrame); got {type(series).__name__}")
    missing = [c for c in [*KEY, "year", "share"] if c not in series.columns]
    if missing:
        raise TpModelError(
            f"series frame lacks column(s) {', '.join(missing)}; expected the load_series() "
            f"layout ({', '.join([*KEY, 'year', 'share'])}, optional n_tech, n_total)"
        )
    if series.empty:
        raise TpModelError("series frame is empty")
    for c in KEY:
        if series[c].isna().any():
            row = series.index[series[c].isna().to_numpy()][0]
            raise TpModelError(f"series frame row {row!r}: missing {c}; every row needs {KEY}")


def _columns(rows: pd.DataFrame, has_counts: bool) -> list[pd.Series]:
    cols = [rows["year"], rows["share"]]
    return cols + [rows["n_tech"], rows["n_total"]] if has_counts else cols


def split_series(series: pd.DataFrame, as_of: int | None = None) -> SplitSeries:
    """Check a series frame and split it into validated series.

    Every series is checked on all its rows (duplicate or unsorted years, shares outside
    [0, 1], bad counts raise :class:`TpModelError`). Then rows after ``as_of`` are dropped.
    Series without any share (after the cut) are listed in ``skipped`` (status ``no_data``);
    if *no* series is left, :class:`~tpforecast.errors.TpNoDataError` names them.
    """
    _check_frame(series)
    as_of = checked("as_of", as_of)
    has_counts = "n_tech" in series.columns and "n_total" in series.columns
    out = SplitSeries({}, {})
    for key, rows in series.groupby(KEY, sort=True, dropna=False):
        key = tuple(str(k) for k in key)
        label = series_label(key)
        if rows["year"].isna().any():
            raise TpModelError(f"series {label}: missing year in {int(rows['year'].isna().sum())} row(s)")
        try:  # full-series checks first (duplicates, order, range): always errors
            prepare_series(*_columns(rows, has_counts), key=label)
        except TpNoDataError:
            pass
        if as_of is not None:
            rows = rows.loc[(rows["year"] <= as_of).to_numpy()]
        if rows.empty or rows["share"].notna().sum() == 0:
            if as_of is not None and rows.empty:
                reason = f"as_of={as_of} is before the first observation"
            elif as_of is not None:
                reason = f"no share observed up to as_of={as_of}"
            else:
                reason = "all shares are missing"
            out.skipped.append(skip_row(key, "*", "no_data", f"series {label}: {reason}"))
            continue
        out.data[key] = prepare_series(*_columns(rows, has_counts), key=label, level=key[1],
                                       region=key[2])
        out.meta[key] = rows
    if not out.data:
        raise TpNoDataError("; ".join(s["reason"] for s in out.skipped) or "no series in the input")
    return out


def resolve_models(models: str | TrendModel | Sequence[str | TrendModel] | None,
                   *, one: bool = False) -> list[TrendModel]:
    """Model names (a string is one name, never split) as models; ``one=True`` allows one."""
    if models is None:
        models = [DEFAULT_MODEL]
    elif isinstance(models, str | TrendModel):
        models = [models]
    resolved = [get_model(m) for m in models]
    if not resolved:
        raise TpModelError("no models requested; expected at least one model name")
    names = [m.name for m in resolved]
    if len(set(names)) != len(names):
        raise TpModelError(f"model listed twice in {names}")
    if one and len(resolved) != 1:
        raise TpModelError(f"models must name one model here; got {names}")
    return resolved


def series_rng(seed: int, key: Sequence[Any], model: str) -> np.random.Generator:
    """The random generator of one (series, model) pair (stable across processes)."""
    return np.random.default_rng(stable_seed(seed, *key, model))


def fit_models(models: Sequence[TrendModel], key: tuple[str, ...],
               data: SeriesData) -> tuple[dict[str, FittedModel], list[dict[str, Any]]]:
    """Fit ``models`` to one series: the fitted models by name, and a skip row (status and
    reason) for each model that could not fit it."""
    fitted, skipped = {}, []
    for name, res in fit_all(models, data).items():
        if isinstance(res, FittedModel):
            fitted[name] = res
        else:
            skipped.append(skip_row(key, name, status_of(res), str(res)))
    return fitted, skipped


def share_counts(series: pd.DataFrame, *, as_of: int | None = None) -> pd.DataFrame:
    """Number of observed shares per series (up to ``as_of``): ``KEY, n_shares``, in the
    order the series first appear."""
    obs = series.loc[series["share"].notna().to_numpy()]
    if as_of is not None:
        obs = obs.loc[(obs["year"] <= as_of).to_numpy(dtype=bool, na_value=False)]
    counts = obs.groupby(KEY).size()
    keys = series[KEY].drop_duplicates().reset_index(drop=True)
    n = [int(counts.get(tuple(k), 0)) for k in keys.itertuples(index=False)]
    return keys.assign(n_shares=pd.array(n, dtype="Int64"))


def drop_short_series(series: pd.DataFrame, *, min_obs: int = 3,
                      as_of: int | None = None) -> pd.DataFrame:
    """Keep only series with at least ``min_obs`` observed shares (up to ``as_of``).

    Trend models need a few points; use this to choose the series a model can fit. The
    dropped series are :func:`share_counts` rows with ``n_shares < min_obs``.

    Parameters
    ----------
    series
        Series frame.
    min_obs
        Fewest observed shares (the default model needs 3).
    as_of
        Count only observations with ``year <= as_of`` (all rows of a kept series are kept).

    Returns
    -------
    pandas.DataFrame
        The rows of the kept series.
    """
    counts = share_counts(series, as_of=as_of)
    keep = counts.loc[(counts["n_shares"] >= min_obs).to_numpy(), KEY]
    return series.merge(keep, on=KEY, how="inner")
