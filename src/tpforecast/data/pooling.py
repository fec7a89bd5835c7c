"""Pooled series derived from their members' counts (a cleaning step, ``pool``).

``data/mappings/pooled.csv`` names a pooled (indicator, level) and its member (indicator,
level) pairs, e.g. ``havovwo4_nprofile/havo_vwo`` = ``havo4_nprofile/havo`` +
``vwo4_nprofile/vwo``. Where the pooled series has no share for a (region, sex, year) and every
member has a technical count and a total there, the pooled share is the sum of the technical
counts over the sum of the totals (its log row points at the first member's input line). A member's count is printed, or implied by the other count
and the printed share (``n_total = n_tech / share`` or ``n_tech = share x n_total``; the share
is printed in whole percents, so such a value is flagged ``approximate``). Every derived value
is a ``pool`` row of the clean log and carries the flags ``derived`` and ``pooled``; a printed
pooled share is never replaced.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from tpforecast.data.cleanlog import CleanLog
from tpforecast.data.mappings import _check_level_keys, mapping_path, read_mapping
from tpforecast.errors import TpDataError

__all__ = ["load_pooled", "pool_series"]

_KEY = ["region", "sex", "year"]
_JOIN = " | "


def load_pooled(path: str | Path | None = None) -> pd.DataFrame:
    """``pooled.csv`` checked: ``indicator, level, members`` (a list of ``(indicator, level)``
    pairs), ``note, line``.

    Raises
    ------
    TpDataError
        A repeated pooled key, an unknown level key, or a member list that is not two or more
        ``indicator/level`` pairs separated by ``;``.
    """
    path = Path(path) if path is not None else mapping_path("pooled.csv")
    frame = read_mapping(path, required=("indicator", "level", "members", "note"),
                         key=("indicator", "level"), not_empty=("indicator", "level",
                                                                "members"))
    _check_level_keys(frame, "level", path)
    members = []
    for row in frame.itertuples(index=False):
        pairs = [tuple(p.strip().split("/")) for p in row.members.split(";")]
        if len(pairs) < 2 or any(len(p) != 2 or not all(p) for p in pairs):
            raise TpDataError("members must be two or more indicator/level pairs", file=path,
                              line=int(row.line), column="members", value=row.members,
                              expected="e.g. havo4_nprofile/havo;vwo4_nprofile/vwo")
        _check_level_keys(pd.DataFrame({"level": [p[1] for p in pairs], "line": row.line}),
                          "level", path)
        members.append(pairs)
    return frame.assign(members=members)


def _member_counts(rows: pd.DataFrame) -> pd.DataFrame:
    """Technical count and total of each row: printed, or implied by the other and the share."""
    share = rows["share"].astype(float)
    tech, total = rows["n_tech"].astype(float), rows["n_total"].astype(float)
    implied_total = (tech / share.where(share > 0)).round()
    implied_tech = (share * total).round()
    return rows.assign(
        t=tech.fillna(implied_tech), n=total.fillna(implied_total),
        approximate=(tech.isna() & implied_tech.notna()) | (total.isna() & implied_total.notna()))


def pool_series(series: pd.DataFrame, log: CleanLog,
                pooled: pd.DataFrame | None = None) -> pd.DataFrame:
    """``series`` (the cleaning's working rows: ``flags`` as sets) with the missing shares of
    pooled series derived from their members' counts (see the module text)."""
    pooled = load_pooled() if pooled is None else pooled
    out = series.copy()
    for spec in pooled.itertuples(index=False):
        parts = []
        for indicator, level in spec.members:
            rows = out.loc[(out["indicator"] == indicator) & (out["level"] == level)]
            parts.append(_member_counts(rows).set_index(_KEY))
        both = parts[0][["t", "n", "approximate", "edition", "source", "file", "line"]].join(
            [p[["t", "n", "approximate", "edition", "source"]].add_suffix(f"_{i}")
             for i, p in enumerate(parts[1:], 1)], how="inner").dropna(
            subset=["t", "n", *(f"{c}_{i}" for i in range(1, len(parts)) for c in "tn")])
        for key, m in both.iterrows():
            out = _put(out, spec, dict(zip(_KEY, key, strict=True)), m, len(parts), log)
    return out


def _put(out: pd.DataFrame, spec: Any, key: dict[str, Any], m: pd.Series, k: int,
         log: CleanLog) -> pd.DataFrame:
    """Add or fill the pooled row of ``key`` (unless it has a printed share)."""
    sfx = ["", *(f"_{i}" for i in range(1, k))]
    tech = sum(float(m[f"t{s}"]) for s in sfx)
    total = sum(float(m[f"n{s}"]) for s in sfx)
    approximate = any(bool(m[f"approximate{s}"]) for s in sfx)
    hit = ((out["indicator"] == spec.indicator) & (out["level"] == spec.level)
           & (out["region"] == key["region"]) & (out["sex"] == key["sex"])
           & (out["year"] == key["year"])).to_numpy()
    if hit.any() and not np.isnan(float(out.loc[hit, "share"].iloc[0])):
        return out
    flags = {"derived", "pooled"} | ({"approximate"} if approximate else set())
    editions = _JOIN.join(dict.fromkeys(x for s in sfx for x in str(m[f"edition{s}"]).split(
        _JOIN)))
    sources = _JOIN.join(dict.fromkeys(x for s in sfx for x in str(m[f"source{s}"]).split(
        _JOIN)))
    row = {"indicator": spec.indicator, "level": spec.level, **key, "share": tech / total,
           "share_decimals": 8, "n_tech": np.nan, "n_total": np.nan, "source": sources,
           "edition": editions, "measure": "share", "file": m["file"], "line": m["line"]}
    if hit.any():  # a printed pooled count without a share: keep it, add the share
        idx = out.index[hit][0]
        out.at[idx, "share"] = row["share"]
        out.at[idx, "flags"] = out.at[idx, "flags"] | flags
        for column in ("edition", "source"):
            out.at[idx, column] = _JOIN.join(dict.fromkeys(
                [*str(out.at[idx, column]).split(_JOIN), *str(row[column]).split(_JOIN)]))
        example = out.loc[idx]
    else:
        out = pd.concat([out, pd.DataFrame([{**row, "flags": flags}])], ignore_index=True)
        example = out.iloc[-1]
    log.add("pool", "changed", 1, f"{spec.indicator}/{spec.level} share derived from its "
            f"members' counts: {tech:,.0f} / {total:,.0f} = {tech / total:.4f} (flags derived, "
            f"pooled{', approximate: a count implied by a whole-percent share' if approximate else ''}"
            f"; editions: {editions})", example, measure="share", old="",
            new=f"{tech / total:.8g}")
    return out
