"""Where the data come from: dataset summary, series provenance, the clean log."""

from __future__ import annotations

import pandas as pd
import pytest

import tpforecast as tp
from tpforecast.errors import TpModelError
from tpforecast.paths import data_dir
from tpforecast.report import (
    clean_log_text,
    dataset_summary,
    edition_conflicts,
    series_provenance,
    summarize_clean_log,
)


@pytest.fixture(scope="module")
def log() -> pd.DataFrame:
    return pd.read_csv(data_dir() / "processed" / "clean_log.csv")


def test_summarize_clean_log_counts_every_entry(log):
    s = summarize_clean_log(log)
    assert list(s.columns) == ["step", "action", "entries", "rows", "first_reason"]
    assert s["entries"].sum() == len(log) and s["rows"].sum() == log["rows"].sum()
    assert not s.duplicated(["step", "action"]).any()
    assert s["first_reason"].str.len().max() <= 140
    with pytest.raises(TpModelError, match="not a clean log"):
        summarize_clean_log(pd.DataFrame({"x": [1]}))
    text = clean_log_text(log)
    assert text.startswith(f"log entries: {len(log)}; ")


def test_edition_conflicts_parse_the_resolve_rows(log):
    e = edition_conflicts(log)
    resolve = log.loc[(log["step"] == "resolve") & log["kept_value"].notna()]
    # one row per key; every superseded value of the log is listed once under its key
    key = ["indicator", "level", "region", "sex", "year", "measure"]
    assert len(e) == len(resolve.drop_duplicates(key))
    assert (e["editions"] - 1).sum() == len(resolve)
    row = e.loc[(e["level"] == "hbo") & (e["sex"] == "all") & (e["year"] == 2014)]
    assert row["kept"].iloc[0] == "22212" and row["superseded"].iloc[0] == "22208"
    havo = e.loc[(e["indicator"] == "havo4_nprofile") & (e["year"] == 2014)].iloc[0]
    assert havo["kept"] == "43" and havo["superseded"] == "45; 45" and havo["editions"] == 3
    assert set(edition_conflicts(log, "havo4_nprofile")["indicator"]) == {"havo4_nprofile"}


def test_series_provenance_counts(bundled_series):
    h = tp.headline_series(bundled_series)
    p = series_provenance(h)
    havo = p.loc[p["level"] == "havo"].iloc[0]
    rows = h.loc[h["level"] == "havo"]
    assert havo["n_share"] == len(rows) and havo["n_sources"] == rows["source"].nunique()
    assert havo["first_year"] == rows["year"].min() and havo["last_year"] == rows["year"].max()
    assert p.loc[p["level"] == "vmbo_bb", "breaks"].iloc[0] == "vmbo_profile_reform_2016"


def test_dataset_summary(bundled_series):
    s = dataset_summary(bundled_series).set_index("origin")
    assert s.loc["total", "rows"] == len(bundled_series)
    assert s.loc["published", "rows"] + s.loc["duo", "rows"] == len(bundled_series)
