"""What the plans could know (stage 6): the "as of" question on the data of the time next to
today's revised data.

``reachability(load_series(vintage=as_of + 1), as_of=as_of)`` is what a plan written in
``as_of + 1`` could know: the series as published by the end of that year (older editions,
no later revisions, no break known yet). Today's data as of the same year have been revised
since (the mbo definition moved to programme counting, the hbo/wo cluster list was revised
in 2017, later editions corrected values). :func:`vintage_comparison` puts both views side by
side per level, with what was published afterwards; a level a view cannot answer is a row
with its status and the number of points, never a gap.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from tpforecast.forecasting import reachability
from tpforecast.forecasting.series import typed
from tpforecast.models import DEFAULT_MODEL, get_model
from tpforecast.report.headline import HEADLINE_LEVELS, headline_series
from tpforecast.study import DEFAULT_STUDY, Study

__all__ = ["VIEWS", "vintage_comparison"]

#: The two views, in order: the data of the time and today's revised data.
VIEWS: tuple[str, ...] = ("vintage", "revised")


def _view_rows(sub: pd.DataFrame, view: str, vintage: int | None, study: Study,
               levels: Sequence[str], models: str) -> list[dict[str, Any]]:
    kw = {"models": models, "seed": study.seed, "n_paths": study.n_paths, "progress": False}
    reach = {}
    if len(sub):
        r = reachability(sub, target=study.target, year=study.target_year, as_of=study.as_of,
                         **kw)
        reach = {str(x["level"]): x for _, x in r.drop_duplicates("level").iterrows()}
    min_obs = get_model(models).min_obs
    rows = []
    for level in levels:
        g = sub.loc[(sub["level"] == level).to_numpy() & (sub["year"] <= study.as_of).to_numpy(
            dtype=bool, na_value=False)].sort_values("year")
        row: dict[str, Any] = {
            "level": level, "view": view, "vintage": vintage, "as_of": study.as_of,
            "target": study.target, "target_year": study.target_year, "model": models,
            "indicator": str(g["indicator"].iloc[0]) if len(g) else "", "n_points": len(g),
            "years": ", ".join(str(int(y)) for y in g["year"]),
            "last_year": int(g["year"].iloc[-1]) if len(g) else pd.NA,
            "last_share": float(g["share"].iloc[-1]) if len(g) else np.nan,
            "median": np.nan, "lo_80": np.nan, "hi_80": np.nan, "p_target": np.nan}
        if level not in reach:
            row.update(status="no_data", reason=f"no {level} series in this view up to "
                                                f"{study.as_of}")
        else:
            r = reach[level]
            row.update({c: r[c] for c in ("median", "lo_80", "hi_80", "p_target")},
                       status=str(r["status"]))
            row["reason"] = (f"{len(g)} point(s) up to {study.as_of} ({row['years']}): too "
                             f"few for the model (needs {min_obs})"
                             if row["status"] == "too_short" else str(r["reason"]))
        rows.append(row)
    return rows


def vintage_comparison(
    series: pd.DataFrame,
    *,
    then: pd.DataFrame | None = None,
    study: Study = DEFAULT_STUDY,
    levels: Sequence[str] = HEADLINE_LEVELS,
    models: str = DEFAULT_MODEL,
) -> pd.DataFrame:
    """P(target in the target year) as of ``study.as_of``, on the data of the time and on
    today's revised data, per level, next to what was published afterwards.

    Parameters
    ----------
    series
        Today's series frame (:func:`~tpforecast.data.loaders.load_series`).
    then
        The series as published by the end of ``study.as_of + 1`` (default
        ``load_series(vintage=study.as_of + 1)``).
    study
        Study settings (target, target year, as-of, seed, paths).
    levels
        Levels, in table order (headline series of each view, :func:`headline_series`).
    models
        One model.

    Returns
    -------
    pandas.DataFrame
        One row per level and view (``vintage``: the data of the time; ``revised``: today's
        data): ``level, view, vintage`` (the data's vintage), ``as_of, target, target_year,
        model, indicator, n_points`` (shares up to ``as_of``), ``years`` (those years),
        ``last_year, last_share, median, lo_80, hi_80`` (the projection for the target year),
        ``p_target``, ``observed`` (the share published for the target year in today's data),
        ``status`` and ``reason`` (e.g. mbo in 2016: two points, too few).
    """
    from tpforecast.data.loaders import load_series

    vintage = study.as_of + 1
    then = load_series(vintage=vintage) if then is None else then
    now_vintage = int(series["vintage"].max()) if "vintage" in series.columns and \
        series["vintage"].notna().any() else None
    now = headline_series(series, levels=levels)
    rows = (_view_rows(headline_series(then, levels=levels), "vintage", vintage, study, levels,
                       models)
            + _view_rows(now, "revised", now_vintage, study, levels, models))
    out = pd.DataFrame(rows)
    seen = now.loc[(now["year"] == study.target_year).to_numpy(dtype=bool, na_value=False)]
    out["observed"] = out["level"].map(dict(zip(seen["level"], seen["share"], strict=True)))
    order = {lv: i for i, lv in enumerate(levels)}
    out = out.assign(_o=out["level"].map(order), _v=out["view"].map(VIEWS.index))
    out = out.sort_values(["_o", "_v"]).drop(columns=["_o", "_v"]).reset_index(drop=True)
    cols = ["level", "view", "vintage", "as_of", "target", "target_year", "model", "indicator",
            "n_points", "years", "last_year", "last_share", "median", "lo_80", "hi_80",
            "p_target", "observed", "status", "reason"]
    return typed(out[cols])
