"""Analyses behind the curated notebooks and the report, built on the public API.

Every number a notebook or the report shows beyond a single call of the core API comes from a
function here, so that it is tested and the notebooks stay free of analysis logic:

- data: :func:`summarize_clean_log`, :func:`headline_series`, :func:`series_provenance`,
  :func:`fill_implied_totals`, :func:`drop_short_series`, :func:`implied_entrants`;
- models: :func:`model_diagnostics`, :func:`hindcast_table`;
- targets: :func:`headline_table` (the report's table), :func:`combined_reachability`,
  :func:`women_target_progress`, :func:`when_reached`;
- regions: :func:`regional_comparison`;
- text and figures: :func:`format_year_range`, :func:`percent_columns`, :func:`show`.

Functions that call the forecasting API turn its :class:`~tpforecast.forecasting.ForecastWarning`
(a series or model skipped) into a ``note`` column or ``attrs["skipped"]``: a skipped series is
part of the answer here, not an accident, so nothing is printed to stderr.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np
import pandas as pd

from tpforecast.errors import TpModelError
from tpforecast.forecasting import HORIZON_END, KEY, ForecastWarning

__all__ = [
    "HEADLINE_LEVELS",
    "combined_reachability",
    "drop_short_series",
    "edition_conflicts",
    "fill_implied_totals",
    "format_year_range",
    "headline_series",
    "headline_table",
    "hindcast_summary",
    "own_target_reachability",
    "hindcast_table",
    "implied_entrants",
    "model_diagnostics",
    "percent_columns",
    "regional_comparison",
    "show",
    "series_provenance",
    "summarize_clean_log",
    "when_reached",
    "women_target_progress",
]

#: Levels of the headline table, in reading order (vo first, then the intake levels).
HEADLINE_LEVELS: tuple[str, ...] = ("vmbo_bb", "vmbo_kb", "vmbo_gltl", "havo", "vwo",
                                    "havo_vwo", "mbo", "hbo", "wo", "ho")

#: Regions of the landsdeel-Oost comparison, in reading order.
OOST_REGIONS: tuple[str, ...] = ("NL", "Oost", "Overijssel", "Gelderland")

_QUALITY = ("reported", "derived", "inferred", "approximate", "proxy")


# --------------------------------------------------------------------------------------------
# helpers


@contextmanager
def _collect(messages: list[str]) -> Iterator[None]:
    """Record :class:`ForecastWarning` messages in ``messages``; re-issue other warnings."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    for w in caught:
        if issubclass(w.category, ForecastWarning):
            messages.append(str(w.message))
        else:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)


def _quiet(func: Callable[..., pd.DataFrame], *args: Any, **kwargs: Any) -> pd.DataFrame:
    """Call ``func`` and keep its skip warnings in ``attrs["warnings"]`` instead of stderr."""
    messages: list[str] = []
    with _collect(messages):
        out = func(*args, **kwargs)
    out.attrs["warnings"] = messages
    return out


def _level_order(levels: Sequence[str]) -> dict[str, int]:
    return {lv: i for i, lv in enumerate(levels)}


def _mask(frame: pd.DataFrame, column: str, value: Any) -> np.ndarray:
    return (frame[column] == value).to_numpy(dtype=bool, na_value=False)


def _tokens(flags: pd.Series) -> list[str]:
    out: list[str] = []
    for f in flags.fillna("").astype(str):
        out.extend(t for t in f.split(";") if t)
    return out


def _skip_reasons(frame: pd.DataFrame) -> dict[tuple[str, ...], str]:
    """series key -> reason, from ``attrs["skipped"]`` of a forecasting result."""
    out: dict[tuple[str, ...], str] = {}
    for s in frame.attrs.get("skipped", []):
        key = tuple(str(s[k]) for k in KEY)
        reason = str(s["reason"]).split(": ", 1)[-1]
        out[key] = f"{out[key]}; {reason}" if key in out else reason
    return out


# --------------------------------------------------------------------------------------------
# data


def summarize_clean_log(log: pd.DataFrame) -> pd.DataFrame:
    """What cleaning did, per step and action.

    Parameters
    ----------
    log
        The clean log (``clean_figures(...).log`` or ``data/processed/clean_log.csv``):
        columns ``step, action, rows, reason, example``.

    Returns
    -------
    pandas.DataFrame
        One row per (``step``, ``action``), in the order the steps first appear in the log:
        ``step, action, entries`` (log rows), ``rows`` (input rows affected, summed) and
        ``first_reason`` (the reason of the first entry, shortened to 140 characters).
    """
    need = ["step", "action", "rows", "reason"]
    missing = [c for c in need if c not in log.columns]
    if missing:
        raise TpModelError(f"not a clean log: missing column(s) {', '.join(missing)}")
    if log.empty:
        return pd.DataFrame({"step": [], "action": [], "entries": [], "rows": [],
                             "first_reason": []})
    order = {s: i for i, s in enumerate(pd.unique(log["step"]))}
    g = log.groupby(["step", "action"], sort=False)
    out = pd.DataFrame({
        "entries": g.size(),
        "rows": g["rows"].sum(),
        "first_reason": g["reason"].first().astype(str).map(
            lambda r: r if len(r) <= 140 else r[:137] + "..."),
    }).reset_index()
    out["_o"] = out["step"].map(order)
    out = out.sort_values(["_o", "action"], kind="stable").drop(columns="_o")
    out[["entries", "rows"]] = out[["entries", "rows"]].astype("int64")
    return out.reset_index(drop=True)


def edition_conflicts(log: pd.DataFrame, indicator: str | None = None) -> pd.DataFrame:
    """The keys on which monitor editions disagreed, and what the newest edition changed.

    Parameters
    ----------
    log
        The clean log (its ``resolve`` rows name the key, the kept value and the superseded
        values).
    indicator
        Keep only this indicator.

    Returns
    -------
    pandas.DataFrame
        One row per resolved key: ``indicator, level, region, sex, school_year, measure,
        kept`` (the value of the newest edition), ``superseded`` (the other editions' values,
        ``;``-separated) and ``editions`` (number of editions reporting the key).
    """
    import re

    res = log.loc[_mask(log, "step", "resolve")]
    rows = []
    for _, r in res.iterrows():
        parts = [p.strip() for p in str(r["example"]).split(":", 1)[-1].split("|")]
        if len(parts) < 6:
            continue
        ind, level, region, sex, sy = parts[:5]
        measure = parts[5].split("=")[0].strip()
        reason = str(r["reason"])
        kept = re.search(r"kept (\S+) from", reason)
        sup = reason.split("superseded", 1)[-1] if "superseded" in reason else ""
        old = re.findall(r"(?:^|; |\s)(-?\d+(?:\.\d+)?) from", sup)
        rows.append({"indicator": ind, "level": level, "region": region, "sex": sex,
                     "school_year": sy, "measure": measure,
                     "kept": kept.group(1) if kept else "", "superseded": "; ".join(old),
                     "editions": 1 + len(old)})
    out = pd.DataFrame(rows, columns=["indicator", "level", "region", "sex", "school_year",
                                      "measure", "kept", "superseded", "editions"])
    if indicator is not None:
        out = out.loc[_mask(out, "indicator", indicator)]
    return out.reset_index(drop=True)


def headline_series(
    series: pd.DataFrame,
    levels: Sequence[str] = HEADLINE_LEVELS,
    *,
    region: str = "NL",
    sex: str = "all",
    with_share: bool = True,
) -> pd.DataFrame:
    """The canonical published series per level (the monitor's headline indicators).

    Parameters
    ----------
    series
        Series frame (:func:`~tpforecast.data.loaders.load_series`).
    levels
        Level keys to keep (levels without a canonical series are simply absent).
    region, sex
        Which series (default the national series for boys and girls together).
    with_share
        Drop count-only rows (no share).

    Returns
    -------
    pandas.DataFrame
        Rows of ``series`` with ``canonical`` true, ``origin == "published"``, the given
        region and sex, sorted by the order of ``levels`` and by year.
    """
    m = (series["canonical"].to_numpy(dtype=bool) & _mask(series, "origin", "published")
         & _mask(series, "region", region) & _mask(series, "sex", sex)
         & series["level"].isin(list(levels)).to_numpy())
    if with_share:
        m &= series["share"].notna().to_numpy()
    out = series.loc[m].copy()
    out["_o"] = out["level"].map(_level_order(levels))
    out = out.sort_values(["_o", "indicator", "year"], kind="stable").drop(columns="_o")
    return out.reset_index(drop=True)


def series_provenance(series: pd.DataFrame) -> pd.DataFrame:
    """Where each series comes from: years, sources, editions, quality and breaks.

    Parameters
    ----------
    series
        Series frame.

    Returns
    -------
    pandas.DataFrame
        One row per series (``indicator, level, region, sex``, in the order of ``series``):
        ``origin, n_share`` (years with a share), ``first_year, last_year`` (of the shares),
        ``n_sources, n_editions``, ``quality`` (counts of the quality tokens, e.g.
        ``reported 9, inferred 1``), ``breaks`` (break ids of ``pre_break:`` flags) and
        ``other_flags`` (remaining flag tokens, sorted).
    """
    rows = []
    for key, g in series.groupby(KEY, sort=False):
        shares = g.loc[g["share"].notna().to_numpy()]
        toks = _tokens(g["flags"])
        quality = ", ".join(f"{q} {toks.count(q)}" for q in _QUALITY if q in toks)
        breaks = sorted({t.split(":", 1)[1] for t in toks if t.startswith("pre_break:")})
        other = sorted({t for t in toks if t not in _QUALITY and not t.startswith("pre_break:")})
        rows.append({
            **dict(zip(KEY, key, strict=True)),
            "origin": ", ".join(sorted(set(g["origin"].astype(str)))) if "origin" in g else "",
            "n_share": len(shares),
            "first_year": shares["year"].min() if len(shares) else pd.NA,
            "last_year": shares["year"].max() if len(shares) else pd.NA,
            "n_sources": g["source"].nunique() if "source" in g else pd.NA,
            "n_editions": g["edition"].nunique() if "edition" in g else pd.NA,
            "quality": quality,
            "breaks": ", ".join(breaks),
            "other_flags": ", ".join(other),
        })
    out = pd.DataFrame(rows)
    return out.astype({"first_year": "Int64", "last_year": "Int64", "n_share": "int64"})


def fill_implied_totals(series: pd.DataFrame) -> pd.DataFrame:
    """Fill a missing ``n_total`` with ``round(n_tech / share)`` where both are known.

    The monitor often prints the technical count and the share but not the total; the total
    they imply is what a scenario needs to turn points into students. The printed share is
    rounded to whole percents, so an implied total carries an error of up to about
    ``0.5 / (100 * share)`` (2% at a share of 25%). Filled rows get the flag
    ``n_total_from_share``.

    Parameters
    ----------
    series
        Series frame.

    Returns
    -------
    pandas.DataFrame
        A copy of ``series`` with ``n_total`` filled where it was missing and ``n_tech`` and
        a positive ``share`` exist; ``attrs["filled"]`` is the number of rows filled.
    """
    out = series.copy()
    nt = out["n_tech"].astype("Float64")
    sh = out["share"].astype("Float64")
    fill = (out["n_total"].isna() & nt.notna() & sh.notna() & (sh > 0)).to_numpy(
        dtype=bool, na_value=False)
    implied = (nt[fill] / sh[fill]).round().astype("Int64")
    out["n_total"] = out["n_total"].astype("Int64")
    out.loc[fill, "n_total"] = implied
    flags = out.loc[fill, "flags"].fillna("").astype(str)
    out.loc[fill, "flags"] = [";".join(sorted({*f.split(";"), "n_total_from_share"} - {""}))
                              for f in flags]
    out.attrs["filled"] = int(fill.sum())
    return out


def drop_short_series(series: pd.DataFrame, min_obs: int = 3,
                      as_of: int | None = None) -> pd.DataFrame:
    """Keep only series with at least ``min_obs`` observed shares (up to ``as_of``).

    Trend models need a few points; a series below that would only be skipped with a
    warning. Use this to choose the series a model can fit before calling it.

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
        The rows of the kept series; ``attrs["dropped"]`` lists the dropped series as
        ``"indicator/level/region/sex (n shares)"``.
    """
    obs = series.loc[series["share"].notna().to_numpy()]
    if as_of is not None:
        obs = obs.loc[(obs["year"] <= as_of).to_numpy(dtype=bool, na_value=False)]
    counts = obs.groupby(KEY).size()
    keys = series[KEY].drop_duplicates()
    n = [int(counts.get(tuple(k), 0)) for k in keys.itertuples(index=False)]
    keys = keys.assign(_n=n)
    keep = keys.loc[keys["_n"] >= min_obs, KEY]
    out = series.merge(keep, on=KEY, how="inner")
    out.attrs["dropped"] = ["/".join(map(str, r[:4])) + f" ({r[4]} shares)" for r in
                            keys.loc[keys["_n"] < min_obs].itertuples(index=False)]
    return out


def implied_entrants(
    series: pd.DataFrame,
    levels: Sequence[str],
    as_of: int | None = None,
    *,
    region: str = "NL",
    sex: str = "all",
) -> pd.DataFrame:
    """Pupil numbers per level for weighting levels: the latest known total up to ``as_of``.

    Uses the canonical published series of each level: ``n_total`` where printed, else the
    total implied by ``n_tech / share`` (see :func:`fill_implied_totals`).

    Returns
    -------
    pandas.DataFrame
        ``level, indicator, year, n_total, method`` (``"printed"`` or ``"n_tech / share"``).

    Raises
    ------
    TpModelError
        When a level has no usable count up to ``as_of``.
    """
    sub = fill_implied_totals(headline_series(series, levels, region=region, sex=sex,
                                              with_share=False))
    if as_of is not None:
        sub = sub.loc[(sub["year"] <= as_of).to_numpy(dtype=bool, na_value=False)]
    rows = []
    for lv in levels:
        g = sub.loc[_mask(sub, "level", lv) & sub["n_total"].notna().to_numpy()]
        if g.empty:
            raise TpModelError(f"implied_entrants: level {lv!r} ({region}, {sex}) has no pupil "
                               f"count up to as_of={as_of}")
        last = g.sort_values("year").iloc[-1]
        method = "n_tech / share" if "n_total_from_share" in str(last["flags"]) else "printed"
        rows.append({"level": lv, "indicator": last["indicator"], "year": int(last["year"]),
                     "n_total": int(last["n_total"]), "method": method})
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------------------------
# models


def model_diagnostics(
    series: pd.DataFrame,
    model: str | None = None,
    *,
    min_train: int = 3,
    pooled: bool = True,
) -> pd.DataFrame:
    """Residual checks of a model: its one-step-ahead errors on each series.

    For every cutoff (expanding window, at least ``min_train`` observations) the model is
    fitted on the data up to the cutoff (:func:`~tpforecast.forecasting.backtesting.backtest`) and the
    *next observed* year is forecast. These forecast errors are the model's innovations: for
    a well-specified model they average zero, are not autocorrelated and fall inside the 80%
    interval about 80% of the time. Series here are short (3-13 points), so the tests have
    little power; read them as warning lights, not proof.

    Parameters
    ----------
    series
        Series frame.
    model
        Model name (default :data:`~tpforecast.models.DEFAULT_MODEL`).
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
        (Ljung-Box test of no autocorrelation up to lag 2 on the errors standardised by the
        model's predictive spread; NA below 5 errors), ``coverage_80, coverage_95``.
        ``attrs["errors"]`` holds the individual errors.
    """
    from scipy import stats

    from tpforecast.forecasting.backtesting import backtest
    from tpforecast.models import DEFAULT_MODEL

    name = model or DEFAULT_MODEL
    bt = _quiet(backtest, series, [name], horizons=range(1, 31), min_train=min_train,
                progress=False)
    if bt.empty:
        raise TpModelError(f"model_diagnostics: no series has more than {min_train} "
                           "observations")
    first = bt.sort_values([*KEY, "cutoff", "year"]).groupby([*KEY, "cutoff"], sort=False).head(1)
    first = first.reset_index(drop=True)
    err = (first["actual"] - first["mean"]).astype(float)
    z80 = stats.norm.ppf(0.9)
    spread = ((first["hi_80"] - first["lo_80"]).astype(float) / (2 * z80)).clip(lower=1e-9)
    first = first.assign(error=err, z=err / spread,
                         in_80=(first["lo_80"] <= first["actual"]) & (first["actual"]
                                                                    <= first["hi_80"]),
                         in_95=(first["lo_95"] <= first["actual"]) & (first["actual"]
                                                                    <= first["hi_95"]))
    n_obs = series.loc[series["share"].notna().to_numpy()].groupby(KEY).size()

    def summary(g: pd.DataFrame) -> dict[str, Any]:
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

    rows = []
    for key, g in first.groupby(KEY, sort=False):
        rows.append({**dict(zip(KEY, key, strict=True)), "model": name,
                     "n_obs": int(n_obs.get(key, 0)), **summary(g)})
    if pooled:
        rows.append({"indicator": "", "level": "all (pooled)", "region": "", "sex": "",
                     "model": name, "n_obs": int(sum(r["n_obs"] for r in rows)),
                     **summary(first), "acf1": math.nan, "ljung_box_p": math.nan})
    out = pd.DataFrame(rows)
    out.attrs["errors"] = first
    out.attrs["warnings"] = bt.attrs.get("warnings", [])
    return out


def hindcast_table(
    series: pd.DataFrame,
    as_of: int = 2015,
    years: Sequence[int] = (2019, 2020),
    models: Sequence[str] | None = None,
    *,
    region: str = "NL",
    seed: int = 0,
) -> pd.DataFrame:
    """The hindcast (:func:`~tpforecast.forecasting.backtesting.hindcast`) without skip warnings.

    Series too short for a model as of ``as_of`` (e.g. ``damped`` needs 8 points) are left
    out for that model and listed in ``attrs["skipped"]``.

    Returns
    -------
    pandas.DataFrame
        The hindcast frame: forecast columns for ``years``, ``actual``, ``error_pp`` and
        ``inside_80``, sorted by series, model and year.
    """
    from tpforecast.forecasting.backtesting import hindcast

    out = _quiet(hindcast, series, as_of=as_of, years=years, models=models, region=region,
                 seed=seed)
    attrs = dict(out.attrs)
    out = out.sort_values([*KEY, "model", "year"], ignore_index=True)
    out.attrs.update(attrs)
    return out


def hindcast_summary(hindcast: pd.DataFrame) -> pd.DataFrame:
    """Per model and year: how far off the hindcast was, and how often the 80% interval held.

    Parameters
    ----------
    hindcast
        Output of :func:`hindcast_table` (rows without an observed value are ignored).

    Returns
    -------
    pandas.DataFrame
        ``model, year, n, mean_error_pp`` (observed minus forecast; negative: too optimistic),
        ``mean_abs_error_pp, inside_80`` (share of levels whose outcome fell in the 80%
        interval), sorted by year and mean absolute error.
    """
    h = hindcast.loc[hindcast["actual"].notna().to_numpy()].copy()
    h["_abs"] = h["error_pp"].astype(float).abs()
    h["_in"] = h["inside_80"].astype(bool).astype(float)
    g = h.groupby(["model", "year"])
    out = pd.DataFrame({"n": g.size(), "mean_error_pp": g["error_pp"].mean().astype(float),
                        "mean_abs_error_pp": g["_abs"].mean(), "inside_80": g["_in"].mean()})
    out = out.reset_index().sort_values(["year", "mean_abs_error_pp", "model"])
    return out.reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# targets


def _observed(series: pd.DataFrame, key: tuple[str, ...], year: int) -> float:
    m = np.ones(len(series), dtype=bool)
    for c, v in zip(KEY, key, strict=True):
        m &= _mask(series, c, v)
    m &= _mask(series, "year", year)
    v = series.loc[m, "share"].dropna()
    return float(v.iloc[0]) if len(v) else math.nan


def _row_for(frame: pd.DataFrame, key: tuple[str, ...]) -> pd.Series | None:
    m = np.ones(len(frame), dtype=bool)
    for c, v in zip(KEY, key, strict=True):
        m &= _mask(frame, c, v)
    sub = frame.loc[m]
    return None if sub.empty else sub.iloc[0]


def headline_table(
    series: pd.DataFrame | None = None,
    targets: pd.DataFrame | None = None,
    *,
    target: float = 0.40,
    year: int = 2020,
    as_of: int = 2015,
    start: int = 2016,
    seed: int = 0,
    n_paths: int = 2000,
    levels: Sequence[str] = HEADLINE_LEVELS,
    model: str | None = None,
) -> pd.DataFrame:
    """The headline table per level: where it stands, was the target reachable, what happened.

    For each level's canonical national series (:func:`headline_series`):

    - the latest observation (all data);
    - the probability of reaching ``target`` in ``year`` with the data up to ``as_of``
      (:func:`~tpforecast.forecasting.reachability`; ``as_of=2015``: what the 2016 policy
      documents could know);
    - the shares published for ``year - 1`` and ``year`` (NA where not published);
    - the extra points per year from ``start`` that would have put the median on the target
      in ``year`` (:func:`~tpforecast.scenarios.required_acceleration`, data up to
      ``start - 1``);
    - on current trends (all data), the median first year at or above the target with the
      10th-90th percentile range (:func:`~tpforecast.forecasting.reachability`;
      NA: not by 2040);
    - the level's own target from ``targets`` (goal or ambition) and the probability of
      reaching it, as of ``as_of``.

    Parameters
    ----------
    series
        Series frame; default :func:`~tpforecast.data.loaders.load_series`.
    targets
        Targets frame; default :func:`~tpforecast.data.loaders.load_targets`.
    target, year
        The common goal (40%) and its year (2020 = 2020/21).
    as_of
        Last data year for the "was it reachable" question (2015 = 2015/16).
    start
        First year of the acceleration for the required extra growth.
    seed, n_paths
        Simulation settings.
    levels
        Levels, in table order.
    model
        Trend model (default :data:`~tpforecast.models.DEFAULT_MODEL`).

    Returns
    -------
    pandas.DataFrame
        One row per level in ``levels``: ``level, indicator, last_year, last_share,
        p_reach_<year>_as_of_<as_of + 1>, observed_<year - 1>, observed_<year>,
        required_pp_per_year_from_<start>, expected_year_<pct>pct, expected_year_<pct>pct_lo,
        expected_year_<pct>pct_hi, own_target, own_target_year, p_reach_own_target_as_of_<as_of
        + 1>, note``. Shares and probabilities are fractions; a level whose series is missing
        or too short for a column gets NA there and says why in ``note``.
    """
    from tpforecast.data.loaders import load_series, load_targets
    from tpforecast.forecasting import reachability
    from tpforecast.scenarios import required_acceleration

    series = load_series() if series is None else series
    targets = load_targets() if targets is None else targets
    pct = int(round(100 * target))
    c_p = f"p_reach_{year}_as_of_{as_of + 1}"
    c_o1, c_o2 = f"observed_{year - 1}", f"observed_{year}"
    c_req = f"required_pp_per_year_from_{start}"
    c_ey = f"expected_year_{pct}pct"
    c_po = f"p_reach_own_target_as_of_{as_of + 1}"
    cols = ["level", "indicator", "last_year", "last_share", c_p, c_o1, c_o2, c_req, c_ey,
            f"{c_ey}_lo", f"{c_ey}_hi", "own_target", "own_target_year", c_po, "note"]
    sub = headline_series(series, levels)
    has_data = set(sub["level"])
    kw = {"seed": seed, "n_paths": n_paths, "progress": False}
    empty = pd.DataFrame(columns=[*KEY, "note"])
    if len(sub):
        early = drop_short_series(sub, 1, as_of=as_of)
        then = _quiet(reachability, early, target, year, as_of, model, **kw) \
            if len(early) else empty
        own = _quiet(reachability, early, targets, year, as_of, model, **kw) \
            if len(early) else empty
        early_start = drop_short_series(sub, 1, as_of=start - 1)
        req = _quiet(required_acceleration, early_start, target, year, start, models=model,
                     **kw) if len(early_start) else empty
        now = _quiet(reachability, sub, target, year, None, model, **kw)
    else:
        then = own = req = now = empty
    skipped = {**_skip_reasons(now), **_skip_reasons(then)}
    req_skipped = _skip_reasons(req)
    rows = []
    for lv in levels:
        row: dict[str, Any] = dict.fromkeys(cols, pd.NA)
        row["level"] = lv
        if lv not in has_data:
            row["note"] = "no canonical national series with shares"
            rows.append(row)
            continue
        g = sub.loc[_mask(sub, "level", lv)]
        key = tuple(str(v) for v in g[KEY].iloc[0])
        notes: list[str] = []
        last = g.sort_values("year").iloc[-1]
        row.update(indicator=key[0], last_year=int(last["year"]), last_share=float(last["share"]))
        row[c_o1], row[c_o2] = _observed(sub, key, year - 1), _observed(sub, key, year)
        n_then = int((g["year"] <= as_of).sum())
        r = _row_for(then, key)
        if r is not None:
            row[c_p] = r["p_reach"]
            if "naive" in str(r["note"]):
                notes.append(f"as of {as_of}: naive model ({n_then} points)")
        else:
            why = skipped.get(key, "no data")
            notes.append(f"as of {as_of}: {n_then} points, too few ({why})")
        r = _row_for(req, key)
        if r is not None:
            row[c_req] = r["required_pp_per_year"]
        elif key in req_skipped:
            notes.append(f"required from {start}: {req_skipped[key]}")
        r = _row_for(now, key)
        if r is not None:
            row[c_ey] = r["first_year"]
            row[f"{c_ey}_lo"], row[f"{c_ey}_hi"] = r["first_year_lo"], r["first_year_hi"]
            if "since" in str(r["note"]):
                notes.append(str(r["note"]).split(";")[-1].strip())
        r = _row_for(own, key) if len(own) else None
        if r is not None:
            row.update(own_target=r["target"], own_target_year=r["target_year"])
            row[c_po] = r["p_reach"]
        if any("pre_break:" in str(f) for f in g["flags"]):
            notes.append("definition break (vmbo reform 2016/17) inside the series")
        row["note"] = "; ".join(notes)
        rows.append(row)
    out = pd.DataFrame(rows, columns=cols)
    ints = ["last_year", c_ey, f"{c_ey}_lo", f"{c_ey}_hi", "own_target_year"]
    floats = ["last_share", c_p, c_o1, c_o2, c_req, "own_target", c_po]
    out[ints] = out[ints].astype("Int64")
    out[floats] = out[floats].astype("Float64")
    out["indicator"] = out["indicator"].astype("string")
    out["note"] = out["note"].fillna("").astype(str)
    out.attrs.update(target=target, year=year, as_of=as_of, start=start, seed=seed,
                     n_paths=n_paths)
    return out


def own_target_reachability(
    series: pd.DataFrame,
    targets: pd.DataFrame | None = None,
    *,
    as_of: int | None = 2015,
    region: str = "NL",
    kinds: Sequence[str] = ("ambition", "goal"),
    seed: int = 0,
    n_paths: int = 2000,
    model: str | None = None,
) -> pd.DataFrame:
    """Each level against its own ambition or goal, with the data up to ``as_of``, and the outcome.

    Uses the canonical published series of ``region`` (boys and girls together) with at least
    3 shares up to ``as_of`` (the others are listed in ``attrs["dropped"]``).

    Returns
    -------
    pandas.DataFrame
        The :func:`~tpforecast.forecasting.reachability` columns (``target_kind`` in
        ``kinds``) plus ``observed`` (the share published for the target year, NA when not
        published), ``observed_year`` (that year, or the nearest later published year when
        the target year itself is missing) and ``met`` (observed at or above the target; NA
        without an observation).
    """
    from tpforecast.data.loaders import load_targets
    from tpforecast.forecasting import reachability

    targets = load_targets() if targets is None else targets
    m = (series["canonical"].to_numpy(dtype=bool) & _mask(series, "origin", "published")
         & _mask(series, "region", region) & _mask(series, "sex", "all"))
    t = targets.loc[targets["kind"].isin(list(kinds)).to_numpy()]
    m &= series["level"].isin(list(t["level"])).to_numpy()
    sub = drop_short_series(series.loc[m], 3, as_of=as_of)
    out = _quiet(reachability, sub, targets, 2020, as_of, model, seed=seed, n_paths=n_paths,
                 progress=False)
    out = out.loc[out["target_kind"].isin(list(kinds)).to_numpy()].reset_index(drop=True)
    obs, obs_y = [], []
    for r in out.itertuples(index=False):
        key = (r.indicator, r.level, r.region, r.sex)
        rows = sub
        for c, v in zip(KEY, key, strict=True):
            rows = rows.loc[_mask(rows, c, v)]
        rows = rows.loc[(rows["share"].notna() & (rows["year"] >= r.target_year)).to_numpy(
            dtype=bool, na_value=False)].sort_values("year")
        obs.append(float(rows["share"].iloc[0]) if len(rows) else math.nan)
        obs_y.append(int(rows["year"].iloc[0]) if len(rows) else pd.NA)
    out["observed"] = pd.array(obs, dtype="Float64")
    out["observed_year"] = pd.array(obs_y, dtype="Int64")
    out["met"] = pd.array([pd.NA if math.isnan(o) else o >= t for o, t in
                           zip(obs, out["target"].astype(float), strict=True)], dtype="boolean")
    out.attrs["dropped"] = sub.attrs.get("dropped", [])
    return out


def combined_reachability(
    series: pd.DataFrame,
    levels: Sequence[str] = ("mbo", "hbo", "wo"),
    target: float = 0.40,
    year: int = 2020,
    as_of: int | None = 2015,
    *,
    region: str = "NL",
    sex: str = "all",
    model: str | None = None,
    observed_years: Sequence[int] = (2019, 2020),
    seed: int = 0,
    n_paths: int = 2000,
) -> pd.DataFrame:
    """The combined "4 in 10" over several levels, weighted by their entrant numbers.

    The monitor prints technical counts and shares but rarely totals for mbo, hbo and wo; the
    weights are therefore the totals implied by ``n_tech / share`` (:func:`implied_entrants`,
    latest year up to ``as_of``). The probability comes from
    :func:`~tpforecast.forecasting.reachability_combined` (joint simulated paths, levels
    independent).

    Returns
    -------
    pandas.DataFrame
        The one-row result of ``reachability_combined`` plus ``weights_source`` (which counts
        were used) and ``observed_<y>`` for each of ``observed_years`` (the combined share with
        the same weights, NA when a level is not published for that year).
    """
    from tpforecast.forecasting import reachability_combined

    sub = headline_series(series, levels, region=region, sex=sex)
    ent = implied_entrants(series, levels, as_of, region=region, sex=sex)
    w = dict(zip(ent["level"], ent["n_total"].astype(float), strict=True))
    out = reachability_combined(sub, list(levels), weights=w, target=target, year=year,
                                as_of=as_of, model=model, region=region, sex=sex, seed=seed,
                                n_paths=n_paths)
    out["weights_source"] = "; ".join(
        f"{r.level} {r.n_total:,} ({r.method}, {r.year}/{(r.year + 1) % 100:02d})"
        for r in ent.itertuples(index=False))
    total = sum(w.values())
    for y in observed_years:
        vals = []
        for lv in levels:
            key = tuple(str(v) for v in sub.loc[_mask(sub, "level", lv), KEY].iloc[0])
            vals.append(_observed(sub, key, int(y)))
        out[f"observed_{y}"] = (sum(w[lv] * v for lv, v in zip(levels, vals, strict=True))
                                / total) if all(np.isfinite(vals)) else math.nan
        out[f"observed_{y}"] = out[f"observed_{y}"].astype("Float64")
    return out


def women_target_progress(
    series: pd.DataFrame,
    targets: pd.DataFrame | None = None,
    *,
    levels: Sequence[str] = ("mbo", "hbo", "wo"),
    origin: str = "duo",
) -> pd.DataFrame:
    """Progress on count targets (``kind == "growth_count"``): e.g. +20% women in Oost by 2019.

    For each growth target (region, sex, year, baseline year, ratio) and each level, the
    technical count (``n_tech``) of that region and sex in the target year is divided by the
    count in the baseline year, and compared with the target ratio. A target row for level
    ``all`` applies to every level in ``levels`` and is also checked pooled over them (sum of
    the counts; the levels do not overlap).

    Parameters
    ----------
    series
        Series frame.
    targets
        Targets frame; default :func:`~tpforecast.data.loaders.load_targets`.
    levels
        Levels a target for ``all`` covers (mbo, hbo and wo; not ho = hbo + wo).
    origin
        Which series give the counts (``duo``: computed from DUO files, the only source of
        regional counts by sex).

    Returns
    -------
    pandas.DataFrame
        One row per target and level, then a pooled row (``level="pooled"``):
        ``level, indicator, region, sex, baseline_year, baseline_count, year, count, ratio,
        target_ratio, met, baseline_share, share, note`` (flags such as
        ``participants_not_entrants``).
    """
    from tpforecast.data.loaders import load_targets

    targets = load_targets() if targets is None else targets
    growth = targets.loc[_mask(targets, "kind", "growth_count")]
    if growth.empty:
        raise TpModelError("women_target_progress: the targets frame has no growth_count rows")
    rows = []
    for _, t in growth.iterrows():
        base_y, y = int(t["baseline_year"]), int(t["year"])
        ratio_t = float(t["target"])
        lvls = list(levels) if t["level"] == "all" else [str(t["level"])]
        part = []
        for lv in lvls:
            m = (_mask(series, "origin", origin) & _mask(series, "region", t["region"])
                 & _mask(series, "sex", t["sex"]) & _mask(series, "level", lv))
            g = series.loc[m]
            inds = sorted(set(g["indicator"]))
            if not inds:
                raise TpModelError(f"women_target_progress: no {origin} series for level {lv!r} "
                                   f"in {t['region']} ({t['sex']})")
            g = g.loc[_mask(g, "indicator", inds[0])]
            b = g.loc[_mask(g, "year", base_y)]
            e = g.loc[_mask(g, "year", y)]
            if b.empty or e.empty or b["n_tech"].isna().any() or e["n_tech"].isna().any():
                raise TpModelError(f"women_target_progress: {inds[0]}/{lv}/{t['region']}/"
                                   f"{t['sex']} lacks counts for {base_y} or {y}")
            nb, ne = int(b["n_tech"].iloc[0]), int(e["n_tech"].iloc[0])
            flags = sorted(set(_tokens(g["flags"])) & {"participants_not_entrants",
                                                        "institution_location",
                                                        "suppressed_cells"})
            part.append({"level": lv, "indicator": inds[0], "region": t["region"],
                         "sex": t["sex"], "baseline_year": base_y, "baseline_count": nb,
                         "year": y, "count": ne, "ratio": ne / nb, "target_ratio": ratio_t,
                         "met": ne / nb >= ratio_t,
                         "baseline_share": float(b["share"].iloc[0]),
                         "share": float(e["share"].iloc[0]), "note": ", ".join(flags),
                         "_nt_b": float(b["n_total"].iloc[0]), "_nt_e": float(e["n_total"].iloc[0])})
        rows.extend(part)
        if len(part) > 1:
            nb = sum(p["baseline_count"] for p in part)
            ne = sum(p["count"] for p in part)
            rows.append({"level": "pooled", "indicator": "+".join(p["level"] for p in part),
                         "region": t["region"], "sex": t["sex"], "baseline_year": base_y,
                         "baseline_count": nb, "year": y, "count": ne, "ratio": ne / nb,
                         "target_ratio": ratio_t, "met": ne / nb >= ratio_t,
                         "baseline_share": nb / sum(p["_nt_b"] for p in part),
                         "share": ne / sum(p["_nt_e"] for p in part),
                         "note": "sum of the levels above", "_nt_b": 0.0, "_nt_e": 0.0})
    return pd.DataFrame(rows).drop(columns=["_nt_b", "_nt_e"]).reset_index(drop=True)


def when_reached(
    series: pd.DataFrame,
    targets: pd.DataFrame | None = None,
    *,
    target: float = 0.40,
    seed: int = 0,
    n_paths: int = 2000,
    model: str | None = None,
    horizon: int = HORIZON_END,
) -> pd.DataFrame:
    """On current trends (all data), when does each series reach 40%, and its own target?

    Parameters
    ----------
    series
        Series frame (choose series the model can fit, e.g. with :func:`drop_short_series`).
    targets
        Targets frame for each level's own goal or ambition; default
        :func:`~tpforecast.data.loaders.load_targets`.
    target
        The common goal.
    seed, n_paths, model
        As in :func:`~tpforecast.forecasting.reachability`.
    horizon
        Last year simulated (the library's first-passage horizon, 2040).

    Returns
    -------
    pandas.DataFrame
        Per series: ``indicator, level, region, sex, last_year, last_share, trend_pp_per_year``
        (OLS slope of the last five points), ``year_40`` (median first year at or above the
        common goal; the start of the current spell when already there), ``year_40_lo,
        year_40_hi`` (10th and 90th percentiles), ``reach_40`` (formatted, "not by 2040"
        where so), ``own_target, own_target_year, year_own, year_own_lo, year_own_hi,
        reach_own`` and ``note``.
    """
    from tpforecast.data.loaders import load_targets
    from tpforecast.forecasting import reachability

    targets = load_targets() if targets is None else targets
    pct = int(round(100 * target))
    kw = {"seed": seed, "n_paths": n_paths, "progress": False}
    common = _quiet(reachability, series, target, 2020, None, model, **kw)
    own = _quiet(reachability, series, targets, 2020, None, model, **kw)
    rows = []
    for _, r in common.iterrows():
        key = tuple(str(r[k]) for k in KEY)
        o = _row_for(own, key)
        row = {**dict(zip(KEY, key, strict=True)), "last_year": r["last_year"],
               "last_share": r["last_share"], "trend_pp_per_year": r["historic_pp_per_year"],
               "year_40": r["first_year"], "year_40_lo": r["first_year_lo"],
               "year_40_hi": r["first_year_hi"],
               "reach_40": format_year_range(r["first_year"], r["first_year_lo"],
                                             r["first_year_hi"], horizon,
                                             already=bool(r["last_share"] >= target)),
               "own_target": pd.NA, "own_target_year": pd.NA, "year_own": pd.NA,
               "year_own_lo": pd.NA, "year_own_hi": pd.NA, "reach_own": "",
               "note": "; ".join(n.strip() for n in str(r["note"]).split(";")
                                 if "since" in n or n.strip().startswith("auto:"))}
        if o is not None:
            row.update(own_target=o["target"], own_target_year=o["target_year"],
                       year_own=o["first_year"], year_own_lo=o["first_year_lo"],
                       year_own_hi=o["first_year_hi"],
                       reach_own=format_year_range(o["first_year"], o["first_year_lo"],
                                                   o["first_year_hi"], horizon,
                                                   already=bool(r["last_share"] >= o["target"])))
        rows.append(row)
    out = pd.DataFrame(rows)
    ints = ["last_year", "year_40", "year_40_lo", "year_40_hi", "own_target_year", "year_own",
            "year_own_lo", "year_own_hi"]
    out[ints] = out[ints].astype("Int64")
    out[["last_share", "trend_pp_per_year", "own_target"]] = out[
        ["last_share", "trend_pp_per_year", "own_target"]].astype("Float64")
    out = out.rename(columns={c: c.replace("_40", f"_{pct}") for c in out.columns})
    out.attrs["skipped"] = common.attrs.get("skipped", [])
    return out


# --------------------------------------------------------------------------------------------
# regions


def regional_comparison(
    series: pd.DataFrame,
    levels: Sequence[str] | None = None,
    regions: Sequence[str] = OOST_REGIONS,
    *,
    sex: str = "all",
    origin: str = "duo",
    reference: str = "NL",
) -> pd.DataFrame:
    """Regional shares next to the national share computed the same way.

    Parameters
    ----------
    series
        Series frame.
    levels
        Levels to keep (default: every level with a series in all ``regions``).
    regions
        Regions, in display order; must include ``reference``.
    sex
        ``all``, ``female`` or ``male``.
    origin
        ``duo``: series computed from DUO files, identically for every region (the published
        national monitor figures use other definitions and are not comparable).
    reference
        The region every other is compared with.

    Returns
    -------
    pandas.DataFrame
        ``level, indicator, region, year, share, share_lo, share_hi, n_tech, n_total,
        diff_pp`` (share minus the reference share of the same indicator and year, in
        points) and ``flags``; sorted by level, indicator, region (in ``regions`` order) and
        year.
    """
    if reference not in regions:
        raise TpModelError(f"regional_comparison: reference {reference!r} not in {list(regions)}")
    m = (_mask(series, "origin", origin) & _mask(series, "sex", sex)
         & series["region"].isin(list(regions)).to_numpy() & series["share"].notna().to_numpy())
    sub = series.loc[m]
    if levels is None:
        per = sub.groupby("level")["region"].nunique()
        levels = sorted(per.index[per == len(regions)])
    sub = sub.loc[sub["level"].isin(list(levels)).to_numpy()]
    if sub.empty:
        raise TpModelError(f"regional_comparison: no {origin} series for levels {list(levels)} "
                           f"in {list(regions)}")
    ref = sub.loc[_mask(sub, "region", reference), ["indicator", "level", "year", "share"]]
    out = sub.merge(ref.rename(columns={"share": "_ref"}), on=["indicator", "level", "year"],
                    how="left")
    out["diff_pp"] = (100 * (out["share"] - out["_ref"])).astype("Float64")
    out["_r"] = out["region"].map(_level_order(regions))
    out["_l"] = out["level"].map(_level_order(levels))
    out = out.sort_values(["_l", "indicator", "_r", "year"], kind="stable")
    cols = ["level", "indicator", "region", "year", "share", "share_lo", "share_hi", "n_tech",
            "n_total", "diff_pp", "flags"]
    return out[cols].reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# text


def format_year_range(first: Any, lo: Any, hi: Any, horizon: int = HORIZON_END, *,
                      already: bool = False) -> str:
    """A first-passage year with its range as text; missing years read "not by <horizon>".

    Parameters
    ----------
    first, lo, hi
        Median, early (10th percentile) and late (90th percentile) first year; NA when not
        reached by ``horizon``.
    horizon
        The last year simulated.
    already
        The latest observation is at or above the target: ``first`` is the start of that
        spell, shown as "already (since <first>)".

    Examples
    --------
    >>> format_year_range(2031, 2027, 2038)
    '2031 (2027-2038)'
    >>> format_year_range(2031, 2027, pd.NA)
    '2031 (2027 to after 2040)'
    >>> format_year_range(pd.NA, 2030, pd.NA)
    'not by 2040 (10% chance by 2030)'
    >>> format_year_range(pd.NA, pd.NA, pd.NA)
    'not by 2040'
    >>> format_year_range(2005, 2005, 2005, already=True)
    'already (since 2005)'
    """
    def na(v: Any) -> bool:
        return v is None or bool(pd.isna(v))

    if na(first):
        return f"not by {horizon}" if na(lo) else f"not by {horizon} (10% chance by {int(lo)})"
    f = int(first)
    if already:
        return f"already (since {f})"
    if na(lo) or na(hi):
        early = "?" if na(lo) else str(int(lo))
        return f"{f} ({early} to after {horizon})" if na(hi) else f"{f} ({early}-{int(hi)})"
    if int(lo) == int(hi) == f:
        return str(f)
    return f"{f} ({int(lo)}-{int(hi)})"


def percent_columns(frame: pd.DataFrame, columns: Sequence[str], decimals: int = 0,
                    points: Sequence[str] = ()) -> pd.DataFrame:
    """A copy with fraction columns as percent strings (``"43%"``) and point columns as
    signed strings (``"+1.2"``); NA becomes ``"-"``. For printing, not computing."""
    out = frame.copy()
    for c in columns:
        out[c] = [("-" if pd.isna(v) else f"{100 * float(v):.{decimals}f}%") for v in out[c]]
    for c in points:
        out[c] = [("-" if pd.isna(v) else f"{float(v):+.1f}") for v in out[c]]
    return out


class FigurePNG:
    """A rendered figure: PNG for notebook display, its title as the plain-text form.

    Notebooks display it with ``_repr_png_``; the text form (``[figure: <title>]``) is what
    nbval compares, so it is deterministic, unlike a live figure's ``<Figure size ...>``.
    """

    def __init__(self, png: bytes, text: str) -> None:
        self.png = png
        self.text = text

    def _repr_png_(self) -> bytes:
        return self.png

    def __repr__(self) -> str:
        return self.text


def show(obj: Any, *, dpi: int = 100, close: bool = True) -> FigurePNG:
    """Render a figure (or the figure of an Axes) to PNG for display, and close it.

    Use as the last line of a notebook cell: the figure appears the same whatever matplotlib
    backend the kernel has (Agg in the executor, inline in nbval), and the saved text output is
    the figure's title, not a memory-dependent repr.

    Parameters
    ----------
    obj
        A matplotlib Figure, or an Axes (its figure is used).
    dpi
        Resolution of the PNG.
    close
        Close the figure afterwards (frees memory; nothing is shown twice).

    Returns
    -------
    FigurePNG
        Displays as the PNG; ``repr`` is ``[figure: <suptitle or first axes title>]``.
    """
    import io

    fig = obj if hasattr(obj, "savefig") else obj.figure
    title = fig._suptitle.get_text() if getattr(fig, "_suptitle", None) is not None else ""
    if not title:
        title = next((ax.get_title() for ax in fig.axes if ax.get_title()), "untitled")
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    if close:
        import matplotlib.pyplot as plt

        plt.close(fig)
    return FigurePNG(buf.getvalue(), f"[figure: {title}]")
