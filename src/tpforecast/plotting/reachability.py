"""Projections against targets (stage 5): the reachability dot plot and the hindcast panels."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from tpforecast.errors import TpModelError
from tpforecast.forecasting.selection import selected
from tpforecast.formatting import percent, probability, school_year
from tpforecast.plotting.style import FIGSIZE, PALETTE, caption, new_axes, percent_axis, style

__all__ = ["NO_PROJECTION", "plot_hindcast", "plot_reachability", "probability_label"]

#: Why a row of a reachability frame has no projection, for figure labels (by ``status``).
NO_PROJECTION: dict[str, str] = {
    "too_short": "too few points", "no_data": "no data up to the cut-off",
    "fit_failed": "the model could not be fitted", "not_observed": "target year not observed",
    "no_target": "no target for this series", "no_years": "no year to forecast"}


def probability_label(p: Any) -> str:
    """``"p = 7%"``, ``"p <1%"``: the probability in the wording of the tables."""
    text = probability(p)
    return f"p {text}" if text[0] in "<>" else f"p = {text}"


def plot_reachability(
    reach: pd.DataFrame,
    *,
    ax: Any = None,
    label: str = "level",
    title: str | None = None,
    source: str | None = None,
    region: str | Sequence[str] | None = None,
    levels: str | Sequence[str] | None = None,
    figsize: tuple[float, float] = FIGSIZE,
) -> Any:
    """Dot-and-interval chart: projected share in the target year per series vs its target.

    Parameters
    ----------
    reach
        Output of :func:`~tpforecast.forecasting.reachability` (one model; rows are drawn
        top to bottom in the order given; a row without a projection stays, with a text
        saying why, e.g. too few points).
    ax
        Axes to draw on; default a new figure.
    label
        Column (or columns joined by ``/``) used as row label: ``"level"`` by default.
    title, source
        Override the title and caption.
    region, levels
        Keep only the series of these regions and levels (one name or several; None: all);
        a name the frame does not hold is an error naming what exists
        (:func:`~tpforecast.forecasting.selection.selected`).
    figsize
        Size of a new figure.

    Returns
    -------
    matplotlib.axes.Axes
        One error-bar container (80% interval and median per row), one target marker
        collection, and a text annotation ``p = ..`` per row.
    """
    reach = selected(reach, region=region, levels=levels, what="plot_reachability")
    need = ["median", "lo_80", "hi_80", "target", "p_target", "target_year"]
    missing = [c for c in need if c not in reach.columns]
    if missing:
        raise TpModelError(f"reach lacks column(s) {', '.join(missing)}; pass reachability()")
    r = reach
    if r.empty:
        raise TpModelError("reach is empty: nothing to plot")
    if "status" in r.columns and not r["status"].isin(["ok", "observed"]).any():
        raise TpModelError("reach has no projection to plot (every row: "
                           f"{', '.join(sorted(set(r['status'])))})")
    r = r.reset_index(drop=True)
    has = r["status"].isin(["ok", "observed"]).to_numpy() if "status" in r.columns \
        else np.ones(len(r), dtype=bool)
    names = r[[c.strip() for c in label.split("/")]].astype(str).agg("/".join, axis=1).tolist()
    ypos = np.arange(len(r))[::-1].astype(float)
    median, lo, hi, tgt = (r[c].to_numpy(dtype=float, na_value=np.nan)
                           for c in ("median", "lo_80", "hi_80", "target"))
    with style():
        ax = new_axes(ax, (figsize[0], max(figsize[1], 0.45 * len(r) + 1.5)))
        err = np.vstack([np.clip(median - lo, 0, None), np.clip(hi - median, 0, None)])
        ax.errorbar(median[has], ypos[has], xerr=err[:, has], fmt="o", color=PALETTE["model"],
                    ecolor=PALETTE["model"], elinewidth=2.5, capsize=0, ms=6,
                    label="projection (median, 80% interval)")
        ax.scatter(tgt, ypos, marker="|", s=300, color=PALETTE["target"], linewidths=2.5,
                   label="target", zorder=3)
        for yv, hv, m, p in zip(ypos[has], hi[has], median[has], r.loc[has, "p_target"],
                                strict=True):
            ax.annotate(probability_label(p), (hv if np.isfinite(hv) else m, yv),
                        xytext=(6, 0), textcoords="offset points", va="center", fontsize=8)
        for yv, status in zip(ypos[~has], r.loc[~has, "status"], strict=True):
            # a series without a projection stays in the figure, saying why
            ax.annotate(f"no projection: {NO_PROJECTION.get(status, status)}", (0.01, yv),
                        xycoords=("axes fraction", "data"), va="center", fontsize=8,
                        color="#555555")
        ax.set_yticks(ypos, names)
        percent_axis(ax, "x")
        years = sorted({int(y) for y in r["target_year"].dropna()})
        ax.set_xlabel(f"projected share in {', '.join(school_year(y) for y in years)}")
        ax.set_ylabel(label.replace("/", " / "))
        model_txt = ", ".join(map(str, pd.unique(r["model"]))) if "model" in r else "model"
        as_of = r["as_of"].dropna().unique() if "as_of" in r else []
        as_of_txt = f", data up to {school_year(as_of[0])}" if len(as_of) == 1 else ""
        ax.set_title(title or f"Is the target reachable? ({model_txt}{as_of_txt})")
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncols=2, fontsize=8,
                  frameon=False)
        ax.margins(x=0.15)
        caption(ax, source or "p = probability of being at or above the target in the target "
                "year (model simulation). Source: tpforecast series and targets.")
    return ax


def plot_hindcast(
    hindcast: pd.DataFrame,
    *,
    year: int | None = None,
    target: float | None = None,
    ncols: int = 4,
    panel_size: tuple[float, float] = (3.4, 3.0),
    region: str | Sequence[str] | None = None,
    levels: str | Sequence[str] | None = None,
    title: str | None = None,
) -> Any:
    """What each model said, with data up to a cut-off, next to what happened.

    Parameters
    ----------
    hindcast
        Output of :func:`~tpforecast.forecasting.hindcast`: ``level, model, year, median,
        lo_80, hi_80, actual`` per series.
    year
        The forecast year to show (default: the latest in ``hindcast``).
    target
        A target share drawn as a dashed line in every panel.
    ncols, panel_size
        Panel layout: panels per row and the size of one panel in inches.
    region, levels
        Keep only the series of these regions and levels (one name or several; None: all);
        a name the frame does not hold is an error naming what exists
        (:func:`~tpforecast.forecasting.selection.selected`).
    title
        Figure title (default names the year).

    Returns
    -------
    matplotlib.figure.Figure
        One panel per level: per model the median and 80% interval (error bar), the published
        value as a black line.
    """
    hindcast = selected(hindcast, region=region, levels=levels, what="plot_hindcast")
    import matplotlib.pyplot as plt

    need = ["level", "model", "year", "median", "lo_80", "hi_80", "actual"]
    missing = [c for c in need if c not in hindcast.columns]
    if missing:
        raise TpModelError(f"hindcast lacks column(s) {', '.join(missing)}; pass hindcast()")
    year = int(hindcast["year"].max()) if year is None else int(year)
    rows = hindcast.loc[(hindcast["year"] == year).to_numpy(dtype=bool, na_value=False)]
    if rows.empty:
        raise TpModelError(f"hindcast has no rows for {year}")
    levels = list(dict.fromkeys(rows["level"]))
    models = list(dict.fromkeys(hindcast["model"].dropna()))
    # a (level, model) pair without a forecast is shown with its status, never left blank
    missing = {} if "status" not in hindcast.columns else {
        (str(r["level"]), str(r["model"])): str(r["status"]) for _, r in hindcast.loc[
            (hindcast["status"] != "ok").to_numpy()].iterrows()}
    colours = dict(zip(models, PALETTE["cycle"] * 3, strict=False))
    nc = min(ncols, len(levels))
    nrows = -(-len(levels) // ncols)
    with style():
        fig, axes = plt.subplots(nrows, nc, squeeze=False,
                                 figsize=(panel_size[0] * nc, panel_size[1] * nrows))
        for ax, level in zip(axes.flat, levels, strict=False):
            _hindcast_panel(ax, rows.loc[(rows["level"] == level).to_numpy()].set_index("model"),
                            models, colours, target)
            for i, model in enumerate(models):
                if (level, model) in missing:
                    ax.text(i, 0.5, NO_PROJECTION.get(missing[level, model], "no forecast"),
                            transform=ax.get_xaxis_transform(), rotation=90, ha="center",
                            va="center", fontsize=7, color="#666666")
            if rows.loc[(rows["level"] == level).to_numpy(), "actual"].isna().all():
                ax.text(0.5, 0.02, f"no value published for {school_year(year)}",
                        transform=ax.transAxes, ha="center", va="bottom", fontsize=7,
                        color="#666666")
            ax.set_title(level)
        for ax in list(axes.flat)[len(levels):]:
            ax.set_visible(False)
        axes[0, 0].set_ylabel("share choosing technique")
        axes[0, 0].legend(loc="best", fontsize=8, frameon=False)
        cut = hindcast["as_of"].dropna().unique() if "as_of" in hindcast else []
        data_txt = f" with the data up to {school_year(cut[0])}" if len(cut) == 1 else ""
        fig.suptitle(title or f"Hindcast: what the models said about {school_year(year)}"
                     f"{data_txt}", fontweight="bold")
        fig.tight_layout()
        fig.text(0.01, -0.01, "Dots and bars: model median and 80% prediction interval; black "
                 "line: the value published afterwards. Source: Techniekpact monitor.",
                 fontsize=7, color="#555555", ha="left", va="top")
    return fig


def _hindcast_panel(ax: Any, sub: pd.DataFrame, models: list[str], colours: dict[str, str],
                    target: float | None) -> None:
    for i, model in enumerate(models):
        if model not in sub.index:
            continue
        r = sub.loc[model]
        lo, mid, hi = float(r["lo_80"]), float(r["median"]), float(r["hi_80"])
        ax.errorbar([i], [mid], yerr=[[mid - lo], [hi - mid]], fmt="o", color=colours[model],
                    elinewidth=2.5, ms=5, capsize=0)
    actual = sub["actual"].dropna()
    if len(actual):
        ax.axhline(float(actual.iloc[0]), color=PALETTE["data"], lw=1.5, label="published")
    if target is not None:
        ax.axhline(float(target), color=PALETTE["target"], lw=1, ls="--",
                   label=f"target {percent(target)}")
    ax.set_xticks(range(len(models)), models, rotation=45, ha="right", fontsize=8)
    percent_axis(ax, "y")
