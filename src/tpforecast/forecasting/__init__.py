"""Forecasts, reachability of targets, and the combined "4 in 10" share.

All three functions take a series frame (``load_series()`` layout, see ``docs/design.md``),
split it into series (``indicator, level, region, sex``), check each one, and fit the
requested models from :mod:`tpforecast.models` series by series. A series' forecast depends
only on its own rows: the random seed of a (series, model) pair is derived from the base
``seed``, the series key and the model name with a stable hash, so adding or removing other
series never changes it.

Series a model cannot handle (too short, no counts for ``glm_binomial``, a failed fit) are
skipped, not fatal: a warning says so and the skipped pairs are listed in
``result.attrs["skipped"]`` (records with the series key, ``model`` and ``reason``). Fit
problems (e.g. statsmodels convergence warnings) are in ``result.attrs["fit_notes"]``.
Genuinely bad input (duplicate or unsorted years, shares outside [0, 1], unknown model names,
a target outside (0, 1), ``as_of`` before every observation, a frame without any usable share)
raises :class:`~tpforecast.errors.TpModelError` naming the series and the problem.
"""

from __future__ import annotations

import math
import os
import sys
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats
from scipy.special import logit

from tpforecast.errors import TpModelError
from tpforecast.models import (
    DEFAULT_MODEL,
    FittedModel,
    SeriesData,
    TrendModel,
    check_levels,
    fit_all,
    get_model,
    prepare_series,
    stable_seed,
)

__all__ = [
    "KEY",
    "ForecastWarning",
    "fit_series",
    "forecast",
    "progress_bar",
    "reachability",
    "reachability_combined",
    "series_label",
    "split_series",
]

#: Columns that identify a series.
KEY: list[str] = ["indicator", "level", "region", "sex"]

#: Last year considered for first-passage ("when is the target first reached?").
HORIZON_END = 2040


class ForecastWarning(UserWarning):
    """Something was skipped or approximated; details are in the result's ``attrs``."""


def series_label(key: Sequence[Any]) -> str:
    """``"indicator/level/region/sex"`` for messages."""
    return "/".join(str(k) for k in key)


# --------------------------------------------------------------------------------------------
# progress bar


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


# --------------------------------------------------------------------------------------------
# splitting and checking the input


@dataclass
class SplitSeries:
    data: dict[tuple[str, ...], SeriesData]
    meta: dict[tuple[str, ...], pd.DataFrame]  # the series' rows (after the as_of cut)
    skipped: list[dict[str, Any]]


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


def _check_as_of(as_of: int | None) -> int | None:
    if as_of is None:
        return None
    if not isinstance(as_of, int | np.integer) or isinstance(as_of, bool):
        raise TpModelError(f"as_of must be a year (int) or None; got {as_of!r}")
    return int(as_of)


def split_series(series: pd.DataFrame, as_of: int | None = None) -> SplitSeries:
    """Check a series frame and split it into validated series.

    Every series is checked on all its rows (duplicate or unsorted years, shares outside
    [0, 1], bad counts raise :class:`TpModelError`). Then rows after ``as_of`` are dropped.
    Series without any share (after the cut) are listed in ``skipped``; if *no* series is
    left, the reason is raised as an error naming the series.

    Returns
    -------
    SplitSeries
        ``data``: key -> :class:`~tpforecast.models.SeriesData`; ``meta``: key -> rows;
        ``skipped``: records ``{indicator, level, region, sex, model, reason}``.
    """
    _check_frame(series)
    as_of = _check_as_of(as_of)
    has_counts = "n_tech" in series.columns and "n_total" in series.columns
    out: dict[tuple[str, ...], SeriesData] = {}
    meta: dict[tuple[str, ...], pd.DataFrame] = {}
    skipped: list[dict[str, Any]] = []
    errors: list[str] = []
    for key, rows in series.groupby(KEY, sort=True, dropna=False):
        key = tuple(str(k) for k in key)
        label = series_label(key)
        if rows["year"].isna().any():
            raise TpModelError(f"series {label}: missing year in {int(rows['year'].isna().sum())} row(s)")
        args = [rows["year"], rows["share"]]
        if has_counts:
            args += [rows["n_tech"], rows["n_total"]]
        # full-series checks first (duplicates, order, range) -- always errors
        try:
            prepare_series(*args, key=label)
        except TpModelError as exc:
            if "all shares are missing" not in str(exc):
                raise
        if as_of is not None:
            rows = rows.loc[(rows["year"] <= as_of).to_numpy()]
            args = [rows["year"], rows["share"]]
            if has_counts:
                args += [rows["n_tech"], rows["n_total"]]
        if rows.empty or rows["share"].notna().sum() == 0:
            if as_of is not None and rows.empty:
                reason = f"as_of={as_of} is before the first observation"
            elif as_of is not None:
                reason = f"no share observed up to as_of={as_of}"
            else:
                reason = "all shares are missing"
            errors.append(f"series {label}: {reason}")
            skipped.append({**dict(zip(KEY, key, strict=True)), "model": "*", "reason": reason})
            continue
        out[key] = prepare_series(*args, key=label)
        meta[key] = rows
    if not out:
        raise TpModelError("; ".join(errors) if errors else "no series in the input")
    return SplitSeries(out, meta, skipped)


def resolve_models(models: str | TrendModel | Sequence[str | TrendModel] | None) -> list[TrendModel]:
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
    return resolved


def series_rng(seed: int, key: Sequence[str], model: str) -> np.random.Generator:
    return np.random.default_rng(stable_seed(seed, *key, model))


def warn_skipped(skipped: list[dict[str, Any]], what: str) -> None:
    if not skipped:
        return
    shown = "; ".join(
        f"{series_label([s[k] for k in KEY])} [{s['model']}]: {s['reason']}" for s in skipped[:3]
    )
    more = f" (and {len(skipped) - 3} more)" if len(skipped) > 3 else ""
    warnings.warn(
        f"{what}: skipped {len(skipped)} series/model pair(s): {shown}{more}; "
        "see result.attrs['skipped']",
        ForecastWarning,
        stacklevel=3,
    )


def fit_models(models: Sequence[TrendModel], key: tuple[str, ...], data: SeriesData,
         skipped: list[dict[str, Any]], notes: list[dict[str, Any]]) -> dict[str, FittedModel]:
    """Fit ``models`` to one series; record skipped pairs and fit notes."""
    out = {}
    ident = dict(zip(KEY, key, strict=True))
    for name, res in fit_all(models, data).items():
        if isinstance(res, FittedModel):
            out[name] = res
            notes.extend({**ident, "model": name, "note": n} for n in res.notes)
        else:
            skipped.append({**ident, "model": name, "reason": str(res)})
    return out


def fit_series(
    series: pd.DataFrame,
    model: str | TrendModel | None = None,
    as_of: int | None = None,
) -> dict[tuple[str, ...], FittedModel]:
    """Fit one model to every series (for scenarios and custom analyses).

    Parameters
    ----------
    series
        Series frame.
    model
        Model name or instance; default :data:`~tpforecast.models.DEFAULT_MODEL`.
    as_of
        Use only observations with ``year <= as_of``.

    Returns
    -------
    dict
        ``(indicator, level, region, sex) -> FittedModel``; series the model cannot handle
        are left out with a :class:`ForecastWarning`.
    """
    (m,) = resolve_models(model)
    split = split_series(series, as_of)
    skipped, notes = list(split.skipped), []
    out = {}
    for key, data in split.data.items():
        fitted = fit_models([m], key, data, skipped, notes)
        if m.name in fitted:
            out[key] = fitted[m.name]
    warn_skipped(skipped, "fit_series")
    return out


# --------------------------------------------------------------------------------------------
# forecast


_FORECAST_DTYPES = {"indicator": "str", "level": "str", "region": "str", "sex": "str",
                    "model": "str", "year": "Int64"}


def forecast(
    series: pd.DataFrame,
    models: str | Sequence[str] | None = None,
    until: int = 2030,
    levels: Sequence[int] = (80, 95),
    seed: int = 0,
    *,
    as_of: int | None = None,
    n_paths: int = 4000,
    progress: bool | None = None,
) -> pd.DataFrame:
    """Forecast every series with every requested model up to ``until``.

    Parameters
    ----------
    series
        Series frame (``load_series()`` layout): ``indicator, level, region, sex, year,
        share`` and optionally ``n_tech, n_total`` (needed by ``glm_binomial``).
    models
        Model name(s) from :func:`~tpforecast.models.available_models`; default
        :data:`~tpforecast.models.DEFAULT_MODEL`.
    until
        Last forecast year (start year of the school year).
    levels
        Central interval coverages in percent.
    seed
        Base seed; each (series, model) gets its own stable seed derived from it.
    as_of
        Use only observations with ``year <= as_of``.
    n_paths
        Simulated paths for models without closed-form intervals (``ensemble``).
    progress
        Show a progress bar (default: only in an interactive terminal outside CI).

    Returns
    -------
    pandas.DataFrame
        ``indicator, level, region, sex, model, year, mean, lo_<l>, hi_<l>`` for the years
        after each series' last observation up to ``until``. ``mean`` is the point forecast
        (median of the predictive distribution); all values are fractions in [0, 1].
        ``attrs["skipped"]`` lists (series, model) pairs that were skipped and why,
        ``attrs["fit_notes"]`` fit problems.

    Raises
    ------
    TpModelError
        Bad input (see module docstring), or when nothing at all could be forecast.

    Examples
    --------
    >>> import tpforecast as tp
    >>> fc = tp.forecast(tp.load_series(), models=["drift", "ensemble"])  # doctest: +SKIP
    """
    model_objs = resolve_models(models)
    levels = check_levels(levels)
    if not isinstance(until, int | np.integer):
        raise TpModelError(f"until must be a year (int); got {until!r}")
    split = split_series(series, as_of)
    skipped: list[dict[str, Any]] = list(split.skipped)
    notes: list[dict[str, Any]] = []
    parts: list[pd.DataFrame] = []
    for key, data in progress_bar(split.data.items(), total=len(split.data), desc="forecast",
                                  progress=progress):
        years = np.arange(data.last_year + 1, int(until) + 1)
        if years.size == 0:
            for m in model_objs:
                skipped.append({**dict(zip(KEY, key, strict=True)), "model": m.name,
                                "reason": f"last observation {data.last_year} is not before "
                                          f"until={until}"})
            continue
        fits = fit_models(model_objs, key, data, skipped, notes)
        for m in model_objs:
            fitted = fits.get(m.name)
            if fitted is None:
                continue
            pred = fitted.predict(years, levels, n_paths=n_paths,
                                  rng=series_rng(seed, key, m.name))
            for col, val in zip(KEY, key, strict=True):
                pred[col] = val
            pred["model"] = m.name
            parts.append(pred)
    if not parts:
        reasons = "; ".join(
            f"{series_label([s[k] for k in KEY])} [{s['model']}]: {s['reason']}" for s in skipped
        )
        raise TpModelError(f"nothing could be forecast: {reasons}")
    cols = [*KEY, "model", "year", "mean"] + [f"{s}_{lv}" for lv in levels for s in ("lo", "hi")]
    out = pd.concat(parts, ignore_index=True)[cols].astype(_FORECAST_DTYPES)
    out = out.sort_values([*KEY, "model", "year"], ignore_index=True)
    out.attrs["skipped"] = skipped
    out.attrs["fit_notes"] = notes
    warn_skipped(skipped, "forecast")
    return out


# --------------------------------------------------------------------------------------------
# reachability


def check_target(target: Any, where: str = "target") -> float:
    try:
        t = float(target)
    except (TypeError, ValueError) as exc:
        raise TpModelError(f"{where} must be a fraction in (0, 1); got {target!r}") from exc
    if not (0 < t < 1) or math.isnan(t):
        raise TpModelError(
            f"{where} {target!r} is outside (0, 1); expected a fraction such as 0.40 (not 40)"
        )
    return t


def targets_for(targets: pd.DataFrame, key: tuple[str, ...]) -> pd.DataFrame:
    """Rows of a targets frame that apply to the series ``key`` (level; region/sex if set)."""
    _, level, region, sex = key
    t = targets
    m = (t["level"] == level).to_numpy(dtype=bool, na_value=False).copy()
    if "region" in t.columns:
        m &= (t["region"].isna() | (t["region"] == region)).to_numpy(dtype=bool, na_value=True)
    if "sex" in t.columns:
        m &= (t["sex"].isna() | (t["sex"] == sex)).to_numpy(dtype=bool, na_value=True)
    return t.loc[m]


def prepare_targets(target: Any) -> pd.DataFrame | float:
    if isinstance(target, pd.DataFrame):
        need = ["level", "year", "target"]
        missing = [c for c in need if c not in target.columns]
        if missing:
            raise TpModelError(f"targets frame lacks column(s) {', '.join(missing)}; expected "
                               "the load_targets() layout (level, region, sex, year, target, kind)")
        t = target
        if "kind" in t.columns:
            t = t.loc[(t["kind"].astype("str") != "growth_count").to_numpy()]
        t = t.loc[t["target"].notna().to_numpy()]
        for i, row in t.iterrows():
            check_target(row["target"], where=f"targets row {i!r} (level {row['level']})")
            if pd.isna(row["year"]):
                raise TpModelError(f"targets row {i!r} (level {row['level']}): missing year")
        return t
    return check_target(target)


def historic_pace(data: SeriesData, n_last: int = 5) -> float:
    """OLS slope over the last ``n_last`` observed points, in points per year."""
    y, s = data.years[-n_last:].astype(float), data.shares[-n_last:]
    if len(y) < 2:
        return math.nan
    return float(np.polyfit(y, s, 1)[0] * 100)


def _prob_at_least(fitted: FittedModel, year: int, target: float,
                   paths_col: np.ndarray) -> float:
    marg = fitted.marginal(np.array([year - fitted.last_year]))
    if marg is None:
        return float(np.mean(paths_col >= target))
    thr = logit(target) if fitted.scale == "logit" else target
    z = (thr - float(marg.loc[0])) / max(float(marg.scale[0]), 1e-300)
    dist = stats.norm if math.isinf(marg.df) else stats.t(marg.df)
    return float(dist.sf(z))


def _first_passage(grid: np.ndarray, paths: np.ndarray, target: float) -> tuple[Any, Any, Any]:
    """Median, 10th and 90th percentile over paths of the first ``grid`` year at or above
    ``target`` (a path that never gets there counts as later than any year; NA when the
    percentile falls on such paths)."""
    hit = paths >= target
    first = np.where(hit.any(axis=1), grid[np.argmax(hit, axis=1)], np.inf)
    qs = np.quantile(first, [0.5, 0.1, 0.9], method="inverted_cdf")
    return tuple(pd.NA if not np.isfinite(q) else int(q) for q in qs)


def first_year_fields(years: np.ndarray, shares: np.ndarray, grid: np.ndarray,
                      paths: np.ndarray, target: float) -> dict[str, Any]:
    """``first_year``, ``first_year_lo``, ``first_year_hi`` and a ``first_year_note``.

    When the last observation is at or above ``target``: the first year of the current spell
    at or above it (observed; all three equal). Otherwise the median and 10th / 90th
    percentiles of the first-passage year of the simulated ``paths`` on ``grid`` (NA when not
    reached by the end of the grid); an earlier spell above the target is only noted.
    """
    above = np.asarray(shares) >= target
    if above.size and above[-1]:
        below = np.nonzero(~above)[0]
        y0 = int(years[below[-1] + 1] if below.size else years[0])
        return {"first_year": y0, "first_year_lo": y0, "first_year_hi": y0,
                "first_year_note": f"at or above target since {y0}"}
    fy, lo, hi = _first_passage(grid, paths, target)
    note = ""
    if above.any():
        was = int(years[np.nonzero(above)[0][-1]])
        note = f"was at target in {was}, below it since"
    return {"first_year": fy, "first_year_lo": lo, "first_year_hi": hi,
            "first_year_note": note}


def _reach_row(fitted: FittedModel, data: SeriesData, paths: np.ndarray, grid: np.ndarray,
               target: float, year: int) -> dict[str, Any]:
    row: dict[str, Any] = {
        "last_year": data.last_year,
        "last_share": data.last_share,
        "mean": math.nan, "lo_80": math.nan, "hi_80": math.nan, "p_reach": math.nan,
        "first_year": pd.NA, "first_year_lo": pd.NA, "first_year_hi": pd.NA,
        "required_pp_per_year": math.nan,
        "historic_pp_per_year": historic_pace(data),
        "note": "",
    }
    if year > data.last_year:
        col = paths[:, year - data.last_year - 1]
        if fitted.marginal(np.array([year - data.last_year])) is not None:
            pred = fitted.predict([year], (80,))
            mean, lo, hi = (float(pred[c].iloc[0]) for c in ("mean", "lo_80", "hi_80"))
        else:
            # no closed form (ensemble): median and interval from the same simulated paths as
            # p_reach and first_year, so the three agree (median >= target iff p_reach >= 0.5)
            mean, lo, hi = (float(v) for v in np.quantile(col, [0.5, 0.1, 0.9]))
        row.update(mean=mean, lo_80=lo, hi_80=hi)
        row["p_reach"] = _prob_at_least(fitted, year, target, col)
        row["required_pp_per_year"] = 100 * (target - data.last_share) / (year - data.last_year)
    else:
        obs = data.shares[data.years == year]
        if obs.size:
            v = float(obs[0])
            row.update(mean=v, lo_80=v, hi_80=v, p_reach=float(v >= target),
                       note="target year observed")
        else:
            row["note"] = "target year inside the observed period but not observed"
    row.update(first_year_fields(data.years, data.shares, grid, paths, target))
    row["note"] = "; ".join(x for x in (row["note"], row.pop("first_year_note")) if x)
    h = row["historic_pp_per_year"]
    r = row["required_pp_per_year"]
    row["ratio"] = r / h if (np.isfinite(h) and h != 0 and np.isfinite(r)) else math.nan
    return row


_REACH_COLS = [*KEY, "model", "target", "target_year", "as_of", "last_year", "last_share",
               "mean", "lo_80", "hi_80", "p_reach", "first_year", "first_year_lo", "first_year_hi",
               "required_pp_per_year", "historic_pp_per_year", "ratio", "note"]


_REACH_INTS = ["target_year", "as_of", "last_year", "first_year", "first_year_lo",
               "first_year_hi"]
_REACH_FLOATS = ["target", "last_share", "mean", "lo_80", "hi_80", "p_reach",
                 "required_pp_per_year", "historic_pp_per_year", "ratio"]


def _reach_frame(rows: list[dict[str, Any]], extra: Sequence[str] = ()) -> pd.DataFrame:
    cols = [*_REACH_COLS[:-1], *extra, "note"]
    out = pd.DataFrame(rows, columns=cols)
    out[_REACH_INTS] = out[_REACH_INTS].astype("Int64")
    out[_REACH_FLOATS] = out[_REACH_FLOATS].astype("Float64")
    for c in out.columns:
        if c not in _REACH_INTS and c not in _REACH_FLOATS:
            out[c] = out[c].astype("str")
    return out


def reachability(
    series: pd.DataFrame,
    target: float | pd.DataFrame = 0.40,
    year: int = 2020,
    as_of: int | None = None,
    models: str | Sequence[str] | None = None,
    *,
    seed: int = 0,
    n_paths: int = 4000,
    progress: bool | None = None,
) -> pd.DataFrame:
    """Is the target reachable? One row per series (and model, and target).

    Parameters
    ----------
    series
        Series frame (``load_series()`` layout).
    target
        A fraction in (0, 1) applied to every series in ``year``; or a targets frame
        (``load_targets()`` layout) matched to series on ``level`` and, where the target row
        gives them, ``region`` and ``sex``; its ``year`` column replaces ``year``. Rows with
        ``kind == "growth_count"`` (count targets) are ignored. Series without a matching
        target are left out (listed in ``attrs["unmatched"]``).
    year
        Target year (start year of the school year; 2020 = 2020/21).
    as_of
        Use only observations with ``year <= as_of`` (``as_of=2015``: what could be known
        when the 2016 policy documents were written).
    models
        Model name(s); default :data:`~tpforecast.models.DEFAULT_MODEL`.
    seed, n_paths
        Simulation settings (per-series stable seeds, see :func:`forecast`).
    progress
        Progress bar (default: only in an interactive terminal outside CI).

    Returns
    -------
    pandas.DataFrame
        ``indicator, level, region, sex, model, target, target_year, as_of, last_year,
        last_share, mean, lo_80, hi_80`` (projected share in the target year; the observed
        value when that year is in the data), ``p_reach`` (probability that the share in the
        target year is at or above the target; analytic where the model has closed-form
        quantiles, else the fraction of ``n_paths`` simulated paths, the same paths that then
        give ``mean`` and the interval), ``first_year`` (median
        over simulated paths of the first year at or above the target, ``first_year_lo`` /
        ``first_year_hi`` the 10th / 90th percentiles; NA when not reached by 2040; when the
        last observation is at or above the target, the first year of that current spell,
        noted as "at or above target since"),
        ``required_pp_per_year`` (points per year from the last observation to hit the target
        in the target year), ``historic_pp_per_year`` (OLS slope over the last five
        observations, points per year), ``ratio`` (required / historic) and ``note``. With a
        targets frame also ``target_kind`` and ``target_source``.

    Examples
    --------
    >>> import tpforecast as tp
    >>> tp.reachability(tp.load_series(), target=0.40, year=2020, as_of=2015)  # doctest: +SKIP
    """
    model_objs = resolve_models(models)
    if not isinstance(year, int | np.integer):
        raise TpModelError(f"year must be a year (int); got {year!r}")
    tgt = prepare_targets(target)
    split = split_series(series, as_of)
    skipped: list[dict[str, Any]] = list(split.skipped)
    notes: list[dict[str, Any]] = []
    unmatched: list[str] = []
    rows: list[dict[str, Any]] = []
    extra = ["target_kind", "target_source"] if isinstance(tgt, pd.DataFrame) else []
    for key, data in progress_bar(split.data.items(), total=len(split.data), desc="reachability",
                                  progress=progress):
        if isinstance(tgt, pd.DataFrame):
            trows = targets_for(tgt, key)
            if trows.empty:
                unmatched.append(series_label(key))
                continue
            goals = [(float(r["target"]), int(r["year"]), str(r.get("kind", "")),
                      str(r.get("source", ""))) for _, r in trows.iterrows()]
        else:
            goals = [(tgt, int(year), "", "")]
        end = max(HORIZON_END, max(g[1] for g in goals))
        grid = np.arange(data.last_year + 1, end + 1)
        fits = fit_models(model_objs, key, data, skipped, notes)
        for m in model_objs:
            fitted = fits.get(m.name)
            if fitted is None:
                continue
            paths = fitted.simulate(grid, n_paths, series_rng(seed, key, m.name))
            for t, y, kind, source in goals:
                row = {**dict(zip(KEY, key, strict=True)), "model": m.name, "target": t,
                       "target_year": y, "as_of": as_of}
                row.update(_reach_row(fitted, data, paths, grid, t, y))
                used = [n for n in fitted.notes if n.startswith("auto:")]
                row["note"] = "; ".join(x for x in (row["note"], *used) if x)
                if extra:
                    row.update(target_kind=kind, target_source=source)
                rows.append(row)
    if not rows and not unmatched:
        reasons = "; ".join(
            f"{series_label([s[k] for k in KEY])} [{s['model']}]: {s['reason']}" for s in skipped)
        raise TpModelError(f"reachability: no series could be assessed: {reasons}")
    out = _reach_frame(rows, extra)
    out.attrs.update(skipped=skipped, fit_notes=notes, unmatched=unmatched)
    warn_skipped(skipped, "reachability")
    return out


# --------------------------------------------------------------------------------------------
# combined share over levels


def _pick_series(split: SplitSeries, level: str, region: str, sex: str,
                 indicators: Mapping[str, str] | None) -> tuple[str, ...]:
    cands = [k for k in split.data if k[1] == level and k[2] == region and k[3] == sex]
    if indicators and level in indicators:
        cands = [k for k in cands if k[0] == indicators[level]]
    if len(cands) > 1:
        canon = []
        for k in cands:
            rows = split.meta[k]
            if "canonical" in rows.columns and bool(rows["canonical"].fillna(False).any()):
                canon.append(k)
        if len(canon) == 1:
            cands = canon
    if len(cands) != 1:
        found = ", ".join(k[0] for k in cands) or "none"
        raise TpModelError(
            f"reachability_combined: level {level!r} (region {region}, sex {sex}) needs exactly "
            f"one series; found {found}. Pass indicators={{'{level}': '<indicator>'}}"
        )
    return cands[0]


def _values_on_grid(data: SeriesData, grid: np.ndarray) -> np.ndarray:
    """Observed shares on ``grid`` years up to the last observation (interpolating gaps)."""
    inside = grid <= data.last_year
    out = np.full(grid.shape, np.nan)
    out[inside] = np.interp(grid[inside], data.years, data.shares)
    return out


def reachability_combined(
    series: pd.DataFrame,
    levels: Sequence[str],
    weights: str | Mapping[str, float] | None = "n_total",
    target: float = 0.40,
    year: int = 2020,
    as_of: int | None = None,
    model: str | None = None,
    *,
    region: str = "NL",
    sex: str = "all",
    indicators: Mapping[str, str] | None = None,
    seed: int = 0,
    n_paths: int = 4000,
) -> pd.DataFrame:
    """Reachability of a target for several levels together ("4 in 10" over vmbo..wo).

    The combined share is the weighted mean of the levels' shares. Each level's future is
    simulated by ``model`` with its own stable seed and the paths are combined draw by draw,
    so the probability comes from joint paths. The levels are simulated independently
    (no common shocks); positively correlated levels would give a wider interval.

    Parameters
    ----------
    series
        Series frame.
    levels
        Level keys, e.g. ``["vmbo_bbkb", "havo", "vwo", "mbo", "ho"]``.
    weights
        ``"n_total"``: each level's latest pupil total (``n_total``) up to ``as_of``;
        a mapping level -> weight; or None for equal weights.
    target, year, as_of
        As in :func:`reachability` (a single fraction).
    model
        One model name; default :data:`~tpforecast.models.DEFAULT_MODEL`.
    region, sex
        Which series to combine.
    indicators
        level -> indicator, to choose among several series of a level (default: the only one,
        or the ``canonical`` one).
    seed, n_paths
        Simulation settings.

    Returns
    -------
    pandas.DataFrame
        One row: ``levels, region, sex, model, weights`` (normalised, as text), ``target,
        target_year, as_of, last_year, last_share`` (latest year all levels are observed),
        ``mean, lo_80, hi_80, p_reach, first_year, first_year_lo, first_year_hi,
        required_pp_per_year, historic_pp_per_year, ratio, note``.
    """
    (m,) = resolve_models(model)
    t = check_target(target)
    if isinstance(levels, str) or len(levels) < 1:
        raise TpModelError(f"levels must be a list of level keys; got {levels!r}")
    if len(set(levels)) != len(levels):
        raise TpModelError(f"levels listed twice: {list(levels)}")
    split = split_series(series, as_of)
    keys = [_pick_series(split, lv, region, sex, indicators) for lv in levels]
    # weights
    if weights is None:
        w = np.ones(len(levels))
    elif isinstance(weights, str):
        if weights != "n_total":
            raise TpModelError(f"weights must be 'n_total', a mapping or None; got {weights!r}")
        w = np.empty(len(levels))
        for i, k in enumerate(keys):
            rows = split.meta[k]
            nt = rows["n_total"].dropna() if "n_total" in rows.columns else pd.Series([], dtype=float)
            if nt.empty:
                raise TpModelError(
                    f"series {series_label(k)}: no n_total to weight level {k[1]!r}; pass "
                    "weights={level: pupils} or weights=None"
                )
            w[i] = float(nt.iloc[-1])
    else:
        miss = [lv for lv in levels if lv not in weights]
        if miss:
            raise TpModelError(f"weights lack level(s) {miss}")
        w = np.array([float(weights[lv]) for lv in levels])
    if (w < 0).any() or not np.isfinite(w).all() or w.sum() <= 0:
        raise TpModelError(f"weights must be non-negative with a positive sum; got {w.tolist()}")
    w = w / w.sum()
    datas = [split.data[k] for k in keys]
    last = min(d.last_year for d in datas)
    first = max(int(d.years[0]) for d in datas)
    end = max(HORIZON_END, int(year))
    grid = np.arange(last + 1, end + 1)
    combined = np.zeros((n_paths, grid.size))
    notes: list[dict[str, Any]] = []
    skipped: list[dict[str, Any]] = []
    for k, d, wi in zip(keys, datas, w, strict=True):
        fitted = fit_models([m], k, d, skipped, notes).get(m.name)
        if fitted is None:
            raise TpModelError(skipped[-1]["reason"])
        vals = np.broadcast_to(_values_on_grid(d, grid), (n_paths, grid.size)).copy()
        fut = grid > d.last_year
        if fut.any():
            vals[:, fut] = fitted.simulate(grid[fut], n_paths, series_rng(seed, k, m.name))
        combined += wi * vals
    # observed combined series on the common observed span
    obs_years = np.arange(first, last + 1) if first <= last else np.array([], dtype=int)
    obs = sum(wi * _values_on_grid(d, obs_years) for d, wi in zip(datas, w, strict=True))
    row: dict[str, Any] = {
        "levels": ",".join(levels), "region": region, "sex": sex, "model": m.name,
        "weights": ";".join(f"{lv}={wi:.3f}" for lv, wi in zip(levels, w, strict=True)),
        "target": t, "target_year": int(year), "as_of": as_of, "last_year": last,
        "last_share": float(obs[-1]) if obs_years.size else math.nan,
        "mean": math.nan, "lo_80": math.nan, "hi_80": math.nan, "p_reach": math.nan,
        "first_year": pd.NA, "first_year_lo": pd.NA, "first_year_hi": pd.NA,
        "required_pp_per_year": math.nan, "historic_pp_per_year": math.nan, "ratio": math.nan,
        "note": "levels simulated independently",
    }
    if obs_years.size >= 2:
        tail = slice(-5, None)
        row["historic_pp_per_year"] = float(np.polyfit(obs_years[tail], obs[tail], 1)[0] * 100)
    if year > last:
        col = combined[:, int(year) - last - 1]
        row.update(mean=float(np.median(col)), lo_80=float(np.quantile(col, 0.1)),
                   hi_80=float(np.quantile(col, 0.9)), p_reach=float(np.mean(col >= t)))
        if obs_years.size:
            row["required_pp_per_year"] = 100 * (t - row["last_share"]) / (int(year) - last)
    elif obs_years.size and int(year) >= first:
        v = float(obs[obs_years == int(year)][0])
        row.update(mean=v, lo_80=v, hi_80=v, p_reach=float(v >= t))
        row["note"] += "; target year observed (gaps interpolated)"
    row.update(first_year_fields(obs_years, obs, grid, combined, t))
    row["note"] = "; ".join(x for x in (row["note"], row.pop("first_year_note")) if x)
    h, r = row["historic_pp_per_year"], row["required_pp_per_year"]
    row["ratio"] = r / h if (np.isfinite(h) and h != 0 and np.isfinite(r)) else math.nan
    out = pd.DataFrame([row])
    out[_REACH_INTS] = out[_REACH_INTS].astype("Int64")
    out[_REACH_FLOATS] = out[_REACH_FLOATS].astype("Float64")
    out.attrs.update(fit_notes=notes)
    return out
