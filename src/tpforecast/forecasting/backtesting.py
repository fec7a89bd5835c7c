"""Rolling-origin backtests and their scores (stage 3); the two-set evaluation of the default
is :mod:`~tpforecast.forecasting.evaluation`.

``backtest`` refits every model on an expanding window: for each series and each *cutoff*
(an observed year with at least ``min_train`` observations up to and including it) the model
sees only the observations with ``year <= cutoff`` and forecasts the later observed years
``cutoff + h`` for ``h`` in ``horizons`` (calendar years, so a gap year simply has no row).
The training data are sliced before fitting (structural guarantee) and every fitted model is
checked afterwards: a model whose data reach beyond its cutoff raises ``RuntimeError``.

``score`` summarises per model and horizon:

- ``mae_pp``: mean absolute error of the point forecast, in percentage points;
- ``mase``: mean of ``|error| / scale`` where ``scale`` is the in-sample naive error of the
  training window (mean of ``|share_t - share_prev| / sqrt(gap)`` over consecutive
  observations, i.e. the one-year random-walk step, floored at half a point so that
  flat-in-print series do not explode). Naive itself therefore has a MASE above 1 at long
  horizons; "beats naive" means a lower MASE than the ``naive`` model on the same rows;
- ``rel_mae``: MAE relative to the ``naive`` model on exactly the same (series, cutoff, year)
  rows (when ``naive`` is in the backtest);
- ``coverage_<l>``: share of held-out values inside the ``l``% interval;
- ``winkler_<l>``: mean interval (Winkler) score in points,
  ``(hi - lo) + 2/a * (lo - y)+ + 2/a * (y - hi)+`` with ``a = 1 - l/100`` (lower is better);
- ``n``: number of forecasts scored.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from tpforecast.errors import TpModelError
from tpforecast.forecasting.selection import selected
from tpforecast.forecasting.series import (
    KEY,
    SplitSeries,
    fit_models,
    progress_bar,
    resolve_models,
    series_label,
    series_rng,
    skip_row,
    split_series,
    typed,
    warn_skipped,
)
from tpforecast.models import (
    FittedModel,
    SeriesData,
    available_models,
    interval_probs,
    prepare_series,
)
from tpforecast.options import check_options
from tpforecast.study import INTERVALS, N_PATHS, SEED

__all__ = ["backtest", "score"]

_SCALE_FLOOR = 0.005


def _naive_scale(data: SeriesData) -> float:
    d = np.abs(np.diff(data.shares)) / np.sqrt(np.diff(data.years))
    return max(float(d.mean()) if d.size else 0.0, _SCALE_FLOOR)


def _train(data: SeriesData, k: int) -> SeriesData:
    """The first ``k`` observations as a fresh, re-validated series (nothing later)."""
    return prepare_series(
        data.years[:k],
        data.shares[:k],
        None if data.n_tech is None else data.n_tech[:k],
        None if data.n_total is None else data.n_total[:k],
        key=data.key,
        level=data.level,
        region=data.region,
    )


def _assert_no_lookahead(fitted: FittedModel, cutoff: int) -> None:
    models = [fitted, *getattr(fitted, "members", [])]
    for m in models:
        if int(np.max(m.years)) > cutoff or m.last_year > cutoff:
            raise RuntimeError(
                f"look-ahead in backtest: model {m.model} on {m.key} saw year "
                f"{int(np.max(m.years))} with cutoff {cutoff}"
            )


def backtest(
    series: pd.DataFrame,
    *,
    models: str | Sequence[str] | None = None,
    horizons: Sequence[int] = range(1, 7),
    min_train: int = 6,
    intervals: Sequence[int] = INTERVALS,
    seed: int = SEED,
    n_paths: int = N_PATHS,
    region: str | Sequence[str] | None = None,
    levels: str | Sequence[str] | None = None,
    progress: bool | None = None,
) -> pd.DataFrame:
    """Rolling-origin (expanding window) forecasts of every series by every model.

    Parameters
    ----------
    series
        Series frame (``load_series()`` layout).
    models
        Model names; default all of :func:`~tpforecast.models.available_models`. The
        ``calibrated`` default is backtested with the calibration built without the evaluated
        series' level family (``data/mappings/level_families.csv``), never on its own errors.
    horizons
        Forecast horizons in years after the cutoff.
    min_train
        Fewest observations in a training window (the first cutoff is the ``min_train``-th
        observed year). Models needing more are skipped for that window.
    intervals
        Interval coverages in percent.
    seed, n_paths
        Simulation settings for models without closed-form intervals.
    region, levels
        Keep only the series of these regions and levels (one name or several; None: all);
        a name the frame does not hold is an error naming what exists
        (:func:`~tpforecast.forecasting.selection.selected`).
    progress
        Progress bar (default: only in an interactive terminal outside CI).

    Returns
    -------
    pandas.DataFrame
        ``indicator, level, region, sex, model, model_used, cutoff, year, horizon, actual,
        median, lo_<l>, hi_<l>, n_train, scale`` (``scale`` = in-sample naive error used by
        MASE), ``status``, ``reason``. A (series, model, cutoff) window the model cannot fit
        is one row with ``year`` NA and its ``status``; a series without data one row with
        ``model`` and ``cutoff`` NA.
    """
    series = selected(series, region=region, levels=levels, what="backtest")
    # models learned from backtest errors leave out the evaluated series' family (no leakage)
    model_objs = [m.for_evaluation() for m in
                  resolve_models(available_models() if models is None else models)]
    intervals, horizons, min_train, seed, n_paths = check_options(
        intervals=intervals, horizons=horizons, min_train=min_train, seed=seed, n_paths=n_paths)
    probs, qcols = interval_probs(intervals)
    hs = sorted(horizons)
    split = split_series(series)
    skipped: list[dict] = list(split.skipped)
    blocks: list[dict[str, np.ndarray]] = []
    for key, data in progress_bar(split.data.items(), total=len(split.data), desc="backtest",
                                  progress=progress):
        windows = [k for k in range(min_train, data.n)
                   if np.isin(data.years[k:] - data.years[k - 1], hs).any()]
        for k in windows:
            test = np.isin(data.years[k:] - data.years[k - 1], hs)
            skipped += _window(blocks, model_objs, key, data, k, test, probs, qcols, seed,
                               n_paths)
        if not windows:
            skipped += [_no_window(key, m.name, data, min_train, hs) for m in model_objs]
    cols = [*KEY, "model", "model_used", "cutoff", "year", "horizon", "actual", *qcols,
            "n_train", "scale", "status", "reason"]
    forecasts = pd.DataFrame({c: np.concatenate([b[c] for b in blocks]) for c in cols}) \
        if blocks else pd.DataFrame(columns=cols)
    out = typed(pd.concat([forecasts, pd.DataFrame(skipped)], ignore_index=True).reindex(
        columns=cols))
    if not (out["status"] == "ok").any():
        raise _nothing_to_test(split, min_train, hs)
    # a model skipped in an early, short window is normal; warn about the pairs never tested
    ok = out["status"] == "ok"
    tested = out.loc[ok, [*KEY, "model"]].drop_duplicates()
    never = out.loc[~ok].merge(tested, on=[*KEY, "model"], how="left", indicator=True)
    warn_skipped("backtest", pd.concat([out.loc[ok].drop_duplicates(KEY),
                                        never.loc[never["_merge"] == "left_only"]]))
    return out.sort_values([*KEY, "model", "cutoff", "year"], ignore_index=True,
                           na_position="first")


def _no_window(key: tuple[str, ...], model: str, data: SeriesData, min_train: int,
               horizons: list[int]) -> dict:
    """The row of a series without any backtest window: too short, or no later observation
    at one of the horizons."""
    if data.n <= min_train:
        return skip_row(key, model, "too_short", f"{data.n} observations; a backtest window "
                        f"needs more than min_train={min_train}", n_train=data.n)
    return skip_row(key, model, "no_years", f"no observation {', '.join(map(str, horizons))} "
                    f"year(s) after a cutoff with at least min_train={min_train} observations",
                    n_train=data.n)


def _nothing_to_test(split: SplitSeries, min_train: int, horizons: list[int]) -> TpModelError:
    """The error of a backtest without any forecast: names the longest series."""
    if not split.data:
        return TpModelError("backtest: no series with observations")
    key, data = max(split.data.items(), key=lambda kv: kv[1].n)
    return TpModelError(
        f"backtest: no forecast to test with min_train={min_train} and horizons "
        f"{', '.join(map(str, horizons))}: the longest series, {series_label(key)}, has "
        f"{data.n} observations ({int(data.years[0])}-{data.last_year}); use a min_train "
        f"below {data.n} (and horizons the data reach)")


def _window(blocks: list[dict[str, np.ndarray]], model_objs: list, key: tuple[str, ...],
            data: SeriesData, k: int, test: np.ndarray, probs: list[float], qcols: list[str],
            seed: int, n_paths: int) -> list[dict]:
    """Forecasts of one training window (the first ``k`` observations) by every model,
    appended to ``blocks`` as columns; returns the skip rows of models that cannot fit it."""
    cutoff = int(data.years[k - 1])
    train = _train(data, k)
    fits, skipped = fit_models(model_objs, key, train)
    years = data.years[k:][test]
    n = years.size
    scale = _naive_scale(train)
    for name, fitted in fits.items():
        _assert_no_lookahead(fitted, cutoff)
        q = fitted.quantiles(years, probs, n_paths=n_paths,
                             rng=series_rng(seed, (*key, cutoff), name))
        blocks.append({
            **{c: np.full(n, v, dtype=object) for c, v in zip(KEY, key, strict=True)},
            "model": np.full(n, name, dtype=object),
            "model_used": np.full(n, fitted.model_used, dtype=object),
            "cutoff": np.full(n, cutoff), "year": years, "horizon": years - cutoff,
            "actual": data.shares[k:][test], **dict(zip(qcols, q, strict=True)),
            "n_train": np.full(n, k), "scale": np.full(n, scale),
            "status": np.full(n, "ok", dtype=object), "reason": np.full(n, "", dtype=object)})
    return [{**s, "cutoff": cutoff} for s in skipped]


def _intervals(bt: pd.DataFrame) -> list[int]:
    return sorted(int(c[3:]) for c in bt.columns if c.startswith("lo_") and f"hi_{c[3:]}" in bt)


def score(backtest: pd.DataFrame, by: Sequence[str] = ("model", "horizon")) -> pd.DataFrame:
    """Accuracy and calibration of a backtest, per model and horizon.

    Parameters
    ----------
    backtest
        Output of :func:`backtest`.
    by
        Grouping columns (default per model and horizon; e.g. ``("model",)`` to pool).

    Returns
    -------
    pandas.DataFrame
        ``by`` columns, then ``n, mae_pp, mase, rel_mae, coverage_<l>, winkler_<l>`` (see the
        module docstring for definitions). ``rel_mae`` is NA without a ``naive`` model.
    """
    need = ["model", "actual", "median", "scale", *KEY, "cutoff", "year"]
    missing = [c for c in need if c not in backtest.columns]
    if missing:
        raise TpModelError(f"not a backtest frame: missing column(s) {', '.join(missing)}")
    by = list(by)
    bt = backtest.loc[backtest["year"].notna().to_numpy()].copy()  # skipped windows: no score
    err = (bt["actual"] - bt["median"]).abs().astype(float)
    bt["_ae"] = err
    bt["_se"] = err / bt["scale"].astype(float)
    naive = bt.loc[bt["model"] == "naive", [*KEY, "cutoff", "year", "_ae"]]
    bt = bt.merge(naive.rename(columns={"_ae": "_ae_naive"}), on=[*KEY, "cutoff", "year"],
                  how="left")
    lv = _intervals(bt)
    for level in lv:
        lo, hi = bt[f"lo_{level}"].astype(float), bt[f"hi_{level}"].astype(float)
        y = bt["actual"].astype(float)
        a = 1 - level / 100
        bt[f"_cov{level}"] = ((lo <= y) & (y <= hi)).astype(float)
        bt[f"_wk{level}"] = 100 * ((hi - lo) + 2 / a * (lo - y).clip(lower=0)
                                   + 2 / a * (y - hi).clip(lower=0))
    g = bt.groupby(by, sort=True)
    out = pd.DataFrame({
        "n": g.size(),
        "mae_pp": 100 * g["_ae"].mean(),
        "mase": g["_se"].mean(),
    })
    paired = bt.dropna(subset=["_ae_naive"]).groupby(by, sort=True)
    rel = paired["_ae"].mean() / paired["_ae_naive"].mean()
    out["rel_mae"] = rel.reindex(out.index)
    for level in lv:
        out[f"coverage_{level}"] = g[f"_cov{level}"].mean()
    for level in lv:
        out[f"winkler_{level}"] = g[f"_wk{level}"].mean()
    out = out.reset_index()
    out["n"] = out["n"].astype("Int64")
    return out
