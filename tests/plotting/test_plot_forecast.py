"""plot_forecast, plot_forecast_panels, plot_reachability, plot_hindcast: returned Axes,
titles, labels, number of artists (Agg backend)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from synthetic import synthetic_frame

import tpforecast as tp
from tpforecast.errors import TpModelError


def synthetic_one_series() -> pd.DataFrame:
    return synthetic_frame([2010, 2011, 2013, 2014, 2015, 2016, 2017, 2018],
                           [.25, .26, .26, .27, .28, .27, .29, .30])


def test_plot_forecast_artists_and_labels():
    data = synthetic_one_series()
    fc = tp.forecast(data, models=["drift", "logit_linear"], until=2025)
    ax = tp.plot_forecast(data, fc, target=0.40, model="logit_linear")
    assert ax.get_title() and "mbo" in ax.get_title()
    assert ax.get_xlabel() and ax.get_ylabel()
    # observed, forecast mean, target line
    assert len(ax.lines) == 3
    # one band per interval level (95 and 80)
    assert len(ax.collections) == 2
    assert any("Source" in t.get_text() for t in ax.figure.texts)
    assert "%" in ax.yaxis.get_major_formatter()(0.4, 0)
    assert tuple(ax.figure.get_size_inches()) == pytest.approx(tp.plotting.FIGSIZE)


def test_plot_forecast_without_target_and_on_given_axes():
    data = synthetic_one_series()
    fc = tp.forecast(data, models="drift", until=2022, intervals=(80,))
    fig, ax0 = plt.subplots()
    ax = tp.plot_forecast(data, fc, ax=ax0)
    assert ax is ax0
    assert len(ax.lines) == 2 and len(ax.collections) == 1


def test_plot_forecast_needs_one_series():
    data = synthetic_one_series()
    two = pd.concat([data, data.assign(level="havo")])
    fc = tp.forecast(data, models="drift", until=2022)
    with pytest.raises(TpModelError, match="exactly one series"):
        tp.plot_forecast(two, fc)
    with pytest.raises(TpModelError, match="no model 'damped'"):
        tp.plot_forecast(data, fc, model="damped")


def test_plot_reachability():
    data = synthetic_one_series()
    both = pd.concat([data, data.assign(level="havo", share=data["share"] + 0.2)])
    reach = tp.reachability(both, target=0.40, year=2020, models="drift")
    ax = tp.plot_reachability(reach)
    assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel() == "level"
    assert len(ax.containers) == 1  # one errorbar container
    assert len(ax.collections) == 2  # interval LineCollection + target markers
    assert len(ax.texts) == len(reach)  # one p annotation per row
    labels = {t.get_text() for t in ax.get_yticklabels()}
    assert labels == {"mbo", "havo"}
    assert np.isfinite(reach["p_target"].astype(float)).all()
    assert {t.get_text() for t in ax.texts} <= {f"p = {p:.0%}" for p in reach["p_target"]} | {
        "p <1%", "p >99%"}


def test_plot_reachability_keeps_rows_without_projection():
    data = synthetic_one_series()
    short = data.assign(level="wo").head(2)
    with pytest.warns(tp.forecasting.series.SkippedSeriesWarning):
        reach = tp.reachability(pd.concat([data, short]), target=0.40, year=2020,
                                models="drift")
    ax = tp.plot_reachability(reach)
    assert {t.get_text() for t in ax.get_yticklabels()} == {"mbo", "wo"}
    assert any(t.get_text() == "no projection: too few points" for t in ax.texts)


def test_plot_reachability_rejects_other_frames():
    with pytest.raises(TpModelError, match="lacks column"):
        tp.plot_reachability(pd.DataFrame({"median": [0.3]}))


def test_plot_hindcast_panels_per_level():
    from tpforecast.plotting import plot_hindcast

    rows = []
    for level, actual in [("havo", 0.39), ("mbo", 0.28), ("wo", 0.34)]:
        for i, model in enumerate(["auto", "drift"]):
            mid = actual + 0.02 * (i + 1)
            rows.append(dict(level=level, model=model, year=2020, median=mid, lo_80=mid - 0.03,
                             hi_80=mid + 0.03, actual=actual))
    synthetic_hindcast = pd.DataFrame(rows)
    fig = plot_hindcast(synthetic_hindcast, target=0.40, ncols=2)
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_title() for ax in visible] == ["havo", "mbo", "wo"]
    # per panel: one error bar per model, the published line and the target line
    for ax, actual in zip(visible, [0.39, 0.28, 0.34], strict=True):
        assert len(ax.containers) == 2
        ys = sorted(line.get_ydata()[0] for line in ax.get_lines() if len(line.get_ydata()) == 2)
        assert actual in ys and 0.40 in ys
    assert "2020/21" in fig._suptitle.get_text()
    with pytest.raises(tp.TpModelError, match="no rows for 2019"):
        plot_hindcast(synthetic_hindcast, year=2019)


def test_plot_forecast_panels_one_row_per_model():
    data = pd.concat([synthetic_one_series(), synthetic_one_series().assign(level="havo")])
    fc = tp.forecast(data, models=["drift", "naive"], until=2022)
    fig = tp.plot_forecast_panels(data, fc, target=0.40, title="T")
    assert [ax.get_title() for ax in fig.axes] == ["mbo: drift", "havo: drift", "mbo: naive",
                                                   "havo: naive"]
    assert all(len(ax.collections) == 2 for ax in fig.axes)  # 80% and 95% bands
    assert fig._suptitle.get_text() == "T"
    assert [t.get_text() for t in fig.texts][-1].endswith("80% and 95% prediction intervals.")
