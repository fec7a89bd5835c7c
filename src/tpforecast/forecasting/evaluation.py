"""The two-set evaluation of the models (stage 3): is the default honest where it is used?

The default is used on two kinds of series (:func:`~tpforecast.forecasting.calibration.
calibration_sets`): the national monitor series (6-13 points, levelled off after 2015) and
the regional DUO series of every province and landsdeel (5-10 points, some trending). Each
set is backtested on its own (:func:`~tpforecast.forecasting.backtest`: rolling origins,
expanding window, ``min_train`` 4, horizons 1-5; the ``calibrated`` default with the
calibration built without the evaluated level family), and a third row group scores the
*trending* regional windows, defined up front from the training data only:

trending window
    The OLS slope of the logit share on the year in the training window has
    ``|t| >= t(0.95, k - 2)`` (two-sided p < 0.10), ``k`` the window's observations.

The goals of issue 11 (:data:`GOALS`, checked by :func:`evaluation_goals`): 80% intervals
cover 75-85% of held-out points at every horizon on each set; MAE no worse than naive on
either set; MAE at least 10% below naive on the trending windows.

The evaluation of every model on the bundled data takes seconds (about a thousand
state-space fits), so ``tpforecast calibrate`` also stores it in ``data/evaluation.csv``
(:func:`write_evaluation`) with a fingerprint of its inputs: the two sets, the shipped
calibration, the models, the seed and the number of paths (:func:`evaluation_fingerprint`).
:func:`stored_evaluation` returns the stored rows only when the fingerprint of the inputs at
hand is the same, and otherwise computes them; a test recomputes the stored file.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from tpforecast.forecasting.backtesting import backtest
from tpforecast.forecasting.calibration import MIN_TRAIN, calibration_sets
from tpforecast.forecasting.series import KEY
from tpforecast.models import DEFAULT_MODEL, available_models
from tpforecast.models.calibration import CALIBRATION_FILE, SCORES_FILE
from tpforecast.options import check_options
from tpforecast.paths import data_dir
from tpforecast.study import INTERVALS, N_PATHS, SEED

__all__ = ["COVERAGE_BAND", "EVALUATION_FILE", "EVALUATION_SETS", "GOALS", "TREND_GAIN",
           "evaluation_fingerprint", "evaluation_goals", "family_coverage", "stored_evaluation",
           "trend_t", "two_set_evaluation", "write_evaluation"]

#: The row groups of the evaluation, in order.
EVALUATION_SETS: tuple[str, ...] = ("national", "regional", "trending")
#: Goal: share of held-out points inside the 80% interval, at every horizon.
COVERAGE_BAND: tuple[float, float] = (0.75, 0.85)
#: Goal: MAE relative to naive on the trending windows.
TREND_GAIN = 0.90
#: The goals, for people.
GOALS: dict[str, str] = {
    "coverage": "80% intervals cover 75-85% of held-out points at every horizon 1-5",
    "accuracy": "MAE no worse than naive (ratio <= 1.00) at every horizon",
    "trend": "MAE at least 10% below naive on the trending regional windows (ratio <= 0.90)",
}
HORIZONS = range(1, 6)
#: The stored evaluation of every model on the bundled data (:func:`write_evaluation`).
EVALUATION_FILE = "evaluation.csv"


def trend_t(years: np.ndarray, shares: np.ndarray) -> float:
    """OLS t-statistic of the slope of the logit share on the year (0 below 3 points)."""
    p = np.clip(np.asarray(shares, dtype=float), 1e-4, 1 - 1e-4)
    x = np.log(p / (1 - p))
    t = np.asarray(years, dtype=float) - float(np.mean(years))
    if x.size < 3 or float(t @ t) == 0:
        return 0.0
    b = float(t @ (x - x.mean())) / float(t @ t)
    r = x - x.mean() - b * t
    se = np.sqrt(float(r @ r) / (x.size - 2) / float(t @ t))
    if se > 0:
        return b / se
    return 0.0 if b == 0 else float(np.sign(b) * np.inf)  # an exact line


def _trending(bt: pd.DataFrame, sets: pd.DataFrame) -> pd.Series:
    """Per backtest row: is its training window trending (definition in the module doc)?"""
    obs = sets.loc[sets["share"].notna().to_numpy()].sort_values([*KEY, "year"])
    flags = {}
    for key, g in obs.groupby(KEY, sort=False):
        years, shares = g["year"].to_numpy(dtype=float), g["share"].to_numpy(dtype=float)
        for k in range(MIN_TRAIN, len(years)):
            t = trend_t(years[:k], shares[:k])
            flags[(*key, int(years[k - 1]))] = abs(t) >= stats.t.ppf(0.95, k - 2)
    keys = zip(*(bt[c] for c in KEY), bt["cutoff"].astype(int), strict=True)
    return pd.Series([bool(flags.get((*k[:4], k[4]), False)) for k in keys], index=bt.index)


def _scores(bt: pd.DataFrame, levels: Sequence[int]) -> pd.DataFrame:
    """Per model and horizon (and pooled, horizon NA): n, MAE, ratio to naive on the same
    rows, coverage, interval score and mean width, in points."""
    d = bt.copy()
    d["_ae"] = 100 * (d["actual"] - d["median"]).abs().astype(float)
    naive = d.loc[d["model"] == "naive", [*KEY, "cutoff", "year", "_ae"]]
    d = d.merge(naive.rename(columns={"_ae": "_ae_naive"}), on=[*KEY, "cutoff", "year"],
                how="left")
    y = d["actual"].astype(float)
    for lv in levels:
        lo, hi, a = d[f"lo_{lv}"].astype(float), d[f"hi_{lv}"].astype(float), 1 - lv / 100
        d[f"coverage_{lv}"] = ((lo <= y) & (y <= hi)).astype(float)
        d[f"interval_score_{lv}"] = 100 * ((hi - lo) + 2 / a * (lo - y).clip(lower=0)
                                           + 2 / a * (y - hi).clip(lower=0))
    d["width_80"] = 100 * (d["hi_80"] - d["lo_80"]).astype(float)
    cols = [f"coverage_{lv}" for lv in levels] + [f"interval_score_{lv}" for lv in levels]
    parts = []
    for pooled in (False, True):
        by = ["model"] if pooled else ["model", "horizon"]
        g = d.groupby(by, sort=True)
        out = pd.DataFrame({"n": g.size(), "mae_pp": g["_ae"].mean(),
                            "rel_mae": g["_ae"].sum() / g["_ae_naive"].sum(),
                            **{c: g[c].mean() for c in cols}, "width_80": g["width_80"].mean()})
        out = out.reset_index()
        parts.append(out.assign(horizon=pd.NA) if pooled else out)
    return pd.concat(parts, ignore_index=True)


def two_set_evaluation(
    series: pd.DataFrame | None = None,
    *,
    models: str | Sequence[str] | None = None,
    intervals: Sequence[int] = INTERVALS,
    seed: int = SEED,
    n_paths: int = N_PATHS,
    progress: bool | None = None,
) -> pd.DataFrame:
    """Backtest the models on the national and the regional set, side by side.

    Parameters
    ----------
    series
        Series frame; default :func:`~tpforecast.data.loaders.load_series`. The sets are
        chosen from it by :func:`~tpforecast.forecasting.calibration.calibration_sets`.
    models
        Models to compare (default all; ``naive`` is always added: the ratios need it).
    intervals
        Interval coverages; 80 is required (the goals and the width).
    seed, n_paths
        Simulation settings of models without closed-form intervals.
    progress
        Progress bar (default: only in an interactive terminal outside CI).

    Returns
    -------
    pandas.DataFrame
        One row per set (``national``, ``regional``, ``trending``: the regional windows with a
        trend, see the module docstring), model and horizon 1-5, plus a pooled row per set and
        model (``horizon`` NA): ``set, model, horizon, n, n_series, mae_pp, rel_mae``
        (MAE over naive's on the same rows), ``coverage_<l>``, ``interval_score_<l>``
        (Winkler, points, lower is better), ``width_80`` (mean width of the 80% interval,
        points).
    """
    from tpforecast.data.loaders import load_series

    intervals, seed, n_paths = check_options(intervals=intervals, seed=seed, n_paths=n_paths)
    levels = sorted(set(intervals) | {80})
    names = available_models() if models is None else (
        [models] if isinstance(models, str) else list(models))
    names = list(dict.fromkeys(["naive", *names]))
    sets = calibration_sets(load_series() if series is None else series)
    parts = []
    for kind in ("national", "regional"):
        one = sets.loc[(sets["kind"] == kind).to_numpy()].drop(columns="kind")
        bt = backtest(one, models=names, horizons=HORIZONS, min_train=MIN_TRAIN,
                      intervals=levels, seed=seed, n_paths=n_paths, progress=progress)
        bt = bt.loc[(bt["status"] == "ok").to_numpy()]
        groups = [(kind, bt)]
        if kind == "regional":
            groups.append(("trending", bt.loc[_trending(bt, one).to_numpy()]))
        for name, rows in groups:
            sc = _scores(rows, levels)
            n_series = rows.groupby("model")[KEY].apply(lambda d: len(d.drop_duplicates()))
            parts.append(sc.assign(set=name, n_series=sc["model"].map(n_series)))
    out = pd.concat(parts, ignore_index=True)
    order = {m: i for i, m in enumerate(names)}
    out = out.assign(_s=out["set"].map({s: i for i, s in enumerate(EVALUATION_SETS)}),
                     _m=out["model"].map(order), _h=out["horizon"].fillna(99))
    out = out.sort_values(["_s", "_m", "_h"]).drop(columns=["_s", "_m", "_h"])
    first = ["set", "model", "horizon", "n", "n_series", "mae_pp", "rel_mae"]
    out = out[first + [c for c in out.columns if c not in first]].reset_index(drop=True)
    out["horizon"] = pd.array(out["horizon"], dtype="Int64")
    out["n"] = out["n"].astype("Int64")
    out["n_series"] = out["n_series"].astype("Int64")
    return out


def evaluation_goals(evaluation: pd.DataFrame, *, models: str = DEFAULT_MODEL) -> pd.DataFrame:
    """Are the goals met by a model? One row per goal and set, with the numbers.

    Parameters
    ----------
    evaluation
        Output of :func:`two_set_evaluation`.
    models
        The model judged (default: the default model).

    Returns
    -------
    pandas.DataFrame
        ``goal, set, model, values`` (per horizon 1-5, or pooled for the trend goal),
        ``lowest, highest, met`` and ``goal_text``.
    """
    ev = evaluation.loc[(evaluation["model"] == models).to_numpy()]
    by_h = ev.loc[ev["horizon"].notna().to_numpy()]
    pooled = ev.loc[ev["horizon"].isna().to_numpy()].set_index("set")
    rows = []
    for s in ("national", "regional"):
        cov = by_h.loc[(by_h["set"] == s).to_numpy(), "coverage_80"].to_numpy(dtype=float)
        rel = by_h.loc[(by_h["set"] == s).to_numpy(), "rel_mae"].to_numpy(dtype=float)
        rows.append(("coverage", s, cov, bool(cov.size) and bool(
            ((cov >= COVERAGE_BAND[0]) & (cov <= COVERAGE_BAND[1])).all())))
        rows.append(("accuracy", s, rel, bool(rel.size) and bool((rel <= 1.0 + 1e-9).all())))
    if "trending" in pooled.index:
        rel = np.array([float(pooled.loc["trending", "rel_mae"])])
        rows.append(("trend", "trending", rel, bool(rel[0] <= TREND_GAIN)))
    return pd.DataFrame([{"goal": g, "set": s, "model": models,
                          "values": ", ".join(f"{v:.2f}" for v in vals),
                          "lowest": float(np.min(vals)) if vals.size else np.nan,
                          "highest": float(np.max(vals)) if vals.size else np.nan,
                          "met": met, "goal_text": GOALS[g]} for g, s, vals, met in rows])


def family_coverage(
    series: pd.DataFrame | None = None,
    *,
    models: str = DEFAULT_MODEL,
    seed: int = SEED,
    n_paths: int = N_PATHS,
) -> pd.DataFrame:
    """Coverage of a model's 80% intervals per set and level family, pooled over horizons
    1-5 (the same backtests as :func:`two_set_evaluation`): calibrated on average is not
    calibrated per level.

    Returns
    -------
    pandas.DataFrame
        ``set, family, model, n, n_series, coverage_80, coverage_95``.
    """
    from tpforecast.data.loaders import load_series
    from tpforecast.models.calibration import families_of

    seed, n_paths = check_options(seed=seed, n_paths=n_paths)
    sets = calibration_sets(load_series() if series is None else series)
    bt = backtest(sets.drop(columns="kind"), models=models, horizons=HORIZONS,
                  min_train=MIN_TRAIN, seed=seed, n_paths=n_paths, progress=False)
    bt = bt.loc[(bt["status"] == "ok").to_numpy()].copy()
    bt["set"] = np.where(bt["region"] == "NL", "national", "regional")
    bt["family"] = ["/".join(families_of(lv)) for lv in bt["level"]]
    y = bt["actual"].astype(float)
    bt["_in80"] = ((bt["lo_80"] <= y) & (y <= bt["hi_80"])).astype(float)
    bt["_in95"] = ((bt["lo_95"] <= y) & (y <= bt["hi_95"])).astype(float)
    g = bt.groupby(["set", "family", "model"], sort=True)
    out = pd.DataFrame({"n": g.size(), "n_series": g[KEY].apply(
        lambda d: len(d.drop_duplicates())), "coverage_80": g["_in80"].mean(),
        "coverage_95": g["_in95"].mean()}).reset_index()
    return out.astype({"n": "Int64", "n_series": "Int64"})


def evaluation_fingerprint(series: pd.DataFrame, *, seed: int = SEED,
                           n_paths: int = N_PATHS) -> str:
    """Fingerprint of what :func:`two_set_evaluation` of every model depends on.

    The rows of the two sets chosen from ``series``, the shipped calibration files (the
    default's evaluation rebuilds its table from their scores), the model names, ``seed`` and
    ``n_paths``: 16 hexadecimal digits of a SHA-256.
    """
    sets = calibration_sets(series).reset_index(drop=True)
    digest = hashlib.sha256(pd.util.hash_pandas_object(sets, index=False).to_numpy().tobytes())
    for name in (CALIBRATION_FILE, SCORES_FILE):
        path = data_dir() / name
        digest.update(path.read_bytes() if path.exists() else b"")
    digest.update(f"{','.join(available_models())}|{seed}|{n_paths}".encode())
    return digest.hexdigest()[:16]


def write_evaluation(series: pd.DataFrame | None = None, *, folder: str | Path | None = None,
                     seed: int = SEED, n_paths: int = N_PATHS) -> Path:
    """Evaluate every model on both sets and store it (``tpforecast calibrate``).

    Parameters
    ----------
    series
        Series frame; default :func:`~tpforecast.data.loaders.load_series`.
    folder
        Where to write ``evaluation.csv``; default the project's ``data/``.
    seed, n_paths
        Simulation settings (the study's by default).

    Returns
    -------
    pathlib.Path
        The file written: the rows of :func:`two_set_evaluation` and a ``fingerprint``
        column (:func:`evaluation_fingerprint`).
    """
    from tpforecast.data.loaders import load_series

    series = load_series() if series is None else series
    out = two_set_evaluation(series, seed=seed, n_paths=n_paths, progress=False)
    out["fingerprint"] = evaluation_fingerprint(series, seed=seed, n_paths=n_paths)
    path = (data_dir() if folder is None else Path(folder)) / EVALUATION_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    out.to_csv(path, index=False, lineterminator="\n", float_format="%.10g")
    return path


def stored_evaluation(series: pd.DataFrame | None = None, *, seed: int = SEED,
                      n_paths: int = N_PATHS, progress: bool | None = None) -> pd.DataFrame:
    """:func:`two_set_evaluation` of every model, read from ``data/evaluation.csv`` when that
    file was built from the same inputs (:func:`evaluation_fingerprint`), else computed.

    Parameters
    ----------
    series
        Series frame; default :func:`~tpforecast.data.loaders.load_series`.
    seed, n_paths
        Simulation settings.
    progress
        Progress bar while computing.

    Returns
    -------
    pandas.DataFrame
        As :func:`two_set_evaluation` (every model), without the fingerprint.
    """
    from tpforecast.data.loaders import load_series

    series = load_series() if series is None else series
    path = data_dir() / EVALUATION_FILE
    if path.exists():
        stored = pd.read_csv(path, dtype={"fingerprint": str})
        if (stored["fingerprint"] == evaluation_fingerprint(
                series, seed=seed, n_paths=n_paths)).all():
            out = stored.drop(columns="fingerprint")
            for col in ("horizon", "n", "n_series"):
                out[col] = out[col].astype("Int64")
            return out
    return two_set_evaluation(series, seed=seed, n_paths=n_paths, progress=progress)
