"""Observed shares over time (stage 5): one line per series, break markers, target lines, and
small multiples of them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from tpforecast.errors import TpModelError
from tpforecast.forecasting.selection import selected
from tpforecast.forecasting.series import KEY
from tpforecast.forecasting.targets import goals_for, resolve_target
from tpforecast.formatting import percent, school_year
from tpforecast.plotting.style import (
    FIGSIZE,
    PALETTE,
    caption,
    new_axes,
    percent_axis,
    rows_of,
    source_text,
    style,
)

__all__ = ["plot_panels", "plot_series"]

_CYCLE = [*PALETTE["cycle"], "#17a2b8", "#7f7f7f", "#a0522d", "#d45087", "#2f4b7c"]


def _target_lines(targets: Any, keys: list[tuple[str, ...]], labels: dict[tuple[str, ...], str],
                  colors: dict[str, str]) -> list[tuple[float, str, str]]:
    """(share, label, colour) of the target lines of :func:`plot_series`."""
    if targets is None:
        return []
    if isinstance(targets, Mapping):
        return [(float(t), f"{lab}: target {percent(t)}", colors.get(str(lab), PALETTE["target"]))
                for lab, t in targets.items()]
    if not isinstance(targets, pd.DataFrame):
        return [(float(targets), f"target {percent(targets)}", PALETTE["target"])]
    frame = resolve_target(targets)
    found: dict[tuple[float, str], list[str]] = {}
    for k in keys:
        for g in goals_for(frame, k):
            labs = found.setdefault((g.target, f" in {school_year(g.year)}"), [])
            if labels[k] not in labs:
                labs.append(labels[k])
    lines = []
    for (t, when), labs in found.items():
        text = f"target {percent(t)}{when}"
        if len(labs) == 1 and len(set(labels.values())) > 1:
            lines.append((t, f"{labs[0]}: {text}", colors[labs[0]]))
        else:
            lines.append((t, text, PALETTE["target"]))
    return lines


def _draw_one(ax: Any, rows: pd.DataFrame, label: str, color: str, show_breaks: bool) -> bool:
    """One series as line segments (before / after a definition break); True if a break."""
    rows = rows.sort_values("year")
    x = rows["year"].to_numpy(dtype=float)
    y = rows["share"].to_numpy(dtype=float)
    flags = rows["flags"].fillna("").astype(str).to_numpy() if "flags" in rows \
        else np.full(len(rows), "")
    pre = np.array(["pre_break:" in f for f in flags]) if show_breaks \
        else np.zeros(len(rows), dtype=bool)
    used = {line.get_label() for line in ax.get_lines()}
    any_break = False
    for seg, is_pre in ([(pre, True), (~pre, False)] if pre.any() else [(~pre, False)]):
        if not seg.any():
            continue
        any_break |= is_pre
        lab = label
        if lab in used or (is_pre and (~pre).any()):
            lab = "_nolegend_"
        used.add(lab)
        ax.plot(x[seg], y[seg], "o-", color=color, lw=1.6, ms=5,
                mfc="white" if is_pre else color, mew=1.3, label=lab)
    return any_break


def plot_series(
    series: pd.DataFrame,
    *,
    ax: Any = None,
    hue: str = "level",
    targets: float | dict[str, float] | pd.DataFrame | None = None,
    title: str | None = None,
    source: str | bool | None = None,
    legend: bool = True,
    show_breaks: bool = True,
    region: str | Sequence[str] | None = None,
    levels: str | Sequence[str] | None = None,
    figsize: tuple[float, float] = FIGSIZE,
) -> Any:
    """Observed shares over time: one line with markers per series, percent axis, targets.

    Parameters
    ----------
    series
        Series frame (``load_series()`` layout; rows without a share are ignored). Each
        series (``indicator, level, region, sex``) is one line, in order of appearance.
    ax
        Axes to draw on; default a new figure of ``figsize``.
    hue
        Column (or columns joined by ``/``, e.g. ``"level/region"``) that labels and colours
        the lines; series with the same label share a colour.
    targets
        Target line(s): a fraction (one red dashed line), a mapping label -> fraction (a
        dashed line per label in its colour), or a targets frame (``load_targets()``
        layout: each series gets its matching goal/ambition rows, in its colour).
    title
        Axes title (default "Share choosing technique" with the region(s)).
    source
        Caption text; None: the data source from ``origin`` (plus a note on break markers);
        False: no caption (e.g. for panels of one figure).
    legend
        Draw a legend.
    show_breaks
        Draw values flagged ``pre_break:`` (before a definition break, e.g. the vmbo reform
        of 2016/17) with open markers, and do not connect them to the values after the break.
    region, levels
        Keep only the series of these regions and levels (one name or several; None: all);
        a name the frame does not hold is an error naming what exists
        (:func:`~tpforecast.forecasting.selection.selected`).
    figsize
        Size of a new figure.

    Returns
    -------
    matplotlib.axes.Axes
        With one or more ``Line2D`` per series (one per segment between breaks), a
        horizontal line per target, labelled axes, a percent y axis and a title.
    """
    series = selected(series, region=region, levels=levels, what="plot_series")
    missing = [c for c in [*KEY, "year", "share"] if c not in series.columns]
    if missing:
        raise TpModelError(f"series lacks column(s) {', '.join(missing)}; pass load_series()")
    cols = [c.strip() for c in hue.split("/")]
    unknown = [c for c in cols if c not in series.columns]
    if unknown:
        raise TpModelError(f"hue column(s) {', '.join(unknown)} not in the series frame")
    data = series.loc[series["share"].notna().to_numpy()]
    if data.empty:
        raise TpModelError("series has no shares: nothing to plot")
    keys = [tuple(str(v) for v in k) for k in data[KEY].drop_duplicates().itertuples(index=False)]
    labels = {k: " / ".join(str(rows_of(data, k)[c].iloc[0]) for c in cols) for k in keys}
    colors = {lab: _CYCLE[i % len(_CYCLE)] for i, lab in enumerate(dict.fromkeys(labels.values()))}
    with style():
        ax = new_axes(ax, figsize)
        any_break = False
        for k in keys:
            any_break |= _draw_one(ax, rows_of(data, k), labels[k], colors[labels[k]], show_breaks)
        for t, lab, color in _target_lines(targets, keys, labels, colors):
            ax.axhline(t, color=color, lw=1.1, ls="--", label=lab, zorder=1)
        if any_break:
            ax.plot([], [], "o", color="#555555", mfc="white", mew=1.3,
                    label="before a definition break")
        from matplotlib.ticker import MaxNLocator

        percent_axis(ax, "y")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=6))
        ax.set_xlabel("school year (start)")
        ax.set_ylabel("share choosing technique")
        regions = sorted(set(k[2] for k in keys))
        ax.set_title(title or f"Share choosing technique ({', '.join(regions)})")
        if legend:
            many = len(ax.get_legend_handles_labels()[1]) > 4
            ax.legend(**({"loc": "upper left", "bbox_to_anchor": (1.01, 1.0)} if many
                         else {"loc": "best"}), fontsize=8, frameon=False)
        if source is not False:
            caption(ax, source if isinstance(source, str) else source_text(data) + (
                ". Open markers: values before a definition break (not comparable with later "
                "values)." if any_break else "."))
    return ax


def plot_panels(
    series: pd.DataFrame,
    *,
    panel: str = "level",
    hue: str = "region",
    targets: float | dict[str, float] | pd.DataFrame | None = None,
    title: str | None = None,
    panel_title: str = "{value}",
    source: str | None = None,
    ncols: int | None = None,
    region: str | Sequence[str] | None = None,
    levels: str | Sequence[str] | None = None,
    panel_size: tuple[float, float] = (4.4, 3.8),
) -> Any:
    """Small multiples of :func:`plot_series`: one panel per value of ``panel``.

    Parameters
    ----------
    series
        Series frame (``load_series()`` layout).
    panel
        Column whose values get a panel each, in order of appearance (default ``level``).
    hue
        Column that labels and colours the lines within a panel (default ``region``); colours
        are the same in every panel.
    targets
        Passed on to :func:`plot_series`.
    title
        Figure title (default none).
    panel_title
        Title of each panel, formatted with ``value`` and ``indicator`` (the panel's first
        indicator), e.g. ``"{value}: {indicator}"``.
    source
        Caption text (default: the data source).
    ncols
        Panels per row (default: all in one row).
    region, levels
        Keep only the series of these regions and levels (one name or several; None: all);
        a name the frame does not hold is an error naming what exists
        (:func:`~tpforecast.forecasting.selection.selected`).
    panel_size
        Size of one panel in inches.

    Returns
    -------
    matplotlib.figure.Figure
        One Axes per panel, a single legend (on the last panel) and the source caption.
    """
    series = selected(series, region=region, levels=levels, what="plot_panels")
    import matplotlib.pyplot as plt

    values = list(dict.fromkeys(series[panel].astype(str)))
    if not values:
        raise TpModelError("series is empty: nothing to plot")
    nc = min(ncols or len(values), len(values))
    nr = -(-len(values) // nc)
    with style():
        fig, axes = plt.subplots(nr, nc, squeeze=False,
                                 figsize=(panel_size[0] * nc, panel_size[1] * nr))
        for ax in axes.flat[len(values):]:
            ax.set_visible(False)
        for i, (ax, value) in enumerate(zip(axes.flat, values, strict=False)):
            last = i == len(values) - 1
            rows = series[series[panel].astype(str) == value]
            plot_series(rows, ax=ax, hue=hue, targets=targets, legend=last,
                        source=(source or True) if last else False,
                        title=panel_title.format(value=value,
                                                 indicator=rows["indicator"].iloc[0]))
        if title:
            fig.suptitle(title, fontweight="bold")
        fig.tight_layout()
    return fig
