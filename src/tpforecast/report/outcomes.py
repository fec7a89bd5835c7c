"""Each level against its own target, and what happened (stage 6): own targets as seen at
``as_of``, the count target for women in Oost, and when each target is reached on current
trends."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from tpforecast.errors import TpModelError
from tpforecast.forecasting import KEY, reachability
from tpforecast.models import DEFAULT_MODEL
from tpforecast.report.headline import headline_series, role_indicators
from tpforecast.report.provenance import flag_tokens
from tpforecast.study import DEFAULT_STUDY, Study

__all__ = ["own_target_reachability", "when_reached", "women_target_progress"]


def _mask(frame: pd.DataFrame, column: str, value: object) -> np.ndarray:
    return (frame[column] == value).to_numpy(dtype=bool, na_value=False)


def own_target_reachability(
    series: pd.DataFrame,
    *,
    targets: pd.DataFrame | None = None,
    study: Study = DEFAULT_STUDY,
    region: str = "NL",
    kinds: Sequence[str] = ("ambition", "goal"),
    models: str = DEFAULT_MODEL,
) -> pd.DataFrame:
    """Each level against its own ambition or goal, with the data up to ``study.as_of``, and
    the outcome.

    Uses the headline series of ``region`` (:func:`~tpforecast.report.headline_series`) of the
    levels with a target of a kind in ``kinds``.

    Returns
    -------
    pandas.DataFrame
        The :func:`~tpforecast.forecasting.reachability` rows (``target_kind`` in ``kinds``;
        series too short by ``as_of`` keep their row with status ``too_short``) plus
        ``observed`` (the share published for the target year, or the nearest later published
        year: ``observed_year``; NA when none) and ``met`` (observed at or above the target).
    """
    from tpforecast.data.loaders import load_targets

    targets = load_targets() if targets is None else targets
    t = targets.loc[targets["kind"].isin(list(kinds)).to_numpy()]
    sub = headline_series(series, levels=list(dict.fromkeys(t["level"])), region=region)
    out = reachability(sub, target=targets, as_of=study.as_of, models=models, seed=study.seed,
                       n_paths=study.n_paths, progress=False)
    out = out.loc[out["target_kind"].isin(list(kinds)).to_numpy()].reset_index(drop=True)
    obs, obs_y = [], []
    for r in out.itertuples(index=False):
        rows = sub.loc[_mask(sub, "level", r.level) & _mask(sub, "indicator", r.indicator)]
        rows = rows.loc[(rows["year"] >= r.target_year).to_numpy(
            dtype=bool, na_value=False)].sort_values("year")
        obs.append(float(rows["share"].iloc[0]) if len(rows) else math.nan)
        obs_y.append(int(rows["year"].iloc[0]) if len(rows) else pd.NA)
    out["observed"] = pd.array(obs, dtype="Float64")
    out["observed_year"] = pd.array(obs_y, dtype="Int64")
    out["met"] = pd.array([pd.NA if math.isnan(o) else o >= t for o, t in
                           zip(obs, out["target"].astype(float), strict=True)], dtype="boolean")
    return out


def women_target_progress(
    series: pd.DataFrame,
    *,
    targets: pd.DataFrame | None = None,
    levels: Sequence[str] = ("mbo", "hbo", "wo"),
    origin: str = "duo",
    indicators: Mapping[str, str] | None = None,
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
    indicators
        The counted series per level; default the ``duo_basis`` series of
        ``data/mappings/series_roles.csv`` (first-year bachelors on the monitor's programme list
        for hbo and wo; mbo has only participants).

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
            wanted = {**role_indicators("duo_basis"), **(indicators or {})}.get(lv)
            g = series.loc[m & _mask(series, "indicator", wanted)]
            inds = [wanted]
            if g.empty:
                have = sorted(set(series.loc[m, "indicator"]))
                raise TpModelError(f"women_target_progress: no {origin} series {wanted!r} for "
                                   f"level {lv!r} in {t['region']} ({t['sex']}); there are: "
                                   f"{', '.join(have) or 'none'}")
            b = g.loc[_mask(g, "year", base_y)]
            e = g.loc[_mask(g, "year", y)]
            if b.empty or e.empty or b["n_tech"].isna().any() or e["n_tech"].isna().any():
                raise TpModelError(f"women_target_progress: {inds[0]}/{lv}/{t['region']}/"
                                   f"{t['sex']} lacks counts for {base_y} or {y}")
            nb, ne = int(b["n_tech"].iloc[0]), int(e["n_tech"].iloc[0])
            flags = sorted(set(flag_tokens(g["flags"])) & {"participants_not_entrants",
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
    *,
    targets: pd.DataFrame | None = None,
    study: Study = DEFAULT_STUDY,
    models: str = DEFAULT_MODEL,
) -> pd.DataFrame:
    """On current trends (all data), when does each series reach the study's target, and its
    own target?

    Parameters
    ----------
    series
        Series frame (choose series the model can fit, e.g. with
        :func:`~tpforecast.forecasting.drop_short_series`).
    targets
        Targets frame for each level's own goal or ambition; default
        :func:`~tpforecast.data.loaders.load_targets`.
    study
        The study (target, seed, paths, horizon).
    models
        One trend model.

    Returns
    -------
    pandas.DataFrame
        Two rows per series (``goal``: ``"study"`` for the study's target, ``"own"`` for the
        level's own target, absent without one): the
        :func:`~tpforecast.forecasting.reachability` columns, of which ``first_year``,
        ``first_year_lo``, ``first_year_hi`` (median and 10th / 90th percentiles of the first
        year at or above the target; NA when not by ``horizon``), ``at_target_since`` and
        ``recent_pp_per_year`` answer the question; ``horizon`` is the study's.
    """
    from tpforecast.data.loaders import load_targets

    targets = load_targets() if targets is None else targets
    kw = {"as_of": None, "models": models, "seed": study.seed, "n_paths": study.n_paths,
          "horizon": study.horizon, "progress": False}
    common = reachability(series, target=study.target, year=study.target_year, **kw)
    own = reachability(series, target=targets, **kw)
    own = own.loc[(own["status"] != "no_target").to_numpy()]
    out = pd.concat([common.assign(goal="study"), own.assign(goal="own")], ignore_index=True)
    order = {tuple(k): i for i, k in enumerate(common[KEY].itertuples(index=False))}
    out["_o"] = [order.get(tuple(k), len(order)) for k in out[KEY].itertuples(index=False)]
    out = out.sort_values(["_o", "goal"], ascending=[True, False], kind="stable")
    return out.drop(columns="_o").assign(horizon=study.horizon).reset_index(drop=True)
