"""What the models would have said, next to what happened (stage 3): the hindcast and the
one-step-ahead residual checks of a model."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from tpforecast.errors import TpModelError
from tpforecast.forecasting.backtesting import backtest
from tpforecast.forecasting.forecast import forecast
from tpforecast.forecasting.selection import selected
from tpforecast.forecasting.series import KEY, resolve_models
from tpforecast.models import DEFAULT_MODEL, available_models
from tpforecast.options import checked
from tpforecast.study import AS_OF, INTERVALS, N_PATHS, SEED, TARGET_YEAR

__all__ = ["hindcast", "hindcast_summary", "model_diagnostics", "one_step_errors"]


def hindcast(
    series: pd.DataFrame,
    *,
    as_of: int = AS_OF,
    years: Sequence[int] = (TARGET_YEAR - 1, TARGET_YEAR),
    models: str | Sequence[str] | None = None,
    region: str | Sequence[str] | None = "NL",
    levels: str | Sequence[str] | None = None,
    intervals: Sequence[int] = INTERVALS,
    seed: int = SEED,
    n_paths: int = N_PATHS,
) -> pd.DataFrame:
    """What each model would have said with data up to ``as_of``, next to what came after.

    Parameters
    ----------
    series
        Series frame.
    as_of
        Last year of data the models may use (2015 = school year 2015/16).
    years
        Years to report (the target year and the year before, by default).
    models
        Models (default all). The ``calibrated`` default uses the calibration built without
        the series' level family (as in :func:`~tpforecast.forecasting.backtest`).
    region, levels
        Keep only the series of these regions and levels (None: all); a name the frame does
        not hold is an error naming what exists
        (:func:`~tpforecast.forecasting.selection.selected`).
    intervals, seed, n_paths
        As in :func:`~tpforecast.forecasting.forecast`.

    Returns
    -------
    pandas.DataFrame
        The :func:`~tpforecast.forecasting.forecast` columns for ``years`` plus ``actual``
        (the share published later, NA when not observed), ``error_pp`` (actual - median,
        points), ``inside_80`` and ``as_of``; sorted by series, model and year. Pairs a model cannot fit
        with the data up to ``as_of`` are rows with their ``status`` (``year`` NA).
    """
    years = checked("years", years)
    sub = selected(series, region=region, levels=levels, what="hindcast")
    # a model learned from backtest errors leaves out the evaluated series' family (no leakage)
    objs = [m.for_evaluation() for m in
            resolve_models(available_models() if models is None else models)]
    fc = forecast(sub, models=objs, until=max(years), intervals=intervals, as_of=as_of,
                  seed=seed, n_paths=n_paths)
    fc = fc.loc[(fc["year"].isin(list(years)) | fc["year"].isna()).to_numpy()]
    obs = sub.loc[:, [*KEY, "year", "share"]].rename(columns={"share": "actual"})
    obs = obs.astype({c: "str" for c in KEY}).astype({"year": "Int64"})
    out = fc.merge(obs, on=[*KEY, "year"], how="left")
    out["actual"] = out["actual"].astype("Float64")
    out["error_pp"] = 100 * (out["actual"] - out["median"])
    if "lo_80" in out:
        out["inside_80"] = (out["lo_80"] <= out["actual"]) & (out["actual"] <= out["hi_80"])
    out["as_of"] = pd.array([as_of] * len(out), dtype="Int64")
    return out.sort_values([*KEY, "model", "year"], ignore_index=True, na_position="first")


def hindcast_summary(hindcast: pd.DataFrame) -> pd.DataFrame:
    """Per model and year: how far off the hindcast was, and how often the 80% interval held.

    Parameters
    ----------
    hindcast
        Output of :func:`hindcast` (rows without an observed value are ignored).

    Returns
    -------
    pandas.DataFrame
        ``model, year, n, mean_error_pp`` (observed minus forecast; negative: too optimistic),
        ``mean_abs_error_pp, inside_80`` (share of levels whose outcome fell in the 80%
        interval), sorted by year and mean absolute error.
    """
    columns = ["model", "year", "n", "mean_error_pp", "mean_abs_error_pp", "inside_80"]
    if "actual" not in hindcast.columns:  # only the rows of series nothing was forecast for
        return pd.DataFrame(columns=columns)
    h = hindcast.loc[hindcast["actual"].notna().to_numpy()].copy()
    h["_abs"] = h["error_pp"].astype(float).abs()
    h["_in"] = h["inside_80"].astype(bool).astype(float)
    g = h.groupby(["model", "year"])
    out = pd.DataFrame({"n": g.size(), "mean_error_pp": g["error_pp"].mean().astype(float),
                        "mean_abs_error_pp": g["_abs"].mean(), "inside_80": g["_in"].mean()})
    out = out.reset_index().sort_values(["year", "mean_abs_error_pp", "model"])
    return out.reset_index(drop=True)


def one_step_errors(series: pd.DataFrame, *, models: str = DEFAULT_MODEL,
                    min_train: int = 3) -> pd.DataFrame:
    """The one-step-ahead forecast errors of a model on every series.

    For every cutoff (expanding window, at least ``min_train`` observations) the model is
    fitted on the data up to the cutoff (:func:`~tpforecast.forecasting.backtest`) and the
    *next observed* year is forecast.

    Returns
    -------
    pandas.DataFrame
        The backtest rows of those forecasts plus ``error`` (actual - median), ``z`` (the
        error over the model's predictive spread) and ``in_80``, ``in_95``.
    """
    from scipy import stats

    (m,) = resolve_models(models, one=True)
    bt = backtest(series, models=[m.name], horizons=range(1, 31), min_train=min_train,
                  progress=False)
    bt = bt.loc[(bt["status"] == "ok").to_numpy()]
    if bt.empty:
        raise TpModelError(f"one_step_errors: no series has more than {min_train} "
                           "observations")
    first = bt.sort_values([*KEY, "cutoff", "year"]).groupby([*KEY, "cutoff"], sort=False).head(1)
    first = first.reset_index(drop=True)
    err = (first["actual"] - first["median"]).astype(float)
    spread = ((first["hi_80"] - first["lo_80"]).astype(float)
              / (2 * stats.norm.ppf(0.9))).clip(lower=1e-9)
    return first.assign(
        error=err, z=err / spread,
        in_80=(first["lo_80"] <= first["actual"]) & (first["actual"] <= first["hi_80"]),
        in_95=(first["lo_95"] <= first["actual"]) & (first["actual"] <= first["hi_95"]))


def _error_summary(g: pd.DataFrame) -> dict[str, Any]:
    e = g["error"].to_numpy(dtype=float)
    z = g["z"].to_numpy(dtype=float)
    acf1 = lb = math.nan
    if len(e) >= 4:
        d = e - e.mean()
        denom = float((d ** 2).sum())
        acf1 = float((d[1:] * d[:-1]).sum() / denom) if denom > 0 else math.nan
    if len(z) >= 5 and np.std(z) > 0:
        from statsmodels.stats.diagnostic import acorr_ljungbox

        lb = float(acorr_ljungbox(z, lags=[2])["lb_pvalue"].iloc[0])
    return {"n_errors": len(e), "mean_error_pp": 100 * float(e.mean()),
            "mae_pp": 100 * float(np.abs(e).mean()), "acf1": acf1, "ljung_box_p": lb,
            "coverage_80": float(g["in_80"].astype(bool).mean()),
            "coverage_95": float(g["in_95"].astype(bool).mean())}


def model_diagnostics(series: pd.DataFrame, *, models: str = DEFAULT_MODEL,
                      min_train: int = 3, pooled: bool = True) -> pd.DataFrame:
    """Residual checks of a model: its one-step-ahead errors (:func:`one_step_errors`).

    For a well-specified model these errors average zero, are not autocorrelated and fall
    inside the 80% interval about 80% of the time. Series here are short (3-13 points), so the
    tests have little power; read them as warning lights, not proof.

    Parameters
    ----------
    series
        Series frame.
    models
        One model name.
    min_train
        Fewest observations before the first forecast.
    pooled
        Append a row ``level="all (pooled)"`` over all errors.

    Returns
    -------
    pandas.DataFrame
        Per series: ``indicator, level, region, sex, model, n_obs, n_errors, mean_error_pp``
        (actual minus forecast, points; positive: the model was too low), ``mae_pp``,
        ``acf1`` (lag-1 autocorrelation of the errors; NA below 4 errors), ``ljung_box_p``
        (Ljung-Box test of no autocorrelation up to lag 2 on the standardised errors; NA below
        5 errors), ``coverage_80, coverage_95``.
    """
    (m,) = resolve_models(models, one=True)
    first = one_step_errors(series, models=m.name, min_train=min_train)
    n_obs = series.loc[series["share"].notna().to_numpy()].groupby(KEY).size()
    rows = [{**dict(zip(KEY, key, strict=True)), "model": m.name,
             "n_obs": int(n_obs.get(key, 0)), **_error_summary(g)}
            for key, g in first.groupby(KEY, sort=False)]
    if pooled:
        rows.append({"indicator": "", "level": "all (pooled)", "region": "", "sex": "",
                     "model": m.name, "n_obs": int(sum(r["n_obs"] for r in rows)),
                     **_error_summary(first), "acf1": math.nan, "ljung_box_p": math.nan})
    return pd.DataFrame(rows)
