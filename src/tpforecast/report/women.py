"""Women in technique, and why a share changed (stage 6).

:func:`women_shares` gives, per region and level, the share of girls choosing technique on
the DUO basis (``data/mappings/series_roles.csv``, ``duo_basis``: hbo and wo first-year
bachelors, mbo participants, vo exam candidates; the same definition for every region and
NL) and its trend. :func:`share_change_decomposition` splits each change of a share
``s = T / N`` (``T`` technical entrants, ``N`` all entrants) between two years into the part
from **more or fewer technical entrants** and the part from **more or fewer entrants overall**,
a symmetric (Shapley) shift-share split that is exact::

    technical_pp = 100 * (T1 - T0) * (1 / N0 + 1 / N1) / 2
    overall_pp   = 100 * (T0 + T1) / 2 * (1 / N1 - 1 / N0)
    technical_pp + overall_pp = 100 * (T1 / N1 - T0 / N0) = change_pp

Regional numbers count students where the institution is (flag ``institution_location``);
landsdelen other than Oost are an assumed split of provinces (``assumed_region_mapping``).
Counts on either side of a definition break (``pre_break:<id>``, e.g. the hbo file join of
2020/21) are not comparable: such a pair is computed but has ``comparable`` False.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from tpforecast.errors import MissingDataError
from tpforecast.forecasting import KEY
from tpforecast.forecasting.measures import recent_pace
from tpforecast.forecasting.selection import as_names, role_indicators, selected
from tpforecast.forecasting.series import typed
from tpforecast.options import checked

__all__ = ["share_change_decomposition", "women_shares"]

#: Flags a row repeats in ``note`` (what the counts stand on).
_NOTED = ("participants_not_entrants", "exam_candidates_proxy", "institution_location",
          "assumed_region_mapping", "suppressed_cells", "suppression_bias")


def _basis_rows(series: pd.DataFrame, region: str | Sequence[str] | None,
                levels: str | Sequence[str] | None, sex: str | Sequence[str],
                what: str) -> pd.DataFrame:
    """The DUO-basis rows with counts of the regions, levels and sexes asked for."""
    basis = role_indicators("duo_basis")
    roles = pd.MultiIndex.from_tuples(list(basis.items()))
    rows = series.loc[pd.MultiIndex.from_arrays([series["level"], series["indicator"]])
                      .isin(roles) & series["n_tech"].notna().to_numpy()
                      & series["n_total"].notna().to_numpy()
                      & (series["n_total"] > 0).to_numpy(dtype=bool, na_value=False)]
    rows = selected(rows, region=region, levels=levels, what=what)
    sexes = as_names(sex, "sex") or []
    out = rows.loc[rows["sex"].isin(sexes).to_numpy()]
    if out.empty:
        raise MissingDataError(f"{what}: no DUO-basis counts of sex {sexes}", what="sex",
                               asked=sexes, known=sorted(set(rows["sex"])))
    return out.sort_values([*KEY, "year"], kind="stable")


def _note(flags: pd.Series) -> str:
    tokens = {t for f in flags.fillna("").astype(str) for t in f.split(";") if t}
    return ", ".join(t for t in _NOTED if t in tokens)


def women_shares(
    series: pd.DataFrame,
    *,
    region: str | Sequence[str] = "NL",
    levels: str | Sequence[str] | None = None,
    sex: str | Sequence[str] = "female",
) -> pd.DataFrame:
    """The share of girls (or boys, or all) choosing technique per region, level and year, on
    the DUO basis, with its trend.

    Parameters
    ----------
    series
        Series frame (:func:`~tpforecast.data.loaders.load_series`).
    region, levels
        Regions and levels (levels None: every level with a DUO basis).
    sex
        ``female`` (default; a female share is girls choosing technique among all girls),
        ``male``, ``all``, or several.

    Returns
    -------
    pandas.DataFrame
        One row per series and year: ``indicator, level, region, sex, year, share``,
        ``share_lo, share_hi`` (where DUO suppressed small cells, ``<5``, the counts hold the
        known part and the share lies between these bounds: a 0 with a wide band is not "no
        girls"), ``n_tech, n_total`` (technical and all entrants or candidates), ``trend_pp_per_year`` (OLS slope
        over the series' years, points a year; the same on every row of the series),
        ``change_pp`` (from the series' first year), ``note`` (what the counts stand on).
    """
    rows = _basis_rows(series, region, levels, sex, "women_shares")
    parts = []
    for _, g in rows.groupby(KEY, sort=False):
        share = (g["n_tech"].astype(float) / g["n_total"].astype(float)).to_numpy()
        years = g["year"].astype(int).to_numpy()
        parts.append(g[[*KEY, "year", "n_tech", "n_total", "share_lo", "share_hi"]].assign(
            share=share, trend_pp_per_year=recent_pace(years, share, window=len(years)),
            change_pp=100 * (share - share[0]), note=_note(g["flags"])))
    out = pd.concat(parts, ignore_index=True)
    cols = [*KEY, "year", "share", "share_lo", "share_hi", "n_tech", "n_total",
            "trend_pp_per_year", "change_pp", "note"]
    return typed(out[cols]).astype({"n_tech": "Int64", "n_total": "Int64"})


def _pairs(g: pd.DataFrame, years: Sequence[int] | None) -> list[tuple[int, int]]:
    have = [int(y) for y in g["year"]]
    wanted = [y for y in (years or have) if y in have]
    return list(zip(wanted[:-1], wanted[1:], strict=True))


def share_change_decomposition(
    series: pd.DataFrame,
    *,
    region: str | Sequence[str] = "NL",
    levels: str | Sequence[str] | None = None,
    sex: str | Sequence[str] = "female",
    years: Sequence[int] | None = None,
) -> pd.DataFrame:
    """Why a share changed: more or fewer technical entrants, or more or fewer entrants
    overall (the exact shift-share split of the module text), per region, level and pair of
    years, on the DUO basis.

    Parameters
    ----------
    series
        Series frame.
    region, levels, sex
        As in :func:`women_shares`.
    years
        The years compared, in order: each change is from one to the next (e.g.
        ``[2015, 2019]`` for the whole span); None: every pair of consecutive observed years.
        Years a series does not have are left out of its pairs.

    Returns
    -------
    pandas.DataFrame
        One row per series and pair: ``indicator, level, region, sex, year_from, year_to,
        share_from, share_to, change_pp`` (points), ``technical_pp`` (from the change in
        technical entrants), ``overall_pp`` (from the change in all entrants;
        ``technical_pp + overall_pp == change_pp``), ``n_tech_from, n_tech_to, n_total_from,
        n_total_to``, ``comparable`` (False when a definition break lies between the years:
        the counts are on different bases) and ``note``.
    """
    if years is not None:
        years = sorted(checked("years", years))
    rows = _basis_rows(series, region, levels, sex, "share_change_decomposition")
    out = []
    for key, g in rows.groupby(KEY, sort=False):
        g = g.set_index(g["year"].astype(int))
        for y0, y1 in _pairs(g.reset_index(drop=True), years):
            t0, t1 = float(g.loc[y0, "n_tech"]), float(g.loc[y1, "n_tech"])
            n0, n1 = float(g.loc[y0, "n_total"]), float(g.loc[y1, "n_total"])
            breaks = {t for t in str(g.loc[y0, "flags"]).split(";") if t.startswith(
                "pre_break:")} - set(str(g.loc[y1, "flags"]).split(";"))
            out.append({
                **dict(zip(KEY, key, strict=True)), "year_from": y0, "year_to": y1,
                "share_from": t0 / n0, "share_to": t1 / n1,
                "change_pp": 100 * (t1 / n1 - t0 / n0),
                "technical_pp": 100 * (t1 - t0) * (1 / n0 + 1 / n1) / 2,
                "overall_pp": 100 * (t0 + t1) / 2 * (1 / n1 - 1 / n0),
                "n_tech_from": t0, "n_tech_to": t1, "n_total_from": n0, "n_total_to": n1,
                "comparable": not breaks,
                "note": "; ".join([*(f"definition break {b.split(':', 1)[1]} between the years: "
                                     "counts on different bases" for b in sorted(breaks)),
                                   *filter(None, [_note(g.loc[[y0, y1], "flags"])])])})
    if not out:
        raise MissingDataError("share_change_decomposition: no pair of years to compare",
                               what="years", asked=years, known=sorted(set(rows["year"])))
    return typed(pd.DataFrame(out))
