"""The bundled data: load_series and load_targets, without ../shared."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import tpforecast as tp
from tpforecast.data.loaders import SERIES_COLUMNS
from tpforecast.errors import TpDataError

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def series():
    return tp.load_series()


def test_series_columns_and_dtypes(series):
    assert list(series.columns) == [*SERIES_COLUMNS, "vintage"]
    assert str(series["year"].dtype) == "Int64"
    assert str(series["vintage"].dtype) == "Int64" and series["vintage"].notna().all()
    assert str(series["share"].dtype) == "Float64"
    assert str(series["n_tech"].dtype) == "Int64"
    assert series["canonical"].dtype == bool
    assert tp.validate(series, "series").empty


def test_one_row_per_key(series):
    key = ["indicator", "level", "region", "sex", "year"]
    assert not series.duplicated(key).any()


def test_every_row_traces_to_a_source(series):
    assert series["source"].str.len().gt(0).all()
    assert series["edition"].str.len().gt(0).all()
    assert set(series["origin"]) == {"published", "duo"}


def _canonical_nl(series, level):
    return series.query(
        "canonical and origin == 'published' and level == @level and region == 'NL' "
        "and sex == 'all' and share.notna()"
    )


@pytest.mark.parametrize("level", ["mbo", "havo", "vwo"])
def test_at_least_ten_years_nationally(series, level):
    assert _canonical_nl(series, level)["year"].nunique() >= 10


@pytest.mark.parametrize(
    "level", ["vmbo_bb", "vmbo_kb", "vmbo_gltl", "havo", "vwo", "havo_vwo", "mbo", "hbo", "wo",
              "ho"])
def test_national_series_per_level(series, level):
    nl = series.query("origin == 'published' and level == @level and region == 'NL'")
    assert nl["share"].notna().sum() >= 2, level


@pytest.mark.parametrize("region", ["Overijssel", "Gelderland", "Oost", "NL"])
@pytest.mark.parametrize("level", ["mbo", "hbo", "wo", "havo", "vwo"])
def test_regional_duo_series(series, region, level):
    rows = series.query("origin == 'duo' and level == @level and region == @region "
                        "and sex == 'all'")
    assert rows["year"].nunique() >= 5
    assert rows["share"].between(0, 1).all()


def test_oost_is_overijssel_plus_gelderland(series):
    duo = series.query("origin == 'duo' and sex == 'all'")
    piv = duo.pivot_table(index=["indicator", "level", "year"], columns="region",
                          values=["n_tech", "n_total"], aggfunc="first")
    for what in ["n_tech", "n_total"]:
        both = piv[what][["Overijssel", "Gelderland", "Oost"]].dropna()
        assert len(both) > 10
        pd.testing.assert_series_equal(
            (both["Overijssel"] + both["Gelderland"]).astype("Int64"),
            both["Oost"].astype("Int64"), check_names=False)


def test_twente_figures_are_their_own_indicator(series):
    tw = series.query("region == 'Twente'")
    assert "twente_index" in set(tw["indicator"])
    assert not tw["canonical"].any()
    assert (series.loc[series["indicator"] == "twente_index", "region"] == "Twente").all()


def test_targets():
    t = tp.load_targets()
    assert tp.validate(t, "targets").empty
    nl = t.query("level == 'all' and region == 'NL'")
    assert nl["target"].tolist() == [0.40] and nl["year"].tolist() == [2020]
    for region in ["Overijssel", "Oost", "Gelderland"]:
        per_level = t[(t["region"] == region) & (t["kind"] == "goal")]
        assert {"mbo", "hbo", "wo"} <= set(per_level["level"]), region
    amb = t.query("kind == 'ambition'").set_index("level")["target"]
    assert amb["vmbo_gltl"] == 0.40 and amb["vmbo_bbkb"] == 0.30 and amb["havo_vwo"] == 0.55
    women = t.query("kind == 'growth_count'").iloc[0]
    assert (women["sex"], women["region"], women["target"]) == ("female", "Oost", 1.2)
    assert women["year"] == 2019 and women["baseline_year"] == 2015
    assert t["source"].str.len().gt(10).all()


def test_load_series_works_without_shared(tmp_path):
    """A fresh interpreter with ../shared pointed at an empty folder still loads the data."""
    code = ("import tpforecast as tp; s = tp.load_series(); t = tp.load_targets(); "
            "print(len(s), len(t))")
    env = {"TPFORECAST_SHARED": str(tmp_path / "nowhere"), "PATH": ""}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=env, cwd=tmp_path, check=True)
    n_series, n_targets = map(int, out.stdout.split())
    assert n_series > 500 and n_targets > 20


def test_bad_series_file_names_file_line_column(tmp_path):
    good = tp.load_series()
    bad = good.head(5).copy()
    bad["share"] = bad["share"].astype(object)
    bad.loc[2, "share"] = 1.7
    path = tmp_path / "synthetic_series.csv"
    bad.to_csv(path, index=False)
    with pytest.raises(TpDataError) as err:
        tp.load_series(path)
    msg = str(err.value)
    assert "synthetic_series.csv" in msg and "line 4" in msg and "'share'" in msg


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(TpDataError, match="file not found") as err:
        tp.load_series(tmp_path / "nope.csv")
    assert err.value.file == str(tmp_path / "nope.csv")
