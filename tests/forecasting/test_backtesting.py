"""backtest / score / evidence on synthetic series."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from synthetic import GAPPY_YEARS as YEARS
from synthetic import cheap_ensemble, synthetic_series

import tpforecast as tp
from tpforecast.errors import TpModelError

CHEAP_ENSEMBLE = cheap_ensemble()


def synthetic_national_bt(seed: int = 3) -> pd.DataFrame:
    return synthetic_series([("havo", .43, .004, 50000), ("mbo", .27, .002, 50000),
                             ("ho", .25, .003, 50000)], YEARS, seed=seed, noise=.006,
                            indicator="syn_{level}")


@pytest.fixture(scope="module")
def bt():
    return tp.backtest(synthetic_national_bt(), models=["naive", "drift", "logit_linear"],
                       horizons=range(1, 7), min_train=6)


@pytest.fixture(scope="module")
def ok(bt):
    return bt.loc[bt["status"] == "ok"]


def test_backtest_layout(bt, ok):
    for col in ["indicator", "level", "region", "sex", "model", "model_used", "cutoff", "year",
                "horizon", "actual", "median", "lo_80", "hi_80", "lo_95", "hi_95", "status"]:
        assert col in bt.columns
    assert (ok["year"] > ok["cutoff"]).all()
    assert (ok["horizon"] == ok["year"] - ok["cutoff"]).all()
    assert ok["horizon"].between(1, 6).all()
    # first cutoff = 6th observed year
    assert ok["cutoff"].min() == YEARS[5]
    # n_train = number of observations up to the cutoff
    n_before = ok["cutoff"].map(lambda c: sum(y <= c for y in YEARS))
    assert (ok["n_train"] == n_before).all()


def test_windows_a_model_cannot_fit_are_rows():
    bt = tp.backtest(synthetic_national_bt(), models=["naive", "drift"], horizons=[1],
                     min_train=3)
    short = bt.loc[bt["status"] == "too_short"]
    # drift needs 4 points: the window with 3 (cutoff 2009, next year 2010) is a row with the
    # reason, for each of the 3 series
    assert len(short) == 3 and (short["model"] == "drift").all()
    assert set(short["cutoff"]) == {2009} and short["reason"].str.contains("needs at least 4").all()
    assert short["year"].isna().all() and short["cutoff"].notna().all()
    assert tp.score(bt)["n"].sum() == (bt["status"] == "ok").sum()


def test_backtest_uses_only_data_up_to_cutoff():
    """Changing values after a cutoff never changes that cutoff's forecasts."""
    base = synthetic_national_bt()
    a = tp.backtest(base, models=["drift", CHEAP_ENSEMBLE], horizons=[1, 2], min_train=9)
    changed = base.copy()
    changed.loc[changed["year"] == 2023, "share"] = 0.99
    b = tp.backtest(changed, models=["drift", CHEAP_ENSEMBLE], horizons=[1, 2], min_train=9)
    cols = ["model", "level", "cutoff", "year", "median", "lo_80", "hi_80"]
    keep = a["year"] < 2023
    pd.testing.assert_frame_equal(a.loc[keep, cols].reset_index(drop=True),
                                  b.loc[b["year"] < 2023, cols].reset_index(drop=True))


def test_lookahead_check_fires(monkeypatch):
    """The explicit check catches a model that (wrongly) saw data beyond its cutoff."""
    from tpforecast.models import DriftModel
    from tpforecast.models.random_walk import RandomWalkFitted

    def leaky(self, data):
        fitted = RandomWalkFitted(data, drift=True, name="drift")
        fitted.years = np.append(fitted.years, fitted.last_year + 5)
        return fitted

    monkeypatch.setattr(DriftModel, "_fit", leaky)
    with pytest.raises(RuntimeError, match="look-ahead"):
        tp.backtest(synthetic_national_bt(), models=["drift"], min_train=6)


def test_score_metrics(bt):
    sc = tp.score(bt)
    assert {"model", "horizon", "n", "mae_pp", "mase", "rel_mae", "coverage_80", "coverage_95",
            "winkler_80", "winkler_95"} <= set(sc.columns)
    naive = sc[sc["model"] == "naive"]
    assert np.allclose(naive["rel_mae"], 1.0)
    assert sc["coverage_80"].between(0, 1).all()
    assert (sc["coverage_95"] >= sc["coverage_80"] - 1e-12).all()
    assert (sc["winkler_95"] > 0).all()
    # hand-check one cell: MAE in points
    sub = bt[(bt["model"] == "drift") & (bt["horizon"] == 1)]
    mae = 100 * (sub["actual"] - sub["median"]).abs().mean()
    got = sc[(sc["model"] == "drift") & (sc["horizon"] == 1)]["mae_pp"].iloc[0]
    assert got == pytest.approx(mae)


def test_winkler_by_hand():
    frame = pd.DataFrame({
        "indicator": "i", "level": "l", "region": "NL", "sex": "all", "model": "m",
        "cutoff": [2010, 2010], "year": [2011, 2012], "horizon": [1, 2],
        "actual": [0.30, 0.50], "median": [0.30, 0.40], "lo_80": [0.25, 0.35],
        "hi_80": [0.35, 0.45], "scale": [0.01, 0.01],
    })
    sc = tp.score(frame, by=("model",))
    # widths 10 points each; second misses by 5 points above: + 2/0.2 * 5 = 50
    assert sc.loc[0, "winkler_80"] == pytest.approx((10 + 10 + 50) / 2)
    assert sc.loc[0, "coverage_80"] == pytest.approx(0.5)
    assert sc.loc[0, "mase"] == pytest.approx((0 + 10) / 2)


def test_score_rejects_non_backtest():
    with pytest.raises(TpModelError, match="not a backtest frame"):
        tp.score(pd.DataFrame({"model": ["x"]}))


def test_backtest_of_the_default_never_uses_its_own_family():
    """The calibrated default is backtested with the family of the series left out: the
    same model fitted outside a backtest (shipped table) gives other intervals."""
    from tpforecast.models import get_model

    frame = synthetic_national_bt().assign(level="havo")
    bt = tp.backtest(frame.loc[frame["indicator"] == "syn_havo"], models="calibrated",
                     horizons=[1], min_train=12)
    row = bt.loc[bt["status"] == "ok"].iloc[0]
    train = frame.loc[(frame["indicator"] == "syn_havo") & (frame["year"] <= row["cutoff"])]
    shipped = get_model("calibrated").fit(train["year"], train["share"], level="havo",
                                          region="NL").predict([row["year"]])
    held = get_model("calibrated").for_evaluation().fit(
        train["year"], train["share"], level="havo", region="NL").predict([row["year"]])
    assert row["hi_80"] == pytest.approx(held["hi_80"].iloc[0])
    assert row["hi_80"] != pytest.approx(shipped["hi_80"].iloc[0])


def test_backtest_bad_arguments():
    with pytest.raises(TpModelError, match="horizons"):
        tp.backtest(synthetic_national_bt(), models=["naive"], horizons=[0, 1])
    with pytest.raises(TpModelError, match="min_train"):
        tp.backtest(synthetic_national_bt(), models=["naive"], min_train=1)
    with pytest.raises(TpModelError, match="unknown model"):
        tp.backtest(synthetic_national_bt(), models=["nope"])
