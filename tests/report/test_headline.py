"""headline_series (the one headline selection) and the tidy headline_table."""

from __future__ import annotations

import math
import warnings

import pandas as pd
import pytest

import tpforecast as tp
from tpforecast.errors import MissingDataError, UnknownNameError
from tpforecast.forecasting.series import SkippedSeriesWarning
from tpforecast.report import HEADLINE_LEVELS, headline_display, headline_table
from tpforecast.study import DEFAULT_STUDY


@pytest.fixture(scope="module")
def headline(bundled_series, bundled_targets) -> pd.DataFrame:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        table = headline_table(bundled_series, targets=bundled_targets,
                               study=DEFAULT_STUDY.replace(n_paths=500))
    # the only warnings: series the runners left out, which the table shows by their status
    assert all(issubclass(w.category, SkippedSeriesWarning) for w in caught), caught
    for w in caught:
        if "reachability" in str(w.message) and "too_short" in str(w.message):
            for level in table.loc[table["status"] == "too_short", "level"]:
                assert f"/{level}/" in str(w.message)
    return table


def test_headline_series_is_canonical_national_and_ordered(bundled_series):
    h = tp.headline_series(bundled_series)
    assert h["canonical"].all() and (h["origin"] == "published").all()
    assert set(h["region"]) == {"NL"} and set(h["sex"]) == {"all"}
    assert h["share"].notna().all()
    assert list(pd.unique(h["level"])) == [lv for lv in HEADLINE_LEVELS if lv in set(h["level"])]
    assert h.groupby("level")["indicator"].nunique().max() == 1


def test_headline_series_elsewhere_is_the_duo_series(bundled_series):
    h = tp.headline_series(bundled_series, levels=["mbo"], region=["NL", "Oost"])
    assert set(h.loc[h["region"] == "Oost", "origin"]) == {"duo"}
    assert set(h.loc[h["region"] == "NL", "origin"]) == {"published"}


def test_headline_table_is_tidy(headline):
    assert headline["level"].tolist() == list(HEADLINE_LEVELS)
    for col in ["target", "target_year", "as_of", "start", "until", "horizon", "p_target",
                "extra_pp_per_year", "p_until", "first_likely_year", "at_target_since",
                "p_horizon", "status", "reason"]:
        assert col in headline.columns
    assert not [c for c in headline.columns if any(ch.isdigit() for ch in c)]  # no years in names
    assert set(headline["as_of"]) == {DEFAULT_STUDY.as_of}


def test_headline_table_values(headline, bundled_series):
    h = headline.set_index("level")
    p = h["p_target"].dropna()
    assert ((p >= 0) & (p <= 1)).all() and len(p) >= 7
    canon = tp.headline_series(bundled_series)
    for lv in ["havo", "vwo", "mbo", "hbo", "wo"]:
        rows = canon.loc[canon["level"] == lv].set_index("year")["share"]
        assert h.loc[lv, "observed_year_before"] == rows.loc[2019]
        assert h.loc[lv, "last_year"] == rows.index.max()
        assert h.loc[lv, "last_share"] == rows.loc[rows.index.max()]
    assert pd.isna(h.loc["vmbo_bb", "observed_target_year"])  # not published
    # too short: NA with the status and a reason
    assert pd.isna(h.loc["vmbo_gltl", "p_target"]) and h.loc["vmbo_gltl", "status"] == "too_short"
    assert "too few" in h.loc["vmbo_gltl", "reason"]
    # havo/vwo pooled: derived from the havo and vwo counts (pooled), 4 values by 2015/16
    assert h.loc["havo_vwo", "status"] == "ok" and h.loc["havo_vwo", "own_target"] == 0.55
    assert h.loc["mbo", "p_target"] < 0.05 and h.loc["vwo", "p_target"] > 0.95
    assert h.loc["mbo", "extra_pp_per_year"] > 0 > h.loc["vwo", "extra_pp_per_year"]
    assert h.loc["vwo", "at_target_since"] == 2005 and pd.isna(h.loc["vwo", "first_likely_year"])
    assert h.loc["mbo", "model_used"] == "calibrated"
    # no change is forecast: below 40% now, never more likely than not, P grows with time
    for lv in ["havo", "mbo", "hbo", "wo", "ho"]:
        assert pd.isna(h.loc[lv, "first_likely_year"]) and h.loc[lv, "likely_status"] == "ok"
        assert h.loc[lv, "p_until"] <= h.loc[lv, "p_horizon"] < 0.5


def test_headline_probabilities_come_from_probability_by_year(headline, bundled_series):
    havo = tp.headline_series(bundled_series, levels=["havo"])
    p = tp.probability_by_year(havo, target=0.40, n_paths=500)
    by_year = p.set_index("year")["p_target"]
    h = headline.set_index("level").loc["havo"]
    assert math.isclose(by_year.loc[DEFAULT_STUDY.until], h["p_until"])
    assert math.isclose(by_year.loc[DEFAULT_STUDY.horizon], h["p_horizon"])


def test_headline_extra_matches_the_library(headline, bundled_series):
    wo = tp.headline_series(bundled_series, levels=["wo"])
    r = tp.required_acceleration(wo, start=DEFAULT_STUDY.start, n_paths=500)
    assert math.isclose(float(r["extra_pp_per_year"].iloc[0]),
                        float(headline.set_index("level").loc["wo", "extra_pp_per_year"]))


def test_headline_unknown_or_missing_level_is_an_error(bundled_series):
    """A level outside the vocabulary, or one the region has no headline series for, is an
    error naming what exists (never a silent empty row)."""
    fast = DEFAULT_STUDY.replace(n_paths=200)
    with pytest.raises(UnknownNameError, match="did you mean havo") as info:
        headline_table(bundled_series, levels=["havo", "hvo"], study=fast)
    assert info.value.asked == "hvo" and "havo" in info.value.known
    with pytest.raises(MissingDataError, match="'Oost' has no headline series") as info:
        headline_table(bundled_series, levels=["havo", "vmbo_gltl"], region="Oost", study=fast)
    assert info.value.asked == "vmbo_gltl" and "havo" in info.value.known


def test_headline_default_levels_keep_a_no_data_row(bundled_series):
    """With the default levels a level without a headline series in the region is a row with
    status no_data (Oost has no monitor-scale vmbo gl/tl series)."""
    t = headline_table(bundled_series, region="Oost",
                       study=DEFAULT_STUDY.replace(n_paths=200)).set_index("level")
    assert t.loc["vmbo_gltl", "status"] == "no_data" and pd.isna(t.loc["vmbo_gltl", "last_share"])
    assert (t["region"] == "Oost").all()


def test_display_labels_come_from_the_study_columns(headline):
    shown = headline_display(headline.assign(target_year=2021, as_of=2016, start=2017))
    assert "P(40% in 2021), as of 2017" in shown.columns
    assert {"2020/21", "2021/22", "extra from 2017 (pt/yr)"} <= set(shown.columns)
    row = shown.set_index("level").loc["vwo"]
    assert row["first year with P(40%+) >= 50%"] == "already (since 2005)"
    assert shown.set_index("level").loc["mbo", "first year with P(40%+) >= 50%"].startswith(
        "not by 2040 (P in 2040: ")
    assert "P(40%+ in 2030), all data" in shown.columns
    assert not [c for c in shown.columns if "median year" in c or "reached" in c]


def test_findings_name_the_levels_without_a_target_year_value(headline):
    from tpforecast.report.text import findings

    goal = headline.loc[(headline["own_target"] == DEFAULT_STUDY.target)
                        & (headline["own_target_kind"] == "goal")]
    assert len(goal) >= 2
    gap = goal["level"].iloc[0]
    cut = headline.copy()
    cut.loc[cut["level"] == gap, "observed_target_year"] = pd.NA
    line = next(i for i in findings(cut) if i.startswith("In 2020/21"))
    before = goal["observed_year_before"].iloc[0]
    assert f"no value for 2020/21: {gap} ({100 * before:.0f}% in 2019/20)" in line
    assert "no intake level with a value reached 40%" in line or " reached 40%" in line
    assert f"{gap} " not in line.split(": ")[1].split(";")[0]  # not among the levels with a value
    full = next(i for i in findings(headline) if i.startswith("In 2020/21"))
    assert "no value" not in full


def test_a_region_with_only_other_series_names_them(bundled_series):
    with pytest.raises(MissingDataError, match="its other series: twente_index") as info:
        tp.headline_series(bundled_series, region="Twente")
    assert info.value.known == []  # no headline series, and the message says what there is
