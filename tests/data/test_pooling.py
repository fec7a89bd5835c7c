"""The pooled havo/vwo series (the 55% ambition) derived from the havo and vwo year-4 counts."""

from __future__ import annotations

import pandas as pd
import pytest

import tpforecast as tp
from tpforecast.data.pooling import load_pooled
from tpforecast.errors import TpDataError
from tpforecast.report import own_target_reachability


@pytest.fixture(scope="module")
def cleaned():
    return tp.clean_figures(tp.load_figures())


def _nl(series: pd.DataFrame, indicator: str, sex: str = "all") -> pd.DataFrame:
    return series.loc[(series["indicator"] == indicator) & (series["region"] == "NL")
                      & (series["sex"] == sex)].set_index("year")


def _count(rows: pd.DataFrame, year: int, column: str) -> float:
    """A member's count: printed, or implied by the other count and the printed share."""
    r = rows.loc[year]
    if not pd.isna(r[column]):
        return float(r[column])
    if column == "n_total":
        return round(float(r["n_tech"]) / float(r["share"]))
    return round(float(r["share"]) * float(r["n_total"]))


def test_pooled_share_is_the_sum_of_the_members_counts(cleaned):
    series, log = cleaned
    pooled = _nl(series, "havovwo4_nprofile")
    havo, vwo = _nl(series, "havo4_nprofile"), _nl(series, "vwo4_nprofile")
    derived = pooled.loc[pooled["flags"].str.contains("pooled")]
    assert sorted(derived.index) == [2013, 2015, 2016, 2021, 2022]
    for year, row in derived.iterrows():
        tech = _count(havo, year, "n_tech") + _count(vwo, year, "n_tech")
        total = _count(havo, year, "n_total") + _count(vwo, year, "n_total")
        assert row["share"] == pytest.approx(tech / total)
        assert {"derived", "pooled"} <= set(row["flags"].split(";"))
    # a printed pooled share is never replaced; a count implied by a whole percent is flagged
    assert pooled.loc[2014, "share"] == 0.51 and "pooled" not in pooled.loc[2014, "flags"]
    assert "approximate" in pooled.loc[2021, "flags"]
    assert "approximate" not in pooled.loc[2015, "flags"]
    steps = log.loc[log["step"] == "pool"]
    assert len(steps) == len(series.loc[series["flags"].str.contains("pooled")])
    assert steps["line"].notna().all() and (steps["action"] == "changed").all()


def test_the_ambition_is_judged_on_the_pooled_series(bundled_series, bundled_targets):
    own = own_target_reachability(
        bundled_series, targets=bundled_targets, levels="havo_vwo",
        study=tp.load_study().replace(n_paths=200))
    row = own.iloc[0]
    assert row["indicator"] == "havovwo4_nprofile" and row["target"] == 0.55
    assert row["status"] == "ok" and row["p_target"] < 0.5  # 4 points by 2015, about 50%
    # what happened: the next pooled value after 2019/20 is 2021/22, 44%
    assert row["observed_year"] == 2021 and row["observed"] < 0.45 and not row["met"]


def test_a_bad_member_list_is_refused(tmp_path):
    path = tmp_path / "pooled.csv"
    path.write_text("indicator,level,members,note\nx,havo_vwo,havo4_nprofile,one member\n",
                    encoding="utf-8")
    with pytest.raises(TpDataError, match="members must be two or more"):
        load_pooled(path)
