"""run_scenarios: flat, baseline equality, clipping, layout, students, paths, bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from synthetic import FAST, cheap_ensemble, scenario_error
from synthetic import rows as _one

from tpforecast.errors import TpModelError, TpScenarioError
from tpforecast.scenarios import (
    Scenario,
    ScenarioClipWarning,
    Solve,
    load_scenarios,
    required_acceleration,
    run_scenarios,
)


def test_stagnation_is_flat(series):
    stag = [s for s in load_scenarios() if s.name == "stagnation"]
    res = run_scenarios(series, scenarios=stag, until=2030, n_paths=500)
    for key, g in res.groupby(["level", "region"]):
        obs = _one(series, level=key[0], region=key[1]).dropna(subset=["share"])
        last = float(obs.sort_values("year")["share"].iloc[-1])
        assert np.allclose(g["median"].to_numpy(float), last, atol=1e-12), key
        assert (g["lo_80"] < g["median"]).all() and (g["hi_80"] > g["median"]).all()
        assert set(g["model"]) == {"naive"} and set(g["base"]) == {"last"}


@pytest.mark.parametrize("model", ["drift", cheap_ensemble()], ids=["drift", "ensemble"])
def test_zero_extra_growth_equals_baseline(series, model):
    scns = [Scenario("baseline"), Scenario("zero", start=2025, extra_pp_per_year=0.0),
            Scenario("zero_map", extra_pp_per_year={"havo": 0.0, "mbo": 0.0, "vwo": 0.0},
                     ramp_years=3)]
    res = run_scenarios(series, scenarios=scns, until=2028, models=model, n_paths=600)
    cols = ["indicator", "level", "region", "sex", "year", "median", "lo_80", "hi_80", "lo_95",
            "hi_95", "p_target", "extra_students"]
    b = res.loc[res["scenario"] == "baseline", cols].reset_index(drop=True)
    for name in ("zero", "zero_map"):
        z = res.loc[res["scenario"] == name, cols].reset_index(drop=True)
        pd.testing.assert_frame_equal(b, z)
    assert (b["extra_students"].dropna() == 0).all()


def test_scenarios_never_leave_unit_interval(series):
    up = Scenario("boom", start=2024, extra_pp_per_year=12.0, levels=["vwo"])
    down = Scenario("bust", start=2024, extra_pp_per_year=-12.0, levels=["mbo"],
                    regions=["NL"])
    with pytest.warns(ScenarioClipWarning) as rec:
        res = run_scenarios(series, scenarios=[up, down], until=2030, **FAST)
    clip = [w for w in rec if issubclass(w.category, ScenarioClipWarning)]
    assert len(clip) == 1  # one warning for the whole run
    msg = str(clip[0].message)
    assert "synthetic_vwo/vwo/NL/all" in msg and "synthetic_mbo/mbo/NL/all" in msg
    assert "2030" in msg
    vals = res[["median", "lo_80", "hi_80", "lo_95", "hi_95", "p_target"]].to_numpy(float)
    assert (vals >= 0).all() and (vals <= 1).all()
    assert res.loc[res["scenario"] == "boom", "hi_95"].max() == 1.0
    assert res.loc[res["scenario"] == "bust", "lo_95"].min() == 0.0
    clipped = res.loc[res["clipped"].to_numpy(dtype=bool)]
    assert set(clipped["scenario"]) == {"boom", "bust"} and 2030 in set(clipped["year"])
    assert not res.loc[res["year"] == 2024, "clipped"].any()


def test_run_builtins_layout(series):
    everything = run_scenarios(series, until=2026, **FAST)
    assert list(everything.columns[:19]) == [
        "scenario", "indicator", "level", "region", "sex", "year", "median", "lo_80", "hi_80",
        "lo_95", "hi_95", "p_target", "extra_students", "model", "model_used", "base", "as_of",
        "requested_start", "start"]
    res = everything.loc[everything["status"] == "ok"]
    assert {"extra_pp_per_year", "target", "n_total_proj", "n_total_projection"} <= set(res)
    assert set(res["scenario"]) == {"baseline", "observed_pace", "stagnation", "ambitions",
                                    "required"}
    assert res["year"].dtype == "Int64" and res["median"].dtype == "Float64"
    assert (res["lo_95"] <= res["lo_80"]).all() and (res["lo_80"] <= res["median"]).all()
    assert (res["median"] <= res["hi_80"]).all() and (res["hi_80"] <= res["hi_95"]).all()
    # ambitions: havo and vwo reach their 55% ambition (targets.csv, 2019/20) in the median
    amb = res.loc[res["scenario"] == "ambitions"]
    for level in ("havo", "vwo"):
        # below the ambition the median lands on it; above it, the baseline is kept
        r = _one(amb, level=level, year=2019)
        assert r["median"].iloc[0] == pytest.approx(0.55, abs=1e-9) or (
            r["median"].iloc[0] > 0.55 and r["extra_pp_per_year"].iloc[0] == 0)
    # mbo's own ambition is 30% in 2019/20 (doel 9), not the 40% goal
    mbo = _one(amb, level="mbo", region="NL", year=2019)
    assert mbo["target"].iloc[0] == pytest.approx(0.30)
    assert mbo["median"].iloc[0] == pytest.approx(0.30, abs=1e-9) or (
        mbo["median"].iloc[0] > 0.30 and mbo["extra_pp_per_year"].iloc[0] == 0)
    # observed pace: +1 point a year from the last observation in the median
    pace = _one(res, scenario="observed_pace", level="havo")
    last = float(_one(series, level="havo")["share"].iloc[-1])
    k = pace["year"].to_numpy(int) - 2023
    assert np.allclose(pace["median"].to_numpy(float), last + 0.01 * k, atol=1e-12)


def test_extra_students_and_n_total_projection(series):
    scn = Scenario("plus1", start=2024, extra_pp_per_year=1.0)
    res = run_scenarios(series, scenarios=[Scenario("baseline"), scn], until=2027, **FAST)
    havo = _one(res, scenario="plus1", level="havo")
    how = havo["n_total_projection"].iloc[0]
    # a national canonical series: the monitor's own counts (here printed n_total)
    assert how.startswith("entrants/pupils: the monitor's counts") and "known 2008-2023" in how
    assert "after 2023 its own trend 2018-2023 (+2.0% a year)" in how
    n_last = float(_one(series, level="havo", year=2023)["n_total"].iloc[0])
    expected_n = n_last * 1.02 ** (havo["year"].to_numpy(float) - 2023)
    assert np.allclose(havo["n_total_proj"].to_numpy(float), expected_n, rtol=1e-3)
    k = havo["year"].to_numpy(int) - 2023
    assert np.allclose(havo["extra_students"].to_numpy(float), 0.01 * k * expected_n,
                       rtol=1e-3)
    mbo = _one(res, scenario="plus1", level="mbo", region="NL")
    assert mbo["extra_students"].isna().all()
    assert mbo["n_total_projection"].iloc[0].startswith("none")


def test_path_scenario(series):
    path = {2024: 0.30, 2025: 0.35, 2026: 0.41}
    scn = Scenario("path", path=path, levels=["mbo"], regions=["NL"])
    res = run_scenarios(series, scenarios=[scn], until=2030, **FAST)
    assert res["year"].tolist() == [2024, 2025, 2026]
    assert res["median"].tolist() == res["lo_95"].tolist() == res["hi_80"].tolist()
    assert res["median"].tolist() == list(path.values())
    assert res["p_target"].tolist() == [0.0, 0.0, 1.0]
    assert res["base"].iloc[0] == "path"


def test_deterministic_and_independent_of_other_series(series):
    scns = [Scenario("baseline"), Scenario("plus", start=2024, extra_pp_per_year=1.0)]
    series = series.loc[series["level"].isin(["havo", "vwo"]).to_numpy()]
    a = run_scenarios(series, scenarios=scns, until=2027, models=cheap_ensemble(), n_paths=300,
                      seed=5)
    b = run_scenarios(series, scenarios=scns, until=2027, models=cheap_ensemble(), n_paths=300,
                      seed=5)
    pd.testing.assert_frame_equal(a, b)
    only = series.loc[(series["level"] == "havo").to_numpy()]
    c = run_scenarios(only, scenarios=scns, until=2027, models=cheap_ensemble(), n_paths=300,
                      seed=5)
    pd.testing.assert_frame_equal(a.loc[a["level"] == "havo"].reset_index(drop=True), c)


def test_unknown_level_or_region(series):
    with scenario_error("levels"):
        run_scenarios(series, scenarios=[Scenario("bad", levels=["havo", "hovo"])], **FAST)
    with scenario_error("regions"):
        run_scenarios(series, scenarios=[Scenario("bad", regions=["Atlantis"])], **FAST)
    with scenario_error("extra_pp_per_year"):
        run_scenarios(series, scenarios=[Scenario("bad", extra_pp_per_year={"hovo": 1.0})], **FAST)
    with pytest.raises(TpScenarioError, match="hovo"):
        run_scenarios(series, scenarios=[Scenario("bad", levels=["hovo"])], **FAST)


def test_duplicate_names_in_run(series):
    with scenario_error("'name'", "a"):
        run_scenarios(series, scenarios=[Scenario("a"), Scenario("a", base="last")], **FAST)


def test_bad_run_options(series):
    with pytest.raises(TpModelError, match="unknown model"):
        run_scenarios(series, scenarios=[Scenario("a")], models="nope")
    with pytest.raises(TpModelError, match="target"):
        run_scenarios(series, scenarios=[Scenario("a")], target=40, **FAST)
    with pytest.raises(TpModelError, match="probability"):
        required_acceleration(series, probability=1.0, **FAST)


def test_solved_scenario_with_early_end_still_lands_on_target(series):
    """The solve uses the same ramp weights as the applied shift, including ``end``."""
    scn = Scenario("early_stop", start=2016, end=2018, solve=Solve(0.40, 2020, 0.5))
    res = run_scenarios(series[series.region == "NL"], scenarios=[scn], until=2022, **FAST)
    for level in ("havo", "mbo"):
        r = _one(res, level=level, year=2020).iloc[0]
        assert abs(float(r["median"]) - 0.40) < 0.005 or float(r["extra_pp_per_year"]) == 0
    after = _one(res, level="mbo", year=2020)["extra_pp_per_year"].iloc[0]
    assert after > 0


def test_a_start_inside_the_observed_years_is_moved_with_a_column_and_a_warning(series):
    """Issue 9: ``start=2021`` became 2024 without a word when the data end in 2023."""
    from tpforecast.scenarios import Scenario, ScenarioStartWarning

    late = Scenario("late", start=2021, extra_pp_per_year=1.0, levels=["havo"])
    with pytest.warns(ScenarioStartWarning, match=r"'late' on synthetic_havo/havo/NL/all: "
                                                  r"2021 -> 2024"):
        res = run_scenarios(series, scenarios=[late], until=2026, **FAST)
    ok = res.loc[res["status"] == "ok"]
    assert set(ok["requested_start"]) == {2021} and set(ok["start"]) == {2024}
    assert ok["year"].min() == 2024  # observed years are never changed


def test_a_start_after_the_data_is_not_a_move(series):
    import warnings

    from tpforecast.scenarios import Scenario

    push = Scenario("push", start=2025, extra_pp_per_year=1.0, levels=["havo"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = run_scenarios(series, scenarios=[push], until=2026, **FAST)
    assert set(res["requested_start"]) == {2025} and set(res["start"]) == {2025}


def test_a_path_over_observed_years_is_refused(series):
    """Issue 9: a path scenario overwrote observed years; now refused, naming scenario, field,
    years and series."""
    from tpforecast.scenarios import Scenario

    fixed = Scenario("fixed", path={2022: 0.40, 2023: 0.41, 2024: 0.42}, levels=["havo"])
    with pytest.raises(TpScenarioError, match=r"scenario 'fixed', field 'path': year\(s\) 2022, "
                                              r"2023 are observed for series "
                                              r"synthetic_havo/havo/NL/all \(data used up to "
                                              r"2023\)"):
        run_scenarios(series, scenarios=[fixed], until=2026, **FAST)
    after = Scenario("after", path={2024: 0.42, 2025: 0.43}, levels=["havo"])
    res = run_scenarios(series, scenarios=[after], until=2026, **FAST)
    assert res["year"].tolist() == [2024, 2025] and res["median"].tolist() == [0.42, 0.43]


def test_scenarios_that_apply_to_no_series_are_an_error(series):
    from tpforecast.scenarios import Scenario

    only_oost = Scenario("oost", regions=["Overijssel"], levels=["havo"])
    with pytest.raises(TpScenarioError, match="apply to none of the series"):
        run_scenarios(series, scenarios=[only_oost], until=2026, **FAST)


def test_left_out_series_are_rows_and_one_warning(series):
    from tpforecast.forecasting.series import SkippedSeriesWarning
    from tpforecast.scenarios import Scenario

    solved = Scenario("solved", solve={"target": 0.40, "year": 2015}, as_of=2020)
    with pytest.warns(SkippedSeriesWarning, match=r"run_scenarios: \d+ of \d+ series have rows "
                                                  r"without a result: observed"):
        res = run_scenarios(series, scenarios=[solved, Scenario("base")], until=2026, **FAST)
    skipped = res.loc[res["scenario"] == "solved"]
    assert set(skipped["status"]) == {"observed"} and skipped["year"].isna().all()
