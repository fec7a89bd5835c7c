"""Issue 10: regional series on the monitor's definition, every province and landsdeel.

The real-file tests read the committed series (``load_series()``, rebuilt byte for byte by
test_build) and, for check values of files whose definition is not a series, the raw files in
``../shared`` (skipped without them). Reference values: MANIFEST section 6 and the analysts'
plain-pandas reproductions (``croho/check_values.py``, ``vo/vo_check.py``).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tpforecast.data.benchmark import ANCHOR_BAND, anchor_ratios, monitor_gap
from tpforecast.data.derive import all_regions
from tpforecast.data.duo import read_duo, read_duo_result
from tpforecast.data.loaders import load_series, load_targets
from tpforecast.data.regions import load_regions, region_provinces
from tpforecast.data.shares import technical_share
from tpforecast.errors import TpDataError
from tpforecast.paths import shared_dir

RAW = shared_dir() / "data" / "raw"
PROVINCES = ["Groningen", "Friesland", "Drenthe", "Overijssel", "Flevoland", "Gelderland",
             "Utrecht", "Noord-Holland", "Zuid-Holland", "Zeeland", "Noord-Brabant", "Limburg"]
LANDSDELEN = ["Noord", "Noordwest", "Oost", "Zuidoost", "Zuidwest"]
# where the files hold no institution of the level, no series can exist: no wo location in
# Drenthe or Flevoland, and in Friesland and Zeeland only from 2015/16 (the 2013-2017 file has none
# there); the mbo file covers 37 places, none in Flevoland; the hbo enrolment file 2014-2018
# has no location in Drenthe or Flevoland (the first-year files do)
WO_FROM_2015 = {"Friesland", "Zeeland"}
NO_INSTITUTION = {"wo": {"Flevoland", "Drenthe"}, "mbo": {"Flevoland"},
                  "hbo_enrolment": {"Drenthe", "Flevoland"}}


def needs_shared(test):
    skip = pytest.mark.skipif(not RAW.is_dir(), reason="needs ../shared/data/raw")
    return pytest.mark.shared(skip(test))


@pytest.fixture(scope="module")
def series() -> pd.DataFrame:
    return load_series()


def years_of(series: pd.DataFrame, indicator: str, level: str, region: str,
             sex: str = "all") -> list[int]:
    rows = series[(series["indicator"] == indicator) & (series["level"] == level)
                  & (series["region"] == region) & (series["sex"] == sex)
                  & series["share"].notna()]
    return sorted(int(y) for y in rows["year"])


def one(series: pd.DataFrame, **key: object) -> pd.Series:
    rows = series
    for column, wanted in key.items():
        rows = rows[rows[column] == wanted]
    assert len(rows) == 1, key
    return rows.iloc[0]


# ---------------------------------------------------------------------------------- regions


def test_regions_file_names_every_landsdeel_with_a_status() -> None:
    regions = load_regions()
    assert sorted(regions["province"]) == sorted(PROVINCES)
    assert sorted(set(regions["landsdeel"])) == LANDSDELEN
    oost = regions[regions["landsdeel"] == "Oost"]
    assert sorted(oost["province"]) == ["Gelderland", "Overijssel"]
    assert (oost["status"] == "confirmed").all() and oost["source"].str.contains("seeds/002").all()
    assert (regions.loc[regions["landsdeel"] != "Oost", "status"] == "assumed").all()
    # and the areas of areas.csv (Zwolle: the institutions in its municipality)
    assert set(all_regions()) == {"NL", *LANDSDELEN, *PROVINCES, "Zwolle"}
    assert len(all_regions()) == 19
    members = region_provinces(["Noordwest", "Oost"])
    assert members.groupby("region")["assumed"].all().to_dict() == {"Noordwest": True,
                                                                      "Oost": False}
    with pytest.raises(TpDataError, match="unknown region"):
        region_provinces(["Oostt"])


# --------------------------------------------------------------------------- done-when list


@needs_shared
@pytest.mark.parametrize("region", ["NL", *LANDSDELEN, *PROVINCES])
def test_every_region_has_the_issue_10_series(series: pd.DataFrame, region: str) -> None:
    ten = list(range(2014, 2024))
    for level in ("havo", "vwo"):
        assert years_of(series, "duo_vo_exam_nprofile", level, region) == ten
        assert years_of(series, "duo_vo_pupils_profile", level, region) == [2019]
        assert years_of(series, "duo_vo_exam_nprofile_benchmarked", level, region) == ten
    for level in ("vmbo_bb", "vmbo_kb"):
        assert years_of(series, "duo_vo_exam_techprofile", level, region) == ten
        assert years_of(series, "duo_vo_pupils_profile", level, region) == [2019]
        assert years_of(series, "duo_vo_exam_techprofile_benchmarked", level, region)
    assert years_of(series, "duo_ho_intake_programme", "hbo", region) == list(range(2015, 2025))
    assert years_of(series, "duo_ho_intake_programme_benchmarked", "hbo", region)
    if region not in NO_INSTITUTION["hbo_enrolment"]:
        assert years_of(series, "duo_hbo_enrolment_croho", "hbo", region) == list(
            range(2014, 2019))
        assert years_of(series, "duo_hbo_enrolment_benchmarked", "hbo", region)
    if region not in NO_INSTITUTION["wo"]:
        assert years_of(series, "duo_ho_intake_programme", "wo", region) == list(
            range(2015 if region in WO_FROM_2015 else 2013, 2020))
        assert years_of(series, "duo_ho_intake_programme_benchmarked", "wo", region)
    if region not in NO_INSTITUTION["mbo"]:
        assert years_of(series, "duo_mbo_participants_sector", "mbo", region) == list(
            range(2015, 2020))
        assert years_of(series, "duo_mbo_participants_benchmarked", "mbo", region)


@needs_shared
def test_oost_is_overijssel_plus_gelderland_in_every_count(series: pd.DataFrame) -> None:
    duo = series[(series["origin"] == "duo") & series["n_total"].notna()]
    wide = duo.pivot_table(index=["indicator", "level", "sex", "year"], columns="region",
                           values=["n_tech", "n_total"], aggfunc="sum")
    for count in ("n_tech", "n_total"):
        parts = wide[(count, "Overijssel")].fillna(0) + wide[(count, "Gelderland")].fillna(0)
        assert (wide[(count, "Oost")] == parts).all(), count
        provinces = sum(wide[(count, p)].fillna(0) for p in PROVINCES)
        assert (wide[(count, "NL")] == provinces).all(), count


@needs_shared
def test_flags_say_where_and_how(series: pd.DataFrame) -> None:
    duo = series[series["origin"] == "duo"]
    assert duo["flags"].str.contains("institution_location").all()
    assumed = duo["region"].isin(["Noord", "Noordwest", "Zuidoost", "Zuidwest", "Zwolle"])
    assert duo.loc[assumed, "flags"].str.contains("assumed_region_mapping").all()
    assert not duo.loc[~assumed, "flags"].str.contains("assumed_region_mapping").any()
    hbo = duo[(duo["indicator"] == "duo_ho_intake_programme") & (duo["level"] == "hbo")]
    assert hbo.loc[hbo["year"] < 2020, "flags"].str.contains("pre_break:hbo_basis_2020").all()
    assert not hbo.loc[hbo["year"] >= 2020, "flags"].str.contains("pre_break").any()
    wo = duo[(duo["indicator"] == "duo_ho_intake_programme") & (duo["level"] == "wo")]
    assert set(wo.loc[wo["flags"].str.contains("pre_break:wo_basis_2015"), "year"]) == {2013,
                                                                                        2014}
    vmbo = duo[duo["indicator"] == "duo_vo_exam_techprofile"]
    early = vmbo["year"] < 2017
    assert vmbo.loc[early, "flags"].str.contains("pre_break:vmbo_sector_reform_2017").all()
    assert not vmbo.loc[~early, "flags"].str.contains("pre_break").any()
    enrolment = duo[duo["indicator"].str.startswith("duo_hbo_enrolment")]
    assert enrolment["flags"].str.contains("enrolment_not_intake").all()
    star = duo[duo["source"].str.contains("2020-2024-star")]
    assert not star.empty and star["edition"].str.contains("not DUO's own file").all()


# ------------------------------------------------------------------------------ check values


@needs_shared
@pytest.mark.parametrize(("indicator", "level", "year", "share"), [
    # MANIFEST section 6: exam candidates 2014-2019 (N&T in the profile)
    *[("duo_vo_exam_nt", "havo", 2014 + i, v)
      for i, v in enumerate([.2044, .2141, .2159, .2092, .2028])],
    *[("duo_vo_exam_nt", "vwo", 2014 + i, v)
      for i, v in enumerate([.4064, .4194, .4434, .4366, .4396])],
    # the pupil file 2019/20 (the monitor's definition)
    ("duo_vo_pupils_profile", "havo", 2019, .402), ("duo_vo_pupils_profile", "vwo", 2019, .602),
    ("duo_vo_pupils_profile", "vmbo_bb", 2019, .231),
    ("duo_vo_pupils_profile", "vmbo_kb", 2019, .222),
    ("duo_vo_pupils_profile", "vmbo_gl", 2019, .092),
    # hbo enrolment 2014-2018 (CROHO techniek, all enrolled)
    *[("duo_hbo_enrolment_croho", "hbo", 2014 + i, v)
      for i, v in enumerate([.1825, .1902, .1975, .2038, .2085])],
    # wo first-year bachelors 2013-2014 from the 2013-2017 file, CROHO natuur + techniek
    ("duo_ho_intake_sector", "wo", 2013, .2422), ("duo_ho_intake_sector", "wo", 2014, .2537),
])
def test_national_series_match_manifest_section_6(series: pd.DataFrame, indicator: str,
                                                  level: str, year: int, share: float) -> None:
    row = one(series, indicator=indicator, level=level, region="NL", sex="all", year=year)
    assert row["share"] == pytest.approx(share, abs=0.001)


@needs_shared
def test_files_not_in_a_series_match_manifest_section_6() -> None:
    wo = read_duo(RAW / "duo-wo-eerstejaars-2013-2017" / "eerstejaars.csv")
    assert technical_share(wo, "wo", definition="croho")["share"].round(4).tolist() == [
        .2468, .2610, .2761, .2610, .2623]
    bachelors = technical_share(wo, "wo", definition="bachelor_sector")
    assert bachelors["share"].round(4).tolist() == [.2422, .2537, .2701, .2548, .2552]
    assert bachelors["n_total"].iloc[0] == 38401
    star = read_duo(RAW / "duo-hbo-2020-2024-star" / "feit_eerstejaars.parquet")
    national = technical_share(star, "hbo", definition="croho")  # AD + bachelor, TECHNIEK
    assert national["share"].round(4).tolist() == [.2053, .2036, .2121, .2101, .2073]
    assert national["n_total"].iloc[0] == 109934
    oost = star[star["provincie"].isin(["Overijssel", "Gelderland"])]
    assert technical_share(oost, "hbo", definition="croho")["share"].round(4).tolist() == [
        .1954, .1980, .2039, .1908, .1839]


@needs_shared
@pytest.mark.parametrize(("level", "monitor"), [
    ("havo", "havo4_nprofile"), ("vwo", "vwo4_nprofile"), ("vmbo_bb", "y3_techprofile"),
    ("vmbo_kb", "y3_techprofile")])
def test_pupil_file_matches_the_monitor_in_2019(series: pd.DataFrame, level: str,
                                                monitor: str) -> None:
    pupils = one(series, indicator="duo_vo_pupils_profile", level=level, region="NL",
                 sex="all", year=2019)
    printed = one(series, indicator=monitor, level=level, region="NL", sex="all", year=2019)
    assert abs(pupils["share"] - printed["share"]) <= 0.01


@needs_shared
def test_wo_intake_programme_and_sector_side_by_side(series: pd.DataFrame) -> None:
    """The programme-level list counts Wageningen's beta-technical bachelors; the sector-only
    definition does not (croho analyst: 2019/20 Gelderland 34.0 / 13.3, Oost 44.2 / 27.3)."""
    table = {}
    for indicator in ("duo_ho_intake_programme", "duo_ho_intake_sector"):
        for region in ("Gelderland", "Oost", "NL"):
            row = one(series, indicator=indicator, level="wo", region=region, sex="all",
                      year=2019)
            table[(region, indicator)] = round(100 * row["share"], 1)
    assert table[("Gelderland", "duo_ho_intake_programme")] == 34.0
    assert table[("Gelderland", "duo_ho_intake_sector")] == 13.3
    assert table[("Oost", "duo_ho_intake_programme")] == 44.2
    assert table[("Oost", "duo_ho_intake_sector")] == 27.3
    assert table[("NL", "duo_ho_intake_programme")] == 29.5


@needs_shared
def test_intake_counts_bachelors_only(series: pd.DataFrame) -> None:
    wo = one(series, indicator="duo_ho_intake_programme", level="wo", region="NL", sex="all",
             year=2019)
    assert wo["n_total"] == 59580  # bachelors; all types (with masters) were about 110,000


# ----------------------------------------------------------------------- the monitor's scale


@needs_shared
def test_benchmarked_series_keep_the_regional_ratio(series: pd.DataFrame) -> None:
    bench = series[(series["indicator"] == "duo_ho_intake_programme_benchmarked")
                   & (series["sex"] == "all")]
    basis = series[series["indicator"] == "duo_ho_intake_programme"]
    for year in sorted(set(bench.loc[bench["level"] == "wo", "year"])):
        key = {"level": "wo", "sex": "all", "year": year}
        monitor = one(series, indicator="ho_instroom_betatech", region="NL", **key)["share"]
        nl = one(basis, region="NL", **key)["share"]
        assert one(bench, region="NL", **key)["share"] == pytest.approx(monitor)
        oost = one(basis, region="Oost", **key)["share"]
        assert one(bench, region="Oost", **key)["share"] == pytest.approx(monitor * oost / nl)
    assert bench["flags"].str.contains("benchmarked").all()
    assert bench["n_total"].isna().all()  # a scaled share has no counts
    assert bench["source"].str.contains("shared/data/raw/").all()
    # no monitor value, no benchmarked row: the monitor prints no hbo value for 2016/17
    assert 2016 not in set(bench.loc[bench["level"] == "hbo", "year"])


@needs_shared
def test_vo_proxy_is_anchored_to_the_pupil_file(series: pd.DataFrame) -> None:
    anchors = anchor_ratios(series)
    oost = anchors[(anchors["region"] == "Oost") & (anchors["sex"] == "all")].set_index("level")
    assert oost.loc["havo", "anchor"] == pytest.approx(
        oost.loc["havo", "pupil_share"] / oost.loc["havo", "proxy_share"])
    anchored = one(series, indicator="duo_vo_exam_nprofile_anchored", level="havo",
                   region="Oost", sex="all", year=2019)
    assert anchored["share"] == pytest.approx(oost.loc["havo", "pupil_share"])
    outside = anchors[~anchors["anchor"].between(*ANCHOR_BAND)]
    assert (outside["status"] == "outside_band").all()
    flagged = series[series["indicator"].str.endswith("_anchored")
                     & series["flags"].str.contains("anchor_outside_band")]
    assert set(zip(flagged["level"], flagged["region"], flagged["sex"], strict=True)) == set(
        zip(outside["level"], outside["region"], outside["sex"], strict=True))
    # vo analyst: Oost havo on the monitor's scale 2023/24 = 38.0
    bench = one(series, indicator="duo_vo_exam_nprofile_benchmarked", level="havo",
                region="Oost", sex="all", year=2023)
    assert round(100 * bench["share"], 1) == 38.0


@needs_shared
def test_monitor_gap_is_shown_not_tuned_away(series: pd.DataFrame) -> None:
    gap = monitor_gap(series)
    wo = gap[(gap["level"] == "wo") & (gap["year"] == 2019)].iloc[0]
    assert wo["monitor_share"] == pytest.approx(0.35)
    assert wo["gap_pp"] == pytest.approx(100 * (wo["duo_share"] - 0.35))
    assert wo["gap_pp"] < -4  # the programme list narrows the 12-point gap, it does not close it


def test_mbo_ambition_is_a_target() -> None:
    targets = load_targets()
    mbo = targets[(targets["level"] == "mbo") & (targets["kind"] == "ambition")]
    assert mbo["target"].tolist() == [0.30]
    assert mbo["source"].str.contains("doel 9").all()


# ------------------------------------------------------------------------------- the readers


def synthetic_pupils(tmp_path: Path, name: str = "synthetic_leerlingen-2019.csv") -> Path:
    text = ("BRIN NUMMER;VESTIGINGSNUMMER;PROVINCIE VESTIGING;ONDERWIJSTYPE VO EN LEER- OF "
            "VERBLIJFSJAAR;OPLEIDINGSNAAM;LEER- OF VERBLIJFSJAAR 3 - MAN;"
            "LEER- OF VERBLIJFSJAAR 3 - VROUW;LEER- OF VERBLIJFSJAAR 4 - MAN;"
            "LEER- OF VERBLIJFSJAAR 4 - VROUW\n"
            "00AA;00;Overijssel;HAVO lj 4-5;HAVO Prf Nat/Tech;0;0;7;2\n"
            "00AA;00;Overijssel;HAVO lj 4-5;HAVO Prf Ec/Maat;0;0;5;9\n")
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_synthetic_year_in_school_columns(tmp_path: Path) -> None:
    result = read_duo_result(synthetic_pupils(tmp_path))
    counts = result.frame
    assert set(counts["year"]) == {2019} and set(counts["measure"]) == {"pupils"}
    assert counts["leerjaar"].tolist()[:4] == ["3", "3", "4", "4"]
    assert result.notes["message"].str.contains("taken from the file name").any()
    share = technical_share(counts, "havo", definition="pupils_nprofile")
    assert (share["n_tech"].iloc[0], share["n_total"].iloc[0]) == (9, 23)
    with pytest.raises(TpDataError, match="file name") as exc:
        read_duo(synthetic_pupils(tmp_path, "synthetic_leerlingen.csv"))
    assert exc.value.line == 1 and exc.value.column == "LEER- OF VERBLIJFSJAAR 3 - MAN"


def test_synthetic_unlisted_programme_is_refused(tmp_path: Path) -> None:
    path = synthetic_pupils(tmp_path)
    path.write_text(path.read_text().replace("HAVO Prf Ec/Maat", "HAVO Prf Onbekend"))
    counts = read_duo(path)
    with pytest.raises(TpDataError) as exc:  # unknown profiles are never silently non-bèta
        technical_share(counts, "havo", definition="pupils_nprofile")
    assert exc.value.line == 3 and exc.value.value == "HAVO Prf Onbekend"


def test_synthetic_doubled_carriage_returns(tmp_path: Path) -> None:
    text = "PROVINCIE;CROHO ONDERDEEL;2014 Man;2014 Vrouw\r\r\nOverijssel;techniek;3;1\r\r\n"
    path = tmp_path / "synthetic_crcrlf.csv"
    path.write_bytes(text.encode())
    result = read_duo_result(path)
    assert result.frame["line"].tolist() == [2, 2]
    assert result.notes["message"].str.contains("doubled carriage return").any()


@pytest.fixture
def star_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "star"
    copy.mkdir()
    for path in (RAW / "duo-hbo-2020-2024-star").glob("*.parquet"):
        copy.joinpath(path.name).write_bytes(path.read_bytes())
    return copy


@needs_shared
def test_star_sexes_add_up_to_programme_and_sector_totals(star_copy: Path) -> None:
    result = read_duo_result(star_copy / "feit_eerstejaars_geslacht.parquet")
    assert result.notes["message"].str.contains(
        "add up to the totals of feit_eerstejaars.parquet").any()
    assert result.notes["message"].str.contains("feit_eerstejaars_oplvorm.parquet").any()
    # a sex count 100 too high no longer adds up to its sector total: refused at its row
    facts = pd.read_parquet(star_copy / "feit_eerstejaars_geslacht.parquet")
    row = int(facts.index[~facts["is_onderdrukt"]][2])
    facts.loc[row, "aantal_eerstejaars"] += 100
    facts.to_parquet(star_copy / "feit_eerstejaars_geslacht.parquet", index=False)
    with pytest.raises(TpDataError, match="total disagrees with the sum of its parts") as exc:
        read_duo(star_copy / "feit_eerstejaars_geslacht.parquet")
    assert exc.value.column == "aantal_eerstejaars"
    assert exc.value.file.endswith("feit_eerstejaars_geslacht.parquet")
    assert exc.value.row is not None and exc.value.row <= row + 1


@needs_shared
def test_star_suppressed_cells_are_bounds_in_the_totals(star_copy: Path) -> None:
    """A suppressed sex cell counts 1..4: the sector total may be anything from the known
    sexes + 1 to the known sexes + 4, and nothing outside."""
    sexes = pd.read_parquet(star_copy / "feit_eerstejaars_geslacht.parquet")
    sectors = pd.read_parquet(star_copy / "feit_eerstejaars_oplvorm.parquet")
    keys = ["tijd_key", "instelling_key", "sector_key", "geografie_key"]
    hidden_sexes = sexes.groupby(keys)["is_onderdrukt"].sum()
    hidden_sectors = sectors.groupby(keys)["is_onderdrukt"].sum()
    group = next(k for k, n in hidden_sexes.items() if n == 1 and hidden_sectors[k] == 0)
    in_group = (sexes[keys] == list(group)).all(axis=1)
    known = int(sexes.loc[in_group & ~sexes["is_onderdrukt"], "aantal_eerstejaars"].sum())
    rows = sectors.index[(sectors[keys] == list(group)).all(axis=1)]
    current = int(sectors.loc[rows, "aantal_eerstejaars"].sum())
    for total, refused in ((known + 1, False), (known + 4, False), (known, True),
                           (known + 5, True)):
        changed = sectors.copy()
        changed.loc[rows[0], "aantal_eerstejaars"] += total - current
        changed.to_parquet(star_copy / "feit_eerstejaars_oplvorm.parquet", index=False)
        if refused:
            with pytest.raises(TpDataError, match=f"= {known + 1}..{known + 4}"):
                read_duo(star_copy / "feit_eerstejaars_geslacht.parquet")
        else:
            assert len(read_duo(star_copy / "feit_eerstejaars_geslacht.parquet")) == len(sexes)


@needs_shared
def test_star_total_without_sexes_is_refused(star_copy: Path) -> None:
    sectors = pd.read_parquet(star_copy / "feit_eerstejaars_oplvorm.parquet")
    extra = sectors.iloc[[0]].assign(id=sectors["id"].max() + 1, geografie_key=999)
    pd.concat([sectors, extra]).to_parquet(star_copy / "feit_eerstejaars_oplvorm.parquet",
                                           index=False)
    with pytest.raises(TpDataError, match="without any row by sex") as exc:
        read_duo(star_copy / "feit_eerstejaars_geslacht.parquet")
    assert exc.value.file.endswith("feit_eerstejaars_oplvorm.parquet")
    assert exc.value.row == len(sectors) + 1


@needs_shared
def test_star_sexes_alone_are_read_with_a_note(tmp_path: Path) -> None:
    for path in (RAW / "duo-hbo-2020-2024-star").glob("*.parquet"):
        if path.name.startswith("dim_") or path.name == "feit_eerstejaars_geslacht.parquet":
            tmp_path.joinpath(path.name).write_bytes(path.read_bytes())
    result = read_duo_result(tmp_path / "feit_eerstejaars_geslacht.parquet")
    assert result.notes["message"].str.contains("sexes not checked against totals").any()


def test_zwolle_counts_the_institutions_in_its_municipality(series: pd.DataFrame) -> None:
    """An area (areas.csv) is summed from the rows located in its municipalities: mbo by the
    place of the college (plaatsnaam), hbo by the municipality (gemeentenaam); its extent is
    assumed, so every row is flagged; it lies inside Overijssel."""
    zwolle = series[(series["region"] == "Zwolle") & (series["sex"] == "all")]
    assert {"duo_mbo_participants_sector", "duo_ho_intake_programme"} <= set(zwolle["indicator"])
    assert zwolle["flags"].str.contains("assumed_region_mapping").all()
    ov = series[(series["region"] == "Overijssel") & (series["sex"] == "all")]
    both = zwolle.merge(ov, on=["indicator", "level", "year"], suffixes=("", "_ov"))
    duo = both[both["n_total"].notna()]
    assert len(duo) and (duo["n_total"] < duo["n_total_ov"]).all()
    mbo = zwolle[zwolle["indicator"] == "duo_mbo_participants_sector"].set_index("year")
    assert sorted(mbo.index) == list(range(2015, 2020)) and mbo.loc[2015, "n_tech"] > 5000
