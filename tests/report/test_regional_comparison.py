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
    assert list(latest.columns) == list(OOST_REGIONS)
    change = regional_change(comparison).set_index(["level", "region"])
    wo = change.loc[("wo", "Overijssel")]
    assert wo["change_pp_per_year"] == pytest.approx(
        100 * (wo["last_share"] - wo["first_share"]) / (wo["last_year"] - wo["first_year"]))


def test_regional_reachability_and_lines(comparison):
    reach = regional_reachability(comparison, study=DEFAULT_STUDY.replace(n_paths=300))
    assert list(reach["region"].unique()) == list(OOST_REGIONS)
    assert (reach["target_year"] == DEFAULT_STUDY.target_year).all()
    first = regional_lines(reach).splitlines()[0]
    assert first.startswith("P(mbo, NL >= 40% in 2020/21 | data to 2019/20) = ")
    assert "points a year" in first
