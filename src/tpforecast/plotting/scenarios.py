"""Scenarios side by side (stage 5): one panel per series, a median line and band per scenario."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from tpforecast.errors import TpModelError
from tpforecast.forecasting.selection import selected
from tpforecast.forecasting.series import KEY
from tpforecast.forecasting.targets import goals_for, resolve_target
from tpforecast.formatting import percent, school_year
from tpforecast.plotting.style import (
    PALETTE,
    caption,
    percent_axis,
    rows_of,
    series_title,
    source_text,
    style,
)

__all__ = ["plot_scenarios"]


def _check(results: pd.DataFrame, scenarios: Sequence[str] | None, band: int | None,
           ncols: int) -> list[str]:
    need = ["scenario", *KEY, "year", "median"]
    missing = [c for c in need if c not in results.columns]
    if missing:
        raise TpModelError(f"results lack column(s) {', '.join(missing)}; pass run_scenarios()")
    if results.empty:
        raise TpModelError("results are empty: nothing to plot")
    if not isinstance(ncols, int) or ncols < 1:
        raise TpModelError(f"ncols must be a positive integer; got {ncols!r}")
    names = list(pd.unique(results["scenario"]))
    if scenarios is not None:
        unknown = [s for s in scenarios if s not in names]
        if unknown:
            raise TpModelError(f"results have no scenario {unknown[0]!r}; they have {names}")
        names = list(scenarios)
    if band is not None and f"lo_{band}" not in results.columns:
        have = sorted(int(c[3:]) for c in results.columns if c.startswith("lo_"))
        raise TpModelError(f"results have no {band}% interval; they have {have}")
    return names


def _target_lines(key: tuple[str, ...], res: pd.DataFrame,
                  targets: float | pd.DataFrame | None) -> list[tuple[float, str]]:
    """(share, label) of the target line(s) of one panel."""
    if targets is None:
        values = pd.unique(res["target"].dropna()) if "target" in res.columns else []
        return [(float(t), f"target {percent(t)}") for t in values]
    if isinstance(targets, pd.DataFrame):
        return [(g.target, f"{g.kind or 'target'} {percent(g.target)} in {school_year(g.year)}")
                for g in goals_for(resolve_target(targets), key)]
    return [(float(targets), f"target {percent(targets)}")]


def _draw_panel(ax: Any, key: tuple[str, ...], res: pd.DataFrame, data: pd.DataFrame | None,
                names: list[str], colors: dict[str, str], band: int | None,
                multi_model: bool) -> None:
    if data is not None:
        obs = rows_of(data, key)
        obs = obs.loc[obs["share"].notna().to_numpy(), ["year", "share"]].sort_values("year")
        ax.plot(obs["year"].to_numpy(dtype=float), obs["share"].to_numpy(dtype=float), "o-",
                color=PALETTE["data"], lw=1.1, ms=3.5, label="observed", zorder=4)
    for name in names:
        sc = res.loc[(res["scenario"] == name).to_numpy()]
        groups = sc.groupby("model", sort=False) if "model" in sc.columns else [(None, sc)]
        for j, (model, g) in enumerate(groups):
            g = g.sort_values("year")
            x = g["year"].to_numpy(dtype=float)
            label = name if not multi_model or model is None else f"{name} ({model})"
            ax.plot(x, g["median"].to_numpy(dtype=float), ["-", "--", ":", "-."][j % 4],
                    color=colors[name], lw=1.7, label=label, zorder=3)
            if band is not None:
                lo = g[f"lo_{band}"].to_numpy(dtype=float, na_value=np.nan)
                hi = g[f"hi_{band}"].to_numpy(dtype=float, na_value=np.nan)
                if np.nanmax(hi - lo, initial=0.0) > 0:
                    ax.fill_between(x, lo, hi, color=colors[name], alpha=0.14, lw=0,
                                    label=f"{band}% interval")


def plot_scenarios(
    results: pd.DataFrame,
    *,
    data: pd.DataFrame | None = None,
    targets: float | pd.DataFrame | None = None,
    scenarios: Sequence[str] | None = None,
    band: int | None = 80,
    ncols: int = 3,
    panel_size: tuple[float, float] = (4.2, 3.1),
    sharey: bool = False,
    title: str | None = None,
    region: str | Sequence[str] | None = None,
    levels: str | Sequence[str] | None = None,
    source: str | None = None,
) -> Any:
    """Small multiples of scenarios: one panel per level (series), data, paths, bands, target.

    Parameters
    ----------
    results
        Output of :func:`~tpforecast.scenarios.run_scenarios` (filter it to the series you
        want; one panel per ``indicator, level, region, sex``, in order of appearance; rows
        without a result are left out).
    data
        Series frame with the observations (drawn as black points and line; ``origin`` is used
        for the caption). Optional.
    targets
        Target line(s): a fraction for every panel, a targets frame (``load_targets()``
        layout; each panel gets its matching goal/ambition rows, labelled with their year), or
        None to use the ``target`` column of ``results``.
    scenarios
        Which scenarios to draw, in this order (default: all, in order of appearance).
    band
        Interval drawn as a band around each scenario's median (None: no bands).
    ncols
        Panels per row.
    panel_size
        Width and height of one panel in inches.
    sharey
        Share the y axis between panels.
    region, levels
        Keep only the series of these regions and levels (one name or several; None: all);
        a name the frame does not hold is an error naming what exists
        (:func:`~tpforecast.forecasting.selection.selected`).
    title, source
        Override the figure title and the caption.

    Returns
    -------
    matplotlib.figure.Figure
        One Axes per series (``fig.axes``); in each, one line per scenario (the median), one
        filled band per scenario (when ``band`` is set and the scenario has one), the
        observations and the target line(s).
    """
    results = selected(results, region=region, levels=levels, what="plot_scenarios")
    data = None if data is None else selected(data, region=region, levels=levels,
                                              what="plot_scenarios")
    import matplotlib.pyplot as plt

    names = _check(results, scenarios, band, ncols)
    if "status" in results.columns:
        results = results.loc[(results["status"] == "ok").to_numpy()]
    colors = {s: PALETTE["cycle"][i % len(PALETTE["cycle"])] for i, s in enumerate(names)}
    keys = [tuple(str(v) for v in k) for k in
            results[KEY].drop_duplicates().itertuples(index=False)]
    n, nc = len(keys), min(ncols, len(keys))
    nr = -(-n // nc)
    multi_model = "model" in results.columns and bool(
        (results.groupby("scenario")["model"].nunique() > 1).any())
    with style():
        fig, axes = plt.subplots(nr, nc, figsize=(panel_size[0] * nc, panel_size[1] * nr + 1.2),
                                 layout="constrained", sharey=sharey, squeeze=False)
        flat = axes.ravel()
        for ax in flat[n:]:
            ax.set_visible(False)
        for i, (ax, key) in enumerate(zip(flat, keys, strict=False)):
            res = rows_of(results, key)
            _draw_panel(ax, key, res, data, names, colors, band, multi_model)
            for t, label in _target_lines(key, res, targets):
                ax.axhline(t, color=PALETTE["target"], lw=1.0, ls="--", label=label, zorder=2)
            percent_axis(ax, "y")
            ax.set_title(series_title(key, sep=" \u00b7 "), fontsize=10)
            if i % nc == 0:
                ax.set_ylabel("share choosing technique")
            if i >= n - nc:
                ax.set_xlabel("school year (start)")
        _legend(fig, flat[:n], band)
        fig.suptitle(title or "Scenarios for the share choosing technique", fontweight="bold")
        model_txt = ""
        if "model" in results.columns:
            model_txt = " Trend model(s): " + ", ".join(
                sorted(set(map(str, results["model"].dropna())))) + "."
        caption(flat[0], source or f"{source_text(data)}. Lines: scenario medians"
                f"{f'; bands: {band}% intervals' if band is not None else ''}.{model_txt} "
                "Years are start years of school years (2020 = 2020/21).")
        height = fig.get_size_inches()[1]
        fig.get_layout_engine().set(rect=(0.0, 0.25 / height, 1.0, 1.0 - 0.25 / height))
    return fig


def _legend(fig: Any, axes: Sequence[Any], band: int | None) -> None:
    """One figure legend with every label once (one grey patch for the bands)."""
    handles: dict[str, Any] = {}
    for ax in axes:
        for h, lab in zip(*ax.get_legend_handles_labels(), strict=True):
            handles.setdefault(lab, h)
    band_lab = f"{band}% interval"
    if band_lab in handles:
        from matplotlib.patches import Patch

        handles[band_lab] = Patch(color="#888888", alpha=0.3, lw=0)
    fig.legend(list(handles.values()), list(handles), loc="outside right upper", fontsize=8,
               frameon=False)
