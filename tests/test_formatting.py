"""tpforecast.formatting: one wording per kind of fact."""

from __future__ import annotations

import pandas as pd

from tpforecast.formatting import (
    format_columns,
    percent,
    points,
    probability,
    school_year,
    year_range,
)


def test_numbers():
    assert percent(0.431) == "43%" and percent(0.4315, 1) == "43.1%" and percent(None) == "n/a"
    assert probability(0.071) == "7%" and probability(0.003) == "<1%" == probability(0.005)
    assert probability(0.998) == ">99%" and probability(1.0) == "100%" and probability(0) == "0%"
    assert points(2.61) == "+2.6" and points(-0.04) == "+0.0" and points(-4.44) == "-4.4"
    assert school_year(2020) == "2020/21" and school_year(1999) == "1999/00"


def test_year_range():
    assert year_range(2031, 2027, 2038, horizon=2040) == "2031 (2027-2038)"
    assert year_range(2031, 2027, pd.NA, horizon=2040) == "2031 (2027 to after 2040)"
    assert year_range(pd.NA, 2030, pd.NA, horizon=2040) == "not by 2040 (10% chance by 2030)"
    assert year_range(pd.NA, pd.NA, pd.NA, horizon=2040) == "not by 2040"
    assert year_range(2016, 2016, 2016, horizon=2040) == "2016"
    assert year_range(2005, 2005, 2005, horizon=2040, since=2005) == "already (since 2005)"
    assert year_range(pd.NA, pd.NA, pd.NA, horizon=2040, too_few=True) == "n/a (too few points)"


def test_format_columns():
    df = pd.DataFrame({"a": [0.4, None], "p": [0.001, 0.5], "b": [1.25, -0.5]})
    out = format_columns(df, percents=["a"], probabilities=["p"], pts=["b"], na="-")
    assert out["a"].tolist() == ["40%", "-"] and out["p"].tolist() == ["<1%", "50%"]
    assert out["b"].tolist() == ["+1.2", "-0.5"]
    assert df["a"].iloc[0] == 0.4  # input unchanged
