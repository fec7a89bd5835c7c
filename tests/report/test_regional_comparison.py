"""regional_comparison and the tables built from it."""

from __future__ import annotations

import math

import pytest

from tpforecast.errors import TpModelError
from tpforecast.report import (
    OOST_REGIONS,
    regional_change,
    regional_comparison,
    regional_latest,
    regional_lines,
    regional_reachability,
)
from tpforecast.study import DEFAULT_STUDY


@pytest.fixture(scope="module")
def comparison(bundled_series):
    return regional_comparison(bundled_series, levels=["mbo", "wo"])


def test_regional_comparison(comparison, bundled_series):
    rc = comparison
    assert list(rc["region"].unique()) == list(OOST_REGIONS)
    assert (rc.loc[rc["region"] == "NL", "diff_pp"] == 0).all()
    row = rc.loc[(rc["level"] == "wo") & (rc["region"] == "Overijssel") & (rc["year"] == 2019)]
    nl = rc.loc[(rc["level"] == "wo") & (rc["region"] == "NL") & (rc["year"] == 2019)]
    assert math.isclose(row["diff_pp"].iloc[0], 100 * (row["share"].iloc[0] - nl["share"].iloc[0]))
    assert rc["flags"].str.contains("institution_location").all()
    with pytest.raises(TpModelError, match="reference"):
        regional_comparison(bundled_series, region=["Oost"])


def test_latest_and_change(comparison):
    latest = regional_latest(comparison)
    assert list(latest.columns) == ["year", *OOST_REGIONS]
    change = regional_change(comparison).set_index(["level", "region"])
    wo = change.loc[("wo", "Overijssel")]
    assert wo["change_pp_per_year"] == pytest.approx(
        100 * (wo["last_share"] - wo["first_share"]) / (wo["last_year"] - wo["first_year"]))


def test_each_level_is_read_on_its_own_years_after_its_last_break(bundled_series):
    # hbo runs to 2024/25 (a new basis from 2020/21), mbo to 2019/20, wo from 2013/14
    c = regional_comparison(bundled_series, levels=["mbo", "hbo", "wo"])
    latest = regional_latest(c)
    assert latest.notna().all().all()  # no level is left without its latest values
    last = c.loc[c["share"].notna()].groupby("level")["year"].max()
    assert dict(latest.reset_index(level="indicator")["year"]) == dict(last)
    change = regional_change(c)
    assert change[["first_share", "last_share", "change_pp_per_year"]].notna().all().all()
    for level, g in change.groupby("level"):
        rows = c.loc[c["level"] == level]
        comparable = rows.loc[~rows["flags"].str.contains("pre_break")]
        assert (g["first_year"] == comparable["year"].min()).all()
        assert (g["last_year"] == comparable["year"].max()).all()
    hbo = change.loc[change["level"] == "hbo"].iloc[0]
    assert (hbo["first_year"], hbo["last_year"]) == (2020, 2024)  # not across the break
    pinned = regional_change(c, first=2016, last=2018)
    assert set(pinned["first_year"]) == {2016} and set(pinned["last_year"]) == {2018}


def test_regional_reachability_and_lines(comparison):
    reach = regional_reachability(comparison, study=DEFAULT_STUDY.replace(n_paths=300))
    assert list(reach["region"].unique()) == list(OOST_REGIONS)
    assert (reach["target_year"] == DEFAULT_STUDY.target_year).all()
    first = regional_lines(reach).splitlines()[0]
    assert first.startswith("P(mbo, NL >= 40% in 2020/21 | data to 2019/20) = ")
    assert "points a year" in first


def test_an_observed_target_year_is_a_fact_in_the_lines(bundled_series):
    c = regional_comparison(bundled_series, levels=["hbo"])  # hbo runs past 2020/21
    reach = regional_reachability(c, study=DEFAULT_STUDY.replace(n_paths=100))
    assert (reach["status"] == "observed").all()
    lines = regional_lines(reach).splitlines()
    for r, line in zip(reach.itertuples(), lines, strict=True):
        assert line.startswith(f"hbo, {r.region}: {100 * r.median:.1f}% observed in 2020/21, "
                               "40% not reached")
        assert "P(" not in line and "needed" not in line


def test_a_level_without_a_common_year_is_an_error_not_a_missing_row(comparison):
    # synthetic: Gelderland's wo values moved to years no other region has
    cut = comparison.copy()
    cut.loc[(cut["level"] == "wo") & (cut["region"] == "Gelderland"), "year"] += 100
    for table in (regional_latest, regional_change):
        with pytest.raises(TpModelError, match="level.s. wo"):
            table(cut)
