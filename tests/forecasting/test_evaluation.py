"""The two-set evaluation: sets, the trending windows, scores and the goals."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import tpforecast as tp
from tpforecast.forecasting import calibration_sets, evaluation_goals
from tpforecast.forecasting import evaluation as evaluation_module
from tpforecast.forecasting.evaluation import (
    EVALUATION_FILE,
    EVALUATION_SETS,
    evaluation_fingerprint,
    trend_t,
)
from tpforecast.paths import data_dir


def test_trend_t_is_the_ols_t_statistic():
    years = np.arange(2010, 2016)
    shares = np.array([.20, .22, .21, .24, .25, .27])
    x = np.log(shares / (1 - shares))
    fit = stats.linregress(years, x)
    assert trend_t(years, shares) == pytest.approx(fit.slope / fit.stderr)
    assert trend_t(years[:2], shares[:2]) == 0.0


@pytest.mark.slow  # backtests of the bundled series
def test_calibration_sets_are_national_monitor_and_regional_duo(bundled_series):
    sets = calibration_sets(bundled_series)
    nat = sets.loc[sets["kind"] == "national"]
    reg = sets.loc[sets["kind"] == "regional"]
    assert (nat["region"] == "NL").all() and (nat["origin"] == "published").all()
    assert nat["canonical"].all()
    assert (reg["region"] != "NL").all() and (reg["origin"] == "duo").all()
    assert set(reg["level"]) == {"havo", "vwo", "vmbo_bb", "vmbo_kb", "vmbo_gl", "vmbo_tl",
                                 "mbo", "hbo", "wo"}  # no pools of other levels
    assert not reg["indicator"].str.endswith("_benchmarked").any()
    counts = sets.groupby(["kind", "indicator", "level", "region", "sex"])["share"].count()
    assert counts.min() >= 5 and set(sets["sex"]) == {"all"}


@pytest.fixture(scope="module")
def evaluation(bundled_series):
    """Every model, computed now (the stored data/evaluation.csv is checked against it)."""
    return tp.two_set_evaluation(bundled_series, progress=False)


@pytest.mark.slow  # backtests of the bundled series
def test_stored_evaluation_is_what_the_code_computes(bundled_series, evaluation):
    stored = pd.read_csv(data_dir() / EVALUATION_FILE, dtype={"fingerprint": str})
    assert set(stored["fingerprint"]) == {evaluation_fingerprint(bundled_series)}, (
        "data/evaluation.csv was built from other inputs: run `tpforecast calibrate`")
    ints = {"horizon": "Int64", "n": "Int64", "n_series": "Int64"}
    pd.testing.assert_frame_equal(stored.drop(columns="fingerprint").astype(ints), evaluation,
                                  check_dtype=False, rtol=1e-6)
    # the report and `tpforecast evaluate` read it, without refitting
    pd.testing.assert_frame_equal(tp.forecasting.stored_evaluation(bundled_series), evaluation,
                                  check_dtype=False, rtol=1e-6)


def test_stored_evaluation_is_used_only_for_the_same_inputs(bundled_series, monkeypatch):
    computed = []

    def synthetic_evaluation(series, **kw):
        computed.append(len(series))
        return pd.DataFrame({"set": ["national"], "model": ["naive"]})

    monkeypatch.setattr(evaluation_module, "two_set_evaluation", synthetic_evaluation)
    stored = evaluation_module.stored_evaluation(bundled_series)
    assert not computed and set(stored["model"]) == set(tp.available_models())
    assert "fingerprint" not in stored.columns and str(stored["horizon"].dtype) == "Int64"
    # another seed, or a changed series, is another evaluation: computed, not read
    evaluation_module.stored_evaluation(bundled_series, seed=1)
    sets = calibration_sets(bundled_series)
    changed = bundled_series.copy()
    row = changed.index[(changed["indicator"] == sets["indicator"].iloc[0])
                        & changed["share"].notna()][0]
    changed.loc[row, "share"] = changed.loc[row, "share"] + 0.01
    evaluation_module.stored_evaluation(changed)
    assert computed == [len(bundled_series)] * 2
    assert evaluation_fingerprint(changed) != evaluation_fingerprint(bundled_series)


@pytest.mark.slow  # backtests of the bundled series
def test_evaluation_layout(evaluation):
    assert list(pd.unique(evaluation["set"])) == list(EVALUATION_SETS)
    assert set(evaluation["model"]) == set(tp.available_models())
    per_h = evaluation.loc[evaluation["horizon"].notna()]
    assert set(per_h["horizon"]) == {1, 2, 3, 4, 5}
    pooled = evaluation.loc[evaluation["horizon"].isna()].set_index(["set", "model"])
    assert (pooled.xs("naive", level="model")["rel_mae"] == 1).all()
    # the default's median is the last value: the same point forecast as naive
    assert np.allclose(pooled.xs("calibrated", level="model")["rel_mae"], 1.0)
    # the trending windows are a subset of the regional ones
    assert pooled.loc[("trending", "naive"), "n"] < pooled.loc[("regional", "naive"), "n"]
    for c in ["coverage_80", "coverage_95"]:
        assert evaluation[c].between(0, 1).all()


@pytest.mark.slow  # backtests of the bundled series
def test_goals_are_judged_with_their_numbers(evaluation):
    goals = evaluation_goals(evaluation).set_index(["goal", "set"])
    assert goals.loc[("coverage", "national"), "met"] == (
        0.75 <= goals.loc[("coverage", "national"), "lowest"]
        and goals.loc[("coverage", "national"), "highest"] <= 0.85)
    assert goals.loc[("accuracy", "regional"), "met"]
    # no model gets 10% below naive on the trending windows: the goal is shown short
    assert not goals.loc[("trend", "trending"), "met"]
    assert goals.loc[("trend", "trending"), "values"] == "1.00"
    drift = evaluation_goals(evaluation, models="drift").set_index(["goal", "set"])
    assert not drift.loc[("accuracy", "national"), "met"]


@pytest.mark.slow  # backtests of the bundled series
def test_family_coverage_adds_up_to_the_set(bundled_series, evaluation):
    fam = tp.forecasting.family_coverage(bundled_series)
    pooled = evaluation.loc[evaluation["horizon"].isna() & (evaluation["model"] == "calibrated")]
    for s in ("national", "regional"):
        one = fam.loc[fam["set"] == s]
        weighted = float((one["coverage_80"] * one["n"]).sum() / one["n"].sum())
        row = pooled.loc[pooled["set"] == s].iloc[0]
        assert weighted == pytest.approx(float(row["coverage_80"]))
        assert int(one["n"].sum()) == int(row["n"])
    assert {"havo", "vwo", "vmbo", "mbo", "ho"} <= set(fam["family"])
