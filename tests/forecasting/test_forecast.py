"""forecast: layout, as_of, intervals, skipped pairs as rows, bad input, properties."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from synthetic import cheap_ensemble, synthetic_frame, synthetic_national

import tpforecast as tp
from tpforecast.errors import TpModelError, TpNoDataError
from tpforecast.forecasting import drop_short_series, share_counts, split_series
from tpforecast.models import DEFAULT_MODEL

CHEAP_ENSEMBLE = cheap_ensemble()


@pytest.fixture(scope="module")
def series() -> pd.DataFrame:
    return synthetic_national()


def test_forecast_layout_and_skipped_pairs_as_rows(series):
    fc = tp.forecast(series, models=["drift", "local_linear"], until=2026)
    assert list(fc.columns) == ["indicator", "level", "region", "sex", "model", "model_used",
                                "year", "median", "lo_80", "hi_80", "lo_95", "hi_95", "status",
                                "reason"]
    ok = fc.loc[fc["status"] == "ok"]
    nat = ok.loc[ok["region"] == "NL"]
    assert set(nat["year"]) == {2024, 2025, 2026}
    assert len(nat) == 4 * 2 * 3
    # the 5-point regional series is too short for local_linear: a row says so, nothing is
    # dropped
    skipped = fc.loc[fc["status"] != "ok"]
    (row,) = skipped.itertuples(index=False)
    assert (row.indicator, row.model, row.status) == ("duo_syn", "local_linear", "too_short")
    assert pd.isna(row.year) and "needs at least 6" in row.reason
    reg = ok.loc[ok["region"] == "Overijssel"]
    assert set(reg["model"]) == {"drift"} and reg["year"].min() == 2020


def test_forecast_intervals_argument(series):
    fc = tp.forecast(series[series.region == "NL"], models="drift", until=2025,
                     intervals=(50, 90))
    assert {"lo_50", "hi_50", "lo_90", "hi_90"} <= set(fc.columns)
    assert "lo_80" not in fc.columns
    assert (fc["lo_90"] <= fc["lo_50"]).all() and (fc["hi_50"] <= fc["hi_90"]).all()


def test_forecast_deterministic_and_default_model(series):
    nat = series[series.region == "NL"]
    a = tp.forecast(nat, until=2025, n_paths=800)
    b = tp.forecast(nat, until=2025, n_paths=800)
    pd.testing.assert_frame_equal(a, b)
    assert set(a["model"]) == set(a["model_used"]) == {DEFAULT_MODEL}


def test_forecast_independent_of_other_series(series):
    havo = series[series.level == "havo"]
    alone = tp.forecast(havo, models=[CHEAP_ENSEMBLE, "drift"], until=2027, n_paths=600)
    together = tp.forecast(series, models=[CHEAP_ENSEMBLE, "drift"], until=2027, n_paths=600)
    part = together[(together.level == "havo") & (together.status == "ok")]
    pd.testing.assert_frame_equal(alone, part.reset_index(drop=True))


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


def test_no_data_is_its_own_error_class(series):
    with pytest.raises(TpNoDataError, match="as_of=2000 is before the first"):
        tp.forecast(series, as_of=2000)


def test_bad_model(series):
    with pytest.raises(TpModelError, match="unknown model 'prophet'"):
        tp.forecast(series, models=["prophet"])
    with pytest.raises(TpModelError, match="intervals must be a list of different coverages"):
        tp.forecast(series, intervals=(0.8,))


def test_too_short_for_every_model_is_an_error(series):
    short = series[series.level == "havo"].head(2)
    with pytest.raises(TpModelError, match="nothing could be computed.*needs at least"):
        tp.forecast(short, models=["drift"])


def test_missing_columns():
    with pytest.raises(TpModelError, match="lacks column"):
        tp.forecast(pd.DataFrame({"level": ["havo"]}))


def test_split_series_and_share_counts(series):
    sp = split_series(series, as_of=2010)
    assert all(d.last_year <= 2010 for d in sp.data.values())
    assert [s["status"] for s in sp.skipped] == ["no_data"]  # the regional series starts 2015
    counts = share_counts(series, as_of=2010).set_index("level")["n_shares"]
    assert counts.loc["havo"] == 4  # 2005, 2007, 2009, 2010
    kept = drop_short_series(series, min_obs=5, as_of=2016)
    assert set(kept["indicator"]) == {"syn_havo", "syn_vwo", "syn_mbo", "syn_ho"}
    assert len(kept) == 4 * 13  # every row of a kept series, also after as_of


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
    return synthetic_frame(years.tolist(), shares.tolist(), level="lv", indicator="syn")


PROP = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROP
@given(df=synthetic_random_series(), model=st.sampled_from(["naive", "drift", "linear",
                                                             "logit_linear", CHEAP_ENSEMBLE]))
def test_property_intervals_ordered_and_bounded(df, model):
    fc = tp.forecast(df, models=model, until=int(df["year"].max()) + 8, n_paths=400)
    v = fc[["lo_95", "lo_80", "median", "hi_80", "hi_95"]].to_numpy(dtype=float)
    assert np.all((v >= 0) & (v <= 1))
    assert np.all(np.diff(v, axis=1) >= -1e-12)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(df=synthetic_random_series(), other=synthetic_random_series(min_n=4, max_n=8))
def test_property_unrelated_series_do_not_change_forecast(df, other):
    other = other.assign(indicator="other", level="zz")
    until = int(df["year"].max()) + 5
    alone = tp.forecast(df, models=["drift", CHEAP_ENSEMBLE], until=until, n_paths=300)
    both = tp.forecast(pd.concat([other, df]), models=["drift", CHEAP_ENSEMBLE], until=until,
                       n_paths=300)
    part = both[both["indicator"] == "syn"].reset_index(drop=True)
    pd.testing.assert_frame_equal(alone, part)
