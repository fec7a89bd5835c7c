"""Scenarios: the solved acceleration, stagnation, baseline equality, clipping, YAML, bad input."""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import tpforecast as tp
from tpforecast.errors import TpModelError, TpScenarioError
from tpforecast.forecasting import ForecastWarning
from tpforecast.scenarios import (
    Scenario,
    ScenarioClipWarning,
    Solve,
    _ramp_weights,
    acceleration_table,
    load_scenarios,
    required_acceleration,
    run_scenarios,
    years_to_target,
)

YEARS = list(range(2008, 2024))
FAST = {"models": "drift", "n_paths": 800}


def synthetic_series(seed: int = 3) -> pd.DataFrame:
    """Three national levels (whole percents; havo with pupil counts) and a regional series."""
    rng = np.random.default_rng(seed)
    rows = []
    for level, base, slope, n0 in [("havo", .40, -.002, 60000), ("mbo", .26, .003, None),
                                   ("vwo", .55, .004, 40000)]:
        for i, y in enumerate(YEARS):
            s = round(base + slope * i + rng.normal(0, .006), 2)
            n = None if n0 is None else int(n0 * 1.02 ** i)
            rows.append(dict(indicator=f"synthetic_{level}", level=level, region="NL", sex="all",
                             year=y, share=s, n_tech=None if n is None else int(s * n),
                             n_total=n))
    for i, y in enumerate(range(2012, 2022)):
        rows.append(dict(indicator="synthetic_mbo", level="mbo", region="Overijssel", sex="all",
                         year=y, share=round(.28 + .01 * i, 2), n_tech=None, n_total=None))
    df = pd.DataFrame(rows)
    df["origin"] = "published"
    df["canonical"] = True
    return df.astype({"year": "Int64", "share": "Float64", "n_tech": "Int64",
                      "n_total": "Int64"})


@pytest.fixture(scope="module")
def series() -> pd.DataFrame:
    return synthetic_series()


def _one(frame: pd.DataFrame, **eq: object) -> pd.DataFrame:
    m = np.ones(len(frame), dtype=bool)
    for c, v in eq.items():
        m &= (frame[c] == v).to_numpy(dtype=bool, na_value=False)
    return frame.loc[m]


# --------------------------------------------------------------------------------------------
# the exact checks


@pytest.mark.parametrize("model", ["drift", "ensemble"])
def test_required_acceleration_puts_median_on_target(series, model):
    ra = required_acceleration(series, target=0.40, year=2020, start=2016, models=model,
                               n_paths=1000)
    row = _one(ra, level="mbo", region="NL").iloc[0]
    assert row["as_of"] == 2015 and row["last_year"] == 2015 and row["start"] == 2016
    extra = float(row["required_pp_per_year"])
    assert extra > 0
    assert row["required_shift_pp"] == pytest.approx(5 * extra)
    # independent re-simulation agrees: median within 0.5 point, probability within MC noise
    assert abs(row["median_check"] - 0.40) < 0.005
    assert abs(row["p_check"] - 0.5) < 0.06
    # applying the solved acceleration as an ordinary scenario puts the median on the target
    applied = Scenario("applied", start=2016, extra_pp_per_year={"mbo": extra}, as_of=2015)
    res = run_scenarios(series, [applied], until=2022, models=model, n_paths=1000)
    med = _one(res, level="mbo", region="NL", year=2020)["mean"].iloc[0]
    assert abs(med - 0.40) < 0.005


def test_required_scenario_resolved_in_run(series):
    builtin = {s.name: s for s in load_scenarios()}
    res = run_scenarios(series, [builtin["required"]], until=2024, **FAST)
    ra = required_acceleration(series, 0.40, 2020, 2016, **FAST)
    base = run_scenarios(series, [Scenario("trend", as_of=2015)], until=2024, **FAST)
    for level in ("havo", "mbo", "vwo"):
        r = _one(res, level=level, region="NL")
        b = _one(base, level=level, region="NL")
        assert r["as_of"].iloc[0] == 2015
        solved = _one(ra, level=level, region="NL")["required_pp_per_year"].iloc[0]
        in_2020 = r.loc[r["year"] == 2020, "mean"].iloc[0]
        gap = r["mean"].to_numpy(float) - b["mean"].to_numpy(float)
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
    assert (_one(ra, level="vwo", region="NL")["required_pp_per_year"] < 0).all()


def test_stagnation_is_flat(series):
    stag = [s for s in load_scenarios() if s.name == "stagnation"]
    res = run_scenarios(series, stag, until=2030, n_paths=500)
    for key, g in res.groupby(["level", "region"]):
        obs = _one(series, level=key[0], region=key[1]).dropna(subset=["share"])
        last = float(obs.sort_values("year")["share"].iloc[-1])
        assert np.allclose(g["mean"].to_numpy(float), last, atol=1e-12), key
        assert (g["lo_80"] < g["mean"]).all() and (g["hi_80"] > g["mean"]).all()
        assert set(g["model"]) == {"naive"} and set(g["base"]) == {"last"}


@pytest.mark.parametrize("model", ["drift", "ensemble"])
def test_zero_extra_growth_equals_baseline(series, model):
    scns = [Scenario("baseline"), Scenario("zero", start=2025, extra_pp_per_year=0.0),
            Scenario("zero_map", extra_pp_per_year={"havo": 0.0, "mbo": 0.0, "vwo": 0.0},
                     ramp_years=3)]
    res = run_scenarios(series, scns, until=2028, models=model, n_paths=600)
    cols = ["indicator", "level", "region", "sex", "year", "mean", "lo_80", "hi_80", "lo_95",
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
        res = run_scenarios(series, [up, down], until=2030, **FAST)
    clip = [w for w in rec if issubclass(w.category, ScenarioClipWarning)]
    assert len(clip) == 1  # one warning for the whole run
    msg = str(clip[0].message)
    assert "synthetic_vwo/vwo/NL/all" in msg and "synthetic_mbo/mbo/NL/all" in msg
    assert "2030" in msg
    vals = res[["mean", "lo_80", "hi_80", "lo_95", "hi_95", "p_target"]].to_numpy(float)
    assert (vals >= 0).all() and (vals <= 1).all()
    assert res.loc[res["scenario"] == "boom", "hi_95"].max() == 1.0
    assert res.loc[res["scenario"] == "bust", "lo_95"].min() == 0.0
    clipped = res.attrs["clipped"]
    assert {c["scenario"] for c in clipped} == {"boom", "bust"}
    assert all(c["years"] for c in clipped)


# --------------------------------------------------------------------------------------------
# more behaviour


def test_builtins_load():
    scns = load_scenarios()
    assert [s.name for s in scns] == ["baseline", "observed_pace", "stagnation", "ambitions",
                                      "required"]
    by = {s.name: s for s in scns}
    assert by["observed_pace"].base == "last" and by["observed_pace"].extra_for("x") == 1.0
    assert by["stagnation"].base == "last" and by["stagnation"].extra_for("x") == 0.0
    assert by["required"].solve == Solve(0.40, 2020, 0.5)
    assert by["ambitions"].solve == Solve("targets", None, 0.5)
    assert all(s.description for s in scns)
    assert by["required"].info_as_of() == 2015 and by["baseline"].info_as_of() is None
    assert by["required"].info_as_of(2012) == 2012


def test_run_builtins_layout(series):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ForecastWarning)
        res = run_scenarios(series, until=2026, **FAST)
    assert list(res.columns[:17]) == [
        "scenario", "indicator", "level", "region", "sex", "year", "mean", "lo_80", "hi_80",
        "lo_95", "hi_95", "p_target", "extra_students", "model", "base", "as_of", "start"]
    assert {"extra_pp_per_year", "target", "n_total_proj", "n_total_projection"} <= set(res)
    assert set(res["scenario"]) == {"baseline", "observed_pace", "stagnation", "ambitions",
                                    "required"}
    assert res["year"].dtype == "Int64" and res["mean"].dtype == "Float64"
    assert (res["lo_95"] <= res["lo_80"]).all() and (res["lo_80"] <= res["mean"]).all()
    assert (res["mean"] <= res["hi_80"]).all() and (res["hi_80"] <= res["hi_95"]).all()
    # ambitions: havo and vwo reach their 55% ambition (targets.csv, 2019/20) in the median
    amb = res.loc[res["scenario"] == "ambitions"]
    for level in ("havo", "vwo"):
        # below the ambition the median lands on it; above it, the baseline is kept
        r = _one(amb, level=level, year=2019)
        assert r["mean"].iloc[0] == pytest.approx(0.55, abs=1e-9) or (
            r["mean"].iloc[0] > 0.55 and r["extra_pp_per_year"].iloc[0] == 0)
    mbo = _one(amb, level="mbo", region="NL", year=2020)
    assert mbo["mean"].iloc[0] == pytest.approx(0.40, abs=1e-9)
    # observed pace: +1 point a year from the last observation in the median
    pace = _one(res, scenario="observed_pace", level="havo")
    last = float(_one(series, level="havo")["share"].iloc[-1])
    k = pace["year"].to_numpy(int) - 2023
    assert np.allclose(pace["mean"].to_numpy(float), last + 0.01 * k, atol=1e-12)


def test_extra_students_and_n_total_projection(series):
    scn = Scenario("plus1", start=2024, extra_pp_per_year=1.0)
    res = run_scenarios(series, [Scenario("baseline"), scn], until=2027, **FAST)
    havo = _one(res, scenario="plus1", level="havo")
    assert havo["n_total_projection"].iloc[0].startswith("log drift 2018-2023 (+2.0% a year)")
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
    res = run_scenarios(series, [scn], until=2030, **FAST)
    assert res["year"].tolist() == [2024, 2025, 2026]
    assert res["mean"].tolist() == res["lo_95"].tolist() == res["hi_80"].tolist()
    assert res["mean"].tolist() == list(path.values())
    assert res["p_target"].tolist() == [0.0, 0.0, 1.0]
    assert res["base"].iloc[0] == "path"


def test_ramp_and_end_weights():
    w = _ramp_weights(np.arange(2015, 2022), 2016, 2)
    assert np.allclose(w, [0, 1 / 3, 1, 2, 3, 4, 5])
    w = _ramp_weights(np.arange(2015, 2022), 2016, 0, end=2018)
    assert np.allclose(w, [0, 1, 2, 3, 3, 3, 3])


def test_required_with_ramp_and_probability(series):
    ra = required_acceleration(series, 0.40, 2020, 2016, probability=0.8, ramp_years=2, **FAST)
    row = _one(ra, level="mbo", region="NL").iloc[0]
    # W(2020) with a two-year ramp from 2016: 1/3 + 2/3 + 1 + 1 + 1 = 4
    assert row["required_shift_pp"] == pytest.approx(4 * row["required_pp_per_year"])
    assert abs(row["p_check"] - 0.8) < 0.06
    p50 = required_acceleration(series, 0.40, 2020, 2016, ramp_years=2, **FAST)
    assert row["required_pp_per_year"] > _one(p50, level="mbo", region="NL")[
        "required_pp_per_year"].iloc[0]


def test_required_with_targets_frame(series):
    ra = required_acceleration(series, tp.load_targets(), start=2016, **FAST)
    havo = _one(ra, level="havo").iloc[0]
    assert havo["target"] == pytest.approx(0.55) and havo["target_year"] == 2019
    assert havo["target_kind"] == "ambition"
    assert _one(ra, level="mbo", region="Overijssel")["target"].iloc[0] == pytest.approx(0.40)


def test_required_information_set_and_observed_target_year(series):
    ra = required_acceleration(series, 0.40, 2020, start=2016, as_of=2021, **FAST)
    row = _one(ra, level="mbo", region="NL").iloc[0]
    assert row["as_of"] == 2021 and pd.isna(row["required_pp_per_year"])
    assert "not after the last observation" in row["note"]
    # as_of between start and year: extra growth counts from the year after the data
    ra = required_acceleration(series, 0.40, 2020, start=2016, as_of=2017, **FAST)
    row = _one(ra, level="mbo", region="NL").iloc[0]
    assert row["start"] == 2018 and "counted from 2018" in row["note"]
    assert row["required_shift_pp"] == pytest.approx(3 * row["required_pp_per_year"])


def test_years_to_target(series):
    yt = years_to_target(series, 1.0, None, 0.40, base="last", n_paths=500)
    mbo = _one(yt, level="mbo", region="NL").iloc[0]
    last = float(_one(series, level="mbo", region="NL")["share"].iloc[-1])
    expect = 2023 + math.ceil(round((0.40 - last) * 100, 6))
    assert mbo["first_year"] == expect
    assert mbo["first_year_lo"] <= mbo["first_year"] <= mbo["first_year_hi"]
    vwo = _one(yt, level="vwo").iloc[0]  # above 40% all along
    assert vwo["first_year"] == 2008 and "since 2008" in vwo["note"]
    # more extra growth -> not later
    yt2 = years_to_target(series, 3.0, 2024, 0.40, **FAST)
    yt0 = years_to_target(series, 0.0, 2024, 0.40, **FAST)
    a = _one(yt2, level="mbo", region="NL")["first_year"].iloc[0]
    b = _one(yt0, level="mbo", region="NL")["first_year"].iloc[0]
    assert pd.isna(b) or a <= b


def test_acceleration_table(series):
    tab = acceleration_table(series, 0.40, 2020, starts=(2016, 2018, 2020), pace=1.0,
                             models="drift", n_paths=500)
    assert tab["level"].tolist() == ["havo", "mbo", "vwo"]  # NL only
    assert {"required_pp_per_year_from_2016", "required_pp_per_year_from_2018",
            "required_pp_per_year_from_2020", "first_year_at_pace"} <= set(tab)
    ra = required_acceleration(series, 0.40, 2020, 2018, models="drift", n_paths=500)
    mbo = tab.loc[tab["level"] == "mbo"].iloc[0]
    assert mbo["required_pp_per_year_from_2018"] == pytest.approx(
        _one(ra, level="mbo", region="NL")["required_pp_per_year"].iloc[0])
    # the later the start, the more per year is needed (when acceleration is needed at all)
    assert mbo["required_pp_per_year_from_2016"] < mbo["required_pp_per_year_from_2018"] \
        < mbo["required_pp_per_year_from_2020"]


def test_deterministic_and_independent_of_other_series(series):
    scns = [Scenario("baseline"), Scenario("plus", start=2024, extra_pp_per_year=1.0)]
    series = series.loc[series["level"].isin(["havo", "vwo"]).to_numpy()]
    a = run_scenarios(series, scns, until=2027, models="ensemble", n_paths=300, seed=5)
    b = run_scenarios(series, scns, until=2027, models="ensemble", n_paths=300, seed=5)
    pd.testing.assert_frame_equal(a, b)
    only = series.loc[(series["level"] == "havo").to_numpy()]
    c = run_scenarios(only, scns, until=2027, models="ensemble", n_paths=300, seed=5)
    pd.testing.assert_frame_equal(a.loc[a["level"] == "havo"].reset_index(drop=True), c)


# --------------------------------------------------------------------------------------------
# bad input: the message names the scenario and the field


def _raises(match_field: str, name: str = "bad"):
    return pytest.raises(TpScenarioError, match=rf"scenario '{name}'.*{match_field}")


def test_unknown_level_or_region(series):
    with _raises("levels"):
        run_scenarios(series, [Scenario("bad", levels=["havo", "hovo"])], **FAST)
    with _raises("regions"):
        run_scenarios(series, [Scenario("bad", regions=["Atlantis"])], **FAST)
    with _raises("extra_pp_per_year"):
        run_scenarios(series, [Scenario("bad", extra_pp_per_year={"hovo": 1.0})], **FAST)
    with pytest.raises(TpScenarioError, match="hovo"):
        run_scenarios(series, [Scenario("bad", levels=["hovo"])], **FAST)


def test_start_after_target_year(series):
    with _raises("'start'"):
        Scenario("bad", start=2021, solve={"target": 0.4, "year": 2020})
    with _raises("'start'", "required_acceleration"):
        required_acceleration(series, 0.40, year=2020, start=2021, **FAST)
    # with per-level targets the year is known only in the run (havo ambition: 2019)
    late = Scenario("bad", start=2020, solve={"target": "targets"}, levels=["havo"])
    with _raises("'start'.*2019"):
        run_scenarios(series, [late], **FAST)
    with _raises("'start'.*2019", "required_acceleration"):
        required_acceleration(series, tp.load_targets(), start=2020, **FAST)


def test_negative_ramp(series):
    with _raises("'ramp_years'.*negative"):
        Scenario("bad", start=2016, extra_pp_per_year=1.0, ramp_years=-1)
    with _raises("'ramp_years'", "required_acceleration"):
        required_acceleration(series, ramp_years=-2, **FAST)


@pytest.mark.parametrize("path, problem", [
    ({2020: 0.3, 2022: 0.35}, r"missing year\(s\) \[2021\]"),
    ([(2020, 0.3), (2021, 0.32), (2021, 0.33)], r"duplicate year\(s\) \[2021\]"),
    ({2020: 0.3, 2021: 40}, r"outside \[0, 1\]"),
    ({"2020/21": 0.3}, "not a whole number"),
    ({}, "empty"),
])
def test_bad_path(path, problem):
    with _raises(f"'path'.*{problem}"):
        Scenario("bad", path=path)


@pytest.mark.parametrize("kwargs, fld", [
    (dict(start="2016"), "start"),
    (dict(start=2016.0), "start"),
    (dict(ramp_years=1.5), "ramp_years"),
    (dict(extra_pp_per_year="one"), "extra_pp_per_year"),
    (dict(extra_pp_per_year=True), "extra_pp_per_year"),
    (dict(extra_pp_per_year=250.0), "extra_pp_per_year"),
    (dict(levels="havo"), "levels"),
    (dict(levels=[]), "levels"),
    (dict(regions=["NL", "NL"]), "regions"),
    (dict(base="flat"), "base"),
    (dict(solve={"target": 40, "year": 2020}), "solve.target"),
    (dict(solve={"target": 0.4}), "solve.year"),
    (dict(solve={"target": 0.4, "year": 2020, "prob": 0.5}), "solve.prob"),
    (dict(solve={"target": 0.4, "year": 2020, "probability": 1.5}), "solve.probability"),
    (dict(solve={"target": 0.4, "year": 2020}, extra_pp_per_year=1.0), "extra_pp_per_year"),
    (dict(path={2024: 0.3}, extra_pp_per_year=1.0), "path"),
    (dict(extra_pp_per_year={"havo": 1.0}, levels=["vwo"]), "extra_pp_per_year"),
    (dict(start=2020, end=2018, extra_pp_per_year=1.0), "end"),
    (dict(description=3), "description"),
])
def test_bad_field_types(kwargs, fld):
    with _raises(f"'{fld}'"):
        Scenario("bad", **kwargs)


def test_bad_name():
    with pytest.raises(TpScenarioError, match="'name'"):
        Scenario("")


def test_duplicate_names_in_run(series):
    with _raises("'name'", "a"):
        run_scenarios(series, [Scenario("a"), Scenario("a", base="last")], **FAST)


def test_bad_run_options(series):
    with pytest.raises(TpModelError, match="unknown model"):
        run_scenarios(series, [Scenario("a")], models="nope")
    with pytest.raises(TpModelError, match="target"):
        run_scenarios(series, [Scenario("a")], target=40, **FAST)
    with pytest.raises(TpModelError, match="probability"):
        required_acceleration(series, probability=1.0, **FAST)


# --------------------------------------------------------------------------------------------
# YAML


def _yaml(tmp_path: Path, body: str) -> Path:
    p = tmp_path / "scenarios.yml"
    p.write_text(body, encoding="utf-8")
    return p


def test_yaml_roundtrip(tmp_path):
    p = _yaml(tmp_path, """
scenarios:
  - name: push
    description: two points a year for havo and one for vwo from 2024, over two years
    start: 2024
    ramp_years: 2
    extra_pp_per_year: {havo: 2.0, vwo: 1.0}
    regions: [NL]
  - name: fixed
    path: {2024: 0.38, 2025: 0.39}
    levels: [havo]
  - name: solved
    start: 2016
    solve: {target: 0.45, year: 2020, probability: 0.6}
""")
    push, fixed, solved = load_scenarios(p)
    assert push.extra_for("havo") == 2.0 and push.ramp_years == 2 and push.regions == ("NL",)
    assert push.applies_to("havo", "NL") and not push.applies_to("mbo", "NL")
    assert fixed.path == {2024: 0.38, 2025: 0.39} and fixed.kind == "path"
    assert solved.solve == Solve(0.45, 2020, 0.6)


@pytest.mark.parametrize("body, pattern", [
    ("scenarios:\n  - name: a\n    strat: 2016\n",
     r"line 3: scenario 'a': unknown field 'strat' \(did you mean 'start'\?\)"),
    ("scenarios:\n  - name: a\n    start: '2016'\n", r"line 3: scenario 'a', field 'start'"),
    ("scenarios:\n  - name: a\n    levels: havo\n", r"line 3: scenario 'a', field 'levels'"),
    ("scenarios:\n  - name: a\n    extra_pp_per_year: lots\n",
     r"line 3: scenario 'a', field 'extra_pp_per_year'"),
    ("scenarios:\n  - name: a\n    ramp_years: -1\n", r"line 3: scenario 'a', field 'ramp_years'"),
    ("scenarios:\n  - name: a\n    path:\n      2020: 0.3\n      2020: 0.31\n",
     r"line 5: scenario 'a', field 'path.2020': key given twice"),
    ("scenarios:\n  - name: a\n    path: {2020: 0.3, 2022: 0.3}\n",
     r"line 3: scenario 'a', field 'path': missing year"),
    ("scenarios:\n  - name: a\n    solve:\n      target: 0.4\n      yaer: 2020\n",
     r"line 5: scenario 'a', field 'solve.yaer'"),
    ("scenarios:\n  - name: a\n  - name: a\n", r"line 3: scenario 'a', field 'name': used twice"),
    ("scenarios:\n  - start: 2016\n", r"scenario '#1': missing field 'name'"),
    ("scenarios:\n  - name: a\n    start: [2016\n", r"line \d: not valid YAML"),
    ("scenario:\n  - name: a\n", r"expected a mapping with the key 'scenarios'"),
    ("scenarios:\n  - name: a\nversion: 2\n", r"line 3: unknown top-level key 'version'"),
    ("scenarios:\n  name: a\n", r"'scenarios' must be a list"),
    ("scenarios:\n  - just text\n", r"scenario '#1': expected a mapping"),
])
def test_yaml_errors(tmp_path, body, pattern):
    p = _yaml(tmp_path, body)
    with pytest.raises(TpScenarioError, match=pattern) as exc:
        load_scenarios(p)
    assert str(p) in str(exc.value)


def test_yaml_missing_file(tmp_path):
    with pytest.raises(TpScenarioError, match="not found"):
        load_scenarios(tmp_path / "nope.yml")


def test_run_from_yaml_path(tmp_path, series):
    p = _yaml(tmp_path, "scenarios:\n  - name: flat\n    base: last\n    levels: [vwo]\n")
    res = run_scenarios(series, p, until=2025, **FAST)
    assert set(res["scenario"]) == {"flat"} and set(res["level"]) == {"vwo"}


def test_acceleration_table_fallback_chain():
    rows = []
    for y, sh in zip(range(2012, 2024), [.25, .26, .26, .27, .27, .28, .28, .29, .29, .30, .30,
                                         .31], strict=True):
        rows.append(dict(indicator="synthetic_short", level="hbo", region="NL", sex="all",
                         year=y, share=sh))
    short = pd.DataFrame(rows).astype({"year": "Int64", "share": "Float64"})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ForecastWarning)
        only = acceleration_table(short, models="local_level", n_paths=300)
        chain = acceleration_table(short, models=("local_level", "drift"), n_paths=300)
    # four observations up to 2015: local_level (5 needed) cannot fit, drift (4) can
    assert pd.isna(only["required_pp_per_year_from_2016"].iloc[0])
    assert "needs at least 5" in only["note"].iloc[0]
    assert chain["required_pp_per_year_from_2016"].iloc[0] > 0
    assert "from 2016: model drift" in chain["note"].iloc[0]
    # from 2018 on local_level fits, so the chain uses it and agrees with the single model
    assert chain["required_pp_per_year_from_2018"].iloc[0] == pytest.approx(
        only["required_pp_per_year_from_2018"].iloc[0])
    assert chain["historic_pp_per_year_to_2015"].iloc[0] == pytest.approx(0.6)
    assert chain["first_year_at_pace"].iloc[0] == 2023 + 9


@pytest.mark.parametrize("model", ["naive", "drift", "ensemble"])
def test_years_to_target_with_zero_extra_equals_reachability_first_year(series, model):
    """One definition of 'first year reached' (median and 10th / 90th percentiles of the
    first-passage year over simulated paths) in reachability and years_to_target."""
    kw = {"models": model, "n_paths": 600}
    r = tp.reachability(series, target=0.40, year=2030, **kw)
    y = years_to_target(series, 0.0, None, 0.40, **kw)
    m = r.merge(y, on=["indicator", "level", "region", "sex", "model"])
    assert len(m) == len(r) > 0
    for c in ("first_year", "first_year_lo", "first_year_hi"):
        assert (m[f"{c}_x"].fillna(-1) == m[f"{c}_y"].fillna(-1)).all(), c
    ok = y.dropna(subset=["first_year_lo", "first_year", "first_year_hi"])
    assert (ok["first_year_lo"] <= ok["first_year"]).all()
    assert (ok["first_year"] <= ok["first_year_hi"]).all()


def test_solved_scenario_with_early_end_still_lands_on_target(series):
    """The solve uses the same ramp weights as the applied shift, including ``end``."""
    scn = Scenario("early_stop", start=2016, end=2018, solve=Solve(0.40, 2020, 0.5))
    res = run_scenarios(series[series.region == "NL"], [scn], until=2022, **FAST)
    for level in ("havo", "mbo"):
        r = _one(res, level=level, year=2020).iloc[0]
        assert abs(float(r["mean"]) - 0.40) < 0.005 or float(r["extra_pp_per_year"]) == 0
    after = _one(res, level="mbo", year=2020)["extra_pp_per_year"].iloc[0]
    assert after > 0
