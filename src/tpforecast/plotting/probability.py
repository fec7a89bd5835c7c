"""Probabilities per year and the "as of" views (stage 5): the probability of being at or
above a target in each year, and the data of the time next to today's revised data."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from tpforecast.errors import TpModelError
from tpforecast.formatting import percent, school_year
from tpforecast.plotting.reachability import probability_label
from tpforecast.plotting.style import (
    FIGSIZE,
    PALETTE,
    caption,
    new_axes,
    percent_axis,
    style,
)

__all__ = ["plot_probability", "plot_vintages"]


def _need(frame: pd.DataFrame, columns: list[str], what: str, runner: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise TpModelError(f"{what} lacks column(s) {', '.join(missing)}; pass {runner}()")


def plot_probability(
    probabilities: pd.DataFrame,
    *,
    ax: Any = None,
    hue: str = "level",
    title: str | None = None,
    source: str | None = None,
    figsize: tuple[float, float] = FIGSIZE,
) -> Any:
    """P(share at or above the target) per year, one line per series, forecast years only.

    Parameters
    ----------
    probabilities
        Output of :func:`~tpforecast.forecasting.probability_by_year` (one model, one target
        per series; observed years, which hold 1 or 0, are not drawn).
    ax
        Axes to draw on; default a new figure.
    hue
        Column naming the lines (default ``level``).
    title, source
        Override the title and the caption.
    figsize
        Size of a new figure.

    Returns
    -------
    matplotlib.axes.Axes
        One line per series, a dotted line at 50% ("more likely than not").
    """
    _need(probabilities, ["year", "p_target", "status", "target", hue], "probabilities",
          "probability_by_year")
    p = probabilities.loc[(probabilities["status"] == "ok").to_numpy()]
    if p.empty:
        raise TpModelError("probabilities hold no forecast year: nothing to plot")
    import seaborn as sns
    from matplotlib.ticker import MaxNLocator

    targets = sorted({float(t) for t in p["target"].dropna()})
    groups = list(p.groupby(hue, sort=False))
    colours = sns.color_palette("tab10", max(len(groups), 1))
    with style():
        ax = new_axes(ax, figsize)
        for (name, g), colour in zip(groups, colours, strict=True):
            g = g.sort_values("year")
            ax.plot(g["year"].to_numpy(dtype=float), g["p_target"].to_numpy(dtype=float),
                    "-", lw=1.8, color=colour, label=str(name))
        ax.axhline(0.5, color="#777777", lw=1, ls=":", label="50%: more likely than not")
        ax.set_ylim(0, 1)
        percent_axis(ax, "y")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel("school year (start)")
        what = " / ".join(percent(t) for t in targets)
        ax.set_ylabel(f"P(at or above {what})")
        ax.set_title(title or f"Probability of {what} or more, year by year")
        ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=8, frameon=False)
        caption(ax, source or "Each point: the probability of being at or above the target "
                "in that year (model, from the latest data); not the year the target is first "
                "reached. Steps 3-5 years ahead come from the calibration (interval widths "
                "learned per horizon from past errors). Years are start years (2030 = 2030/31).")
    return ax


def _row_text(r: pd.Series) -> str:
    if r["status"] == "too_short":
        years = f": {r['years']}" if "years" in r and r["years"] else ""
        return f"too few points ({int(r['n_points'])}{years}): no model"
    if r["status"] == "no_data":
        return "no series in these data"
    return probability_label(r["p_target"])


def plot_vintages(
    comparison: pd.DataFrame,
    *,
    ax: Any = None,
    title: str | None = None,
    figsize: tuple[float, float] = FIGSIZE,
) -> Any:
    """The projection for the target year per level, on the data of the time and on today's
    revised data (:func:`~tpforecast.report.vintage_comparison`), with the outcome.

    Returns
    -------
    matplotlib.axes.Axes
        Per level two rows (data of the time above, revised below): median and 80% interval
        with ``p = ..``, or a text saying why there is none; the published outcome (x) and the
        target line.
    """
    _need(comparison, ["level", "view", "median", "lo_80", "hi_80", "p_target", "status",
                       "n_points", "observed", "target", "target_year", "as_of", "vintage"],
          "comparison", "vintage_comparison")
    levels = list(dict.fromkeys(comparison["level"]))
    style_of = {"vintage": ("s", "#e07b39", "none"), "revised": ("o", PALETTE["model"], None)}
    r0 = comparison.iloc[0]
    vint = comparison.loc[comparison["view"] == "vintage", "vintage"].dropna()
    label = {"vintage": f"data published by {int(vint.iloc[0])}" if len(vint) else "data of "
             "the time", "revised": "today's revised data"}
    with style():
        ax = new_axes(ax, (figsize[0], max(figsize[1], 0.62 * len(levels) + 1.6)))
        base = np.arange(len(levels))[::-1] * 1.0
        for i, level in enumerate(levels):
            rows = comparison.loc[(comparison["level"] == level).to_numpy()]
            for _, r in rows.iterrows():
                y = base[i] + (0.18 if r["view"] == "vintage" else -0.18)
                marker, colour, face = style_of[str(r["view"])]
                if r["status"] in ("ok", "observed"):
                    m, lo, hi = float(r["median"]), float(r["lo_80"]), float(r["hi_80"])
                    ax.errorbar([m], [y], xerr=[[m - lo], [hi - m]], fmt=marker, color=colour,
                                mfc=face or colour, elinewidth=2.2, ms=6, capsize=0,
                                label=label[str(r["view"])])
                    ax.annotate(_row_text(r), (hi, y), xytext=(5, 0), fontsize=7.5,
                                textcoords="offset points", va="center")
                else:
                    ax.annotate(f"{label[str(r['view'])]}: {_row_text(r)}", (0.02, y),
                                xycoords=("axes fraction", "data"), fontsize=7.5,
                                va="center", color=colour)
            seen = rows["observed"].dropna()
            if len(seen):
                ax.scatter([float(seen.iloc[0])], [base[i]], marker="x", s=45,
                           color=PALETTE["data"], zorder=4,
                           label=f"published for {school_year(r0['target_year'])}")
        ax.axvline(float(r0["target"]), color=PALETTE["target"], ls="--", lw=1.2,
                   label=f"target {percent(r0['target'])}")
        ax.set_yticks(base, levels)
        ax.set_ylim(base.min() - 0.6, base.max() + 0.6)
        percent_axis(ax, "x")
        ax.set_xlim(0, 0.8)
        ax.set_xlabel(f"projected share in {school_year(r0['target_year'])} (median, 80% "
                      f"interval), data up to {school_year(r0['as_of'])}")
        handles, labels = ax.get_legend_handles_labels()
        keep = dict(zip(labels, handles, strict=True))
        ax.legend(keep.values(), keep.keys(), loc="upper left", bbox_to_anchor=(1.01, 1.0),
                  fontsize=8, frameon=False)
        ax.set_title(title or f"As seen in {int(r0['as_of']) + 1}: the data of the time and "
                     "today's revised data")
        caption(ax, "p = probability of at least the target in the target year. The data of "
                "the time: the series as published by the end of that year (older editions, "
                "no later revisions or definition changes). Source: tpforecast series.")
    return ax
