"""plot_series: lines per series, break markers, targets, labels (Agg backend)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from synthetic import synthetic_frame

import tpforecast as tp
from tpforecast.errors import TpModelError


def synthetic_breaks() -> pd.DataFrame:
    """havo and mbo; mbo's values before 2016 lie before a (synthetic) definition break."""
    years = [2012, 2014, 2016, 2017, 2018]
    havo = synthetic_frame(years, [round(.40 + .01 * i, 2) for i in range(5)], level="havo",
                           indicator="synthetic_havo", flags=["reported"] * 5)
    mbo = synthetic_frame([*years, 2019], [round(.27 + .01 * i, 2) for i in range(5)] + [None],
                          indicator="synthetic_mbo",
                          flags=["pre_break:synthetic_break;reported"] * 2 + ["reported"] * 3
                          + [""])
    return pd.concat([havo, mbo], ignore_index=True)


def test_one_line_per_series_and_break_segments():
    ax = tp.plot_series(synthetic_breaks())
    lines = [ln for ln in ax.get_lines() if len(ln.get_xdata())]
    # havo: one line; mbo: pre-break segment (2 points) and post-break segment (3 points)
    assert len(lines) == 3
    xs = sorted(len(ln.get_xdata()) for ln in lines)
    assert xs == [2, 3, 5]
    pre = [ln for ln in lines if ln.get_markerfacecolor() == "white"]
    assert len(pre) == 1 and list(pre[0].get_xdata()) == [2012.0, 2014.0]
    labels = ax.get_legend_handles_labels()[1]
    assert labels[:2] == ["havo", "mbo"] and "before a definition break" in labels


def test_no_break_markers_when_disabled():
    ax = tp.plot_series(synthetic_breaks(), show_breaks=False)
    lines = [ln for ln in ax.get_lines() if len(ln.get_xdata())]
    assert len(lines) == 2
    assert "before a definition break" not in ax.get_legend_handles_labels()[1]


def test_axes_labels_title_and_percent_axis():
    ax = tp.plot_series(synthetic_breaks(), title="T")
    assert ax.get_title() == "T"
    assert ax.get_xlabel() == "school year (start)"
    assert ax.get_ylabel() == "share choosing technique"
    assert ax.yaxis.get_major_formatter()(0.4, 0) in {"40%", "40.0%"}  # decimals follow ticks
    captions = [t.get_text() for t in ax.figure.texts]
    assert any("Source: Techniekpact monitor" in c for c in captions)


def test_target_line_float_mapping_and_frame():
    ax = tp.plot_series(synthetic_breaks(), targets=0.40)
    hl = [ln for ln in ax.get_lines() if list(ln.get_ydata()) == [0.40, 0.40]]
    assert len(hl) == 1 and hl[0].get_label() == "target 40%"
    ax = tp.plot_series(synthetic_breaks(), targets={"havo": 0.55, "mbo": 0.40})
    assert {ln.get_label() for ln in ax.get_lines()} >= {"havo: target 55%", "mbo: target 40%"}
    targets = pd.DataFrame({"level": ["havo", "mbo", "mbo"], "region": ["NL", "NL", "NL"],
                            "sex": ["all", "all", "all"], "year": [2019, 2020, 2019],
                            "target": [0.55, 0.40, 1.2],
                            "kind": ["ambition", "goal", "growth_count"]})
    ax = tp.plot_series(synthetic_breaks(), targets=targets)
    labels = {ln.get_label() for ln in ax.get_lines()}
    assert "havo: target 55% in 2019/20" in labels and "mbo: target 40% in 2020/21" in labels
    assert not any("120%" in lab for lab in labels)  # growth_count rows ignored


def test_hue_by_region_shares_colours_and_no_caption():
    df = synthetic_breaks()
    other = df.assign(region="Oost", share=df["share"] - 0.02)
    both = pd.concat([df, other], ignore_index=True)
    fig, ax = plt.subplots()
    out = tp.plot_series(both, ax=ax, hue="region", source=False, legend=False)
    assert out is ax and not fig.texts
    colours = {ln.get_label(): ln.get_color() for ln in ax.get_lines()
               if not ln.get_label().startswith("_")}
    assert set(colours) >= {"NL", "Oost"} and colours["NL"] != colours["Oost"]
    assert ax.get_legend() is None


def test_bad_input():
    with pytest.raises(TpModelError, match="lacks column"):
        tp.plot_series(pd.DataFrame({"year": [2010]}))
    with pytest.raises(TpModelError, match="hue"):
        tp.plot_series(synthetic_breaks(), hue="colour")
    with pytest.raises(TpModelError, match="nothing to plot"):
        tp.plot_series(synthetic_breaks().assign(share=pd.NA))


def test_on_bundled_data(bundled_series):
    h = tp.headline_series(bundled_series, levels=["vmbo_bb", "havo"])
    ax = tp.plot_series(h, targets=0.40)
    assert ax.get_title() == "Share choosing technique (NL)"
    # vmbo_bb has values before the 2016/17 reform: two segments, one with open markers
    vmbo = [ln for ln in ax.get_lines() if ln.get_color() == ax.get_lines()[0].get_color()]
    assert any(ln.get_markerfacecolor() == "white" for ln in vmbo)


def test_panels_grid_titles_and_one_caption():
    df = synthetic_breaks()
    both = pd.concat([df, df.assign(region="Oost", share=df["share"] - 0.02)], ignore_index=True)
    fig = tp.plot_panels(both, panel="level", hue="region", ncols=1, targets=0.40,
                         panel_title="{value}: {indicator}", source="S")
    assert [ax.get_title() for ax in fig.axes] == ["havo: synthetic_havo", "mbo: synthetic_mbo"]
    assert fig.axes[0].get_position().y0 > fig.axes[1].get_position().y0  # stacked
    assert [t.get_text() for t in fig.texts] == ["S"]


@pytest.mark.parametrize(("low", "high", "expected"), [
    (0.266, 0.284, {"26.8%", "27.0%", "28.4%"}),  # ticks 0.2 points apart: one decimal
    (0.15, 0.75, {"20%", "40%", "70%"}),  # ten points apart: none
    (0.2, 0.2025, {"20.05%", "20.20%"}),  # 0.05 points apart: two
])
def test_percent_axis_decimals_follow_the_tick_spacing(low, high, expected):
    import matplotlib.pyplot as plt

    from tpforecast.plotting.style import percent_axis

    fig, ax = plt.subplots()
    ax.plot([0, 1], [low, high])
    ax.set_ylim(low, high)
    percent_axis(ax, "y")
    fig.canvas.draw()
    labels = {t.get_text() for t in ax.get_yticklabels()}
    plt.close(fig)
    assert expected <= labels, labels


def test_regional_duo_numbers_carry_the_institution_caveat_in_the_caption():
    from tpforecast.plotting.style import INSTITUTION_NOTE, source_text

    frame = synthetic_breaks().assign(origin="duo", flags="derived;institution_location")
    assert source_text(frame) == f"Source: DUO open onderwijsdata; {INSTITUTION_NOTE}"
    ax = tp.plot_series(frame)
    assert any(INSTITUTION_NOTE in t.get_text() for t in ax.figure.texts)
    national = frame.assign(flags="derived;institution_locationless")  # not the token
    assert INSTITUTION_NOTE not in source_text(national)


@pytest.mark.parametrize("words", [10, 60])
def test_a_caption_of_any_length_stays_clear_of_the_axes(words):
    import matplotlib.pyplot as plt

    from tpforecast.plotting.style import caption, new_axes, style

    with style():
        ax = new_axes()
        ax.plot([2015, 2020], [0.2, 0.3])
        ax.set_xlabel("school year (start)")
        caption(ax, " ".join(["regional numbers by institution location"] * words))
        fig = ax.figure
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        text = fig.texts[-1].get_window_extent(renderer)
        axes = ax.get_tightbbox(renderer)  # with the tick labels and the x-axis label
    plt.close(fig)
    assert text.y1 <= axes.y0 + 1, (text, axes)
