"""reachability_combined, combined_share, latest_totals, fill_implied_totals."""

from __future__ import annotations

import pandas as pd
import pytest
from synthetic import synthetic_frame, synthetic_national

import tpforecast as tp
from tpforecast.errors import TpModelError
from tpforecast.forecasting import fill_implied_totals


@pytest.fixture(scope="module")
def nat() -> pd.DataFrame:
    s = synthetic_national()
    return s[s.region == "NL"]


def test_reachability_combined(nat):
    c = tp.reachability_combined(nat, levels=["havo", "vwo", "mbo", "ho"], target=0.40,
                                 year=2020, as_of=2015, models="drift", n_paths=2000)
    row = c.iloc[0]
    # weighted mean of the levels' last shares with n_total weights
    last = nat[nat.year == 2014].set_index("level")
    w = last["n_total"].astype(float)
    assert row["last_share"] == pytest.approx(float((last["share"].astype(float) * w).sum()
                                                    / w.sum()))
    assert 0 <= row["p_target"] <= 1
    assert row["lo_80"] <= row["median"] <= row["hi_80"]
    assert "printed" in row["weights_source"] and row["model_used"] == "drift"
    eq = tp.reachability_combined(nat, levels=["havo", "mbo"], weights=None, models="drift",
                                  year=2020, as_of=2015, n_paths=500)
    assert eq.loc[0, "weights"] == "havo=0.500;mbo=0.500"


def test_reachability_combined_ambiguous_level(nat):
    extra = nat[nat.level == "mbo"].assign(indicator="other_mbo", canonical=False)
    both = pd.concat([nat.assign(canonical=False), extra])
    with pytest.raises(TpModelError, match="exactly one series.*indicators="):
        tp.reachability_combined(both, levels=["havo", "mbo"], models="drift")
    ok = tp.reachability_combined(both, levels=["havo", "mbo"], models="drift", n_paths=300,
                                  indicators={"mbo": "syn_mbo"})
    direct = tp.reachability_combined(nat, levels=["havo", "mbo"], models="drift", n_paths=300)
    pd.testing.assert_frame_equal(ok, direct)  # the chosen indicator is the original one


def test_models_is_one_name_here(nat):
    with pytest.raises(TpModelError, match="one model"):
        tp.reachability_combined(nat, levels=["havo", "mbo"], models=["drift", "naive"])


def test_combined_first_year_is_the_current_spell():
    """A combined share that was above the target and fell below it is not 'reached' in the
    past year."""
    a = synthetic_frame(range(2010, 2016), [.42, .43, .41, .38, .37, .36], level="a",
                        indicator="syn_a", n_total=[1000] * 6)
    b = synthetic_frame(range(2010, 2016), [.40, .41, .40, .37, .36, .36], level="b",
                        indicator="syn_b", n_total=[1000] * 6)
    c = tp.reachability_combined(pd.concat([a, b]), levels=["a", "b"], target=0.40,
                                 year=2020, models="naive", n_paths=500).iloc[0]
    assert pd.isna(c["first_year"]) or c["first_year"] > 2015
    assert c["last_year_at_target"] == 2012


def test_implied_totals_and_weights():
    s = synthetic_frame([2014, 2015, 2016], [0.25, 0.20, None], n_tech=[100, 50, 60],
                        n_total=[None, 240, None], flags=["reported", "", "reported"])
    out = fill_implied_totals(s)
    assert out["n_total"].tolist() == [400, 240, pd.NA]  # 2nd kept, 3rd has no share
    assert out["flags"].iloc[0] == "n_total_from_share;reported"
    assert s["n_total"].isna().sum() == 2  # input unchanged
    totals = tp.latest_totals(s, as_of=2014)
    assert totals[["year", "n_total", "method"]].values.tolist() == [[2014, 400, "n_tech / share"]]
    assert tp.latest_totals(s).loc[0, "method"] == "printed"


def test_combined_share_uses_the_same_weights(nat):
    c = tp.reachability_combined(nat, levels=["mbo", "ho"], as_of=2015, models="naive",
                                 n_paths=200).iloc[0]
    seen = tp.combined_share(nat, levels=["mbo", "ho"], years=[2014, 2099], as_of=2015)
    assert seen.loc[0, "share"] == pytest.approx(c["last_share"])  # 2014: the last common year
    assert pd.isna(seen.loc[1, "share"])  # not published
