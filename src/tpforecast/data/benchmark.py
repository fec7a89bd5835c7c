"""Regional DUO series on the monitor's scale, and the gap that makes it necessary.

The DUO files give every region on one basis, but that basis is not the monitor's: the
national DUO share differs from the monitor's national value (:func:`monitor_gap` shows by how
much; nothing is tuned away). To judge a region against a target set on the monitor's scale,
:func:`benchmark_series` scales the region's *relative* position onto the monitor:

    benchmarked(region, year) = monitor(NL, year) x DUO(region, year) / DUO(NL, year)

with the region/NL ratio computed within one file (so benchmarked values may be joined across
files whose levels differ). Which monitor indicator each benchmarked series is tied to is the
data file ``data/mappings/benchmarks.csv``. A year, sex or level for which the monitor prints
no national value gets no benchmarked row: nothing is interpolated.

The vo exam-candidate proxy is first *anchored* to the monitor's own definition, the 2019/20
pupil file (``duo_vo_pupils_profile``): per region, level and sex, ``anchor = pupil share
2019/20 / proxy share 2019/20`` and ``anchored(year) = proxy(year) x anchor`` (flag
``anchored``; ``anchor_outside_band`` when the anchor lies outside 0.8-1.25, see
:func:`anchor_ratios`). The benchmarked vo series then uses the anchored series as its DUO
basis.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from tpforecast.data.loaders import SERIES_COLUMNS, SERIES_DTYPES
from tpforecast.data.mappings import mapping_path, read_mapping

__all__ = ["ANCHOR_BAND", "ANCHOR_YEAR", "anchor_ratios", "benchmark_series",
           "load_benchmarks", "monitor_gap"]

ANCHOR_YEAR = 2019  # the pupil file counts 1 October 2019: school year 2019/20
ANCHOR_BAND = (0.8, 1.25)  # an anchor outside it means the proxy and the pupil file disagree
NATIONAL = "NL"
_COLUMNS = ["indicator", "level", "duo_indicator", "monitor_indicator", "anchor_indicator",
            "anchored_indicator", "flags", "note"]
_DROP_FLAGS = {"share_from_counts"}  # a scaled share is not n_tech / n_total


def load_benchmarks(path: str | Path | None = None) -> pd.DataFrame:
    """``data/mappings/benchmarks.csv``: which monitor indicator each benchmarked series uses."""
    path = Path(path) if path is not None else mapping_path("benchmarks.csv")
    return read_mapping(path, required=_COLUMNS, key=("indicator", "level"),
                        not_empty=("indicator", "level", "duo_indicator", "monitor_indicator",
                                   "note"))


def benchmark_series(series: pd.DataFrame, benchmarks: pd.DataFrame | None = None
                     ) -> pd.DataFrame:
    """Anchored vo proxies and benchmarked regional series (canonical series rows).

    Parameters
    ----------
    series
        Published and DUO-derived rows together (the monitor values and the DUO basis).
    benchmarks
        Default :func:`load_benchmarks`.

    Returns
    -------
    pandas.DataFrame
        ``SERIES_COLUMNS`` rows of the anchored and the benchmarked indicators; ``n_tech`` and
        ``n_total`` are empty (a scaled share has no counts), ``share_lo``/``share_hi`` are the
        DUO bounds scaled the same way, ``source`` and ``edition`` name both the DUO file(s)
        and the monitor edition(s), flags ``benchmarked`` (and ``anchored``).
    """
    table = load_benchmarks() if benchmarks is None else benchmarks
    parts = []
    for spec in table.itertuples(index=False):
        basis = _rows(series, spec.duo_indicator, spec.level)
        if spec.anchor_indicator:
            basis = _anchored(basis, _rows(series, spec.anchor_indicator, spec.level),
                              spec.anchored_indicator)
            parts.append(basis)
        parts.append(_benchmarked(basis, _monitor(series, spec.monitor_indicator, spec.level),
                                  spec))
    out = pd.concat(parts, ignore_index=True).drop_duplicates(
        ["indicator", "level", "region", "sex", "year"])
    return out[SERIES_COLUMNS].astype(SERIES_DTYPES).reset_index(drop=True)


def anchor_ratios(series: pd.DataFrame, benchmarks: pd.DataFrame | None = None
                  ) -> pd.DataFrame:
    """Per level, region and sex: pupil-file share, proxy share and their ratio in 2019/20.

    Returns
    -------
    pandas.DataFrame
        ``level, region, sex, pupil_share, proxy_share, anchor, status`` (``in_band`` or
        ``outside_band``: outside :data:`ANCHOR_BAND`).
    """
    table = load_benchmarks() if benchmarks is None else benchmarks
    rows = []
    for spec in table[table["anchor_indicator"] != ""].itertuples(index=False):
        ratio = _anchor(_rows(series, spec.duo_indicator, spec.level),
                        _rows(series, spec.anchor_indicator, spec.level))
        rows.append(ratio.assign(level=spec.level))
    out = pd.concat(rows, ignore_index=True)
    out["status"] = np.where(out["anchor"].between(*ANCHOR_BAND), "in_band", "outside_band")
    return out[["level", "region", "sex", "pupil_share", "proxy_share", "anchor", "status"]]


def monitor_gap(series: pd.DataFrame, pairs: pd.DataFrame | None = None) -> pd.DataFrame:
    """National DUO share next to the monitor's national value, per level and year (sex all).

    Parameters
    ----------
    series
        Published and DUO-derived rows.
    pairs
        ``level, duo_indicator, monitor_indicator`` (default: those of ``benchmarks.csv``).

    Returns
    -------
    pandas.DataFrame
        ``level, duo_indicator, monitor_indicator, year, duo_share, monitor_share, gap_pp``
        (DUO minus monitor, in points), for the years with both values.
    """
    pairs = load_benchmarks() if pairs is None else pairs
    rows = []
    for spec in pairs.drop_duplicates(["level", "duo_indicator", "monitor_indicator"]).itertuples(
            index=False):
        duo = _rows(series, spec.duo_indicator, spec.level)
        duo = duo[(duo["region"] == NATIONAL) & (duo["sex"] == "all")]
        monitor = _monitor(series, spec.monitor_indicator, spec.level)
        both = duo[["year", "share"]].merge(monitor[monitor["sex"] == "all"][["year", "share"]],
                                            on="year", suffixes=("_duo", "_monitor"))
        rows.append(pd.DataFrame({
            "level": spec.level, "duo_indicator": spec.duo_indicator,
            "monitor_indicator": spec.monitor_indicator, "year": both["year"],
            "duo_share": both["share_duo"], "monitor_share": both["share_monitor"],
            "gap_pp": 100 * (both["share_duo"] - both["share_monitor"])}))
    return pd.concat(rows, ignore_index=True).astype({"year": "Int64"})


# ----------------------------------------------------------------------------------------------


def _rows(series: pd.DataFrame, indicator: str, level: str) -> pd.DataFrame:
    keep = (series["indicator"] == indicator) & (series["level"] == level)
    return series[keep & series["share"].notna()]


def _monitor(series: pd.DataFrame, indicator: str, level: str) -> pd.DataFrame:
    rows = _rows(series, indicator, level)
    return rows[(rows["region"] == NATIONAL) & (rows["origin"] == "published")]


def _anchor(proxy: pd.DataFrame, pupils: pd.DataFrame) -> pd.DataFrame:
    key = ["region", "sex"]
    both = pupils[pupils["year"] == ANCHOR_YEAR][[*key, "share"]].merge(
        proxy[proxy["year"] == ANCHOR_YEAR][[*key, "share"]], on=key,
        suffixes=("_pupil", "_proxy"))
    both = both[both["share_proxy"] > 0]
    return pd.DataFrame({"region": both["region"], "sex": both["sex"],
                         "pupil_share": both["share_pupil"], "proxy_share": both["share_proxy"],
                         "anchor": both["share_pupil"] / both["share_proxy"]})


def _anchored(proxy: pd.DataFrame, pupils: pd.DataFrame, indicator: str) -> pd.DataFrame:
    """The proxy on the pupil file's scale: proxy x (pupil share / proxy share in 2019/20)."""
    ratio = _anchor(proxy, pupils)
    out = proxy.merge(ratio[["region", "sex", "anchor"]], on=["region", "sex"], how="inner")
    factor = out["anchor"].astype("Float64")
    outside = ~out["anchor"].between(*ANCHOR_BAND)
    extra = [{"anchored"} | ({"anchor_outside_band"} if o else set()) for o in outside]
    if pupils.empty:  # no pupil file (a vintage before its release): nothing is anchored
        return out.iloc[0:0][SERIES_COLUMNS]
    return _scaled(out, factor, indicator, extra,
                   source_extra=pupils["source"].iloc[0], edition_extra=pupils["edition"].iloc[0])


def _benchmarked(basis: pd.DataFrame, monitor: pd.DataFrame, spec: tuple) -> pd.DataFrame:
    national = basis[basis["region"] == NATIONAL][["sex", "year", "share"]].rename(
        columns={"share": "_nl"})
    values = monitor[["sex", "year", "share", "source", "edition"]].rename(
        columns={"share": "_monitor", "source": "_msource", "edition": "_medition"})
    out = basis.merge(national, on=["sex", "year"]).merge(values, on=["sex", "year"])
    out = out[out["_nl"] > 0]
    factor = (out["_monitor"] / out["_nl"]).astype("Float64")
    extra = [{"benchmarked", *filter(None, spec.flags.split(";"))}] * len(out)
    scaled = _scaled(out, factor, spec.indicator, extra)
    scaled["source"] = [f"{s} | {m}" for s, m in zip(scaled["source"], out["_msource"],
                                                     strict=True)]
    scaled["edition"] = [f"{e} | monitor: {m}" for e, m in zip(scaled["edition"],
                                                                out["_medition"], strict=True)]
    return scaled


def _scaled(rows: pd.DataFrame, factor: pd.Series, indicator: str, extra: list[set[str]],
            source_extra: str | None = None, edition_extra: str | None = None) -> pd.DataFrame:
    """Rows with share and bounds times ``factor`` (clipped to 1), counts emptied."""
    out = rows[SERIES_COLUMNS].copy().reset_index(drop=True)
    factor = factor.reset_index(drop=True)
    share = (out["share"] * factor).clip(upper=1.0)
    out["share"] = share
    out["share_lo"] = (out["share_lo"] * factor).clip(upper=1.0).where(
        out["share_lo"].isna() | (out["share_lo"] * factor <= share), share)
    out["share_hi"] = (out["share_hi"] * factor).clip(upper=1.0).where(
        out["share_hi"].isna() | (out["share_hi"] * factor >= share), share)
    out["n_tech"] = pd.NA
    out["n_total"] = pd.NA
    out["indicator"] = indicator
    if source_extra is not None:
        out["source"] = out["source"] + f" | {source_extra}"
        out["edition"] = out["edition"] + f" | anchor: {edition_extra}"
    out["flags"] = [";".join(sorted((set(filter(None, f.split(";"))) - _DROP_FLAGS) | e))
                    for f, e in zip(out["flags"], extra, strict=True)]
    return out
