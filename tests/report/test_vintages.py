"""The "as of 2016" question on the data of 2016 and on today's revised data, side by side."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

import tpforecast as tp
from tpforecast.report import more_findings, vintage_comparison, vintage_display
from tpforecast.study import DEFAULT_STUDY

STUDY = DEFAULT_STUDY.replace(n_paths=300)

pytestmark = pytest.mark.slow  # a vintage is rebuilt and every level modelled twice


@pytest.fixture(scope="module")
def views(bundled_series):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", tp.forecasting.series.SkippedSeriesWarning)
        return vintage_comparison(bundled_series, study=STUDY)


def test_both_views_per_level(views):
    per_level = views.groupby("level", sort=False)["view"].apply(list)
    assert all(v == ["vintage", "revised"] for v in per_level)
    assert set(views.loc[views["view"] == "vintage", "vintage"]) == {2016}
    assert (views["as_of"] == 2015).all()


def test_mbo_in_2016_has_two_points_and_says_so(views):
    mbo = views.loc[views["level"] == "mbo"].set_index("view")
    then = mbo.loc["vintage"]
    assert then["status"] == "too_short" and then["n_points"] == 2
    assert then["years"] == "2005, 2014" and then["last_share"] == pytest.approx(0.31)
    assert "2 point(s)" in then["reason"] and pd.isna(then["p_target"])
    now = mbo.loc["revised"]
    assert now["status"] == "ok" and now["last_share"] == pytest.approx(0.27)
    assert now["observed"] == pytest.approx(0.28)  # what was published for 2020/21


def test_levels_without_a_series_then_are_rows(views):
    bb = views.loc[(views["level"] == "vmbo_bb") & (views["view"] == "vintage")].iloc[0]
    assert bb["status"] == "no_data" and bb["n_points"] == 0 and "no vmbo_bb" in bb["reason"]


def test_the_views_differ_where_the_data_were_revised(views):
    havo = views.loc[views["level"] == "havo"].set_index("view")["p_target"]
    assert havo["vintage"] != pytest.approx(havo["revised"], abs=0.01)
    wo = views.loc[views["level"] == "wo"].set_index("view")["p_target"]
    assert wo["vintage"] == pytest.approx(wo["revised"])  # the same published values


def test_display_figure_and_findings(views):
    shown = vintage_display(views).set_index("level")
    assert shown.loc["mbo", "data of 2016: P(40%)"] == "too few points"
    assert shown.loc["mbo", "data of 2016: points"] == "2 (2005, 2014)"
    assert shown.loc["vmbo_bb", "data of 2016: P(40%)"] == "no series"
    ax = tp.plot_vintages(views)
    texts = [t.get_text() for t in ax.texts]
    assert any("too few points (2: 2005, 2014)" in t for t in texts)
    evaluation = pd.DataFrame({  # a synthetic evaluation: only the rows the findings read
        "set": ["national", "regional", "trending", "trending"],
        "model": ["calibrated", "calibrated", "calibrated", "drift"],
        "horizon": pd.array([1, 1, pd.NA, pd.NA], dtype="Int64"),
        "coverage_80": [0.8, 0.79, 0.77, 0.6], "rel_mae": [1.0, 1.0, 1.0, 1.5]})
    items = more_findings(views, evaluation, STUDY)
    assert "mbo had only 2 points (2005, 2014), too few for a model" in items[0]
    assert "goal 0.90: not met; best of any model: calibrated, 1.00, so no model reaches it" \
        in items[1]
