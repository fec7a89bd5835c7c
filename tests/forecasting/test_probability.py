"""probability_by_year and first_year_with on synthetic series."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from synthetic import synthetic_frame, synthetic_targets

import tpforecast as tp
from tpforecast.errors import TpModelError
from tpforecast.forecasting import first_year_with
from tpforecast.forecasting.series import SkippedSeriesWarning


def synthetic_gappy_mbo() -> pd.DataFrame:
    return synthetic_frame([2010, 2011, 2013, 2014, 2015], [0.27, 0.29, 0.28, 0.31, 0.30])


def test_observed_years_are_one_or_zero_and_gaps_na():
    p = tp.probability_by_year(synthetic_gappy_mbo(), target=0.29, until=2020)
    assert p["year"].tolist() == list(range(2010, 2021))
    by = p.set_index("year")
    assert by.loc[2010, "p_target"] == 0.0 and by.loc[2011, "p_target"] == 1.0
    assert by.loc[2010, "status"] == "observed"
    assert pd.isna(by.loc[2012, "p_target"]) and by.loc[2012, "status"] == "not_observed"
    fut = by.loc[2016:]
    assert (fut["status"] == "ok").all() and fut["p_target"].between(0, 1).all()


def test_forecast_years_agree_with_reachability():
    s = synthetic_gappy_mbo()
    p = tp.probability_by_year(s, target=0.35, until=2030).set_index("year")
    for year in (2016, 2020, 2030):
        r = tp.reachability(s, target=0.35, year=year).iloc[0]
        assert math.isclose(p.loc[year, "p_target"], r["p_target"])
    # the default forecasts no change: below the target, P rises with the uncertainty but
    # stays under one half
    fut = p.loc[2016:, "p_target"].to_numpy(dtype=float)
    assert (np.diff(fut) >= 0).all() and fut.max() < 0.5


def test_as_of_turns_observed_years_into_forecasts():
    s = synthetic_gappy_mbo()
    p = tp.probability_by_year(s, target=0.29, until=2018, as_of=2013).set_index("year")
    assert p.loc[2014:, "status"].eq("ok").all() and p["as_of"].eq(2013).all()
    assert 0 < p.loc[2014, "p_target"] < 1


def test_targets_frame_gives_a_block_per_goal():
    s = pd.concat([synthetic_gappy_mbo(),
                   synthetic_frame([2012, 2013, 2014, 2015], [.40, .42, .43, .43], level="havo",
                                   indicator="synthetic_havo")])
    p = tp.probability_by_year(s, target=synthetic_targets(), until=2020)
    mbo = p.loc[p["level"] == "mbo"]
    assert set(mbo["target"]) == {0.40} and set(mbo["target_kind"]) == {"goal"}
    havo = p.loc[p["level"] == "havo"]
    assert set(havo["target"]) == {0.55} and set(havo["target_year"]) == {2019}
    assert havo["target_source"].eq("s1").all()


def test_short_series_and_missing_targets_are_rows():
    s = pd.concat([synthetic_gappy_mbo(),
                   synthetic_frame([2014, 2015], [.2, .2], indicator="short"),
                   synthetic_frame([2012, 2013, 2014], [.2, .2, .2], level="zz",
                                   indicator="other")])
    with pytest.warns(SkippedSeriesWarning, match="too_short"):
        p = tp.probability_by_year(s, target=synthetic_targets(), until=2020)
    short = p.loc[p["indicator"] == "short"]
    assert len(short) == 1 and short["status"].iloc[0] == "too_short"
    assert pd.isna(short["year"].iloc[0])
    assert p.loc[p["level"] == "zz", "status"].tolist() == ["no_target"]


def test_bad_options():
    with pytest.raises(TpModelError, match="target"):
        tp.probability_by_year(synthetic_gappy_mbo(), target=1.5)
    with pytest.raises(TpModelError, match="n_paths"):
        tp.probability_by_year(synthetic_gappy_mbo(), n_paths=0)


def test_first_year_with_fifty_percent():
    rising = synthetic_frame(range(2010, 2016), [.30, .31, .32, .33, .34, .35])
    p = tp.probability_by_year(rising, target=0.38, until=2030, models="drift")
    f = first_year_with(p).iloc[0]
    by = p.set_index("year")["p_target"]
    first = int(f["first_likely_year"])
    assert by.loc[first] >= 0.5 and by.loc[first - 1] < 0.5 and first > 2015
    assert not f["at_target"] and pd.isna(f["at_target_since"])
    assert f["until"] == 2030 and math.isclose(f["p_until"], by.loc[2030])
    # already there: the current spell, no first year
    above = synthetic_frame(range(2010, 2016), [.42, .39, .41, .42, .43, .44])
    g = first_year_with(tp.probability_by_year(above, target=0.40, until=2025)).iloc[0]
    assert g["at_target"] and g["at_target_since"] == 2012 and pd.isna(g["first_likely_year"])
    # never under the default (no change forecast) when below the target
    flat = first_year_with(tp.probability_by_year(synthetic_gappy_mbo(), target=0.40)).iloc[0]
    assert pd.isna(flat["first_likely_year"]) and flat["p_until"] < 0.5
