"""plot_scenarios: panels, artists, labels, targets, bad input (Agg backend)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from synthetic import synthetic_series

import tpforecast as tp
from tpforecast.errors import TpModelError
from tpforecast.scenarios import Scenario, run_scenarios


def synthetic_two_levels() -> pd.DataFrame:
    return synthetic_series([("havo", .40, .002, None), ("mbo", .27, .002, None)],
                            list(range(2010, 2024)), seed=7)


SCENARIOS = [Scenario("baseline"), Scenario("stagnation", base="last"),
             Scenario("fixed", path={2024: 0.30, 2025: 0.32}, levels=["mbo"])]


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    return synthetic_two_levels()


@pytest.fixture(scope="module")
def results(data) -> pd.DataFrame:
    return run_scenarios(data, scenarios=SCENARIOS, until=2028, models="drift", n_paths=300)


def test_panels_lines_bands_and_labels(data, results):
    fig = tp.plot_scenarios(results, data=data, targets=0.40)
    axes = [ax for ax in fig.axes if ax.get_visible()]
    assert len(axes) == 2  # one panel per level
    titles = [ax.get_title() for ax in axes]
    assert "havo" in titles[0] and "mbo" in titles[1]
    havo, mbo = axes
    # havo: observed, baseline, stagnation, target line; mbo also the fixed path
    assert len(havo.lines) == 4 and len(mbo.lines) == 5
    # bands for baseline and stagnation (the fixed path has none)
    assert len(havo.collections) == 2 and len(mbo.collections) == 2
    assert havo.get_ylabel() and havo.get_xlabel() and mbo.get_xlabel()
    assert "%" in havo.yaxis.get_major_formatter()(0.4, 0)
    assert fig._suptitle is not None and fig._suptitle.get_text()
    assert any("Source" in t.get_text() for t in fig.texts)
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert {"observed", "baseline", "stagnation", "fixed", "baseline: 80% interval",
            "stagnation: 80% interval", "target"} <= set(labels)
    # the target line is labelled inside the panel
    assert any(t.get_text() == "target 40%" for t in havo.texts)


def test_targets_from_results_and_from_frame(data, results):
    fig = tp.plot_scenarios(results)  # target column of the results, no data
    havo = fig.axes[0]
    assert any(np.allclose(line.get_ydata(), 0.40) for line in havo.lines)
    fig = tp.plot_scenarios(results, data=data, targets=tp.load_targets(),
                            scenarios=["baseline"], band=None)
    havo, mbo = fig.axes[:2]
    assert len(havo.collections) == 0
    ys = {round(float(line.get_ydata()[0]), 2) for line in havo.lines}
    assert 0.55 in ys  # havo ambition
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert {"ambition of the level", "goal of the level"} <= set(labels)
    assert any(t.get_text() == "ambition 55% (2019/20)" for t in havo.texts)
    assert any(t.get_text() == "goal 40% (2020/21)" for t in mbo.texts)
    # the results' 40% is not a target of havo: it is drawn as the scenarios' target
    assert any(t.get_text() == "scenario target 40%" for t in havo.texts)


def test_grid_shape(data, results):
    fig = tp.plot_scenarios(results, ncols=1)
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert len(visible) == 2
    assert visible[0].get_position().y0 > visible[1].get_position().y0  # stacked


def test_bad_input(results):
    with pytest.raises(TpModelError, match="scenario"):
        tp.plot_scenarios(results.drop(columns=["scenario"]))
    with pytest.raises(TpModelError, match="empty"):
        tp.plot_scenarios(results.iloc[0:0])
    with pytest.raises(TpModelError, match="'boom'"):
        tp.plot_scenarios(results, scenarios=["boom"])
    with pytest.raises(TpModelError, match="50% interval"):
        tp.plot_scenarios(results, band=50)


def test_no_path_before_its_start_nor_on_course(data):
    """A solved scenario starts in its start year (not after the last observation used), a
    level on course gets no path (the panel says so), and a scenario whose median equals
    another's is drawn dashed on top and says so."""
    scns = [Scenario("baseline", base="last"), Scenario("stagnation", base="last"),
            Scenario("push", start=2016, as_of=2013, solve={"target": 0.40, "year": 2020})]
    res = run_scenarios(data, scenarios=scns, until=2028, models="drift", n_paths=300)
    rows = res.loc[(res["scenario"] == "push") & (res["level"] == "mbo")]
    assert rows["year"].min() == 2014  # the scenario's rows start after 2013 ...
    fig = tp.plot_scenarios(res, data=data, targets=0.40)
    havo, mbo = [ax for ax in fig.axes if ax.get_visible()]
    push = [ln for ln in mbo.lines if ln.get_label() == "push"]
    assert push and min(push[0].get_xdata()) == 2016  # ... its path at its start
    assert not [ln for ln in havo.lines if ln.get_label() == "push"]  # havo is on course
    assert any("push: on course" in t.get_text() for t in havo.texts)
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "stagnation (same median as baseline)" in labels
    same = [ln for ln in mbo.lines if ln.get_label().startswith("stagnation")]
    assert same[0].get_linestyle() != "-"
