"""Fan charts (stage 5): one series' observations, forecast median and interval bands, and the
small multiples of several series and models."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from tpforecast.errors import TpModelError
from tpforecast.forecasting.selection import selected
from tpforecast.formatting import percent, school_year
from tpforecast.plotting.style import (
    FIGSIZE,
    PALETTE,
    caption,
    new_axes,
    one_series,
    percent_axis,
    rows_of,
    series_title,
    source_text,
    style,
)

__all__ = ["plot_forecast", "plot_forecast_panels"]


def _intervals(forecast: pd.DataFrame) -> list[int]:
    """The interval coverages of a forecast frame, widest first."""
    return sorted((int(c[3:]) for c in forecast.columns if c.startswith("lo_")), reverse=True)


def _bands_text(intervals: Sequence[int]) -> str:
    shown = [f"{lv}%" for lv in sorted(intervals)]
    return " and ".join([", ".join(shown[:-1]), shown[-1]]) if len(shown) > 1 else "".join(shown)


def plot_forecast(
    data: pd.DataFrame,
    forecast: pd.DataFrame,
    *,
    target: float | None = None,
    ax: Any = None,
    model: str | None = None,
    target_year: int | None = None,
    title: str | None = None,
    source: str | bool | None = None,
    region: str | Sequence[str] | None = None,
    levels: str | Sequence[str] | None = None,
    figsize: tuple[float, float] = FIGSIZE,
) -> Any:
    """Fan chart of one series: observed points, model median, interval bands, target.

    Parameters
    ----------
    data
        Rows of one series (series frame layout: ``indicator, level, region, sex, year,
        share``; ``origin`` is used for the caption).
    forecast
        Output of :func:`~tpforecast.forecasting.forecast` for that series (other series and
        rows without a forecast are ignored). With several models, pick one with ``model``
        (default: the first).
    target
        Target share (fraction) drawn as a horizontal line; None for none.
    ax
        Axes to draw on; default a new figure of ``figsize``.
    model
        Which model's forecast to draw.
    target_year
        Marks the target year with a dotted vertical line.
    title, source
        Override the title and the caption text (``source=False``: no caption).
    region, levels
        Keep only the series of these regions and levels (one name or several; None: all);
        a name the frame does not hold is an error naming what exists
        (:func:`~tpforecast.forecasting.selection.selected`).
    figsize
        Size of a new figure.

    Returns
    -------
    matplotlib.axes.Axes
        With the observed line+points (one line), the forecast median (one line), one filled
        band per interval (widest first), and the target line when given.
    """
    data = selected(data, region=region, levels=levels, what="plot_forecast")
    forecast = selected(forecast, region=region, levels=levels, what="plot_forecast")
    key = one_series(data, "data")
    fc = rows_of(forecast, key)
    if "status" in fc.columns:
        fc = fc.loc[(fc["status"] == "ok").to_numpy()]
    if fc.empty:
        raise TpModelError(f"forecast has no rows for series {'/'.join(key)}")
    models = list(pd.unique(fc["model"]))
    model = model or models[0]
    if model not in models:
        raise TpModelError(f"forecast for {'/'.join(key)} has no model {model!r}; has {models}")
    fc = fc.loc[(fc["model"] == model).to_numpy()].sort_values("year")
    obs = data.loc[data["share"].notna().to_numpy(), ["year", "share"]].sort_values("year")
    intervals = _intervals(fc)
    with style():
        ax = new_axes(ax, figsize)
        x_obs = obs["year"].to_numpy(dtype=float)
        y_obs = obs["share"].to_numpy(dtype=float)
        ax.plot(x_obs, y_obs, "o-", color=PALETTE["data"], lw=1.2, ms=4.5, label="observed")
        # connect the last observation to the forecast
        xf = fc["year"].to_numpy(dtype=float)
        x_line = np.r_[x_obs[-1:], xf]
        y_line = np.r_[y_obs[-1:], fc["median"].to_numpy(dtype=float)]
        alphas = np.linspace(0.18, 0.35, max(len(intervals), 1))
        for lv, a in zip(intervals, alphas, strict=False):
            lo = np.r_[y_obs[-1:], fc[f"lo_{lv}"].to_numpy(dtype=float)]
            hi = np.r_[y_obs[-1:], fc[f"hi_{lv}"].to_numpy(dtype=float)]
            ax.fill_between(x_line, lo, hi, color=PALETTE["model"], alpha=float(a), lw=0,
                            label=f"{lv}% interval")
        ax.plot(x_line, y_line, "--", color=PALETTE["model"], lw=1.8,
                label=f"forecast ({model}, median)")
        if target is not None:
            ax.axhline(float(target), color=PALETTE["target"], lw=1.2, ls="-",
                       label=f"target {percent(target)}")
        if target_year is not None:
            ax.axvline(float(target_year), color=PALETTE["target"], lw=0.8, ls=":",
                       label=f"target year {school_year(target_year)}")
        percent_axis(ax, "y")
        ax.set_xlabel("school year (start)")
        ax.set_ylabel("share choosing technique")
        ax.set_title(title or series_title(key))
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
        if source is not False:
            caption(ax, source if isinstance(source, str) else f"{source_text(data)}. Model: "
                    f"{model}; bands: {', '.join(f'{lv}%' for lv in intervals)} prediction "
                    "intervals.")
    return ax


def plot_forecast_panels(
    data: pd.DataFrame,
    forecast: pd.DataFrame,
    *,
    panel: str = "level",
    models: Sequence[str] | None = None,
    target: float | None = None,
    title: str | None = None,
    panel_title: str = "{value}: {model}",
    source: str | None = None,
    region: str | Sequence[str] | None = None,
    levels: str | Sequence[str] | None = None,
    panel_size: tuple[float, float] = (5.0, 4.0),
    sharey: bool = False,
) -> Any:
    """Small multiples of :func:`plot_forecast`: one column per value of ``panel`` (one series
    each), one row per model.

    Parameters
    ----------
    data
        Series frame with the observations of the series to draw.
    forecast
        Output of :func:`~tpforecast.forecasting.forecast` for them.
    panel
        Column whose values get a column of panels each, in order of appearance.
    models
        Models, one row each (default: every model in ``forecast``, in order of appearance).
    target
        Target share drawn in every panel.
    title
        Figure title.
    panel_title
        Title of each panel, formatted with ``value`` and ``model``.
    source
        Caption of the figure (default: the data source and the bands).
    region, levels
        Keep only the series of these regions and levels (one name or several; None: all);
        a name the frame does not hold is an error naming what exists
        (:func:`~tpforecast.forecasting.selection.selected`).
    panel_size, sharey
        Size of one panel in inches; share the y axis.

    Returns
    -------
    matplotlib.figure.Figure
        One Axes per (model, value), a figure title and one caption.
    """
    data = selected(data, region=region, levels=levels, what="plot_forecast_panels")
    forecast = selected(forecast, region=region, levels=levels, what="plot_forecast_panels")
    import matplotlib.pyplot as plt

    values = list(dict.fromkeys(data[panel].astype(str)))
    fc_ok = forecast.loc[(forecast["status"] == "ok").to_numpy()] if "status" in forecast \
        else forecast
    models = list(models) if models is not None else list(pd.unique(fc_ok["model"]))
    if not values or not models:
        raise TpModelError("nothing to plot: no series or no model")
    with style():
        fig, axes = plt.subplots(len(models), len(values), squeeze=False, sharey=sharey,
                                 figsize=(panel_size[0] * len(values),
                                          panel_size[1] * len(models)), layout="constrained")
        for i, model in enumerate(models):
            for j, value in enumerate(values):
                one = data.loc[(data[panel].astype(str) == value).to_numpy()]
                plot_forecast(one, rows_of(fc_ok, [value], [panel]), target=target,
                              ax=axes[i, j], model=model, source=False,
                              title=panel_title.format(value=value, model=model))
        if title:
            fig.suptitle(title, fontweight="bold")
        caption(axes[0, 0], source or f"{source_text(data)}. Bands: "
                f"{_bands_text(_intervals(fc_ok))} prediction intervals.")
        fig.get_layout_engine().set(rect=(0, 0.04, 1, 0.96))  # room for the caption
    return fig
