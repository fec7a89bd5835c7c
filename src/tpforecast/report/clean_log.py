"""What cleaning did, read from the clean log (stage 6).

The only module that reads the clean log: when its layout changes (structured columns for the
kept and superseded values and editions), only this module changes.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tpforecast.errors import TpModelError

__all__ = ["clean_log_text", "edition_conflicts", "summarize_clean_log"]


def _mask(frame: pd.DataFrame, column: str, value: str) -> np.ndarray:
    return (frame[column] == value).to_numpy(dtype=bool, na_value=False)


def summarize_clean_log(log: pd.DataFrame) -> pd.DataFrame:
    """What cleaning did, per step and action.

    Parameters
    ----------
    log
        The clean log (``clean_figures(...).log`` or ``data/processed/clean_log.csv``):
        at least the columns ``step, action, rows, reason``.

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


_KEY = ["indicator", "level", "region", "sex", "year", "measure"]


def _number(value: float) -> str:
    return f"{value:g}"


def edition_conflicts(log: pd.DataFrame, indicator: str | None = None) -> pd.DataFrame:
    """The keys on which monitor editions disagreed, and what the newest edition kept.

    Parameters
    ----------
    log
        The clean log: its ``resolve`` rows carry the key, ``kept_value``/``kept_edition``
        and one superseded value and edition each.
    indicator
        Keep only this indicator.

    Returns
    -------
    pandas.DataFrame
        One row per resolved key: ``indicator, level, region, sex, year, measure, kept`` (the
        value of the newest edition), ``kept_edition``, ``superseded`` (the other editions'
        values, ``;``-separated, newest first as logged) and ``editions`` (number of editions
        reporting the key).
    """
    missing = [c for c in [*_KEY, "step", "kept_value", "kept_edition", "superseded_value"]
               if c not in log.columns]
    if missing:
        raise TpModelError(f"not a clean log: missing column(s) {', '.join(missing)}")
    res = log.loc[_mask(log, "step", "resolve") & log["kept_value"].notna().to_numpy()]
    if indicator is not None:
        res = res.loc[_mask(res, "indicator", indicator)]
    g = res.groupby(_KEY, sort=False, dropna=False)
    out = pd.DataFrame({
        "kept": g["kept_value"].first().map(_number),
        "kept_edition": g["kept_edition"].first(),
        "superseded": g["superseded_value"].agg(lambda v: "; ".join(_number(x) for x in v)),
        "editions": g.size() + 1,
    }).reset_index()
    out["year"] = out["year"].astype("Int64")
    out["editions"] = out["editions"].astype("int64")
    return out.reset_index(drop=True)


def clean_log_text(log: pd.DataFrame) -> str:
    """One line: log entries, input rows dropped, keys where editions disagreed."""
    steps = summarize_clean_log(log)
    dropped = int(steps.loc[_mask(steps, "action", "dropped"), "rows"].sum())
    resolved = len(edition_conflicts(log))
    return (f"log entries: {len(log)}; input rows dropped (each with a reason): {dropped}; "
            f"keys where editions disagreed: {resolved}")
