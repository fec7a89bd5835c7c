"""reachability: columns, as_of, targets, first year, status rows, one P(at or above)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from synthetic import cheap_ensemble, synthetic_frame, synthetic_national, synthetic_targets

import tpforecast as tp
from tpforecast.errors import TpModelError
from tpforecast.forecasting import Future, split_series
from tpforecast.forecasting.series import SkippedSeriesWarning
from tpforecast.study import HORIZON


@pytest.fixture(scope="module")
def series() -> pd.DataFrame:
    return synthetic_national()


def test_reachability_as_of_and_columns(series):
    nat = series[series.region == "NL"]
    r = tp.reachability(nat, target=0.40, year=2020, as_of=2015, models="drift")
    for col in ["model_used", "last_year", "last_share", "median", "lo_80", "hi_80", "p_target",
                "first_year", "first_year_lo", "first_year_hi", "at_target_since",
                "needed_pp_per_year", "recent_pp_per_year", "status", "reason"]:
        assert col in r.columns
    assert "ratio" not in r.columns and "mean" not in r.columns
    assert (r["last_year"] == 2014).all()  # as_of=2015 keeps 2014 (no 2015 observation)
    mbo = r.set_index("level").loc["mbo"]
    assert mbo["p_target"] < 0.05
    assert mbo["needed_pp_per_year"] == pytest.approx(100 * (0.40 - mbo["last_share"]) / 6)
    havo = r.set_index("level").loc["havo"]
    assert havo["first_year"] == havo["at_target_since"] == 2005  # at/above 40% in the data
    assert havo["p_target"] > 0.9 and "since 2005" in havo["reason"]


def test_reachability_bad_target_and_as_of(series):
    havo = series[series.level == "havo"]
    with pytest.raises(TpModelError, match="must be a fraction in \\(0, 1\\)"):
        tp.reachability(havo, target=40)
    with pytest.raises(TpModelError, match="must be a fraction in \\(0, 1\\)"):
        tp.reachability(havo, target=0.0)
    with pytest.raises(TpModelError, match="syn_havo/havo/NL/all.*as_of=2000 is before the first"):
        tp.reachability(havo, as_of=2000, models="drift")


def test_reachability_observed_target_year(series):
    r = tp.reachability(series[series.level == "vwo"], target=0.40, year=2020, models="drift")
    assert r.loc[0, "median"] == r.loc[0, "lo_80"] and r.loc[0, "p_target"] == 1.0
    assert r.loc[0, "status"] == "observed" and "observed" in r.loc[0, "reason"]


def test_reachability_with_targets_frame(series):
    r = tp.reachability(series, target=synthetic_targets(), models="drift")
    got = {(lv, rg): (t, y) for lv, rg, t, y in
           r.loc[r["status"] != "no_target", ["level", "region", "target", "target_year"]]
           .itertuples(index=False)}
    assert got[("havo", "NL")] == (0.55, 2019)
    assert got[("ho", "NL")] == (0.40, 2020)
    # only a count target for Overijssel: the series is a row without a target
    reg = r.loc[r["region"] == "Overijssel"].iloc[0]
    assert reg["status"] == "no_target" and pd.isna(reg["target"])
    assert {"target_kind", "target_source"} <= set(r.columns)


def test_reachability_targets_frame_bad_value(series):
    t = synthetic_targets()
    t.loc[0, "target"] = 55.0
    with pytest.raises(TpModelError, match="targets row 0 \\(level havo\\) must be a fraction"):
        tp.reachability(series, target=t)


def test_too_short_series_is_a_row_with_its_goal(series):
    short = pd.concat([series[series.level == "havo"], synthetic_frame([2014, 2015], [.3, .31])])
    r = tp.reachability(short, target=0.40, year=2020, models="drift")
    row = r.loc[r["indicator"] == "synthetic_ind"].iloc[0]
    assert row["status"] == "too_short" and row["target"] == 0.40 and pd.isna(row["p_target"])


def test_first_passage_quantiles():
    years = list(range(2010, 2021))
    shares = np.round(0.20 + 0.01 * (np.array(years) - 2010)
                      + np.tile([0.0, 0.01, -0.01], 4)[:11], 2).tolist()
    rising = synthetic_frame(years, shares)
    row = tp.reachability(rising, target=0.35, year=2030, models="drift").iloc[0]
    assert 2021 <= row["first_year_lo"] <= row["first_year"] <= row["first_year_hi"] <= 2040
    assert 2022 <= row["first_year"] <= 2027  # ~1 point a year from 31% in 2020
    never = tp.reachability(rising, target=0.95, year=2030, models="drift")
    assert pd.isna(never.loc[0, "first_year"]) and pd.isna(never.loc[0, "at_target_since"])


def test_default_model_is_calibrated_from_three_points():
    short = synthetic_frame([2005, 2014, 2015], [0.18, 0.22, 0.22])
    r = tp.reachability(short, target=0.40, year=2020).iloc[0]
    assert (r["model"], r["model_used"], r["status"]) == ("calibrated", "calibrated", "ok")
    assert r["median"] == pytest.approx(0.22) and 0 < r["p_target"] < 0.5
    two = synthetic_frame([2014, 2015], [0.22, 0.22])
    with pytest.warns(SkippedSeriesWarning):
        r = tp.reachability(pd.concat([short.assign(indicator="other"), two]),
                            target=0.40, year=2020)
    assert r.loc[r["indicator"] == "synthetic_ind", "status"].iloc[0] == "too_short"


def test_first_year_is_the_current_spell_not_a_past_peak():
    # at the target in 2007, below it since: the target is not "already reached"
    fell = synthetic_frame([2007, 2009, 2012, 2017, 2019, 2021], [.30, .29, .24, .24, .23, .24])
    r = tp.reachability(fell, target=0.30, year=2020, models="naive").iloc[0]
    assert pd.isna(r["first_year"]) or r["first_year"] > 2021
    assert r["last_year_at_target"] == 2007 and pd.isna(r["at_target_since"])
    # above the target since 2012 (after dipping below in 2011)
    above = synthetic_frame(range(2009, 2015), [.41, .42, .39, .41, .42, .43])
    r = tp.reachability(above, target=0.40, year=2020, models="naive").iloc[0]
    assert r["first_year"] == r["at_target_since"] == 2012


def test_simulated_model_uses_its_own_paths(series):
    """For a model without closed form (ensemble), median / lo_80 / hi_80 come from the same
    per-series paths as p_target and first_year."""
    nat = series[(series.level == "havo") & (series.region == "NL")]
    r = tp.reachability(nat, target=0.45, year=2020, as_of=2015, models=cheap_ensemble(),
                        n_paths=1000).iloc[0]
    ((key, data),) = split_series(nat, 2015).data.items()
    future = Future.of_model(cheap_ensemble().fit_data(data), key, seed=0, n_paths=1000,
                             end=HORIZON)
    col = future.paths_for([2020])[:, 0]
    assert r["median"] == pytest.approx(float(np.quantile(col, 0.5)))
    assert r["lo_80"] == pytest.approx(float(np.quantile(col, 0.1)))
    assert r["hi_80"] == pytest.approx(float(np.quantile(col, 0.9)))
    assert r["p_target"] == pytest.approx(float(np.mean(col >= 0.45)))
    assert (r["median"] >= 0.45) == (r["p_target"] >= 0.5)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(base=st.floats(0.05, 0.8), steps=st.lists(st.floats(-0.03, 0.03), min_size=5,
                                                 max_size=10),
       t1=st.floats(0.05, 0.9), dt=st.floats(0.01, 0.09),
       model=st.sampled_from(["drift", "logit_linear", "naive"]))
def test_property_p_target_bounded_and_monotone(base, steps, t1, dt, model):
    shares = np.clip(base + np.cumsum(steps), 0.0, 1.0).tolist()
    df = synthetic_frame(range(2010, 2010 + len(shares)), shares)
    year = 2010 + len(shares) + 2
    pa = float(tp.reachability(df, target=t1, year=year, models=model, n_paths=400)
               .loc[0, "p_target"])
    pb = float(tp.reachability(df, target=t1 + dt, year=year, models=model, n_paths=400)
               .loc[0, "p_target"])
    assert 0 <= pb <= pa + 1e-12 <= 1 + 1e-12
