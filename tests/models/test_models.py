"""tpforecast.models: interface, bounds, gaps, seeds, too-short series, analytic vs simulated
agreement, the registry and the ``calibrated`` default."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from synthetic import synthetic_frame

from tpforecast.errors import TpModelError
from tpforecast.models import (
    DEFAULT_MODEL,
    FAST_MODELS,
    ModelFitError,
    SeriesTooShortError,
    available_models,
    fit_all,
    get_model,
    prepare_series,
    stable_seed,
)

ALL = available_models()


def synthetic_gappy(n_total: int = 20000) -> dict[str, np.ndarray]:
    """A national-looking series: gaps, whole-percent values, counts."""
    years = np.array([2005, 2007, 2009, 2010, 2011, 2014, 2017, 2018, 2019, 2020, 2021, 2022,
                      2023])
    shares = np.array([.43, .42, .44, .45, .45, .46, .47, .48, .48, .49, .50, .50, .51])
    n_tot = np.full(len(years), float(n_total))
    n_tech = np.round(shares * n_tot) + np.array([3, -5, 8, 0, -2, 6, 1, -7, 4, 0, 2, -3, 5])
    return {"years": years, "shares": shares, "n_tech": n_tech, "n_total": n_tot}


def synthetic_small_share() -> dict[str, np.ndarray]:
    years = np.arange(2012, 2024)
    shares = np.array([.02, .02, .03, .02, .03, .03, .04, .03, .04, .04, .05, .04])
    return {"years": years, "shares": shares}


def test_registry_lists_required_models():
    for name in ["naive", "drift", "linear", "logit_linear", "damped", "local_linear",
                 "glm_binomial", "ensemble"]:
        assert name in ALL
    assert DEFAULT_MODEL in ALL
    assert set(FAST_MODELS) <= set(ALL)


def test_unknown_model_lists_valid_names():
    with pytest.raises(TpModelError, match="unknown model 'arima'.*naive.*ensemble"):
        get_model("arima")


@pytest.mark.parametrize("name", ALL)
def test_predict_bounds_order_and_simulate_shape(name):
    s = synthetic_gappy()
    fitted = get_model(name).fit(**s, key="synthetic/havo/NL/all")
    years = np.arange(2024, 2031)
    pred = fitted.predict(years, (80, 95))
    assert list(pred.columns) == ["year", "median", "lo_80", "hi_80", "lo_95", "hi_95"]
    v = pred[["median", "lo_80", "hi_80", "lo_95", "hi_95"]].to_numpy()
    assert np.all((v >= 0) & (v <= 1))
    assert np.all(pred["lo_95"] <= pred["lo_80"] + 1e-12)
    assert np.all(pred["lo_80"] <= pred["median"] + 1e-12)
    assert np.all(pred["median"] <= pred["hi_80"] + 1e-12)
    assert np.all(pred["hi_80"] <= pred["hi_95"] + 1e-12)
    if name in ("naive", "drift", "ensemble"):  # random walks: uncertainty grows
        width = (pred["hi_95"] - pred["lo_95"]).to_numpy()
        assert width[-1] > width[0]
    paths = fitted.simulate(years, 500, 7)
    assert paths.shape == (500, len(years))
    assert np.all((paths >= 0) & (paths <= 1))
    # seeded: same seed, same paths; other seed, other paths
    np.testing.assert_array_equal(paths, fitted.simulate(years, 500, 7))
    assert not np.array_equal(paths, fitted.simulate(years, 500, 8))
    assert fitted.last_year == 2023 and fitted.last_share == pytest.approx(0.51)
    assert np.isfinite(fitted.trend)


@pytest.mark.parametrize("name", ["naive", "drift", "linear", "logit_linear", "damped", "local_level",
                                  "local_linear", "glm_binomial"])
def test_analytic_quantiles_match_simulation(name):
    fitted = get_model(name).fit(**synthetic_gappy())
    years = [2024, 2027, 2030]
    pred = fitted.predict(years, (80,))
    paths = fitted.simulate(years, 20000, 1)
    # the one P(at or above) agrees with the share of simulated paths
    thr = pred["median"].to_numpy() + 0.01
    np.testing.assert_allclose(fitted.prob_at_least(years, thr), (paths >= thr).mean(axis=0),
                               atol=0.012)
    np.testing.assert_allclose(np.median(paths, axis=0), pred["median"], atol=0.004)
    np.testing.assert_allclose(np.quantile(paths, 0.1, axis=0), pred["lo_80"], atol=0.005)
    np.testing.assert_allclose(np.quantile(paths, 0.9, axis=0), pred["hi_80"], atol=0.005)


def test_random_walk_variance_grows_with_gap():
    # same increments, but one series has a 3-year gap before the last point: the naive
    # one-year variance estimate must account for it (increment / sqrt(gap)).
    a = get_model("naive").fit([2010, 2011, 2012, 2013], [.30, .32, .30, .32])
    b = get_model("naive").fit([2010, 2011, 2012, 2015], [.30, .32, .30, .32])
    assert b.s2 < a.s2
    # forecast variance grows linearly with the horizon
    m = a.marginal(np.array([1, 4]))
    assert m.scale[1] == pytest.approx(2 * m.scale[0])


def test_logit_models_stay_inside_for_small_shares():
    s = synthetic_small_share()
    for name in ["naive", "drift", "logit_linear", "damped", "local_linear", "linear"]:
        pred = get_model(name).fit(**s).predict(np.arange(2024, 2041))
        assert (pred["lo_95"] >= 0).all() and (pred["hi_95"] <= 1).all(), name
        if name != "linear":
            assert (pred["lo_95"] > 0).all(), name  # logit scale: strictly inside


def test_default_is_the_calibrated_last_value():
    assert DEFAULT_MODEL == "calibrated"
    s = synthetic_gappy()
    fitted = get_model(DEFAULT_MODEL).fit(s["years"], s["shares"], region="NL")
    assert fitted.model == fitted.model_used == "calibrated"
    pred = fitted.predict([2024, 2030, 2040])
    np.testing.assert_allclose(pred["median"], s["shares"][-1])  # no trend is extrapolated
    assert fitted.trend == pytest.approx(0.0)


def test_calibrated_kind_follows_the_region():
    """NL series use the national table, every other region (or none) the regional one."""
    s = synthetic_gappy()
    nl = get_model("calibrated").fit(s["years"], s["shares"], region="NL")
    prov = get_model("calibrated").fit(s["years"], s["shares"], region="Overijssel")
    bare = get_model("calibrated").fit(s["years"], s["shares"])
    assert (nl.kind, prov.kind, bare.kind) == ("national", "regional", "regional")
    assert nl.table != prov.table
    np.testing.assert_allclose(prov.predict([2030])["hi_80"], bare.predict([2030])["hi_80"])


def test_calibrated_held_out_leaves_the_family_out():
    """For evaluation the table is built without the series' own level family."""
    from tpforecast.models.calibration import build_table

    model = get_model("calibrated")
    held = model.for_evaluation()
    assert held.held_out and not model.held_out and held.name == model.name
    s = synthetic_gappy()
    data = prepare_series(s["years"], s["shares"], level="havo", region="NL")
    expected = build_table(model.calibration.scores, exclude_families=["havo"])
    assert held.table_for(data) == expected
    assert held.table_for(data) != model.table_for(data)
    # a level without a family of its own in the scores loses nothing
    other = prepare_series(s["years"], s["shares"], level="synthetic_level", region="NL")
    for kind in ("national", "regional"):  # the shipped file holds 10 significant digits
        np.testing.assert_allclose(held.table_for(other).kind(kind).q80,
                                   model.table_for(other).kind(kind).q80, rtol=1e-8)


def test_quantiles_use_given_paths_without_closed_form():
    fitted = get_model("ensemble").fit(**synthetic_gappy())
    paths = fitted.simulate([2025], 400, 3)
    np.testing.assert_allclose(fitted.quantiles([2025], [0.5], paths=paths)[0],
                               np.quantile(paths, 0.5, axis=0))
    assert fitted.prob_at_least([2025], [0.0])[0] == 1.0  # at or above 0: every path
    assert fitted.prob_at_least([2025], [1.5])[0] == 0.0


def test_rounding_noise_floor_for_flat_series():
    fitted = get_model("naive").fit(np.arange(2015, 2021), [.24] * 6)
    pred = fitted.predict([2021])
    assert pred.loc[0, "hi_80"] - pred.loc[0, "lo_80"] > 0.004
    assert any("floored" in n for n in fitted.notes)


def test_too_short_names_series_and_minimum():
    with pytest.raises(SeriesTooShortError, match=r"series x/mbo/NL/all.*'damped'.*8.*got 5"):
        get_model("damped").fit(np.arange(2015, 2020), [.2, .21, .22, .23, .24],
                                key="x/mbo/NL/all")
    with pytest.raises(TpModelError, match="at least"):
        get_model("naive").fit([2019, 2020], [.2, .21])


def test_glm_needs_counts():
    with pytest.raises(ModelFitError, match="needs counts"):
        get_model("glm_binomial").fit(**synthetic_small_share(), key="k")


def test_glm_overdispersion_widens_intervals():
    s = synthetic_gappy(n_total=200000)
    glm = get_model("glm_binomial").fit(**s)
    assert glm.phi > 1  # year-to-year variation far above binomial noise
    pred = glm.predict([2024])
    assert pred.loc[0, "hi_95"] - pred.loc[0, "lo_95"] > 0.01


@pytest.mark.parametrize(
    ("years", "shares", "match"),
    [
        ([2010, 2011, 2011, 2012], [.2, .2, .2, .2], "duplicate year 2011"),
        ([2010, 2012, 2011, 2013], [.2, .2, .2, .2], "not sorted"),
        ([2010, 2011, 2012, 2013], [.2, 1.2, .2, .2], "outside"),
        ([2010, 2011, 2012, 2013], [np.nan] * 4, "all shares are missing"),
    ],
)
def test_bad_input(years, shares, match):
    with pytest.raises(TpModelError, match=match):
        get_model("drift").fit(years, shares, key="bad/series")


def test_missing_shares_are_dropped():
    d = prepare_series([2010, 2011, 2012, 2013], [.2, np.nan, .22, .23])
    assert d.years.tolist() == [2010, 2012, 2013]


def test_state_space_models_accept_gaps_and_record_warnings():
    s = synthetic_gappy()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing from statsmodels may leak
        ll = get_model("local_linear").fit(**s)
        dm = get_model("damped").fit(**s)
        pred = ll.predict([2024, 2030])
    # the gaps are skipped by the Kalman filter (uncertainty grows) and interpolated for ETS
    assert (pred["hi_95"] - pred["lo_95"]).is_monotonic_increasing
    assert any("interpolated" in n for n in dm.notes)


def test_ensemble_mixes_members_that_fit():
    short = {"years": np.arange(2015, 2020), "shares": np.array([.3, .31, .31, .32, .33])}
    ens = get_model("ensemble").fit(**short)
    assert {m.model for m in ens.members} == {"drift", "logit_linear"}
    assert any("damped skipped" in n for n in ens.notes)


def test_fit_all_reuses_members():
    d = prepare_series(**synthetic_gappy())
    fits = fit_all(["drift", "damped", "ensemble"], d)
    ens = fits["ensemble"]
    assert any(m is fits["drift"] for m in ens.members)
    assert any(m is fits["damped"] for m in ens.members)


def test_forecast_only_future_years():
    fitted = get_model("drift").fit(**synthetic_gappy())
    with pytest.raises(TpModelError, match="after the last observation 2023"):
        fitted.predict([2023])


def test_stable_seed_is_stable():
    assert stable_seed(0, "a", "b") == stable_seed(0, "a", "b")
    assert stable_seed(0, "a", "b") != stable_seed(1, "a", "b")
    # the same number in every process (Python's hash() would differ between runs)
    assert stable_seed(0, "havo", "NL") == 7487782573558675622


def test_prepare_accepts_pandas_nullable():
    d = prepare_series(pd.array([2010, 2011, 2012], dtype="Int64"),
                       pd.array([.2, pd.NA, .3], dtype="Float64"))
    assert d.n == 2


def test_glm_perfect_separation_is_refused():
    """All-zero counts (then a jump): the GLM slope is not identified; it used to forecast 100%."""
    years = np.arange(2019, 2024)
    n_tot = np.array([784., 677., 618., 658., 680.])
    n_tech = np.array([0., 0., 0., 0., 13.])
    with pytest.raises(ModelFitError, match="k: glm_binomial not identified"):
        get_model("glm_binomial").fit(years, n_tech / n_tot, n_tech, n_tot, key="k")


def test_glm_extreme_share_raises_no_runtime_warning():
    """A fitted share near 0 must not divide by zero in p(1 - p): the warning leaked from
    ``forecast`` on per-school DUO series with all-zero counts."""
    import tpforecast as tp

    n_tech, n_total = [0, 0, 0, 0, 13], [784, 677, 618, 658, 680]
    df = synthetic_frame(range(2019, 2024), [t / n for t, n in zip(n_tech, n_total, strict=True)],
                         n_tech=n_tech, n_total=n_total, sex="female")
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        fc = tp.forecast(df, models=["naive", "glm_binomial"], until=2030)
    assert set(fc.loc[fc["status"] == "ok", "model"]) == {"naive"}
    glm = fc.loc[fc["model"] == "glm_binomial"].iloc[0]
    assert glm["status"] == "fit_failed" and "not identified" in glm["reason"]
    # a steep but identified decline stays finite and ordered far ahead
    years = np.arange(2012, 2024)
    n_tot = np.full(len(years), 500.)
    n_tech = np.array([40., 30., 22., 15., 11., 8., 6., 4., 3., 2., 1., 1.])
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        fitted = get_model("glm_binomial").fit(years, n_tech / n_tot, n_tech, n_tot)
        pred = fitted.predict(np.arange(2024, 2061))
        paths = fitted.simulate(np.arange(2024, 2061), 200, 1)
    assert np.isfinite(pred.drop(columns="year").to_numpy()).all()
    assert (pred["lo_95"] <= pred["median"]).all() and (pred["median"] <= pred["hi_95"]).all()
    assert np.isfinite(paths).all()


def test_local_level_floor_feeds_the_state_uncertainty():
    """When the noise is floored at rounding noise, the Kalman filter is re-run with it: the
    level's uncertainty after n flat points is s2/n, so the one-step s.d. is sqrt(s2 (1 + 1/n))."""
    n = 10
    f = get_model("local_level").fit(np.arange(2010, 2010 + n), np.full(n, 0.3))
    assert any("floored" in x for x in f.notes)
    scale = float(f.marginal(np.array([1])).scale[0])
    assert scale == pytest.approx(np.sqrt(f.s_irr * (1 + 1 / n)), rel=0.02)
