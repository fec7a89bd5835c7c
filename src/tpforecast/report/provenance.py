"""Where the series come from (stage 6): sizes, sources, editions, quality flags and breaks."""

from __future__ import annotations

import pandas as pd

from tpforecast.forecasting import KEY

__all__ = ["dataset_summary", "flag_tokens", "series_provenance"]

_QUALITY = ("reported", "derived", "inferred", "approximate", "proxy")


def flag_tokens(flags: pd.Series) -> list[str]:
    """Every token of a ``flags`` column (``;``-joined), in order, with repeats."""
    out: list[str] = []
    for f in flags.fillna("").astype(str):
        out.extend(t for t in f.split(";") if t)
    return out


def dataset_summary(series: pd.DataFrame) -> pd.DataFrame:
    """Rows and series per origin (``published`` monitor figures, ``duo`` computed series).

    Returns
    -------
    pandas.DataFrame
        ``origin, rows, series`` and a ``total`` row.
    """
    g = series.groupby("origin", sort=True)
    out = pd.DataFrame({"rows": g.size(), "series": g[KEY].apply(lambda d: len(d.drop_duplicates()))})
    out.loc["total"] = [len(series), len(series[KEY].drop_duplicates())]
    return out.reset_index(names="origin").astype({"rows": "int64", "series": "int64"})


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
        toks = flag_tokens(g["flags"])
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
