"""hindcast, hindcast_summary, one_step_errors and model_diagnostics."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from synthetic import GAPPY_YEARS, synthetic_frame, synthetic_series

import tpforecast as tp
from tpforecast.forecasting import hindcast_summary, model_diagnostics, one_step_errors


@pytest.fixture(scope="module")
def series() -> pd.DataFrame:
    return synthetic_series([("havo", .43, .004, 50000), ("mbo", .27, .002, 50000)],
                            GAPPY_YEARS, seed=3, noise=.006)


def test_hindcast_and_summary(series):
    h = tp.hindcast(series, as_of=2015, years=(2019, 2020), models=["naive", "drift", "damped"])
    ok = h.loc[h["status"] == "ok"]
    assert set(ok["year"]) == {2019, 2020} and ok["actual"].notna().all()
    assert np.allclose(ok["error_pp"], 100 * (ok["actual"] - ok["median"]))
    # damped needs 8 points; as of 2015 the series have 6: rows with the reason, no numbers
    damped = h.loc[h["model"] == "damped"]
    assert set(damped["status"]) == {"too_short"} and damped["year"].isna().all()
    s = hindcast_summary(h)
    naive20 = s.loc[(s["model"] == "naive") & (s["year"] == 2020)].iloc[0]
    rows = ok.loc[(ok["model"] == "naive") & (ok["year"] == 2020)]
    assert naive20["n"] == len(rows)
    assert math.isclose(naive20["mean_abs_error_pp"], rows["error_pp"].abs().mean())
    assert naive20["inside_80"] == rows["inside_80"].astype(float).mean()


def test_diagnostics_on_a_random_walk():
    rng = np.random.default_rng(3)
    x = np.round(0.3 + np.cumsum(rng.normal(0, 0.01, 14)), 3)
    s = synthetic_frame(range(2008, 2022), x.tolist())
    errs = one_step_errors(s, models="naive", min_train=4)
    assert len(errs) == 10 and (errs["horizon"] == 1).all()
    d = model_diagnostics(s, models="naive", min_train=4)
    row = d.iloc[0]
    assert row["n_obs"] == 14 and row["n_errors"] == 10
    assert math.isclose(row["mean_error_pp"], 100 * errs["error"].mean())
    assert 0 <= row["coverage_80"] <= row["coverage_95"] <= 1
    assert 0 <= row["ljung_box_p"] <= 1 and -1 <= row["acf1"] <= 1
    assert d.iloc[-1]["level"] == "all (pooled)"
