"""forecast / reachability / reachability_combined: layout, as_of, targets, bad input, properties."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tpforecast as tp
from tpforecast.errors import TpModelError
from tpforecast.forecasting import ForecastWarning, fit_series, split_series

YEARS = [2005, 2007, 2009, 2010, 2011, 2014, 2017, 2018, 2019, 2020, 2021, 2022, 2023]


def synthetic_series(seed: int = 1) -> pd.DataFrame:
    """Four national levels (gappy, whole percents, counts) and one 5-point regional series."""
    rng = np.random.default_rng(seed)
    rows = []
    for level, base, slope, n in [("havo", .43, .004, 60000), ("vwo", .50, .003, 50000),
                                  ("mbo", .27, .002, 140000), ("ho", .25, .003, 130000)]:
        for y in YEARS:
            s = round(base + slope * (y - 2005) + rng.normal(0, .005), 2)
            rows.append(dict(indicator=f"syn_{level}", level=level, region="NL", sex="all",
                             year=y, share=s, n_tech=int(s * n), n_total=n))
    for i, y in enumerate(range(2015, 2020)):
        s = 0.30 + 0.01 * i
        rows.append(dict(indicator="duo_syn", level="mbo", region="Overijssel", sex="all",
                         year=y, share=s, n_tech=int(s * 9000), n_total=9000))
    df = pd.DataFrame(rows)
    df["origin"] = "published"
    return df.astype({"year": "Int64", "share": "Float64", "n_tech": "Int64",
                      "n_total": "Int64"})


def synthetic_targets() -> pd.DataFrame:
    return pd.DataFrame({
        "level": ["havo", "vwo", "mbo", "mbo", "ho"],
        "region": ["NL", "NL", "NL", "Overijssel", None],
        "sex": ["all", "all", "all", "all", None],
        "year": pd.array([2019, 2019, 2020, 2020, 2020], dtype="Int64"),
        "target": pd.array([.55, .55, .40, 1.2, .40], dtype="Float64"),
        "kind": ["ambition", "ambition", "goal", "growth_count", "goal"],
        "source": ["s1", "s1", "s2", "s3", "s2"],
    })


@pytest.fixture(scope="module")
def series():
    return synthetic_series()


def test_forecast_layout(series):
    with pytest.warns(ForecastWarning, match="skipped"):
        fc = tp.forecast(series, models=["drift", "damped"], until=2026)
    assert list(fc.columns) == ["indicator", "level", "region", "sex", "model", "year", "mean",
                                "lo_80", "hi_80", "lo_95", "hi_95"]
    nat = fc[fc["region"] == "NL"]
    assert set(nat["year"]) == {2024, 2025, 2026}
    assert len(nat) == 4 * 2 * 3
    # the 5-point regional series is too short for damped: skipped and said so
    skipped = pd.DataFrame(fc.attrs["skipped"])
    assert ((skipped["indicator"] == "duo_syn") & (skipped["model"] == "damped")).any()
    assert "needs at least 8" in skipped["reason"].iloc[0]
    reg = fc[fc["region"] == "Overijssel"]
    assert set(reg["model"]) == {"drift"} and reg["year"].min() == 2020


def test_forecast_levels_argument(series):
    fc = tp.forecast(series[series.region == "NL"], models="drift", until=2025, levels=(50, 90))
    assert {"lo_50", "hi_50", "lo_90", "hi_90"} <= set(fc.columns)
    assert "lo_80" not in fc.columns


def test_forecast_deterministic_and_default_model(series):
    nat = series[series.region == "NL"]
    a = tp.forecast(nat, until=2025, n_paths=800)
    b = tp.forecast(nat, until=2025, n_paths=800)
    pd.testing.assert_frame_equal(a, b)
    from tpforecast.models import DEFAULT_MODEL

    assert set(a["model"]) == {DEFAULT_MODEL}


def test_forecast_independent_of_other_series(series):
    havo = series[series.level == "havo"]
    alone = tp.forecast(havo, models=["ensemble", "drift"], until=2027, n_paths=600)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ForecastWarning)
        together = tp.forecast(series, models=["ensemble", "drift"], until=2027, n_paths=600)
    part = together[together.level == "havo"].reset_index(drop=True)
    pd.testing.assert_frame_equal(alone, part)


@pytest.mark.parametrize(
    ("mutate", "match"),
    [
        (lambda d: pd.concat([d, d.iloc[[0]]]), "duplicate year"),
        (lambda d: d.iloc[[1, 0, *range(2, len(d))]], "not sorted"),
        (lambda d: d.assign(share=d["share"] * 100), "outside"),
        (lambda d: d.assign(share=pd.array([pd.NA] * len(d), dtype="Float64")),
         "all shares are missing"),
    ],
)
def test_bad_series_input(series, mutate, match):
    havo = series[series.level == "havo"]
    with pytest.raises(TpModelError, match=rf"syn_havo/havo/NL/all.*{match}|{match}"):
        tp.forecast(mutate(havo), models="drift")


def test_bad_model_and_target_and_as_of(series):
    havo = series[series.level == "havo"]
    with pytest.raises(TpModelError, match="unknown model 'prophet'"):
        tp.forecast(havo, models=["prophet"])
    with pytest.raises(TpModelError, match="outside \\(0, 1\\)"):
        tp.reachability(havo, target=40)
    with pytest.raises(TpModelError, match="outside \\(0, 1\\)"):
        tp.reachability(havo, target=0.0)
    with pytest.raises(TpModelError, match="syn_havo/havo/NL/all.*as_of=2000 is before the first"):
        tp.reachability(havo, as_of=2000, models="drift")


def test_too_short_for_every_model_is_an_error(series):
    short = series[series.level == "havo"].head(2)
    with pytest.raises(TpModelError, match="nothing could be forecast.*needs at least"):
        tp.forecast(short, models=["drift"])


def test_missing_columns():
    with pytest.raises(TpModelError, match="lacks column"):
        tp.forecast(pd.DataFrame({"level": ["havo"]}))


def test_reachability_as_of_and_columns(series):
    nat = series[series.region == "NL"]
    r = tp.reachability(nat, target=0.40, year=2020, as_of=2015, models="drift")
    for col in ["last_year", "last_share", "mean", "lo_80", "hi_80", "p_reach", "first_year",
                "first_year_lo", "first_year_hi", "required_pp_per_year",
                "historic_pp_per_year", "ratio"]:
        assert col in r.columns
    assert (r["last_year"] == 2014).all()  # as_of=2015 keeps 2014 (no 2015 observation)
    mbo = r.set_index("level").loc["mbo"]
    assert mbo["p_reach"] < 0.05
    assert mbo["required_pp_per_year"] == pytest.approx(100 * (0.40 - mbo["last_share"]) / 6)
    assert mbo["ratio"] == pytest.approx(mbo["required_pp_per_year"] / mbo["historic_pp_per_year"])
    havo = r.set_index("level").loc["havo"]
    assert havo["first_year"] == 2005  # already at/above 40% in the data
    assert havo["p_reach"] > 0.9


def test_reachability_observed_target_year(series):
    r = tp.reachability(series[series.level == "vwo"], target=0.40, year=2020, models="drift")
    assert r.loc[0, "mean"] == r.loc[0, "lo_80"] and r.loc[0, "p_reach"] == 1.0
    assert "observed" in r.loc[0, "note"]


def test_reachability_with_targets_frame(series):
    r = tp.reachability(series, target=synthetic_targets(), models="drift")
    got = {(lv, rg): (t, y) for lv, rg, t, y in
           r[["level", "region", "target", "target_year"]].itertuples(index=False)}
    assert got[("havo", "NL")] == (0.55, 2019)
    assert got[("ho", "NL")] == (0.40, 2020)
    assert ("mbo", "Overijssel") not in got  # only a growth_count target: ignored
    assert "duo_syn/mbo/Overijssel/all" in r.attrs["unmatched"]
    assert {"target_kind", "target_source"} <= set(r.columns)


def test_reachability_targets_frame_bad_value(series):
    t = synthetic_targets()
    t.loc[0, "target"] = 55.0
    with pytest.raises(TpModelError, match="targets row 0 \\(level havo\\).*outside"):
        tp.reachability(series, target=t)


def synthetic_rising() -> pd.DataFrame:
    years = np.arange(2010, 2021)
    shares = np.round(0.20 + 0.01 * (years - 2010) + np.tile([0.0, 0.01, -0.01], 4)[:11], 2)
    return pd.DataFrame({"indicator": "syn", "level": "lv", "region": "NL", "sex": "all",
                         "year": pd.array(years, dtype="Int64"),
                         "share": pd.array(shares, dtype="Float64")})


def test_first_passage_quantiles():
    r = tp.reachability(synthetic_rising(), target=0.35, year=2030, models="drift",
                        n_paths=4000)
    row = r.iloc[0]
    assert 2021 <= row["first_year_lo"] <= row["first_year"] <= row["first_year_hi"] <= 2040
    assert 2022 <= row["first_year"] <= 2027  # ~1 point a year from 31% in 2020
    never = tp.reachability(synthetic_rising(), target=0.95, year=2030, models="drift")
    assert pd.isna(never.loc[0, "first_year"])


def test_reachability_combined(series):
    nat = series[series.region == "NL"]
    c = tp.reachability_combined(nat, ["havo", "vwo", "mbo", "ho"], target=0.40, year=2020,
                                 as_of=2015, model="drift", n_paths=2000)
    assert len(c) == 1
    row = c.iloc[0]
    # weighted mean of the levels' last shares with n_total weights
    last = nat[nat.year == 2014].set_index("level")
    w = last["n_total"].astype(float)
    expect = float((last["share"].astype(float) * w).sum() / w.sum())
    assert row["last_share"] == pytest.approx(expect)
    assert 0 <= row["p_reach"] <= 1
    assert row["lo_80"] <= row["mean"] <= row["hi_80"]
    eq = tp.reachability_combined(nat, ["havo", "mbo"], weights=None, model="drift",
                                  year=2020, as_of=2015, n_paths=500)
    assert "havo=0.500" in eq.loc[0, "weights"]


def test_reachability_combined_ambiguous_level(series):
    extra = series[series.level == "mbo"].assign(indicator="other_mbo")
    both = pd.concat([series[series.region == "NL"], extra[extra.region == "NL"]])
    with pytest.raises(TpModelError, match="exactly one series.*indicators="):
        tp.reachability_combined(both, ["havo", "mbo"], model="drift")
    ok = tp.reachability_combined(both, ["havo", "mbo"], model="drift", n_paths=300,
                                  indicators={"mbo": "syn_mbo"})
    assert len(ok) == 1


def test_fit_series_and_split(series):
    with pytest.warns(ForecastWarning):
        fits = fit_series(series, "damped")
    assert ("syn_havo", "havo", "NL", "all") in fits
    assert ("duo_syn", "mbo", "Overijssel", "all") not in fits
    sp = split_series(series, as_of=2010)
    assert all(d.last_year <= 2010 for d in sp.data.values())


# ------------------------------------------------------------------------------------------
# properties over random valid series

@st.composite
def synthetic_random_series(draw, min_n=4, max_n=12):
    n = draw(st.integers(min_n, max_n))
    gaps = draw(st.lists(st.integers(1, 3), min_size=n - 1, max_size=n - 1))
    start = draw(st.integers(2000, 2010))
    years = np.concatenate([[start], start + np.cumsum(gaps)]).astype(int)
    base = draw(st.floats(0.03, 0.9))
    steps = draw(st.lists(st.floats(-0.04, 0.04), min_size=n, max_size=n))
    shares = np.clip(base + np.cumsum(steps), 0.0, 1.0)
    if draw(st.booleans()):
        shares = np.round(shares, 2)
    return pd.DataFrame({"indicator": "syn", "level": "lv", "region": "NL", "sex": "all",
                         "year": pd.array(years, dtype="Int64"),
                         "share": pd.array(shares, dtype="Float64")})


PROP = settings(max_examples=25, deadline=None,
                suppress_health_check=[HealthCheck.too_slow])


@PROP
@given(df=synthetic_random_series(), model=st.sampled_from(["naive", "drift", "linear",
                                                             "logit_linear", "ensemble"]))
def test_property_intervals_ordered_and_bounded(df, model):
    fc = tp.forecast(df, models=model, until=int(df["year"].max()) + 8, n_paths=400)
    v = fc[["lo_95", "lo_80", "mean", "hi_80", "hi_95"]].to_numpy(dtype=float)
    assert np.all((v >= 0) & (v <= 1))
    assert np.all(np.diff(v, axis=1) >= -1e-12)


@PROP
@given(df=synthetic_random_series(), t1=st.floats(0.05, 0.9), dt=st.floats(0.01, 0.09),
       model=st.sampled_from(["drift", "logit_linear", "ensemble"]))
def test_property_p_reach_bounded_and_monotone(df, t1, dt, model):
    year = int(df["year"].max()) + 3
    a = tp.reachability(df, target=t1, year=year, models=model, n_paths=400)
    b = tp.reachability(df, target=t1 + dt, year=year, models=model, n_paths=400)
    pa, pb = float(a.loc[0, "p_reach"]), float(b.loc[0, "p_reach"])
    assert 0 <= pa <= 1 and 0 <= pb <= 1
    assert pb <= pa + 1e-12


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(df=synthetic_random_series(), other=synthetic_random_series(min_n=4, max_n=8))
def test_property_unrelated_series_do_not_change_forecast(df, other):
    other = other.assign(indicator="other", level="zz")
    until = int(df["year"].max()) + 5
    alone = tp.forecast(df, models=["drift", "ensemble"], until=until, n_paths=300)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ForecastWarning)
        both = tp.forecast(pd.concat([other, df]), models=["drift", "ensemble"], until=until,
                           n_paths=300)
    part = both[both["indicator"] == "syn"].reset_index(drop=True)
    pd.testing.assert_frame_equal(alone, part)


def _one_series(years, shares) -> pd.DataFrame:
    return pd.DataFrame({
        "indicator": "syn", "level": "mbo", "region": "NL", "sex": "all",
        "year": pd.array(years, dtype="Int64"), "share": pd.array(shares, dtype="Float64"),
    })


def test_default_auto_model_falls_back_to_naive_for_short_series():
    short = _one_series([2005, 2014, 2015], [0.18, 0.22, 0.22])
    r = tp.reachability(short, target=0.40, year=2020)
    assert r["model"].tolist() == ["auto"]
    assert "auto: naive" in r["note"].iloc[0]
    long = _one_series(range(2010, 2016), [0.20, 0.21, 0.21, 0.22, 0.22, 0.23])
    r = tp.reachability(long, target=0.40, year=2020)
    assert "auto: naive" not in r["note"].iloc[0]
    # auto equals local_level where the series is long enough
    pd.testing.assert_series_equal(
        tp.forecast(long, until=2020)["mean"],
        tp.forecast(long, models="local_level", until=2020)["mean"])


def test_first_year_is_the_current_spell_not_a_past_peak():
    # at the target in 2007, below it since: the target is not "already reached"
    fell = _one_series([2007, 2009, 2012, 2017, 2019, 2021], [0.30, 0.29, 0.24, 0.24, 0.23, 0.24])
    r = tp.reachability(fell, target=0.30, year=2020, models="naive")
    assert pd.isna(r["first_year"].iloc[0]) or r["first_year"].iloc[0] > 2021
    assert "was at target in 2007" in r["note"].iloc[0]
    # above the target since 2012 (after dipping below in 2011)
    above = _one_series([2009, 2010, 2011, 2012, 2013, 2014], [.41, .42, .39, .41, .42, .43])
    r = tp.reachability(above, target=0.40, year=2020, models="naive")
    assert r["first_year"].iloc[0] == 2012 and "since 2012" in r["note"].iloc[0]


def test_reachability_simulated_model_uses_its_own_paths(series):
    """For a model without closed form (ensemble), mean / lo_80 / hi_80 come from the same
    per-series paths as p_reach and first_year (they used a fixed seed-0 draw before)."""
    from tpforecast.forecasting import HORIZON_END, series_rng

    nat = series[(series.level == "havo") & (series.region == "NL")]
    r = tp.reachability(nat, target=0.45, year=2020, as_of=2015, models="ensemble",
                        n_paths=1000).iloc[0]
    (key, fitted), = fit_series(nat, "ensemble", as_of=2015).items()
    grid = np.arange(fitted.last_year + 1, HORIZON_END + 1)
    paths = fitted.simulate(grid, 1000, series_rng(0, key, "ensemble"))
    col = paths[:, 2020 - fitted.last_year - 1]
    assert r["mean"] == pytest.approx(float(np.quantile(col, 0.5)))
    assert r["lo_80"] == pytest.approx(float(np.quantile(col, 0.1)))
    assert r["hi_80"] == pytest.approx(float(np.quantile(col, 0.9)))
    assert r["p_reach"] == pytest.approx(float(np.mean(col >= 0.45)))
    assert (r["mean"] >= 0.45) == (r["p_reach"] >= 0.5)


def test_reachability_combined_first_year_is_the_current_spell():
    """A combined share that was above the target and fell below it is not 'reached' in the
    past year (it used to report the first past year at or above the target)."""
    rows = []
    for level, shares in [("a", [.42, .43, .41, .38, .37, .36]), ("b", [.40, .41, .40, .37,
                                                                       .36, .36])]:
        for y, s in zip(range(2010, 2016), shares, strict=True):
            rows.append(dict(indicator=f"syn_{level}", level=level, region="NL", sex="all",
                             year=y, share=s, n_tech=int(s * 1000), n_total=1000))
    df = pd.DataFrame(rows).astype({"year": "Int64", "share": "Float64"})
    c = tp.reachability_combined(df, ["a", "b"], target=0.40, year=2020, model="naive",
                                 n_paths=500).iloc[0]
    assert pd.isna(c["first_year"]) or c["first_year"] > 2015
    assert "was at target in 2012" in c["note"]
    single = tp.reachability(df[df.level == "a"], target=0.40, year=2020, models="naive",
                             n_paths=500).iloc[0]
    assert pd.isna(single["first_year"]) or single["first_year"] > 2015
