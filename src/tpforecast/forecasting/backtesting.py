"""Rolling-origin backtests, their scores, the hindcast, and the evidence for the default model.

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
from typing import Any

import numpy as np
import pandas as pd

from tpforecast.errors import TpModelError
from tpforecast.forecasting import (
    KEY,
    fit_models,
    progress_bar,
    resolve_models,
    series_rng,
    split_series,
    warn_skipped,
)
from tpforecast.models import (
    DEFAULT_MODEL,
    FittedModel,
    SeriesData,
    available_models,
    check_levels,
    prepare_series,
)

__all__ = ["backtest", "default_model_evidence", "hindcast", "score"]

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
    models: str | Sequence[str] | None = None,
    horizons: Sequence[int] = range(1, 7),
    min_train: int = 6,
    *,
    levels: Sequence[int] = (80, 95),
    seed: int = 0,
    n_paths: int = 2000,
    progress: bool | None = None,
) -> pd.DataFrame:
    """Rolling-origin (expanding window) forecasts of every series by every model.

    Parameters
    ----------
    series
        Series frame (``load_series()`` layout).
    models
        Model names; default all of :func:`~tpforecast.models.available_models`.
    horizons
        Forecast horizons in years after the cutoff.
    min_train
        Fewest observations in a training window (the first cutoff is the ``min_train``-th
        observed year). Models needing more are skipped for that window.
    levels
        Interval coverages in percent.
    seed, n_paths
        Simulation settings for models without closed-form intervals.
    progress
        Progress bar (default: only in an interactive terminal outside CI).

    Returns
    -------
    pandas.DataFrame
        ``indicator, level, region, sex, model, cutoff, year, horizon, actual, mean,
        lo_<l>, hi_<l>, n_train, scale`` (``scale`` = in-sample naive error used by MASE).
        ``attrs["skipped"]`` lists skipped (series, model) windows.
    """
    model_objs = resolve_models(list(models) if models is not None else available_models())
    levels = check_levels(levels)
    hs = sorted({int(h) for h in horizons})
    if not hs or hs[0] < 1:
        raise TpModelError(f"horizons must be positive integers; got {list(horizons)}")
    if not isinstance(min_train, int) or min_train < 2:
        raise TpModelError(f"min_train must be an integer >= 2; got {min_train!r}")
    split = split_series(series)
    skipped: list[dict[str, Any]] = list(split.skipped)
    notes: list[dict[str, Any]] = []
    parts: list[pd.DataFrame] = []
    for key, data in progress_bar(split.data.items(), total=len(split.data), desc="backtest",
                                  progress=progress):
        for k in range(min_train, data.n):
            cutoff = int(data.years[k - 1])
            later = data.years[k:]
            test = (later - cutoff >= hs[0]) & (later - cutoff <= hs[-1])
            test &= np.isin(later - cutoff, hs)
            if not test.any():
                continue
            train = _train(data, k)
            assert int(train.years.max()) <= cutoff
            window_skipped: list[dict[str, Any]] = []
            fits = fit_models(model_objs, key, train, window_skipped, notes)
            for s in window_skipped:
                s["cutoff"] = cutoff
            skipped.extend(window_skipped)
            years = later[test]
            actual = data.shares[k:][test]
            scale = _naive_scale(train)
            for m in model_objs:
                fitted = fits.get(m.name)
                if fitted is None:
                    continue
                _assert_no_lookahead(fitted, cutoff)
                pred = fitted.predict(years, levels, n_paths=n_paths,
                                      rng=series_rng(seed, (*key, cutoff), m.name))
                pred.insert(0, "model", m.name)
                pred.insert(1, "cutoff", cutoff)
                pred.insert(3, "horizon", years - cutoff)
                pred.insert(4, "actual", actual)
                pred["n_train"] = k
                pred["scale"] = scale
                for col, val in zip(KEY, key, strict=True):
                    pred[col] = val
                parts.append(pred)
    cols = [*KEY, "model", "cutoff", "year", "horizon", "actual", "mean"]
    cols += [f"{s}_{lv}" for lv in levels for s in ("lo", "hi")] + ["n_train", "scale"]
    if not parts:
        out = pd.DataFrame({c: [] for c in cols})
    else:
        out = pd.concat(parts, ignore_index=True)[cols]
    out = out.astype({c: "str" for c in [*KEY, "model"]}).astype(
        {"cutoff": "Int64", "year": "Int64", "horizon": "Int64", "n_train": "Int64"})
    out = out.sort_values([*KEY, "model", "cutoff", "year"], ignore_index=True)
    out.attrs["skipped"] = [s for s in skipped if s["model"] == "*"]
    out.attrs["skipped_windows"] = [s for s in skipped if s["model"] != "*"]
    out.attrs["fit_notes"] = notes
    warn_skipped(out.attrs["skipped"], "backtest")
    return out


def _interval_levels(bt: pd.DataFrame) -> list[int]:
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
    need = ["model", "actual", "mean", "scale", *KEY, "cutoff", "year"]
    missing = [c for c in need if c not in backtest.columns]
    if missing:
        raise TpModelError(f"not a backtest frame: missing column(s) {', '.join(missing)}")
    by = list(by)
    bt = backtest.copy()
    err = (bt["actual"] - bt["mean"]).abs().astype(float)
    bt["_ae"] = err
    bt["_se"] = err / bt["scale"].astype(float)
    naive = bt.loc[bt["model"] == "naive", [*KEY, "cutoff", "year", "_ae"]]
    bt = bt.merge(naive.rename(columns={"_ae": "_ae_naive"}), on=[*KEY, "cutoff", "year"],
                  how="left")
    lv = _interval_levels(bt)
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


def default_model_evidence(
    series: pd.DataFrame | None = None,
    models: Sequence[str] | None = None,
    horizons: Sequence[int] = (3, 4, 5),
    *,
    region: str = "NL",
    min_train: int = 6,
    backtest_frame: pd.DataFrame | None = None,
    progress: bool | None = None,
) -> pd.DataFrame:
    """The numbers behind :data:`~tpforecast.models.DEFAULT_MODEL`.

    Backtests all models on every series of ``region`` (default national) and pools the
    horizons in ``horizons``. The bar for a default: a lower MASE than ``naive`` and 80%
    interval coverage between 0.70 and 0.90.

    Parameters
    ----------
    series
        Series frame; default ``tpforecast.load_series()``.
    models
        Models to compare (default all; ``naive`` is always included).
    horizons
        Horizons to pool.
    region
        Region whose series are used.
    min_train
        As in :func:`backtest`.
    backtest_frame
        Reuse an existing backtest instead of running one.
    progress
        Progress bar.

    Returns
    -------
    pandas.DataFrame
        One row per model: ``n, n_series, mae_pp, mase, mase_naive, rel_mae, coverage_80,
        coverage_95, winkler_80, winkler_95, beats_naive, coverage_ok, meets_bar,
        is_default``, sorted by ``mase``.
    """
    if backtest_frame is None:
        if series is None:
            from tpforecast.data.loaders import load_series

            series = load_series()
        sub = series.loc[(series["region"] == region).to_numpy(dtype=bool, na_value=False)]
        names = list(models) if models is not None else available_models()
        if "naive" not in names:
            names = ["naive", *names]
        backtest_frame = backtest(sub, names, horizons=horizons, min_train=min_train,
                                  progress=progress)
    bt = backtest_frame.loc[backtest_frame["horizon"].isin(list(horizons)).to_numpy()]
    bt = bt.loc[(bt["region"] == region).to_numpy()]
    if bt.empty:
        raise TpModelError(f"no backtest forecasts for region {region} at horizons "
                           f"{list(horizons)}; series too short for min_train={min_train}?")
    sc = score(bt, by=("model",))
    nser = bt.groupby("model")[KEY].apply(lambda d: len(d.drop_duplicates()))
    sc["n_series"] = sc["model"].map(nser).astype("Int64")
    naive_mase = float(sc.loc[sc["model"] == "naive", "mase"].iloc[0]) \
        if (sc["model"] == "naive").any() else np.nan
    sc["mase_naive"] = naive_mase
    sc["beats_naive"] = sc["mase"] < naive_mase
    if "coverage_80" in sc:
        sc["coverage_ok"] = sc["coverage_80"].between(0.70, 0.90)
    else:
        sc["coverage_ok"] = False
    sc["meets_bar"] = sc["beats_naive"] & sc["coverage_ok"]
    sc["is_default"] = sc["model"] == DEFAULT_MODEL
    first = ["model", "n", "n_series", "mae_pp", "mase", "mase_naive", "rel_mae"]
    sc = sc[first + [c for c in sc.columns if c not in first]]
    return sc.sort_values("mase", ignore_index=True)


def hindcast(
    series: pd.DataFrame,
    as_of: int = 2015,
    years: Sequence[int] = (2019, 2020),
    models: Sequence[str] | None = None,
    *,
    region: str = "NL",
    levels: Sequence[int] = (80, 95),
    seed: int = 0,
) -> pd.DataFrame:
    """What each model would have said with data up to ``as_of``, next to what came after.

    Parameters
    ----------
    series
        Series frame.
    as_of
        Last year of data the models may use (2015 = school year 2015/16).
    years
        Years to report (2019/20 and 2020/21 by default).
    models
        Models (default all).
    region
        Region of the series to use (default national).
    levels, seed
        As in :func:`~tpforecast.forecasting.forecast`.

    Returns
    -------
    pandas.DataFrame
        The forecast columns for ``years`` plus ``actual`` (the share published later, NA
        when not observed), ``error_pp`` (actual - mean, points) and ``inside_80``.
    """
    from tpforecast.forecasting import forecast

    sub = series.loc[(series["region"] == region).to_numpy(dtype=bool, na_value=False)]
    names = list(models) if models is not None else available_models()
    fc = forecast(sub, names, until=max(years), levels=levels, seed=seed, as_of=as_of)
    fc = fc.loc[fc["year"].isin(list(years)).to_numpy()]
    obs = sub.loc[:, [*KEY, "year", "share"]].rename(columns={"share": "actual"})
    obs = obs.astype({c: "str" for c in KEY}).astype({"year": "Int64"})
    out = fc.merge(obs, on=[*KEY, "year"], how="left")
    out["actual"] = out["actual"].astype("Float64")
    out["error_pp"] = 100 * (out["actual"] - out["mean"])
    lo, hi = ("lo_80", "hi_80") if "lo_80" in out else (None, None)
    if lo:
        out["inside_80"] = (out[lo] <= out["actual"]) & (out["actual"] <= out[hi])
    out.attrs.update(fc.attrs)
    return out
