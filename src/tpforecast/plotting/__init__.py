"""Figures: seaborn-styled functions that take tidy frames and return a matplotlib Axes.

All figures share one look (:func:`_style`), fixed sizes, a percent axis for shares, and a
source caption at the bottom of the figure. Nothing is shown (no ``plt.show``): callers save
or display the returned Axes' figure.

Helpers meant for reuse by other plots in this module (``plot_series``, ``plot_scenarios``):
:func:`_style`, :func:`_new_axes`, :func:`_percent_axis`, :func:`_caption`,
:func:`_source_text`, :func:`_series_title`, :func:`_one_series`, :data:`PALETTE`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np
import pandas as pd

from tpforecast.errors import TpModelError

__all__ = [
    "FIGSIZE",
    "PALETTE",
    "plot_forecast",
    "plot_hindcast",
    "plot_panels",
    "plot_reachability",
    "plot_scenarios",
    "plot_series",
]

#: Default figure size in inches (width, height) for single-panel figures.
FIGSIZE: tuple[float, float] = (8.0, 4.8)

#: Colours: data, model, target, and a qualitative cycle for several models/scenarios.
PALETTE: dict[str, Any] = {
    "data": "#222222",
    "model": "#1f6fb2",
    "target": "#c0392b",
    "cycle": ["#1f6fb2", "#e07b39", "#3a9d5d", "#8e5ea2", "#c9a227", "#5f7f8f"],
}

_KEY = ["indicator", "level", "region", "sex"]
_ORIGIN_TEXT = {
    "published": "Techniekpact monitor and related published figures",
    "duo": "DUO open onderwijsdata",
}


@contextmanager
def _style() -> Iterator[None]:
    """The shared seaborn theme (whitegrid, notebook context), applied only inside the block."""
    import matplotlib as mpl
    import seaborn as sns

    rc = {**sns.axes_style("whitegrid"), **sns.plotting_context("notebook", font_scale=0.9)}
    rc.update({"axes.titleweight": "bold", "axes.titlesize": 12, "figure.dpi": 100,
               "savefig.dpi": 150, "axes.spines.top": False, "axes.spines.right": False})
    with mpl.rc_context(rc):
        yield


def _new_axes(ax: Any = None, figsize: tuple[float, float] = FIGSIZE) -> Any:
    """``ax`` itself, or a fresh Axes on a new figure of ``figsize`` (call inside ``_style``)."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def _percent_axis(ax: Any, axis: str = "y", decimals: int | None = None) -> None:
    """Format an axis holding fractions as percentages (decimals as the tick spacing needs)."""
    from matplotlib.ticker import PercentFormatter

    fmt = PercentFormatter(xmax=1.0, decimals=decimals)
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(fmt)


def _source_text(data: pd.DataFrame | None) -> str:
    """``"Source: ..."`` from the ``origin`` column (published / duo) of a series frame."""
    parts: list[str] = []
    if data is not None and "origin" in data.columns:
        for o in pd.unique(data["origin"].dropna()):
            parts.append(_ORIGIN_TEXT.get(str(o), str(o)))
    return "Source: " + ("; ".join(parts) if parts else "tpforecast bundled series")


def _caption(ax: Any, text: str) -> None:
    """Put ``text`` as a small caption at the bottom-left of the figure."""
    fig = ax.figure
    fig.text(0.01, 0.005, text, ha="left", va="bottom", fontsize=7.5, color="#555555",
             wrap=True)
    try:  # make room for the caption when the layout engine is constrained
        engine = fig.get_layout_engine()
        if engine is not None and hasattr(engine, "set"):
            engine.set(h_pad=0.12)
    except (AttributeError, TypeError):  # pragma: no cover - older matplotlib
        pass


def _series_title(key: Sequence[Any]) -> str:
    indicator, level, region, sex = key
    sex_txt = "" if sex == "all" else f", {sex}"
    return f"{level} ({region}{sex_txt}) - {indicator}"


def _one_series(frame: pd.DataFrame, what: str) -> tuple[str, ...]:
    """The single series key in ``frame``; an error if there are none or several."""
    missing = [c for c in _KEY if c not in frame.columns]
    if missing:
        raise TpModelError(f"{what} lacks column(s) {', '.join(missing)}")
    keys = frame[_KEY].drop_duplicates()
    if len(keys) != 1:
        listed = "; ".join("/".join(map(str, r)) for r in keys.itertuples(index=False))
        raise TpModelError(
            f"{what} must hold exactly one series; found {len(keys)}: {listed or 'none'}. "
            "Filter it first, e.g. with .query(\"level == 'havo' and region == 'NL'\")"
        )
    return tuple(str(v) for v in keys.iloc[0])


def plot_forecast(
    data: pd.DataFrame,
    forecast: pd.DataFrame,
    target: float | None = None,
    ax: Any = None,
    *,
    model: str | None = None,
    target_year: int | None = None,
    title: str | None = None,
    source: str | None = None,
    figsize: tuple[float, float] = FIGSIZE,
) -> Any:
    """Fan chart of one series: observed points, model point forecast, 80/95% bands, target.

    Parameters
    ----------
    data
        Rows of one series (series frame layout: ``indicator, level, region, sex, year,
        share``; ``origin`` is used for the caption).
    forecast
        Output of :func:`~tpforecast.forecasting.forecast` for that series (other series are
        ignored). With several models, pick one with ``model`` (default: the first).
    target
        Target share (fraction) drawn as a horizontal line; None for none.
    ax
        Axes to draw on; default a new figure of ``figsize``.
    model
        Which model's forecast to draw.
    target_year
        Marks the target year with a dotted vertical line.
    title, source
        Override the title and the caption text.
    figsize
        Size of a new figure.

    Returns
    -------
    matplotlib.axes.Axes
        With the observed line+points (one line), the forecast mean (one line), one filled
        band per interval level (widest first), and the target line when given.
    """
    key = _one_series(data, "data")
    fc = forecast
    for col, val in zip(_KEY, key, strict=True):
        fc = fc.loc[(fc[col] == val).to_numpy()]
    if fc.empty:
        raise TpModelError(f"forecast has no rows for series {'/'.join(key)}")
    models = list(pd.unique(fc["model"]))
    model = model or models[0]
    if model not in models:
        raise TpModelError(f"forecast for {'/'.join(key)} has no model {model!r}; has {models}")
    fc = fc.loc[(fc["model"] == model).to_numpy()].sort_values("year")
    obs = data.loc[data["share"].notna().to_numpy(), ["year", "share"]].sort_values("year")
    levels = sorted((int(c[3:]) for c in fc.columns if c.startswith("lo_")), reverse=True)
    with _style():
        ax = _new_axes(ax, figsize)
        x_obs = obs["year"].to_numpy(dtype=float)
        y_obs = obs["share"].to_numpy(dtype=float)
        ax.plot(x_obs, y_obs, "o-", color=PALETTE["data"], lw=1.2, ms=4.5, label="observed")
        # connect the last observation to the forecast
        xf = fc["year"].to_numpy(dtype=float)
        if len(x_obs):
            x_line = np.r_[x_obs[-1], xf]
            y_line = np.r_[y_obs[-1], fc["mean"].to_numpy(dtype=float)]
        else:  # pragma: no cover - forecast without data
            x_line, y_line = xf, fc["mean"].to_numpy(dtype=float)
        alphas = np.linspace(0.18, 0.35, max(len(levels), 1))
        for lv, a in zip(levels, alphas, strict=False):
            lo = fc[f"lo_{lv}"].to_numpy(dtype=float)
            hi = fc[f"hi_{lv}"].to_numpy(dtype=float)
            if len(x_obs):
                lo, hi = np.r_[y_obs[-1], lo], np.r_[y_obs[-1], hi]
            ax.fill_between(x_line, lo, hi, color=PALETTE["model"], alpha=float(a), lw=0,
                            label=f"{lv}% interval")
        ax.plot(x_line, y_line, "--", color=PALETTE["model"], lw=1.8,
                label=f"forecast ({model}, median)")
        if target is not None:
            ax.axhline(float(target), color=PALETTE["target"], lw=1.2, ls="-",
                       label=f"target {100 * float(target):.0f}%")
        if target_year is not None:
            ax.axvline(float(target_year), color=PALETTE["target"], lw=0.8, ls=":")
        _percent_axis(ax, "y")
        ax.set_xlabel("school year (start)")
        ax.set_ylabel("share choosing technique")
        ax.set_title(title or _series_title(key))
        ax.legend(loc="best", fontsize=8, frameon=False)
        _caption(ax, source or f"{_source_text(data)}. Model: {model}; bands: "
                 f"{', '.join(f'{lv}%' for lv in levels)} prediction intervals.")
    return ax


def _p_text(p: float) -> str:
    """A probability as text, without claiming certainty that simulation cannot give."""
    if p < 0.005:
        return "p < 0.01"
    if p > 0.995:
        return "p > 0.99"
    return f"p = {p:.2f}"


def plot_reachability(
    reach: pd.DataFrame,
    ax: Any = None,
    *,
    label: str = "level",
    title: str | None = None,
    source: str | None = None,
    figsize: tuple[float, float] = FIGSIZE,
) -> Any:
    """Dot-and-interval chart: projected share in the target year per series vs its target.

    Parameters
    ----------
    reach
        Output of :func:`~tpforecast.forecasting.reachability` (one model; rows are drawn
        top to bottom in the order given).
    ax
        Axes to draw on; default a new figure.
    label
        Column (or columns joined by ``/``) used as row label: ``"level"`` by default.
    title, source
        Override the title and caption.
    figsize
        Size of a new figure.

    Returns
    -------
    matplotlib.axes.Axes
        One error-bar container (80% interval and median per row), one target marker
        collection, and a text annotation ``p=..`` per row.
    """
    need = ["mean", "lo_80", "hi_80", "target", "p_reach", "target_year"]
    missing = [c for c in need if c not in reach.columns]
    if missing:
        raise TpModelError(f"reach lacks column(s) {', '.join(missing)}; pass reachability()")
    if reach.empty:
        raise TpModelError("reach is empty: nothing to plot")
    r = reach.reset_index(drop=True)
    cols = [c.strip() for c in label.split("/")]
    names = r[cols].astype(str).agg("/".join, axis=1).tolist()
    ypos = np.arange(len(r))[::-1].astype(float)
    mean = r["mean"].to_numpy(dtype=float, na_value=np.nan)
    lo = r["lo_80"].to_numpy(dtype=float, na_value=np.nan)
    hi = r["hi_80"].to_numpy(dtype=float, na_value=np.nan)
    tgt = r["target"].to_numpy(dtype=float, na_value=np.nan)
    with _style():
        ax = _new_axes(ax, (figsize[0], max(figsize[1], 0.45 * len(r) + 1.5)))
        err = np.vstack([np.clip(mean - lo, 0, None), np.clip(hi - mean, 0, None)])
        ax.errorbar(mean, ypos, xerr=err, fmt="o", color=PALETTE["model"], ecolor=PALETTE["model"],
                    elinewidth=2.5, capsize=0, ms=6, label="projection (median, 80% interval)")
        ax.scatter(tgt, ypos, marker="|", s=300, color=PALETTE["target"], linewidths=2.5,
                   label="target", zorder=3)
        for yv, hv, m, p in zip(ypos, hi, mean, r["p_reach"], strict=True):
            xt = hv if np.isfinite(hv) else m
            text = "p = n/a" if pd.isna(p) else _p_text(float(p))
            ax.annotate(text, (xt, yv), xytext=(6, 0), textcoords="offset points",
                        va="center", fontsize=8)
        ax.set_yticks(ypos, names)
        _percent_axis(ax, "x")
        years = sorted({int(y) for y in r["target_year"].dropna()})
        year_txt = ", ".join(f"{y}/{(y + 1) % 100:02d}" for y in years)
        ax.set_xlabel(f"projected share in {year_txt}")
        ax.set_ylabel(label.replace("/", " / "))
        model_txt = ", ".join(map(str, pd.unique(r["model"]))) if "model" in r else "model"
        as_of = r["as_of"].dropna().unique() if "as_of" in r else []
        as_of_txt = f", data up to {int(as_of[0])}/{(int(as_of[0]) + 1) % 100:02d}" \
            if len(as_of) == 1 else ""
        ax.set_title(title or f"Is the target reachable? ({model_txt}{as_of_txt})")
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncols=2, fontsize=8,
                  frameon=False)
        ax.margins(x=0.15)
        _caption(ax, source or "p = probability of being at or above the target in the target "
                 "year (model simulation). Source: tpforecast series and targets.")
    return ax


def plot_scenarios(
    results: pd.DataFrame,
    data: pd.DataFrame | None = None,
    targets: float | pd.DataFrame | None = None,
    *,
    scenarios: Sequence[str] | None = None,
    band: int | None = 80,
    ncols: int = 3,
    panel_size: tuple[float, float] = (4.2, 3.1),
    sharey: bool = False,
    title: str | None = None,
    source: str | None = None,
) -> Any:
    """Small multiples of scenarios: one panel per level (series), data, paths, bands, target.

    Parameters
    ----------
    results
        Output of :func:`~tpforecast.scenarios.run_scenarios` (filter it to the series you
        want; one panel per ``indicator, level, region, sex``, in order of appearance).
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
        Interval level drawn as a band around each scenario's median (None: no bands).
    ncols
        Panels per row.
    panel_size
        Width and height of one panel in inches.
    sharey
        Share the y axis between panels.
    title, source
        Override the figure title and the caption.

    Returns
    -------
    matplotlib.figure.Figure
        One Axes per series (``fig.axes``); in each, one line per scenario (the median), one
        filled band per scenario (when ``band`` is set and the scenario has one), the
        observations and the target line(s).
    """
    need = ["scenario", *_KEY, "year", "mean"]
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
    colors = {s: PALETTE["cycle"][i % len(PALETTE["cycle"])] for i, s in enumerate(names)}
    keys = [tuple(str(v) for v in k) for k in
            results[_KEY].drop_duplicates().itertuples(index=False)]
    n = len(keys)
    nc = min(ncols, n)
    nr = -(-n // nc)
    multi_model = "model" in results.columns and bool(
        (results.groupby("scenario")["model"].nunique() > 1).any())
    import matplotlib.pyplot as plt

    with _style():
        fig, axes = plt.subplots(nr, nc, figsize=(panel_size[0] * nc, panel_size[1] * nr + 1.2),
                                 layout="constrained", sharey=sharey, squeeze=False)
        flat = axes.ravel()
        for ax in flat[n:]:
            ax.set_visible(False)
        for i, (ax, key) in enumerate(zip(flat, keys, strict=False)):
            res = results
            for col, val in zip(_KEY, key, strict=True):
                res = res.loc[(res[col].astype(str) == val).to_numpy()]
            if data is not None:
                obs = data
                for col, val in zip(_KEY, key, strict=True):
                    if col in obs.columns:
                        obs = obs.loc[(obs[col].astype(str) == val).to_numpy()]
                obs = obs.loc[obs["share"].notna().to_numpy(), ["year", "share"]]
                obs = obs.sort_values("year")
                ax.plot(obs["year"].to_numpy(dtype=float), obs["share"].to_numpy(dtype=float),
                        "o-", color=PALETTE["data"], lw=1.1, ms=3.5, label="observed", zorder=4)
            for name in names:
                sc = res.loc[(res["scenario"] == name).to_numpy()]
                groups = sc.groupby("model", sort=False) if "model" in sc.columns \
                    else [(None, sc)]
                for j, (model, g) in enumerate(groups):
                    g = g.sort_values("year")
                    x = g["year"].to_numpy(dtype=float)
                    label = name if not multi_model or model is None else f"{name} ({model})"
                    ls = ["-", "--", ":", "-."][j % 4]
                    ax.plot(x, g["mean"].to_numpy(dtype=float), ls, color=colors[name], lw=1.7,
                            label=label, zorder=3)
                    if band is not None:
                        lo = g[f"lo_{band}"].to_numpy(dtype=float, na_value=np.nan)
                        hi = g[f"hi_{band}"].to_numpy(dtype=float, na_value=np.nan)
                        if np.nanmax(hi - lo, initial=0.0) > 0:
                            ax.fill_between(x, lo, hi, color=colors[name], alpha=0.14, lw=0,
                                            label=f"{band}% interval")
            _draw_targets(ax, key, res, targets)
            _percent_axis(ax, "y")
            indicator, level, region, sex = key
            sex_txt = "" if sex == "all" else f", {sex}"
            ax.set_title(f"{level} ({region}{sex_txt}) \u00b7 {indicator}", fontsize=10)
            if i % nc == 0:
                ax.set_ylabel("share choosing technique")
            if i >= n - nc:
                ax.set_xlabel("school year (start)")
        handles: dict[str, Any] = {}
        for ax in flat[:n]:
            for h, lab in zip(*ax.get_legend_handles_labels(), strict=True):
                handles.setdefault(lab, h)
        band_lab = f"{band}% interval"
        if band_lab in handles:  # one generic grey patch for the bands
            from matplotlib.patches import Patch

            handles[band_lab] = Patch(color="#888888", alpha=0.3, lw=0)
        fig.legend(list(handles.values()), list(handles), loc="outside right upper",
                   fontsize=8, frameon=False)
        fig.suptitle(title or "Scenarios for the share choosing technique", fontweight="bold")
        model_txt = ""
        if "model" in results.columns:
            model_txt = " Trend model(s): " + ", ".join(
                sorted(set(map(str, results["model"].dropna())))) + "."
        _caption(flat[0], source or f"{_source_text(data)}. Lines: scenario medians"
                 f"{f'; bands: {band}% intervals' if band is not None else ''}.{model_txt} "
                 "Years are start years of school years (2020 = 2020/21).")
        engine = fig.get_layout_engine()
        if engine is not None and hasattr(engine, "set"):  # keep the caption clear of labels
            engine.set(rect=(0.0, 0.25 / fig.get_size_inches()[1], 1.0,
                             1.0 - 0.25 / fig.get_size_inches()[1]))
    return fig


def _draw_targets(ax: Any, key: tuple[str, ...], res: pd.DataFrame,
                  targets: float | pd.DataFrame | None) -> None:
    """Target line(s) of one panel (see :func:`plot_scenarios`)."""
    lines: list[tuple[float, str, int | None]] = []
    if targets is None:
        if "target" in res.columns:
            for t in pd.unique(res["target"].dropna()):
                lines.append((float(t), f"target {100 * float(t):.0f}%", None))
    elif isinstance(targets, pd.DataFrame):
        from tpforecast.forecasting import targets_for

        rows = targets_for(targets, key)
        if "kind" in rows.columns:
            rows = rows.loc[(rows["kind"].astype(str) != "growth_count").to_numpy()]
        for _, r in rows.iterrows():
            y = None if pd.isna(r.get("year")) else int(r["year"])
            kind = "target" if pd.isna(r.get("kind")) else str(r["kind"])
            when = f" in {y}/{(y + 1) % 100:02d}" if y is not None else ""
            lines.append((float(r["target"]), f"{kind} {100 * float(r['target']):.0f}%{when}", y))
    else:
        lines.append((float(targets), f"target {100 * float(targets):.0f}%", None))
    for t, label, year in lines:
        ax.axhline(t, color=PALETTE["target"], lw=1.0, ls="--", label=label, zorder=2)
        if year is not None:
            ax.plot([year], [t], marker="D", ms=5, color=PALETTE["target"], zorder=5)


def plot_series(
    series: pd.DataFrame,
    ax: Any = None,
    *,
    hue: str = "level",
    targets: float | dict[str, float] | pd.DataFrame | None = None,
    title: str | None = None,
    source: str | bool | None = None,
    legend: bool = True,
    show_breaks: bool = True,
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
    figsize
        Size of a new figure.

    Returns
    -------
    matplotlib.axes.Axes
        With one or more ``Line2D`` per series (one per segment between breaks), a
        horizontal line per target, labelled axes, a percent y axis and a title.
    """
    from collections import abc

    missing = [c for c in [*_KEY, "year", "share"] if c not in series.columns]
    if missing:
        raise TpModelError(f"series lacks column(s) {', '.join(missing)}; pass load_series()")
    cols = [c.strip() for c in hue.split("/")]
    unknown = [c for c in cols if c not in series.columns]
    if unknown:
        raise TpModelError(f"hue column(s) {', '.join(unknown)} not in the series frame")
    data = series.loc[series["share"].notna().to_numpy()]
    if data.empty:
        raise TpModelError("series has no shares: nothing to plot")
    keys = [tuple(str(v) for v in k) for k in data[_KEY].drop_duplicates().itertuples(index=False)]
    labels: dict[tuple[str, ...], str] = {}
    for k in keys:
        first = data
        for col, val in zip(_KEY, k, strict=True):
            first = first.loc[(first[col].astype(str) == val).to_numpy()]
        labels[k] = " / ".join(str(first[c].iloc[0]) for c in cols)
    uniq = list(dict.fromkeys(labels.values()))
    cycle = [*PALETTE["cycle"], "#17a2b8", "#7f7f7f", "#a0522d", "#d45087", "#2f4b7c"]
    colors = {lab: cycle[i % len(cycle)] for i, lab in enumerate(uniq)}
    any_break = False
    with _style():
        ax = _new_axes(ax, figsize)
        for k in keys:
            rows = data
            for col, val in zip(_KEY, k, strict=True):
                rows = rows.loc[(rows[col].astype(str) == val).to_numpy()]
            rows = rows.sort_values("year")
            x = rows["year"].to_numpy(dtype=float)
            y = rows["share"].to_numpy(dtype=float)
            flags = rows["flags"].fillna("").astype(str).to_numpy() if "flags" in rows \
                else np.full(len(rows), "")
            pre = np.array(["pre_break:" in f for f in flags]) if show_breaks \
                else np.zeros(len(rows), dtype=bool)
            color = colors[labels[k]]
            used = {line.get_label() for line in ax.get_lines()}
            segments = [(pre, True), (~pre, False)] if pre.any() else [(~pre, False)]
            for seg, is_pre in segments:
                if not seg.any():
                    continue
                any_break |= is_pre
                lab = labels[k]
                if lab in used or (is_pre and (~pre).any()):
                    lab = "_nolegend_"
                used.add(lab)
                ax.plot(x[seg], y[seg], "o-", color=color, lw=1.6, ms=5,
                        mfc="white" if is_pre else color, mew=1.3, label=lab)
        lines: list[tuple[float, str, str]] = []
        if isinstance(targets, pd.DataFrame):
            from tpforecast.forecasting import targets_for

            found: dict[tuple[float, str], list[str]] = {}
            for k in keys:
                rows = targets_for(targets, k)
                if "kind" in rows.columns:
                    rows = rows.loc[(rows["kind"].astype(str) != "growth_count").to_numpy()]
                for _, r in rows.iterrows():
                    when = "" if pd.isna(r.get("year")) else \
                        f" in {int(r['year'])}/{(int(r['year']) + 1) % 100:02d}"
                    found.setdefault((float(r["target"]), when), [])
                    if labels[k] not in found[(float(r["target"]), when)]:
                        found[(float(r["target"]), when)].append(labels[k])
            for (t, when), labs in found.items():
                text = f"target {100 * t:.0f}%{when}"
                if len(labs) == 1 and len(uniq) > 1:
                    lines.append((t, f"{labs[0]}: {text}", colors[labs[0]]))
                else:
                    lines.append((t, text, PALETTE["target"]))
        elif isinstance(targets, abc.Mapping):
            for lab, t in targets.items():
                lines.append((float(t), f"{lab}: target {100 * float(t):.0f}%",
                              colors.get(str(lab), PALETTE["target"])))
        elif targets is not None:
            lines.append((float(targets), f"target {100 * float(targets):.0f}%",
                          PALETTE["target"]))
        for t, lab, color in lines:
            ax.axhline(t, color=color, lw=1.1, ls="--", label=lab, zorder=1)
        if any_break:
            ax.plot([], [], "o", color="#555555", mfc="white", mew=1.3,
                    label="before a definition break")
        from matplotlib.ticker import MaxNLocator

        _percent_axis(ax, "y")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel("school year (start)")
        ax.set_ylabel("share choosing technique")
        regions = sorted(set(k[2] for k in keys))
        ax.set_title(title or f"Share choosing technique ({', '.join(regions)})")
        if legend:
            n_entries = len(ax.get_legend_handles_labels()[1])
            if n_entries > 5:
                ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8,
                          frameon=False)
            else:
                ax.legend(loc="best", fontsize=8, frameon=False)
        if source is not False:
            text = source if isinstance(source, str) else _source_text(data) + (
                ". Open markers: values before a definition break (not comparable with later "
                "values)." if any_break else ".")
            _caption(ax, text)
    return ax


def plot_panels(
    series: pd.DataFrame,
    *,
    panel: str = "level",
    hue: str = "region",
    targets: float | dict[str, float] | pd.DataFrame | None = None,
    title: str | None = None,
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
    panel_size
        Size of one panel in inches.

    Returns
    -------
    matplotlib.figure.Figure
        One Axes per panel, a single legend (on the last panel) and the source caption.
    """
    import matplotlib.pyplot as plt

    values = list(dict.fromkeys(series[panel].astype(str)))
    if not values:
        raise TpModelError("series is empty: nothing to plot")
    with _style():
        fig, axes = plt.subplots(1, len(values), squeeze=False,
                                 figsize=(panel_size[0] * len(values), panel_size[1]))
        for i, (ax, value) in enumerate(zip(axes[0], values, strict=True)):
            last = i == len(values) - 1
            plot_series(series[series[panel].astype(str) == value], ax=ax, hue=hue,
                        targets=targets, title=value, legend=last, source=last)
        if title:
            fig.suptitle(title, fontweight="bold")
        fig.tight_layout()
    return fig


def plot_hindcast(
    hindcast: pd.DataFrame,
    *,
    year: int | None = None,
    target: float | None = None,
    ncols: int = 4,
    panel_size: tuple[float, float] = (3.4, 3.0),
    title: str | None = None,
) -> Any:
    """What each model said, with data up to a cut-off, next to what happened.

    Parameters
    ----------
    hindcast
        Output of :func:`~tpforecast.forecasting.backtesting.hindcast` (or
        :func:`~tpforecast.report.analysis.hindcast_table`): ``level, model, year, mean, lo_80,
        hi_80, actual`` per series.
    year
        The forecast year to show (default: the latest in ``hindcast``).
    target
        A target share drawn as a dashed line in every panel.
    ncols, panel_size
        Panel layout: panels per row and the size of one panel in inches.
    title
        Figure title (default names the year).

    Returns
    -------
    matplotlib.figure.Figure
        One panel per level: per model the median and 80% interval (error bar), the published
        value as a black line.
    """
    import matplotlib.pyplot as plt

    need = ["level", "model", "year", "mean", "lo_80", "hi_80", "actual"]
    missing = [c for c in need if c not in hindcast.columns]
    if missing:
        raise TpModelError(f"hindcast lacks column(s) {', '.join(missing)}; pass hindcast()")
    year = int(hindcast["year"].max()) if year is None else int(year)
    rows = hindcast.loc[(hindcast["year"] == year).to_numpy()]
    if rows.empty:
        raise TpModelError(f"hindcast has no rows for {year}")
    levels = list(dict.fromkeys(rows["level"]))
    models = list(dict.fromkeys(rows["model"]))
    colours = dict(zip(models, PALETTE["cycle"] * 3, strict=False))
    nrows = -(-len(levels) // ncols)
    with _style():
        fig, axes = plt.subplots(nrows, min(ncols, len(levels)), squeeze=False,
                                 figsize=(panel_size[0] * min(ncols, len(levels)),
                                          panel_size[1] * nrows))
        for ax, level in zip(axes.flat, levels, strict=False):
            sub = rows.loc[(rows["level"] == level).to_numpy()].set_index("model")
            for i, model in enumerate(models):
                if model not in sub.index:
                    continue
                r = sub.loc[model]
                lo, mid, hi = float(r["lo_80"]), float(r["mean"]), float(r["hi_80"])
                ax.errorbar([i], [mid], yerr=[[mid - lo], [hi - mid]], fmt="o",
                            color=colours[model], elinewidth=2.5, ms=5, capsize=0)
            actual = sub["actual"].dropna()
            if len(actual):
                ax.axhline(float(actual.iloc[0]), color=PALETTE["data"], lw=1.5,
                           label="published")
            if target is not None:
                ax.axhline(float(target), color=PALETTE["target"], lw=1, ls="--",
                           label=f"target {100 * target:.0f}%")
            ax.set_xticks(range(len(models)), models, rotation=45, ha="right", fontsize=8)
            ax.set_title(level)
            _percent_axis(ax, "y")
        for ax in list(axes.flat)[len(levels):]:
            ax.set_visible(False)
        axes[0, 0].set_ylabel("share choosing technique")
        axes[0, 0].legend(loc="best", fontsize=8, frameon=False)
        cut = hindcast["as_of"].dropna().unique() if "as_of" in hindcast else []
        data_txt = f" with the data up to {int(cut[0])}/{(int(cut[0]) + 1) % 100:02d}" \
            if len(cut) == 1 else ""
        fig.suptitle(title or f"Hindcast: what the models said about {year}/"
                     f"{(year + 1) % 100:02d}{data_txt}", fontweight="bold")
        fig.tight_layout()
        fig.text(0.01, -0.01, "Dots and bars: model median and 80% prediction interval; black "
                 "line: the value published afterwards. Source: Techniekpact monitor.",
                 fontsize=7, color="#555555", ha="left", va="top")
    return fig
