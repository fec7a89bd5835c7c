"""Vintages (issue 11, item 4): ``load_series(vintage=YEAR)`` is the series as published by
the end of YEAR, built from the bundled data alone; breaks count only from their date."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

import tpforecast as tp
from tpforecast.data.tables import load_breaks, load_editions
from tpforecast.data.vintage import available_vintages, newest_vintage
from tpforecast.errors import TpDataError
from tpforecast.paths import data_dir


@pytest.fixture(scope="module")
def today() -> pd.DataFrame:
    return tp.load_series()


@pytest.fixture(scope="module")
def then() -> pd.DataFrame:
    return tp.load_series(vintage=2016)


def national(series: pd.DataFrame, indicator: str, level: str) -> pd.DataFrame:
    rows = series[(series["indicator"] == indicator) & (series["level"] == level)
                  & (series["region"] == "NL") & (series["sex"] == "all")]
    return rows.set_index("year")


def last_share_up_to(series: pd.DataFrame, year: int) -> tuple[int, float]:
    known = series[(series.index <= year) & series["share"].notna()]
    return int(known.index[-1]), float(known["share"].iloc[-1])


def test_mbo_in_2016_is_the_domain_series_the_plan_saw(today: pd.DataFrame,
                                                        then: pd.DataFrame) -> None:
    # the programme-based count came with the 2018 edition: in 2016 the series is domain-based
    assert last_share_up_to(national(then, "mbo_instroom_tech", "mbo"), 2015) == (2014, 0.31)
    assert last_share_up_to(national(today, "mbo_instroom_tech", "mbo"), 2015) == (2011, 0.27)
    # today the 2016 plan's values are moved to the domain indicator (break mbo_definition_2018)
    assert national(today, "mbo_instroom_tech_domain", "mbo").loc[2014, "share"] == 0.31
    assert "mbo_instroom_tech_domain" not in set(then["indicator"])


def test_havo_2014_was_45_then_and_is_43_now(today: pd.DataFrame, then: pd.DataFrame) -> None:
    assert national(then, "havo4_nprofile", "havo").loc[2014, "share"] == 0.45
    assert national(today, "havo4_nprofile", "havo").loc[2014, "share"] == 0.43
    assert "monitor 2021" in national(today, "havo4_nprofile", "havo").loc[2014, "edition"]


def test_hbo_cluster_list_break_is_flagged_today_not_in_2016(today: pd.DataFrame,
                                                             then: pd.DataFrame) -> None:
    now, old = (national(s, "ho_instroom_betatech", "hbo") for s in (today, then))
    token = "pre_break:ho_cluster_list_2017"
    # the old cluster list: 22% for 2014/15 and 2015/16, flagged today ...
    for year in (2014, 2015):
        assert now.loc[year, "share"] == old.loc[year, "share"] == 0.22
        assert token in now.loc[year, "flags"].split(";")
        # ... but unknown in 2016, when the list had not been revised yet
        assert token not in old.loc[year, "flags"]
    # the new list from the 2017 monitor on: 24-25%, no flag
    later = now[now.index >= 2016]
    assert later["share"].dropna().between(0.23, 0.25).all()
    assert not later["flags"].str.contains(token).any()
    rule = load_breaks().set_index("break_id").loc["ho_cluster_list_2017"]
    assert rule["action"] == "flag" and rule["edition_before"] == pd.Timestamp("2017-06-01")
    assert "24.7%" in rule["description"]  # the evidence is in the rule


def test_no_edition_after_the_vintage(then: pd.DataFrame) -> None:
    dates = load_editions().set_index("source_edition")["edition_date"]
    editions = {e for joined in then["edition"] for e in joined.split(" | ")}
    assert editions and max(dates[e] for e in editions) <= pd.Timestamp("2016-12-31")
    assert set(then["origin"]) == {"published"}  # no DUO file was released by 2016
    assert (then["vintage"] == 2016).all() and str(then["vintage"].dtype) == "Int64"


def test_duo_rows_only_once_released() -> None:
    v2018 = tp.load_series(vintage=2018)
    duo = v2018[v2018["origin"] == "duo"]
    # the wo first-year file 2013-2017 (dated 2018-03-01) is the only DUO release of 2018
    assert {e.split(" | ")[0] for e in duo["edition"]} == {
        "DUO eerstejaars ingeschrevenen wo 2013-2017 (via AnnemijnD/project @c2a37f5)"}
    # its join with the 03b file came with that file (2020): not flagged in 2018, but today
    wo = duo[(duo["indicator"] == "duo_ho_intake_programme") & (duo["region"] == "NL")
             & (duo["sex"] == "all")]
    assert not wo.empty and not wo["flags"].str.contains("pre_break").any()
    now = tp.load_series()
    now_wo = now[(now["indicator"] == "duo_ho_intake_programme") & (now["level"] == "wo")
                 & (now["region"] == "NL") & (now["sex"] == "all") & (now["year"] <= 2014)]
    assert now_wo["flags"].str.contains("pre_break:wo_basis_2015").all()
    # the vo exam proxy is anchored to the pupil file of 1 October 2019: not before 2020
    v2019 = tp.load_series(vintage=2019)
    assert "duo_vo_exam_nprofile" in set(v2019["indicator"])
    assert not v2019["indicator"].str.endswith("_anchored").any()


def test_newest_vintage_is_today(today: pd.DataFrame) -> None:
    assert (today["vintage"] == newest_vintage()).all()
    pd.testing.assert_frame_equal(tp.load_series(vintage=newest_vintage()), today)


@pytest.mark.parametrize("vintage", [2007, 1990, 2026])
def test_vintage_outside_the_editions_is_an_error(vintage: int) -> None:
    with pytest.raises(TpDataError, match="Marvel/Volkskrant c. 2008") as exc:
        tp.load_series(vintage=vintage)
    years = available_vintages()
    assert exc.value.value == vintage and exc.value.column == "vintage"
    assert f"from {years[0]} to {years[-1]}" in str(exc.value)
    assert years[0] == 2008


@pytest.mark.parametrize("vintage", ["2016", 2016.0, True])
def test_vintage_must_be_a_year(vintage: object) -> None:
    with pytest.raises(TpDataError, match="a vintage is a year"):
        tp.load_series(vintage=vintage)


def test_vintage_of_a_user_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(TpDataError, match="bundled data") as exc:
        tp.load_series(data_dir() / "processed" / "series.csv", vintage=2016)
    assert exc.value.column == "vintage"
    assert tp.load_series(data_dir() / "processed" / "series.csv")["vintage"].isna().all()


def test_vintage_without_shared(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                then: pd.DataFrame) -> None:
    """A copy of data/ with no ../shared anywhere gives the same vintage."""
    copy = tmp_path / "data"
    shutil.copytree(data_dir(), copy)
    monkeypatch.setenv("TPFORECAST_DATA", str(copy))
    monkeypatch.setenv("TPFORECAST_SHARED", str(tmp_path / "absent"))
    alone = tp.load_series(vintage=2016)
    pd.testing.assert_frame_equal(alone, then)


def test_clean_log_names_what_a_vintage_leaves_out() -> None:
    log = tp.clean_figures(tp.load_figures(data_dir() / "published" /
                                           "techniekpact_figures.csv"), vintage=2016).log
    dropped = log[log["step"] == "vintage"]
    assert (dropped["action"] == "dropped").all()
    assert dropped["reason"].str.contains("after the end of vintage 2016").all()
    assert dropped["reason"].str.contains(
        "'monitor 2021 (site version with 2020/21 data)' is dated 2021-06-01", regex=False).any()
    assert not log["reason"].str.contains("pre_break:ho_cluster_list_2017").any()


@pytest.mark.filterwarnings("ignore::UserWarning")  # series too short to forecast in 2016
def test_reachability_as_the_2016_plan_saw_it(then: pd.DataFrame) -> None:
    result = tp.reachability(then, as_of=2015)
    hbo = result[(result["indicator"] == "ho_instroom_betatech") & (result["level"] == "hbo")
                 & (result["region"] == "NL") & (result["sex"] == "all")]
    assert (hbo["last_year"].tolist(), hbo["last_share"].tolist()) == ([2015], [0.22])


def test_a_written_vintage_reads_back_with_its_vintage(tmp_path: Path,
                                                       then: pd.DataFrame) -> None:
    path = tmp_path / "synthetic_series_2016.csv"
    then.to_csv(path, index=False, lineterminator="\n")
    pd.testing.assert_frame_equal(tp.load_series(path), then)
