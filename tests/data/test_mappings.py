"""Tests of the mapping files and the parsers built on them (tpforecast.data.mappings)."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from tpforecast.data.mappings import (
    FLAG_TOKENS,
    level_aliases,
    level_keys,
    load_breaks,
    load_corrections,
    load_editions,
    load_indicators,
    normalize_level,
    normalize_sex,
    parse_school_year,
    sex_aliases,
)
from tpforecast.data.published import load_figures
from tpforecast.errors import TpDataError


def _assert_where(err: TpDataError, file: Path | str, line: int, column: str) -> None:
    """The message names the file, the line and the column."""
    message = str(err)
    assert str(file) in message
    assert f"line {line}" in message
    assert repr(column) in message


# ------------------------------------------------------------------------------ level names


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("VMBO-BB", "vmbo_bb"),
        ("vmbo bb", "vmbo_bb"),
        ("basisberoeps", "vmbo_bb"),
        ("Basisberoepsgerichte leerweg", "vmbo_bb"),
        ("kader", "vmbo_kb"),
        ("kaderberoepsgerichte leerweg", "vmbo_kb"),
        ("VMBO_KB", "vmbo_kb"),
        ("gemengde leerweg", "vmbo_gl"),
        ("theoretische leerweg", "vmbo_tl"),
        ("mavo", "vmbo_tl"),
        ("HAVO", "havo"),
        ("VWO", "vwo"),
        ("atheneum", "vwo"),
        ("Gymnasium", "vwo"),
        ("MBO", "mbo"),
        ("MBO niveau 1", "mbo_n1"),
        ("entree", "mbo_n1"),
        ("MBO niveau 2", "mbo_n2"),
        ("mbo-niveau-3", "mbo_n3"),
        ("MBO niveau 4", "mbo_n4"),
        ("HBO", "hbo"),
        ("hoger beroepsonderwijs", "hbo"),
        ("universiteit", "wo"),
        ("University", "wo"),
        ("WO", "wo"),
        ("wetenschappelijk onderwijs", "wo"),
        ("hoger onderwijs", "ho"),
        ("Higher Education", "ho"),
        ("  havo  ", "havo"),
        ("doorstroom_havo_ho", "doorstroom_havo_ho"),
        ("vmbo_bbkbgl", "vmbo_bbkbgl"),
        ("mbo_hbo_wo", "mbo_hbo_wo"),
    ],
)
def test_normalize_level_maps_dutch_and_english_names(name: str, key: str) -> None:
    assert normalize_level(name) == key


def test_every_level_key_is_its_own_alias() -> None:
    for key in level_keys():
        assert normalize_level(key) == key
        assert normalize_level(key.upper().replace("_", "-")) == key


def test_every_level_of_the_published_file_is_a_key() -> None:
    figures = load_figures()
    assert set(figures["level"]) <= set(level_keys())


def test_unknown_level_names_close_matches_and_location() -> None:
    with pytest.raises(TpDataError) as info:
        normalize_level("Universitiet", file="synthetic.csv", line=7, column="level")
    _assert_where(info.value, "synthetic.csv", 7, "level")
    assert "universiteit" in str(info.value)
    assert "Universitiet" in str(info.value)


@pytest.mark.parametrize("bad", ["", None, 3, "vmbo-xx-yy"])
def test_normalize_level_rejects_non_names(bad: object) -> None:
    with pytest.raises(TpDataError):
        normalize_level(bad)


def test_synthetic_level_names_duplicate_alias_raises(tmp_path: Path) -> None:
    path = tmp_path / "synthetic_level_names.csv"
    path.write_text("alias,level\nhavo,havo\nvwo,vwo\nHAVO,vwo\n", encoding="utf-8")
    with pytest.raises(TpDataError) as info:
        level_aliases(path)
    _assert_where(info.value, path, 4, "alias")


def test_synthetic_level_names_key_without_self_alias_raises(tmp_path: Path) -> None:
    path = tmp_path / "synthetic_level_names.csv"
    path.write_text("alias,level\nhavo,havo\natheneum,vwo\n", encoding="utf-8")
    with pytest.raises(TpDataError) as info:
        level_aliases(path)
    _assert_where(info.value, path, 3, "level")


# ---------------------------------------------------------------------------------------- sex


@pytest.mark.parametrize(
    ("value", "key"),
    [("all", "all"), ("female", "female"), ("F", "female"), ("vrouw", "female"),
     ("Meisjes", "female"), ("V", "female"), ("male", "male"), ("M", "male"),
     ("man", "male"), ("jongens", "male")],
)
def test_normalize_sex(value: str, key: str) -> None:
    assert normalize_sex(value) == key


def test_unknown_sex_names_location() -> None:
    with pytest.raises(TpDataError) as info:
        normalize_sex("x", file="synthetic.csv", line=3, column="sex")
    _assert_where(info.value, "synthetic.csv", 3, "sex")


def test_synthetic_sex_names_unknown_key_raises(tmp_path: Path) -> None:
    path = tmp_path / "synthetic_sex_names.csv"
    path.write_text("alias,sex\nall,all\nF,woman\n", encoding="utf-8")
    with pytest.raises(TpDataError) as info:
        sex_aliases(path)
    _assert_where(info.value, path, 3, "sex")


# -------------------------------------------------------------------------------- school year


@pytest.mark.parametrize(
    ("text", "year"),
    [("2014/15", 2014), ("2014-2015", 2014), ("2014/2015", 2014), ("'14/'15", 2014),
     ("14/15", 2014), ("2014", 2014), ("2014/15 ", 2014), (" 2014 / 15 ", 2014),
     ("1999/00", 1999), ("99/00", 1999), ("2009-10", 2009), (2014, 2014)],
)
def test_parse_school_year(text: object, year: int) -> None:
    assert parse_school_year(text) == year


@pytest.mark.parametrize("text", ["", "   ", None, float("nan")])
def test_parse_school_year_empty_is_none(text: object) -> None:
    assert parse_school_year(text) is None


@pytest.mark.parametrize("text", ["2014/16", "2014/2016", "14/16", "2015/14"])
def test_parse_school_year_rejects_inconsistent_ranges(text: str) -> None:
    with pytest.raises(TpDataError, match="inconsistent"):
        parse_school_year(text, file="synthetic.csv", line=5, column="school_year")


@pytest.mark.parametrize("text", ["garbage", "2014/1", "20145", "14", "2014/15/16", "schooljaar"])
def test_parse_school_year_rejects_garbage(text: str) -> None:
    with pytest.raises(TpDataError) as info:
        parse_school_year(text, file="synthetic.csv", line=5, column="school_year")
    _assert_where(info.value, "synthetic.csv", 5, "school_year")


# -------------------------------------------------------------------------- bundled tables


def test_indicator_table_is_consistent() -> None:
    table = load_indicators()
    canonical = table[table["canonical"]].drop_duplicates(["indicator", "level"])
    assert not canonical["level"].duplicated().any()
    headline = dict(zip(canonical["level"], canonical["indicator"], strict=True))
    assert headline["havo"] == "havo4_nprofile"
    assert headline["vwo"] == "vwo4_nprofile"
    assert headline["mbo"] == "mbo_instroom_tech"
    assert headline["vmbo_bb"] == headline["vmbo_kb"] == "y3_techprofile"
    assert headline["vmbo_gltl"] == "gltl_diploma_nask"
    for level in ("hbo", "wo", "ho"):
        assert headline[level] == "ho_instroom_betatech"
    tokens = {t for flags in table["flags"] for t in flags.split(";") if t}
    assert tokens <= set(FLAG_TOKENS)


def test_indicator_table_fixes_the_known_level_mislabels() -> None:
    table = load_indicators().set_index(["indicator", "source_level"])
    assert table.loc[("tl_diploma_nask", "vmbo_gltl"), "level"] == "vmbo_tl"
    assert table.loc[("gl_y3_techprofile", "vmbo_gltl"), "level"] == "vmbo_gl"
    assert table.loc[("gl_diploma_nask", "vmbo_gltl"), "level"] == "vmbo_gl"
    assert table.loc[("bbkbgl_y3_techprofile", "vmbo_bbkb"), "level"] == "vmbo_bbkbgl"
    assert not table.loc[("unspecified", "vo"), "include"]


def test_every_published_edition_has_a_plausible_date() -> None:
    editions = load_editions()
    figures = load_figures()
    assert set(figures["source_edition"]) <= set(editions["source_edition"])
    assert editions["edition_date"].between("2005-01-01", "2025-12-31").all()
    # a primary edition whose name carries an ISO date is dated that day
    for row in editions.itertuples(index=False):
        found = re.search(r"\d{4}-\d{2}-\d{2}", row.source_edition)
        if found and row.kind == "primary":
            assert row.edition_date == pd.Timestamp(found.group(0)), row.source_edition


_MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1)}


def test_edition_dates_agree_with_the_dates_and_years_in_their_names() -> None:
    for row in load_editions().itertuples(index=False):
        name, date = row.source_edition, row.edition_date
        named = None
        iso = re.search(r"\b(\d{4})-(\d{2})-(\d{2})\b", name)
        day = re.search(r"\b(\d{1,2}) ([A-Z][a-z]{2}) (\d{4})\b", name)
        if iso:
            named = pd.Timestamp(int(iso[1]), int(iso[2]), int(iso[3]))
        elif day and day[2].lower() in _MONTHS:
            named = pd.Timestamp(int(day[3]), _MONTHS[day[2].lower()], int(day[1]))
        if named is not None:
            # a primary source is dated the day in its name; a report of another edition is
            # dated as that edition, which cannot come after the report
            assert date == named if row.kind == "primary" else date <= named, name
        edition_year = re.search(
            r"(?i)monitor(?: techniekpact)?,? (?:update )?(20\d\d)\b|\b(20\d\d) edition\b", name)
        if edition_year and "refreshed" not in name:
            assert date.year == int(edition_year[1] or edition_year[2]), name


def test_editions_order_known_monitor_editions() -> None:
    dates = load_editions().set_index("source_edition")["edition_date"]
    assert dates["monitor 2021 (site version with 2020/21 data)"] > dates[
        "Techniekpact goals 2016-2020 (doel 4 page)"]
    assert dates["monitor update 2022-04-08"] > dates["monitor 2021 (classification Jan 2021)"]


def test_breaks_table_has_the_two_required_breaks() -> None:
    breaks = load_breaks()
    vmbo = breaks[breaks["break_id"] == "vmbo_profile_reform_2016"]
    assert set(vmbo["action"]) == {"flag"}
    assert (vmbo["first_year"] == 2016).all()
    assert "y3_techprofile" in set(vmbo["indicator"])
    mbo = breaks[breaks["break_id"] == "mbo_definition_2018"].iloc[0]
    assert mbo["action"] == "move"
    assert mbo["to_indicator"] == "mbo_instroom_tech_domain"
    assert mbo["edition_before"] == pd.Timestamp("2018-01-01")


def test_corrections_table_loads() -> None:
    corrections = load_corrections()
    assert (corrections["reason"] != "").all()


# ------------------------------------------------------------------ bad synthetic mappings

_INDICATOR_HEADER = "indicator,source_level,level,canonical,include,flags,description,note\n"


@pytest.mark.parametrize(
    ("body", "line", "column"),
    [
        ("a,havo,havo,true,true,,d,\nb,havo,havo,true,true,,d,\n", 3, "canonical"),
        ("a,havo,havo,true,true,,d,\na,havo,vwo,false,true,,d,\n", 3, "indicator,source_level"),
        ("a,havo,hovo,true,true,,d,\n", 2, "level"),
        ("a,havo,havo,yes,true,,d,\n", 2, "canonical"),
        ("a,havo,havo,true,false,,d,\n", 2, "include"),
        ("a,havo,havo,false,true,shiny,d,\n", 2, "flags"),
        ("a,havo,havo,false,true,,,\n", 2, "description"),
        ("a,havo,havo,true,true,,d,\na,vwo,havo,false,true,,d,\n", 3, "canonical"),
    ],
)
def test_synthetic_indicators_bad_rows_raise(tmp_path: Path, body: str, line: int,
                                             column: str) -> None:
    path = tmp_path / "synthetic_indicators.csv"
    path.write_text(_INDICATOR_HEADER + body, encoding="utf-8")
    with pytest.raises(TpDataError) as info:
        load_indicators(path)
    _assert_where(info.value, path, line, column)


def test_synthetic_indicators_missing_column_raises(tmp_path: Path) -> None:
    path = tmp_path / "synthetic_indicators.csv"
    path.write_text("indicator,source_level,level,include,description\na,havo,havo,true,d\n",
                    encoding="utf-8")
    with pytest.raises(TpDataError) as info:
        load_indicators(path)
    _assert_where(info.value, path, 1, "canonical")


@pytest.mark.parametrize(
    ("body", "line", "column"),
    [
        ("x,2020-13-01,primary,,\n", 2, "edition_date"),
        ("x,1 June 2020,primary,,\n", 2, "edition_date"),
        ("x,2020-06-01,tertiary,,\n", 2, "kind"),
        ("x,2020-06-01,primary,,\nx,2021-06-01,primary,,\n", 3, "source_edition"),
    ],
)
def test_synthetic_editions_bad_rows_raise(tmp_path: Path, body: str, line: int,
                                           column: str) -> None:
    path = tmp_path / "synthetic_editions.csv"
    path.write_text("source_edition,edition_date,kind,document,note\n" + body, encoding="utf-8")
    with pytest.raises(TpDataError) as info:
        load_editions(path)
    _assert_where(info.value, path, line, column)


@pytest.mark.parametrize(
    ("body", "line", "column"),
    [
        ("b,x,,,2016,,2017-01-01,drop,,d\n", 2, "action"),
        ("b,x,,,,,2017-01-01,flag,,d\n", 2, "first_year"),  # neither year nor edition
        ("b,x,,,,2018-01-01,2018-01-01,move,,d\n", 2, "to_indicator"),
        ("b,x,,,20xx,,2017-01-01,flag,,d\n", 2, "first_year"),
        ("b,x,hovo,,2016,,2017-01-01,flag,,d\n", 2, "level"),
        ("b,x,,,2016,,,flag,,d\n", 2, "effective"),  # a break without its date
        ("b,x,,,2016,,2017-13-01,flag,,d\n", 2, "effective"),
        # a break comes at one date: its rows must agree
        ("b,x,,,2016,,2017-01-01,flag,,d\nb,y,,,2016,,2018-01-01,flag,,d\n", 3, "effective"),
    ],
)
def test_synthetic_breaks_bad_rows_raise(tmp_path: Path, body: str, line: int,
                                         column: str) -> None:
    path = tmp_path / "synthetic_breaks.csv"
    header = ("break_id,indicator,level,region,first_year,edition_before,effective,action,"
              "to_indicator,description\n")
    path.write_text(header + body, encoding="utf-8")
    with pytest.raises(TpDataError) as info:
        load_breaks(path)
    _assert_where(info.value, path, line, column)


@pytest.mark.parametrize(
    ("body", "line", "column"),
    [
        ("x,,,,,,,why\n", 2, "new_indicator"),
        ("x,,,percent,,y,,why\n", 2, "measure"),
        ("x,,,,,y,,\n", 2, "reason"),
        ("x,,,,,,hovo,why\n", 2, "new_level"),
    ],
)
def test_synthetic_corrections_bad_rows_raise(tmp_path: Path, body: str, line: int,
                                              column: str) -> None:
    path = tmp_path / "synthetic_corrections.csv"
    header = "indicator,level,region,measure,source_edition,new_indicator,new_level,reason\n"
    path.write_text(header + body, encoding="utf-8")
    with pytest.raises(TpDataError) as info:
        load_corrections(path)
    _assert_where(info.value, path, line, column)
