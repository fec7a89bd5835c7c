"""required_acceleration and years_to_target: exact solves, information sets, the one first-year definition."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from synthetic import FAST, cheap_ensemble, scenario_error
from synthetic import rows as _one

import tpforecast as tp
from tpforecast.scenarios import (
    Scenario,
    load_scenarios,
    required_acceleration,
    run_scenarios,
    years_to_target,
)


@pytest.mark.parametrize("model", ["drift", cheap_ensemble()], ids=["drift", "ensemble"])
def test_required_acceleration_puts_median_on_target(series, model):
    ra = required_acceleration(series, target=0.40, year=2020, start=2016, models=model,
                               n_paths=1000)
    row = _one(ra, level="mbo", region="NL").iloc[0]
    assert row["as_of"] == 2015 and row["last_year"] == 2015 and row["start"] == 2016
    extra = float(row["extra_pp_per_year"])
    assert extra > 0 and row["status"] == "ok"
    assert row["shift_pp"] == pytest.approx(5 * extra)
    # independent re-simulation agrees: median within 0.5 point, probability within MC noise
    assert abs(row["median_check"] - 0.40) < 0.005
    assert abs(row["p_check"] - 0.5) < 0.06
    # applying the solved acceleration as an ordinary scenario puts the median on the target
    applied = Scenario("applied", start=2016, extra_pp_per_year={"mbo": extra}, as_of=2015)
    res = run_scenarios(series, scenarios=[applied], until=2022, models=model, n_paths=1000)
    med = _one(res, level="mbo", region="NL", year=2020)["median"].iloc[0]
    assert abs(med - 0.40) < 0.005


def test_required_scenario_resolved_in_run(series):
    builtin = {s.name: s for s in load_scenarios()}
    res = run_scenarios(series, scenarios=[builtin["required"]], until=2024, **FAST)
    ra = required_acceleration(series, target=0.40, year=2020, start=2016, **FAST)
    base = run_scenarios(series, scenarios=[Scenario("trend", as_of=2015)], until=2024, **FAST)
    for level in ("havo", "mbo", "vwo"):
        r = _one(res, level=level, region="NL")
        b = _one(base, level=level, region="NL")
        assert r["as_of"].iloc[0] == 2015
        solved = _one(ra, level=level, region="NL")["extra_pp_per_year"].iloc[0]
        in_2020 = r.loc[r["year"] == 2020, "median"].iloc[0]
        gap = r["median"].to_numpy(float) - b["median"].to_numpy(float)
        years = r["year"].to_numpy(int)
        if solved > 0:
            assert in_2020 == pytest.approx(0.40, abs=1e-9)
            assert r["extra_pp_per_year"].iloc[0] == pytest.approx(solved)
            # after the target year the level gained is kept: the shift stops growing
            assert np.allclose(gap[years >= 2020], solved / 100 * 5, atol=1e-9)
        else:
            # already on track: no negative "acceleration", the baseline is kept
            assert in_2020 >= 0.40 and r["extra_pp_per_year"].iloc[0] == 0
            assert np.allclose(gap, 0, atol=1e-12)
    assert (_one(ra, level="vwo", region="NL")["extra_pp_per_year"] < 0).all()


def test_required_with_ramp_and_probability(series):
    ra = required_acceleration(series, target=0.40, year=2020, start=2016, probability=0.8,
                               ramp_years=2, **FAST)
    row = _one(ra, level="mbo", region="NL").iloc[0]
    # W(2020) with a two-year ramp from 2016: 1/3 + 2/3 + 1 + 1 + 1 = 4
    assert row["shift_pp"] == pytest.approx(4 * row["extra_pp_per_year"])
    assert abs(row["p_check"] - 0.8) < 0.06
    p50 = required_acceleration(series, target=0.40, year=2020, start=2016, ramp_years=2, **FAST)
    assert row["extra_pp_per_year"] > _one(p50, level="mbo", region="NL")[
        "extra_pp_per_year"].iloc[0]


def test_required_with_targets_frame(series):
    ra = required_acceleration(series, target=tp.load_targets(), start=2016, **FAST)
    havo = _one(ra, level="havo").iloc[0]
    assert havo["target"] == pytest.approx(0.55) and havo["target_year"] == 2019
    assert havo["target_kind"] == "ambition"
    assert _one(ra, level="mbo", region="Overijssel")["target"].iloc[0] == pytest.approx(0.40)


def test_required_information_set_and_observed_target_year(series):
    ra = required_acceleration(series, target=0.40, year=2020, start=2016, as_of=2021, **FAST)
    row = _one(ra, level="mbo", region="NL").iloc[0]
    assert row["as_of"] == 2021 and pd.isna(row["extra_pp_per_year"])
    assert row["status"] == "observed" and "not after the last observation" in row["reason"]
    # as_of between start and year: extra growth counts from the year after the data
    ra = required_acceleration(series, target=0.40, year=2020, start=2016, as_of=2017, **FAST)
    row = _one(ra, level="mbo", region="NL").iloc[0]
    assert row["start"] == 2018 and "counted from 2018" in row["reason"]
    assert row["shift_pp"] == pytest.approx(3 * row["extra_pp_per_year"])


def test_years_to_target(series):
    yt = years_to_target(series, extra_pp_per_year=1.0, target=0.40, base="last", n_paths=500)
    mbo = _one(yt, level="mbo", region="NL").iloc[0]
    last = float(_one(series, level="mbo", region="NL")["share"].iloc[-1])
    expect = 2023 + math.ceil(round((0.40 - last) * 100, 6))
    assert mbo["first_year"] == expect
    assert mbo["first_year_lo"] <= mbo["first_year"] <= mbo["first_year_hi"]
    vwo = _one(yt, level="vwo").iloc[0]  # above 40% all along
    assert vwo["first_year"] == vwo["at_target_since"] == 2008 and "since 2008" in vwo["reason"]
    # more extra growth -> not later
    yt2 = years_to_target(series, extra_pp_per_year=3.0, start=2024, target=0.40, **FAST)
    yt0 = years_to_target(series, extra_pp_per_year=0.0, start=2024, target=0.40, **FAST)
    a = _one(yt2, level="mbo", region="NL")["first_year"].iloc[0]
    b = _one(yt0, level="mbo", region="NL")["first_year"].iloc[0]
    assert pd.isna(b) or a <= b


def test_start_after_target_year(series):
    with scenario_error("'start'"):
        Scenario("bad", start=2021, solve={"target": 0.4, "year": 2020})
    with scenario_error("'start'", "required_acceleration"):
        required_acceleration(series, target=0.40, year=2020, start=2021, **FAST)
    # with per-level targets the year is known only in the run (havo ambition: 2019)
    late = Scenario("bad", start=2020, solve={"target": "targets"}, levels=["havo"])
    with scenario_error("'start'.*2019"):
        run_scenarios(series, scenarios=[late], **FAST)
    with scenario_error("'start'.*2019", "required_acceleration"):
        required_acceleration(series, target=tp.load_targets(), start=2020, **FAST)


@pytest.mark.parametrize("model", ["naive", "drift", cheap_ensemble()],
                         ids=["naive", "drift", "ensemble"])
def test_years_to_target_with_zero_extra_equals_reachability_first_year(series, model):
    """One definition of 'first year reached' (median and 10th / 90th percentiles of the
    first-passage year over simulated paths) in reachability and years_to_target."""
    kw = {"models": model, "n_paths": 600}
    r = tp.reachability(series, target=0.40, year=2030, **kw)
    y = years_to_target(series, extra_pp_per_year=0.0, target=0.40, **kw)
    m = r.merge(y, on=["indicator", "level", "region", "sex", "model"])
    assert len(m) == len(r) > 0
    for c in ("first_year", "first_year_lo", "first_year_hi"):
        assert (m[f"{c}_x"].fillna(-1) == m[f"{c}_y"].fillna(-1)).all(), c
    ok = y.dropna(subset=["first_year_lo", "first_year", "first_year_hi"])
    assert (ok["first_year_lo"] <= ok["first_year"]).all()
    assert (ok["first_year"] <= ok["first_year_hi"]).all()
