"""acceleration_table: tidy rows per series, model and start; no fallback chains."""

from __future__ import annotations

import pandas as pd
import pytest
from synthetic import rows as _one
from synthetic import synthetic_frame

from tpforecast.scenarios import (
    acceleration_table,
    required_acceleration,
)


def test_acceleration_table(series):
    nl = series.loc[series["region"] == "NL"]
    tab = acceleration_table(nl, target=0.40, year=2020, starts=(2016, 2018, 2020), pace=1.0,
                             models="drift", n_paths=500)
    assert list(pd.unique(tab["level"])) == ["havo", "mbo", "vwo"]
    assert len(tab) == 3 * 3  # tidy: one row per series and start
    assert {"start", "as_of", "extra_pp_per_year", "recent_pp_per_year", "pace_first_year",
            "status"} <= set(tab)
    ra = required_acceleration(nl, target=0.40, year=2020, start=2018, models="drift",
                               n_paths=500)
    mbo = tab.loc[tab["level"] == "mbo"].set_index("start")["extra_pp_per_year"]
    assert mbo.loc[2018] == pytest.approx(
        _one(ra, level="mbo", region="NL")["extra_pp_per_year"].iloc[0])
    # the later the start, the more per year is needed (when acceleration is needed at all)
    assert mbo.loc[2016] < mbo.loc[2018] < mbo.loc[2020]
    # the pace columns answer once per series (all data), the same in every start row
    assert tab.groupby("level")["pace_first_year"].nunique(dropna=False).max() == 1


def test_acceleration_table_models_is_no_fallback_chain():
    short = synthetic_frame(range(2012, 2024), [.25, .26, .26, .27, .27, .28, .28, .29, .29,
                                               .30, .30, .31], level="hbo")
    only = acceleration_table(short, models="local_level", n_paths=300)
    both = acceleration_table(short, models=["local_level", "drift"], n_paths=300)
    # four observations up to 2015: local_level (5 needed) cannot fit; its row says so
    row = only.set_index("start").loc[2016]
    assert pd.isna(row["extra_pp_per_year"]) and row["status"] == "too_short"
    assert row["recent_pp_per_year"] == pytest.approx(0.6)  # the pace is known all the same
    # several models are rows side by side, never a chain filling each other's gaps
    assert len(both) == 2 * len(only)
    drift = both.loc[(both["model"] == "drift") & (both["start"] == 2016)].iloc[0]
    assert drift["status"] == "ok" and drift["extra_pp_per_year"] > 0
    assert only["pace_first_year"].iloc[0] == 2023 + 9
