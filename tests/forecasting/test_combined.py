"""reachability_combined (the combined 4 in 10 per region) and fill_implied_totals."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from synthetic import synthetic_frame, synthetic_national

import tpforecast as tp
from tpforecast.errors import MissingDataError, TpModelError, UnknownNameError
from tpforecast.forecasting import fill_implied_totals
from tpforecast.forecasting.selection import role_indicators
from tpforecast.forecasting.series import SkippedSeriesWarning

CHEAP = {"models": "drift", "n_paths": 300}


@pytest.fixture(scope="module")
def nat() -> pd.DataFrame:
    s = synthetic_national()
    return s[s.region == "NL"]


def test_combined_share_is_weighted_by_entrants(nat):
    c = tp.reachability_combined(nat, levels=["havo", "mbo"], target=0.40, year=2026,
                                 as_of=[2015, None], **CHEAP)
    assert c["as_of"].isna().any() and set(c["as_of"].dropna()) == {2015}
    both = nat.loc[nat["level"].isin(["havo", "mbo"])].pivot_table(
        index="year", columns="level", values=["n_tech", "n_total", "share"])
    for y in (2014, 2023):  # years both levels are published: sum of technical / all entrants
        row = c.loc[(c["year"] == y) & c["as_of"].isna()].iloc[0]
        s, n = both["share"].loc[y], both["n_total"].loc[y].astype(float)
        assert row["observed"] == pytest.approx(float((s * n).sum() / n.sum()))
        assert row["entrants"] == pytest.approx(float(n.sum()))
        weights = dict(kv.split("=") for kv in row["weights"].split(";"))
        assert float(weights["mbo"]) == pytest.approx(n["mbo"] / n.sum(), abs=1e-3)
    assert c.loc[c["year"] == 2012, "observed"].isna().all()  # mbo only: nothing combined
    assert "the monitor's counts" in c["basis"].iloc[0]


def test_projection_probability_extra_pace_and_gap(nat):
    c = tp.reachability_combined(nat, levels=["havo", "mbo"], target=0.40, year=2026,
                                 as_of=2015, **CHEAP)
    assert (c["as_of"] == 2015).all() and (c["last_year"] == 2014).all()
    ok = c.loc[c["status"] == "ok"]
    assert ok["year"].min() == 2015 and ok["year"].max() == 2026
    assert (ok["lo_80"] <= ok["median"]).all() and (ok["median"] <= ok["hi_80"]).all()
    assert ok["p_target"].between(0, 1).all()
    start = int(c["start"].iloc[0])
    assert start == 2016  # the year after as_of
    r = ok.loc[ok["year"] == 2026].iloc[0]
    assert r["gap_students"] == pytest.approx((0.40 - r["median"]) * r["entrants"])
    assert r["extra_pp_per_year"] == pytest.approx(100 * (0.40 - r["median"]) / (2026 - start
                                                                                  + 1))
    history = c.loc[c["status"] == "observed"]
    assert history["extra_pp_per_year"].isna().all() and history["year"].max() == 2014


def _synthetic_region_frame() -> pd.DataFrame:
    """NL's monitor series (share, technical count) and the DUO basis and benchmarked series
    of NL and Oost for mbo and hbo, as in the real data (series_roles.csv)."""
    years = list(range(2015, 2020))
    roles = role_indicators("regional_headline")
    basis = role_indicators("duo_basis")
    parts = []
    for level, nl_share, nl_tech, duo_nl, duo_oost in (
            ("mbo", 0.28, 42000, 500000, 100000), ("hbo", 0.24, 24000, 100000, 21000)):
        parts.append(synthetic_frame(years, [nl_share] * 5, level=level,
                                     indicator=f"monitor_{level}",
                                     n_tech=[nl_tech] * 5))
        for region, total in (("NL", duo_nl), ("Oost", duo_oost)):
            parts.append(synthetic_frame(years, [0.25] * 5, level=level, region=region,
                                         indicator=basis[level], origin="duo",
                                         canonical=False, n_tech=[total // 4] * 5,
                                         n_total=[total] * 5))
        parts.append(synthetic_frame(years, [0.30, 0.31, 0.30, 0.31, 0.32], level=level,
                                     region="Oost", indicator=roles[level], origin="duo",
                                     canonical=False))
    return pd.concat(parts, ignore_index=True)


def test_regional_entrants_are_on_the_monitors_scale():
    s = _synthetic_region_frame()
    c = tp.reachability_combined(s, region="Oost", levels=["mbo", "hbo"], as_of=None,
                                 year=2021, **CHEAP)
    row = c.loc[c["year"] == 2017].iloc[0]
    mbo = 42000 / 0.28 * 100000 / 500000  # NL entrants x Oost's fraction of the participants
    hbo = 24000 / 0.24 * 21000 / 100000
    assert row["entrants"] == pytest.approx(mbo + hbo, rel=1e-6)
    assert row["observed"] == pytest.approx((0.30 * mbo + 0.30 * hbo) / (mbo + hbo))
    assert "NL monitor x Oost/NL" in row["basis"]
    assert set(c["region"]) == {"Oost"} and c["year"].max() == 2021


def test_region_errors_and_a_level_without_data_by_as_of():
    s = _synthetic_region_frame()
    with pytest.raises(UnknownNameError, match="did you mean Oost"):
        tp.reachability_combined(s, region="Ost", levels=["mbo", "hbo"], **CHEAP)
    with pytest.raises(MissingDataError, match="level 'wo'"):
        tp.reachability_combined(s, region="Oost", **CHEAP)  # default levels include wo
    with pytest.raises(TpModelError, match="one model"):
        tp.reachability_combined(s, region="Oost", levels=["mbo", "hbo"],
                                 models=["drift", "naive"])
    with pytest.raises(TpModelError, match="listed twice"):
        tp.reachability_combined(s, region="Oost", levels=["mbo", "mbo"], **CHEAP)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        c = tp.reachability_combined(s, region="Oost", levels=["mbo", "hbo"], as_of=2014,
                                     **CHEAP)
    assert (c["status"] == "no_data").all() and c["median"].isna().all()
    assert "has no observation up to 2014" in c["reason"].iloc[0]
    assert any(issubclass(w.category, SkippedSeriesWarning) for w in caught)
    assert c["observed"].notna().sum() == 5  # what happened is still shown


def test_oost_on_the_bundled_data(bundled_series):
    """As of 2016 the regional series did not exist yet (say so); now: the combined share, its
    probability and the gap in students."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SkippedSeriesWarning)
        c = tp.reachability_combined(bundled_series, region="Oost", n_paths=300)
    then = c.loc[c["as_of"] == 2015]
    assert (then["status"] == "no_data").all()
    now = c.loc[c["as_of"].isna()].set_index("year")
    assert now.loc[2019, "observed"] == pytest.approx(0.306, abs=0.002)
    assert now.loc[2020, "status"] == "ok" and now.loc[2020, "p_target"] < 0.01
    assert 4000 < now.loc[2020, "gap_students"] < 9000
    assert np.isclose(now["entrants"].loc[2019], 64236, rtol=0.01)


def test_implied_totals():
    s = synthetic_frame([2014, 2015, 2016], [0.25, 0.20, None], n_tech=[100, 50, 60],
                        n_total=[None, 240, None], flags=["reported", "", "reported"])
    out = fill_implied_totals(s)
    assert out["n_total"].tolist() == [400, 240, pd.NA]  # 2nd kept, 3rd has no share
    assert out["flags"].iloc[0] == "n_total_from_share;reported"
    assert s["n_total"].isna().sum() == 2  # input unchanged
