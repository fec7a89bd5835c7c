"""Entrants and pupils behind a share (stage 3): the totals that turn points into students.

One basis for every level and region, **the monitor's scale**:

* NL: the totals the monitor's own series imply (``n_total`` where printed, else the printed
  technical count divided by the printed share, ``n_tech / share``), so NL mbo in 2019/20 is
  42,225 / 0.28 = about 151,000 entrants;
* a region: the NL total of the same year times the region's fraction of NL on the DUO basis
  (``data/mappings/series_roles.csv``, ``duo_basis``: hbo and wo first-year bachelors, mbo
  participants, vo exam candidates), the same construction as the benchmarked shares
  (``docs/regional_series.md``). For mbo the DUO file counts participants (a stock over several
  school years), so only the region's *fraction* of the national participants is used, never
  the participants themselves: the entrants are the monitor's national entrants times that
  fraction (the assumption, as for the benchmarked mbo share: a region's entrants are the same
  fraction of NL as its participants). Regional numbers count students where the institution
  is (flag ``institution_location``).

Where the monitor prints no count for a level at all (vmbo), the DUO-basis totals are used as
they are (exam candidates: about one cohort), and the basis says so.

Years without a total are filled by :func:`projected`: log-linear interpolation between known
years, the series' own trend (constant yearly growth over its last six totals) after the last,
and the first total held before the first. Totals are facts, not forecasts: they use every year
of the data, whatever ``as_of`` the shares are cut at.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

__all__ = ["ENTRANT_COLUMNS", "fill_implied_totals", "monitor_scale_counts", "population",
           "projected", "with_entrants"]

#: Columns :func:`with_entrants` adds to headline rows.
ENTRANT_COLUMNS = ("entrants", "entrants_basis")

_NL = "NL"
_TREND_POINTS = 6


def fill_implied_totals(series: pd.DataFrame) -> pd.DataFrame:
    """Fill a missing ``n_total`` with ``round(n_tech / share)`` where both are known.

    The monitor often prints the technical count and the share but not the total; the total
    they imply is what weights and scenarios need to turn points into students. The printed
    share is rounded to whole percents, so an implied total carries an error of up to about
    ``0.5 / (100 * share)`` (2% at a share of 25%). Filled rows get the flag
    ``n_total_from_share``.

    Returns
    -------
    pandas.DataFrame
        A copy of ``series`` with ``n_total`` filled where it was missing and ``n_tech`` and
        a positive ``share`` exist.
    """
    out = series.copy()
    implied = _implied(out, "n_total")
    fill = (out["n_total"].isna() & implied.notna()).to_numpy(dtype=bool, na_value=False)
    out["n_total"] = out["n_total"].astype("Int64")
    out.loc[fill, "n_total"] = implied[fill].astype("Int64")
    flags = out.loc[fill, "flags"].fillna("").astype(str) if "flags" in out \
        else pd.Series("", index=out.index[fill])
    out.loc[fill, "flags"] = [";".join(sorted({*f.split(";"), "n_total_from_share"} - {""}))
                              for f in flags]
    return out


def projected(years: Sequence[int], values: Sequence[float],
              wanted: Sequence[int]) -> tuple[np.ndarray, str]:
    """Totals for ``wanted`` years from known ``(years, values)``: known where known,
    log-linear between known years, the last six totals' constant yearly growth after the
    last (the last value with fewer than three), the first held before the first.

    Returns
    -------
    (numpy.ndarray, str)
        The totals (NaN without any known value) and how they were made, for people.
    """
    wanted = np.asarray(wanted, dtype=float)
    ok = [(int(y), float(v)) for y, v in zip(years, values, strict=True)
          if v is not None and not pd.isna(v) and float(v) > 0]
    if not ok:
        return np.full(wanted.shape, np.nan), "none: no totals"
    ok.sort()
    y = np.array([p[0] for p in ok], dtype=float)
    logv = np.log([p[1] for p in ok])
    out = np.exp(np.interp(wanted, y, logv))  # inside: log-linear; outside: held
    tail_y, tail_v = y[-_TREND_POINTS:], logv[-_TREND_POINTS:]
    after = wanted > y[-1]
    how = [f"known {int(y[0])}-{int(y[-1])} ({len(y)} years), log-linear between"]
    if after.any():
        if len(tail_y) >= 3 and tail_y[-1] > tail_y[0]:
            mu = (tail_v[-1] - tail_v[0]) / (tail_y[-1] - tail_y[0])
            out[after] = np.exp(tail_v[-1] + mu * (wanted[after] - tail_y[-1]))
            how.append(f"after {int(y[-1])} its own trend {int(tail_y[0])}-{int(tail_y[-1])} "
                       f"({100 * (math.exp(mu) - 1):+.1f}% a year)")
        else:
            how.append(f"after {int(y[-1])} held at its last value")
    if (wanted < y[0]).any():
        how.append(f"before {int(y[0])} held at its first value")
    return out, "; ".join(how)


def _implied(rows: pd.DataFrame, count: str) -> pd.Series:
    """``n_total`` (printed, else ``n_tech / share``) or ``n_tech`` of rows, as floats."""
    if count == "n_tech":
        return rows["n_tech"].astype("Float64")
    share = rows["share"].astype("Float64")
    implied = rows["n_tech"].astype("Float64") / share.where(share > 0)
    return rows["n_total"].astype("Float64").fillna(implied.round())


def monitor_scale_counts(series: pd.DataFrame, *, count: str = "n_total") -> pd.DataFrame:
    """Counts on the monitor's scale per level, region, sex and year (see the module text).

    Parameters
    ----------
    series
        The full series frame (:func:`~tpforecast.data.loaders.load_series`): NL's canonical
        published rows and the DUO-basis rows of every region.
    count
        ``n_total`` (all entrants or pupils) or ``n_tech`` (technical ones).

    Returns
    -------
    pandas.DataFrame
        ``level, region, sex, year, value, basis``: one row per combination with a count
        (NaN-free). ``basis`` says how the value was made.
    """
    from tpforecast.forecasting.selection import role_indicators

    cols = ["level", "region", "sex", "year", "value", "basis"]
    need = {"indicator", "level", "region", "sex", "year", "share", "n_tech", "n_total",
            "canonical", "origin"}
    if not need <= set(series.columns):
        return pd.DataFrame(columns=cols)
    nl = series.loc[(series["region"] == _NL).to_numpy(dtype=bool, na_value=False)
                    & series["canonical"].to_numpy(dtype=bool)
                    & (series["origin"] == "published").to_numpy(dtype=bool, na_value=False)]
    nl = nl.assign(value=_implied(nl, count)).dropna(subset=["value"])
    nl = nl.groupby(["level", "sex", "year"], as_index=False)["value"].first()
    basis = role_indicators("duo_basis")
    roles = pd.MultiIndex.from_tuples(list(basis.items()))
    duo = series.loc[pd.MultiIndex.from_arrays([series["level"], series["indicator"]])
                     .isin(roles)]
    duo = duo.assign(value=duo[count].astype("Float64")).dropna(subset=["value"])
    duo_nl = duo.loc[(duo["region"] == _NL).to_numpy(dtype=bool, na_value=False),
                     ["level", "sex", "year", "value"]].rename(columns={"value": "nl_duo"})
    scaled = duo.merge(duo_nl, on=["level", "sex", "year"], how="inner").merge(
        nl.rename(columns={"value": "nl_monitor"}), on=["level", "sex", "year"], how="left")
    with_monitor = set(nl["level"])
    what = "entrants/pupils" if count == "n_total" else "technical entrants/pupils"
    monitored = scaled["level"].isin(with_monitor).to_numpy()
    indicator = scaled["level"].map(basis).astype(str)
    scaled["basis"] = np.where(
        monitored,
        what + ": NL monitor x " + scaled["region"].astype(str) + "/NL on " + indicator
        + " (by institution location)",
        what + ": " + indicator + " as counted (no monitor count for "
        + scaled["level"].astype(str) + ")")
    scaled["value"] = np.where(
        monitored, scaled["nl_monitor"].astype(float) * scaled["value"].astype(float)
        / scaled["nl_duo"].astype(float), scaled["value"].astype(float))
    regional = scaled.loc[(scaled["region"] != _NL).to_numpy() | ~monitored]
    national = nl.assign(region=_NL, basis=f"{what}: the monitor's counts (n_total printed or "
                                           "n_tech / share)")
    out = pd.concat([national[cols], regional[cols].dropna(subset=["value"])],
                    ignore_index=True)
    out = out.astype({"year": "Int64", "value": "float64"})
    return out.sort_values(["level", "region", "sex", "year"], ignore_index=True)


def with_entrants(chosen: pd.DataFrame, series: pd.DataFrame) -> pd.DataFrame:
    """``chosen`` (headline rows) with the columns ``entrants`` (all entrants or pupils of
    the level, region, sex and year on the monitor's scale, NA where the data give none) and
    ``entrants_basis``, computed from the full ``series``."""
    counts = monitor_scale_counts(series)
    keys = ["level", "region", "sex", "year"]
    merged = chosen[keys].astype({"year": "Int64"}).merge(counts, on=keys, how="left")
    out = chosen.copy()
    out["entrants"] = pd.array(merged["value"].to_numpy(dtype=float), dtype="Float64")
    out["entrants_basis"] = merged["basis"].fillna("").astype(str).to_numpy()
    return out


def population(rows: pd.DataFrame, years: np.ndarray) -> tuple[np.ndarray, str, bool]:
    """Entrants or pupils behind one series in ``years``, with every year of its rows (totals
    are facts, not forecasts: they do not depend on the scenario's information set).

    Headline rows carry ``entrants`` on the monitor's scale
    (:func:`~tpforecast.forecasting.selection.headline_series`); other series use their own
    totals (``n_total``, else ``n_tech / share``). Known years are used as they are, other years
    come from :func:`~tpforecast.forecasting.entrants.projected` (log-linear between, the own
    trend after the last). Returns the totals, how they were made, and whether there were any.
    """
    if "entrants" in rows.columns and rows["entrants"].notna().any():
        values = rows["entrants"].astype("Float64")
        basis = next((b for b in rows.get("entrants_basis", pd.Series(dtype=str)) if b),
                     "entrants on the monitor's scale")
    elif {"n_tech", "n_total"} <= set(rows.columns):
        values = _implied(rows, "n_total")
        basis = "the series' own totals (n_total, or n_tech / share)"
    else:
        return np.full(years.shape, np.nan), "none: the series has no pupil counts", False
    if values.isna().all():
        return np.full(years.shape, np.nan), "none: the series has no pupil counts", False
    proj, how = projected(rows["year"].astype(int).to_numpy(), values.to_numpy(
        dtype=float, na_value=np.nan), years)
    return proj, f"{basis}; {how}", True
