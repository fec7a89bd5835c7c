"""The one target matcher (goals_for) and the shared measures (paces, first passage)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from synthetic import synthetic_targets

from tpforecast.errors import TpModelError
from tpforecast.forecasting import (
    first_passage,
    goals_for,
    needed_pace,
    recent_pace,
    resolve_target,
)


def test_goals_for_matches_level_region_sex_and_skips_count_targets():
    t = resolve_target(synthetic_targets())
    assert "growth_count" not in set(t["kind"])
    (g,) = goals_for(t, ("i", "havo", "NL", "all"))
    assert (g.target, g.year, g.kind, g.source) == (0.55, 2019, "ambition", "s1")
    assert goals_for(t, ("i", "mbo", "Overijssel", "all")) == []  # only a count target
    (ho,) = goals_for(t, ("i", "ho", "Gelderland", "female"))  # region and sex wildcards
    assert ho.target == 0.40
    assert goals_for(0.4, ("i", "x", "NL", "all"), year=2020)[0].year == 2020


def test_one_goal_prefers_the_specific_row_then_the_ambition():
    t = pd.DataFrame({"level": ["mbo"] * 3, "region": [None, "NL", "NL"],
                      "sex": [None, "all", "all"], "year": [2020, 2020, 2019],
                      "target": [0.40, 0.40, 0.35], "kind": ["goal", "goal", "ambition"],
                      "source": ["wild", "goal", "ambition"]})
    (g,) = goals_for(resolve_target(t), ("i", "mbo", "NL", "all"), one=True)
    assert g.source == "ambition"
    assert [x.source for x in goals_for(resolve_target(t), ("i", "mbo", "NL", "all"))] == [
        "wild", "goal", "ambition"]


def test_resolve_target_reads_the_bundled_targets_and_checks_values():
    assert {"goal", "ambition"} <= set(resolve_target("targets")["kind"])
    with pytest.raises(TpModelError, match="'targets'"):
        resolve_target("doelen")
    with pytest.raises(TpModelError, match="not 40"):
        resolve_target(40)


def test_paces():
    years, shares = np.arange(2010, 2017), np.array([.2, .2, .21, .22, .23, .24, .25])
    assert recent_pace(years, shares, 5) == pytest.approx(1.0)  # last five: +1 point a year
    assert np.isnan(recent_pace(years[:1], shares[:1]))
    assert needed_pace(0.40, 0.25, 2020, 2016) == pytest.approx(3.75)
    assert np.isnan(needed_pace(0.40, 0.25, 2016, 2016))


def test_first_passage_from_paths_and_from_data():
    grid = np.arange(2021, 2026)
    paths = np.array([[.1, .2, .5, .5, .5], [.1, .5, .5, .5, .5], [.1, .1, .1, .1, .1]])
    got = first_passage(np.array([2019, 2020]), np.array([.3, .3]), grid, paths, 0.4)
    assert (got["first_year"], got["first_year_lo"]) == (2023, 2022)
    assert pd.isna(got["first_year_hi"])  # the slowest tenth never gets there
    since = first_passage(np.array([2018, 2019, 2020]), np.array([.5, .3, .45]), grid, paths,
                          0.4)
    assert since["first_year"] == since["at_target_since"] == 2020
