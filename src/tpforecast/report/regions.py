"""Regions against the Netherlands (stage 6): the DUO-derived series, computed the same way
for every region.

Regional numbers count students where the institution is, not where they live (flag
``institution_location``); landsdelen other than Oost are an assumed split of provinces (flag
``assumed_region_mapping``, ``data/mappings/regions.csv``)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from tpforecast.errors import TpModelError
from tpforecast.forecasting import KEY, reachability
from tpforecast.forecasting.selection import as_names, role_indicators, selected
from tpforecast.forecasting.targets import target_years
from tpforecast.models import DEFAULT_MODEL
from tpforecast.study import DEFAULT_STUDY, Study

__all__ = ["OOST_REGIONS", "regional_change", "regional_comparison", "regional_latest",
           "regional_reachability"]

#: Regions of the landsdeel-Oost comparison, in reading order.
OOST_REGIONS: tuple[str, ...] = ("NL", "Oost", "Overijssel", "Gelderland")


def _mask(frame: pd.DataFrame, column: str, value: object) -> np.ndarray:
    return (frame[column] == value).to_numpy(dtype=bool, na_value=False)


def regional_comparison(
    series: pd.DataFrame,
    *,
    levels: str | Sequence[str] | None = None,
    region: str | Sequence[str] = OOST_REGIONS,
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
        Levels to keep (default: every level with a series in all regions).
    region
        Regions, in display order; must include ``reference``. A region or level without
        DUO-basis data is an error naming what exists.
    sex
        ``all``, ``female`` or ``male``.
    origin
        ``duo``: series computed from DUO files, identically for every region (the published
        national monitor figures use other definitions and are not comparable); per level the
        ``duo_basis`` series of ``data/mappings/series_roles.csv``.
    reference
        The region every other is compared with.

    Returns
    -------
    pandas.DataFrame
        ``level, indicator, region, sex, year, share, share_lo, share_hi, n_tech, n_total,
        diff_pp`` (share minus the reference share of the same indicator and year, in
        points), ``origin`` and ``flags``; sorted by level, indicator, region (in ``regions`` order) and
        year.
    """
    regions = as_names(region, "region") or []
    basis = role_indicators("duo_basis")
    m = (_mask(series, "origin", origin) & _mask(series, "sex", sex)
         & series["share"].notna().to_numpy()
         & np.array([basis.get(lv) == ind for lv, ind
                     in zip(series["level"], series["indicator"], strict=True)], dtype=bool))
    sub = selected(series.loc[m], region=regions, levels=levels, what="regional_comparison")
    if reference not in regions:
        raise TpModelError(f"regional_comparison: reference {reference!r} not in {regions}")
    if levels is None:
        per = sub.groupby("level")["region"].nunique()
        sub = sub.loc[sub["level"].isin(list(per.index[per == len(regions)])).to_numpy()]
    levels = as_names(levels, "levels") or sorted(set(sub["level"]))
    if sub.empty:
        raise TpModelError(f"regional_comparison: no {origin} series for levels {levels} "
                           f"in all of {regions}")
    ref = sub.loc[_mask(sub, "region", reference), ["indicator", "level", "year", "share"]]
    out = sub.merge(ref.rename(columns={"share": "_ref"}), on=["indicator", "level", "year"],
                    how="left")
    out["diff_pp"] = (100 * (out["share"] - out["_ref"])).astype("Float64")
    out["_r"] = out["region"].map({r: i for i, r in enumerate(regions)})
    out["_l"] = out["level"].map({lv: i for i, lv in enumerate(levels)})
    out = out.sort_values(["_l", "indicator", "_r", "year"], kind="stable")
    cols = ["level", "indicator", "region", "sex", "year", "share", "share_lo", "share_hi",
            "n_tech", "n_total", "diff_pp", "origin", "flags"]
    return out[cols].reset_index(drop=True)


def _common_years(comparison: pd.DataFrame) -> pd.Series:
    """Per (level, indicator): the years in which every region of the comparison has a
    share (levels have their own years: hbo runs to 2024/25, wo starts in 2013/14)."""
    n = comparison["region"].nunique()
    seen = comparison.loc[comparison["share"].notna().to_numpy()]
    count = seen.groupby(["level", "indicator", "year"], sort=False)["region"].nunique()
    common = count[count == n].reset_index()[["level", "indicator", "year"]]
    lost = sorted(set(seen["level"]) - set(common["level"]))
    if lost:  # a level would drop out of the table without a word
        raise TpModelError(f"no year in which every region ({', '.join(pd.unique(seen['region']))}"
                           f") has a share for level(s) {', '.join(lost)}; compare fewer "
                           "regions or those levels apart")
    return common


def regional_latest(comparison: pd.DataFrame) -> pd.DataFrame:
    """Per level, the shares of its latest year with a value for every region of a
    :func:`regional_comparison`, one column per region.

    Returns
    -------
    pandas.DataFrame
        Index ``level, indicator``; ``year`` (each level's own latest common year) and a
        column per region (in the comparison's order).
    """
    regions = list(pd.unique(comparison["region"]))
    years = _common_years(comparison).groupby(["level", "indicator"], sort=False)["year"].max()
    latest = comparison.merge(years.reset_index(), on=["level", "indicator", "year"])
    out = latest.pivot_table(index=["level", "indicator"], columns="region", values="share",
                             sort=False)[regions]
    out.columns.name = None
    out.insert(0, "year", years.reindex(out.index).astype(int))
    return out


def regional_change(comparison: pd.DataFrame, *, first: int | None = None,
                    last: int | None = None) -> pd.DataFrame:
    """How each region's share changed between two years of a :func:`regional_comparison`.

    Parameters
    ----------
    comparison
        A :func:`regional_comparison`.
    first, last
        The two years (default: per level, its first and last year with a value for every
        region after the level's last definition break: values flagged ``pre_break`` are
        not comparable with later ones).

    Returns
    -------
    pandas.DataFrame
        ``level, region, first_year, first_share, last_year, last_share,
        change_pp_per_year`` (points per year between the two years).
    """
    # a change is read on comparable values: after the last definition break of the level
    after = comparison.loc[~comparison["flags"].fillna("").astype(str).str.contains(
        "pre_break", regex=False).to_numpy()]
    common = _common_years(after).groupby(["level", "indicator"], sort=False)["year"]
    span = pd.DataFrame({"first_year": common.min(), "last_year": common.max()})
    if first is not None:
        span["first_year"] = int(first)
    if last is not None:
        span["last_year"] = int(last)
    share = comparison.set_index(["level", "indicator", "region", "year"])["share"]
    rows = []
    for (level, indicator), (y0, y1) in span.iterrows():
        for region in pd.unique(comparison["region"]):
            rows.append({"level": level, "region": region, "first_year": int(y0),
                         "first_share": share.get((level, indicator, region, y0), np.nan),
                         "last_year": int(y1),
                         "last_share": share.get((level, indicator, region, y1), np.nan)})
    out = pd.DataFrame(rows)
    out["change_pp_per_year"] = (100 * (out["last_share"] - out["first_share"]).astype(float)
                                 / (out["last_year"] - out["first_year"]))
    return out


def regional_reachability(
    comparison: pd.DataFrame,
    *,
    targets: pd.DataFrame | None = None,
    study: Study = DEFAULT_STUDY,
    models: str = DEFAULT_MODEL,
) -> pd.DataFrame:
    """Each series of a :func:`regional_comparison` against its region's own target for the
    study's target year, with all data.

    Returns
    -------
    pandas.DataFrame
        The :func:`~tpforecast.forecasting.reachability` rows with ``target_year ==
        study.target_year``, in the comparison's order of levels and regions.

    Raises
    ------
    TargetYearError
        No target of ``targets`` is set for ``study.target_year`` (naming the years that
        have one), e.g. a study with ``target_year: 2025``.
    """
    from tpforecast.data.loaders import load_targets

    targets = load_targets() if targets is None else targets
    target_years(targets, study.target_year, what="regional_reachability")
    reach = reachability(comparison, target=targets, models=models, seed=study.seed,
                         n_paths=study.n_paths, progress=False)
    reach = reach.loc[(reach["target_year"] == study.target_year).to_numpy(
        dtype=bool, na_value=False)]
    order = {tuple(k): i for i, k in enumerate(
        comparison[KEY].drop_duplicates().itertuples(index=False))}
    reach = reach.assign(_o=[order.get(tuple(k), len(order))
                             for k in reach[KEY].itertuples(index=False)])
    return reach.sort_values("_o", kind="stable").drop(columns="_o").reset_index(drop=True)
