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


#: Line style and legend label of a target line by kind: a goal or an ambition of the level
#: (targets file), the target a scenario solves for or is judged against.
TARGET_STYLES: dict[str, tuple[Any, str]] = {
    "goal": ("--", "goal of the level"), "ambition": (":", "ambition of the level"),
    "scenario": ("-.", "target of the scenarios"), "target": ("--", "target")}
#: Colour of a scenario's target that is not a target of the level.
SCENARIO_TARGET_COLOR = "#8c8c8c"


def _target_lines(key: tuple[str, ...], res: pd.DataFrame,
                  targets: float | pd.DataFrame | None) -> list[tuple[float, str, str]]:
    """(share, kind, label) of the target line(s) of one panel."""
    if targets is None:
        values = pd.unique(res["target"].dropna()) if "target" in res.columns else []
        return [(float(t), "target", f"target {percent(t)}") for t in values]
    if isinstance(targets, pd.DataFrame):
        return [(g.target, g.kind or "target",
                 f"{g.kind or 'target'} {percent(g.target)} ({school_year(g.year)})")
                for g in goals_for(resolve_target(targets), key)]
    return [(float(targets), "target", f"target {percent(targets)}")]


def _visible_rows(sc: pd.DataFrame) -> pd.DataFrame:
    """A scenario's rows from its start year on (no path before the extra growth starts)."""
    if "start" not in sc.columns:
        return sc
    start = sc["start"].astype("Float64")
    keep = start.isna() | (sc["year"].astype("Float64") >= start)
    return sc.loc[keep.to_numpy(dtype=bool, na_value=True)]


def _on_course(sc: pd.DataFrame) -> bool:
    """A solved scenario that needs no extra growth (it has a start but adds 0 points)."""
    if sc.empty or not {"start", "extra_pp_per_year"} <= set(sc.columns):
        return False
    r = sc.iloc[0]
    return not pd.isna(r["start"]) and not pd.isna(r["extra_pp_per_year"]) \
        and float(r["extra_pp_per_year"]) == 0.0


def _same_medians(results: pd.DataFrame, names: list[str]) -> dict[str, str]:
    """Scenarios whose median equals an earlier scenario's in every series both cover."""
    same = {}
    for i, later in enumerate(names):
        a = results.loc[(results["scenario"] == later).to_numpy()]
        for earlier in names[:i]:
            b = results.loc[(results["scenario"] == earlier).to_numpy()]
            both = a.merge(b, on=[*KEY, "year"], suffixes=("", "_b"))
            if len(both) and np.allclose(both["median"].to_numpy(dtype=float),
                                         both["median_b"].to_numpy(dtype=float), atol=1e-9):
                same[later] = earlier
                break
    return same


def _draw_panel(ax: Any, key: tuple[str, ...], res: pd.DataFrame, data: pd.DataFrame | None,
                names: list[str], look: dict[str, Any], band: int | None) -> list[str]:
    """Observations, medians and bands of one panel; returns the notes for the panel (a
    scenario on course, a scenario whose path is another's here)."""
    if data is not None:
        obs = rows_of(data, key)
        obs = obs.loc[obs["share"].notna().to_numpy(), ["year", "share"]].sort_values("year")
        ax.plot(obs["year"].to_numpy(dtype=float), obs["share"].to_numpy(dtype=float), "o-",
                color=PALETTE["data"], lw=1.1, ms=3.5, label="observed", zorder=4)
    notes, drawn = [], {}
    for name in names:
        sc = res.loc[(res["scenario"] == name).to_numpy()]
        if _on_course(sc):
            notes.append(f"{name}: on course, no extra growth needed")
            continue
        groups = sc.groupby("model", sort=False) if "model" in sc.columns else [(None, sc)]
        for j, (model, g) in enumerate(groups):
            g = _visible_rows(g).sort_values("year")
            x, med = g["year"].to_numpy(dtype=float), g["median"].to_numpy(dtype=float)
            label = name if not look["multi_model"] or model is None else f"{name} ({model})"
            twin = next((o for o, (ox, om) in drawn.items() if ox.shape == x.shape
                         and np.allclose(ox, x) and np.allclose(om, med, atol=1e-9)), None)
            if name in look["same"]:
                label += f" (same median as {look['same'][name]})"
            elif twin is not None:
                notes.append(f"{label}: same path as {twin} here")
            drawn[label] = (x, med)
            ax.plot(x, med, ls=(0, (4, 3)) if twin else ["-", "--", ":", "-."][j % 4],
                    color=look["colors"][name], lw=2.2 if twin else 1.7, label=label,
                    zorder=4 if twin else 3)
            if band is not None and name in look["bands"]:
                lo = g[f"lo_{band}"].to_numpy(dtype=float, na_value=np.nan)
                hi = g[f"hi_{band}"].to_numpy(dtype=float, na_value=np.nan)
                if np.nanmax(hi - lo, initial=0.0) > 0:
                    ax.fill_between(x, lo, hi, color=look["colors"][name], alpha=0.16, lw=0,
                                    label=f"{name}: {band}% interval")
    return notes


def _scenario_targets(res: pd.DataFrame, own: list[tuple[float, str, str]],
                      names: list[str]) -> list[tuple[float, str, str]]:
    """The targets of the drawn scenarios (``target`` column) that are not a target of the
    level already: a path heading for 40% gets its 40% line."""
    if "target" not in res.columns:
        return []
    have = {round(v, 6) for v, _, _ in own}
    shown = res.loc[res["scenario"].isin(names).to_numpy()]
    extra = sorted({float(v) for v in shown["target"].dropna()} - have)
    return [(v, "scenario", f"scenario target {percent(v)}") for v in extra
            if round(v, 6) not in have]


def _draw_targets(ax: Any, lines: list[tuple[float, str, str]]) -> None:
    """Each target line of a panel, labelled inside the panel at its right end."""
    from matplotlib.transforms import blended_transform_factory

    where = blended_transform_factory(ax.transAxes, ax.transData)
    for value, kind, label in lines:
        ls, legend = TARGET_STYLES.get(kind, TARGET_STYLES["target"])
        colour = SCENARIO_TARGET_COLOR if kind == "scenario" else PALETTE["target"]
        ax.axhline(value, color=colour, lw=1.0, ls=ls, label=legend, zorder=2)
        ax.text(0.99, value, label, transform=where, ha="right", va="bottom", fontsize=7,
                color=colour)


def plot_scenarios(
    results: pd.DataFrame,
    *,
    data: pd.DataFrame | None = None,
    targets: float | pd.DataFrame | None = None,
    scenarios: Sequence[str] | None = None,
    band: int | None = 80,
    bands: Sequence[str] | None = None,
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
        Interval drawn as a band around a scenario's median (None: no bands).
    bands
        The scenarios that get a band (default: all); every band is labelled in the legend
        with its scenario.
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
        One Axes per series (``fig.axes``); in each, the observations, one line per scenario
        (the median) from the scenario's start year on (never over years before its extra
        growth starts), one filled band per scenario in ``bands`` (when ``band`` is set), and
        the target line(s), each labelled inside the panel (a targets frame: every goal and
        ambition of the level). A solved scenario that needs no extra growth (the level is on
        course) has no line; the panel says so. A scenario whose median equals an earlier
        one's everywhere (``stagnation`` and ``baseline`` when the model forecasts no
        change) is drawn dashed on top of it and says so in the legend.
    """
    results = selected(results, region=region, levels=levels, what="plot_scenarios")
    data = None if data is None else selected(data, region=region, levels=levels,
                                              what="plot_scenarios")
    import matplotlib.pyplot as plt

    names = _check(results, scenarios, band, ncols)
    if "status" in results.columns:
        results = results.loc[(results["status"] == "ok").to_numpy()]
    look = {"colors": {s: PALETTE["cycle"][i % len(PALETTE["cycle"])]
                       for i, s in enumerate(names)},
            "bands": set(names if bands is None else bands),
            "same": _same_medians(results, names),
            "multi_model": "model" in results.columns and bool(
                (results.groupby("scenario")["model"].nunique() > 1).any())}
    keys = [tuple(str(v) for v in k) for k in
            results[KEY].drop_duplicates().itertuples(index=False)]
    n, nc = len(keys), min(ncols, len(keys))
    nr = -(-n // nc)
    with style():
        fig, axes = plt.subplots(nr, nc, figsize=(panel_size[0] * nc, panel_size[1] * nr + 1.2),
                                 layout="constrained", sharey=sharey, squeeze=False)
        flat = axes.ravel()
        for ax in flat[n:]:
            ax.set_visible(False)
        for i, (ax, key) in enumerate(zip(flat, keys, strict=False)):
            res = rows_of(results, key)
            notes = _draw_panel(ax, key, res, data, names, look, band)
            own = _target_lines(key, res, targets)
            _draw_targets(ax, own + (_scenario_targets(res, own, names)
                                     if isinstance(targets, pd.DataFrame) else []))
            if notes:
                ax.text(0.02, 0.97, "\n".join(notes), transform=ax.transAxes, ha="left",
                        va="top", fontsize=7, color="#444444")
            percent_axis(ax, "y")
            ax.set_title(series_title(key, sep=" \u00b7 "), fontsize=10)
            if i % nc == 0:
                ax.set_ylabel("share choosing technique")
            if i >= n - nc:
                ax.set_xlabel("school year (start)")
        _legend(fig, flat[:n])
        fig.suptitle(title or "Scenarios for the share choosing technique", fontweight="bold")
        model_txt = ""
        if "model" in results.columns:
            model_txt = " Trend model(s): " + ", ".join(
                sorted(set(map(str, results["model"].dropna())))) + "."
        caption(flat[0], source or f"{source_text(data)}. Lines: scenario medians, from the "
                f"year the scenario starts{f'; bands: {band}% intervals' if band else ''}."
                f"{model_txt} Years are start years of school years (2020 = 2020/21).")
        height = fig.get_size_inches()[1]
        fig.get_layout_engine().set(rect=(0.0, 0.25 / height, 1.0, 1.0 - 0.25 / height))
    return fig


def _legend(fig: Any, axes: Sequence[Any]) -> None:
    """One figure legend with every label once (each band labelled with its scenario; a
    scenario drawn dashed where it repeats another's path shows its own solid line)."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles: dict[str, Any] = {}
    for ax in axes:
        for h, lab in zip(*ax.get_legend_handles_labels(), strict=True):
            handles.setdefault(lab, h)
    for lab, h in list(handles.items()):
        if lab.endswith("interval") and hasattr(h, "get_facecolor"):
            handles[lab] = Patch(facecolor=h.get_facecolor()[0], lw=0)
        elif isinstance(h, Line2D) and h.get_linewidth() > 2 and "same median" not in lab:
            handles[lab] = Line2D([], [], color=h.get_color(), lw=1.7)
    fig.legend(list(handles.values()), list(handles), loc="outside right upper", fontsize=8,
               frameon=False)
