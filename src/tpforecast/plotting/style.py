"""The shared look of every figure (stage 5): theme, axes, percent axis, caption, palette."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np
import pandas as pd

from tpforecast.errors import TpModelError
from tpforecast.forecasting.series import KEY

__all__ = [
    "FIGSIZE",
    "PALETTE",
    "caption",
    "new_axes",
    "one_series",
    "percent_axis",
    "reserve_caption",
    "rows_of",
    "series_title",
    "source_text",
    "style",
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

_ORIGIN_TEXT = {
    "published": "Techniekpact monitor and related published figures",
    "duo": "DUO open onderwijsdata",
}


def rows_of(frame: pd.DataFrame, key: Sequence[str], columns: Sequence[str] = KEY) -> pd.DataFrame:
    """The rows of ``frame`` whose ``columns`` (default the series key) equal ``key``."""
    m = np.ones(len(frame), dtype=bool)
    for col, val in zip(columns, key, strict=True):
        if col in frame.columns:
            m &= (frame[col].astype(str) == str(val)).to_numpy(dtype=bool, na_value=False)
    return frame.loc[m]


@contextmanager
def style() -> Iterator[None]:
    """The shared seaborn theme (whitegrid, notebook context), applied only inside the block."""
    import matplotlib as mpl
    import seaborn as sns

    rc = {**sns.axes_style("whitegrid"), **sns.plotting_context("notebook", font_scale=0.9)}
    rc.update({"axes.titleweight": "bold", "axes.titlesize": 12, "figure.dpi": 100,
               "savefig.dpi": 150, "axes.spines.top": False, "axes.spines.right": False})
    with mpl.rc_context(rc):
        yield


def new_axes(ax: Any = None, figsize: tuple[float, float] = FIGSIZE) -> Any:
    """``ax`` itself, or a fresh Axes on a new figure of ``figsize`` (call inside ``style``)."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def percent_axis(ax: Any, axis: str = "y", decimals: int | None = None) -> None:
    """Format an axis holding fractions as percentages, with as many decimals as the tick
    spacing needs (ticks 0.2 points apart: one decimal; a point or more apart: none), or a
    fixed number of ``decimals``."""
    from matplotlib.ticker import FuncFormatter

    target = ax.yaxis if axis == "y" else ax.xaxis

    def fmt(x: float, pos: Any = None) -> str:
        d = decimals
        if d is None:
            ticks = np.sort(np.asarray(target.get_majorticklocs(), dtype=float))
            step = 100 * float(np.diff(ticks).min()) if ticks.size > 1 else 1.0
            d = 0 if step >= 0.999 else int(np.ceil(-np.log10(step) - 1e-9))
        return f"{100 * x:.{d}f}%"

    target.set_major_formatter(FuncFormatter(fmt))


#: The caveat of every regional number from DUO files (flag ``institution_location``).
INSTITUTION_NOTE = ("regional numbers count students where the institution is, not where "
                    "they live")


def source_text(data: pd.DataFrame | None) -> str:
    """``"Source: ..."`` from the ``origin`` column (published / duo) of a series frame, and
    :data:`INSTITUTION_NOTE` when a row is flagged ``institution_location``."""
    parts: list[str] = []
    if data is not None and "origin" in data.columns:
        for o in pd.unique(data["origin"].dropna()):
            parts.append(_ORIGIN_TEXT.get(str(o), str(o)))
    text = "Source: " + ("; ".join(parts) if parts else "tpforecast bundled series")
    if data is not None and "flags" in data.columns and data["flags"].fillna("").astype(
            str).str.contains(r"(?:^|;)institution_location(?:;|$)").any():
        text += "; " + INSTITUTION_NOTE
    return text


def caption(ax: Any, text: str) -> None:
    """Put ``text`` as a small caption at the bottom-left of the figure."""
    fig = ax.figure
    fig.text(0.01, 0.005, text, ha="left", va="bottom", fontsize=7.5, color="#555555",
             wrap=True)
    engine = fig.get_layout_engine()
    if engine is not None and hasattr(engine, "set"):
        # keep the caption's wrapped lines (about 0.058 in a character at 7.5 pt) clear of
        # the axes: a long caption must not run into the x-axis label
        per_line = max(40, int(0.98 * fig.get_size_inches()[0] / 0.058))
        reserve_caption(fig, 0.06 + 0.13 * -(-len(text) // per_line))


def reserve_caption(fig: Any, inches: float = 0.3) -> None:
    """Keep the bottom ``inches`` of a constrained-layout figure free for the caption."""
    engine = fig.get_layout_engine()
    if engine is not None and hasattr(engine, "set"):
        height = fig.get_size_inches()[1]
        engine.set(rect=(0.0, inches / height, 1.0, 1.0 - inches / height))


def series_title(key: Sequence[Any], sep: str = " - ") -> str:
    """``"havo (NL) - havo4_nprofile"``: level, region (and sex), indicator."""
    indicator, level, region, sex = key
    sex_txt = "" if sex == "all" else f", {sex}"
    return f"{level} ({region}{sex_txt}){sep}{indicator}"


def one_series(frame: pd.DataFrame, what: str) -> tuple[str, ...]:
    """The single series key in ``frame``; an error if there are none or several."""
    missing = [c for c in KEY if c not in frame.columns]
    if missing:
        raise TpModelError(f"{what} lacks column(s) {', '.join(missing)}")
    keys = frame[KEY].drop_duplicates()
    if len(keys) != 1:
        listed = "; ".join("/".join(map(str, r)) for r in keys.itertuples(index=False))
        raise TpModelError(
            f"{what} must hold exactly one series; found {len(keys)}: {listed or 'none'}. "
            "Filter it first, e.g. with .query(\"level == 'havo' and region == 'NL'\")"
        )
    return tuple(str(v) for v in keys.iloc[0])


