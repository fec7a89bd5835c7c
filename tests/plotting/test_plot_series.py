"""plot_series: lines per series, break markers, targets, labels (Agg backend)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pandas as pd
import pytest

import tpforecast as tp
from tpforecast.errors import TpModelError


def synthetic_frame() -> pd.DataFrame:
    rows = []
    for level, base in [("havo", 0.40), ("mbo", 0.27)]:
        for i, y in enumerate([2012, 2014, 2016, 2017, 2018]):
            flags = "pre_break:synthetic_break;reported" if (level == "mbo" and y < 2016) \
                else "reported"
            rows.append(dict(indicator=f"synthetic_{level}", level=level, region="NL",
                             sex="all", year=y, share=round(base + 0.01 * i, 2), flags=flags,
                             origin="published"))
    rows.append(dict(indicator="synthetic_mbo", level="mbo", region="NL", sex="all", year=2019,
                     share=None, flags="", origin="published"))
    return pd.DataFrame(rows).astype({"year": "Int64", "share": "Float64"})


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def test_one_line_per_series_and_break_segments():
    ax = tp.plot_series(synthetic_frame())
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
    ax = tp.plot_series(synthetic_frame(), show_breaks=False)
    lines = [ln for ln in ax.get_lines() if len(ln.get_xdata())]
    assert len(lines) == 2
    assert "before a definition break" not in ax.get_legend_handles_labels()[1]


def test_axes_labels_title_and_percent_axis():
    ax = tp.plot_series(synthetic_frame(), title="T")
    assert ax.get_title() == "T"
    assert ax.get_xlabel() == "school year (start)"
    assert ax.get_ylabel() == "share choosing technique"
    assert ax.yaxis.get_major_formatter()(0.4, 0) in {"40%", "40.0%"}  # decimals follow ticks
    captions = [t.get_text() for t in ax.figure.texts]
    assert any("Source: Techniekpact monitor" in c for c in captions)


def test_target_line_float_mapping_and_frame():
    ax = tp.plot_series(synthetic_frame(), targets=0.40)
    hl = [ln for ln in ax.get_lines() if list(ln.get_ydata()) == [0.40, 0.40]]
    assert len(hl) == 1 and hl[0].get_label() == "target 40%"
    ax = tp.plot_series(synthetic_frame(), targets={"havo": 0.55, "mbo": 0.40})
    assert {ln.get_label() for ln in ax.get_lines()} >= {"havo: target 55%", "mbo: target 40%"}
    targets = pd.DataFrame({"level": ["havo", "mbo", "mbo"], "region": ["NL", "NL", "NL"],
                            "sex": ["all", "all", "all"], "year": [2019, 2020, 2019],
                            "target": [0.55, 0.40, 1.2],
                            "kind": ["ambition", "goal", "growth_count"]})
    ax = tp.plot_series(synthetic_frame(), targets=targets)
    labels = {ln.get_label() for ln in ax.get_lines()}
    assert "havo: target 55% in 2019/20" in labels and "mbo: target 40% in 2020/21" in labels
    assert not any("120%" in lab for lab in labels)  # growth_count rows ignored


def test_hue_by_region_shares_colours_and_no_caption():
    df = synthetic_frame()
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
        tp.plot_series(synthetic_frame(), hue="colour")
    with pytest.raises(TpModelError, match="nothing to plot"):
        tp.plot_series(synthetic_frame().assign(share=pd.NA))


def test_on_bundled_data():
    s = tp.load_series()
    h = s.query("canonical and region == 'NL' and sex == 'all' and origin == 'published' "
                "and level in ['vmbo_bb', 'havo']")
    ax = tp.plot_series(h, targets=0.40)
    assert ax.get_title() == "Share choosing technique (NL)"
