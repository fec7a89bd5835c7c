"""Tests of tpforecast.data.derive: DUO series in the canonical frame, nationally and regionally."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest

from tpforecast.data.derive import (
    DEFAULT_REGIONS,
    SERIES_COLUMNS,
    derive_duo_series,
    load_duo_indicators,
)
from tpforecast.data.shares import technical_share
from tpforecast.errors import TpDataError
from tpforecast.paths import shared_dir

RAW = shared_dir() / "data" / "raw"
KEY = ["indicator", "level", "region", "sex", "year"]
REGIONS = {"NL", "Oost", "Overijssel", "Gelderland"}
VO_LEVELS = {"vmbo_bb", "vmbo_kb", "vmbo_bbkb", "vmbo_gl", "vmbo_tl", "vmbo_gltl"}
# the indicators of the four synthetic files (the 2019 releases only; the vo definitions are
# the listed ones of the real build, so every programme name below is in vo_programmes.csv)
SYNTHETIC_SPEC = Path(__file__).parent / "synthetic_duo_indicators.csv"


def needs_shared(test):
    """Mark a test that reads the real files in ../shared/data/raw (skipped without them)."""
    skip = pytest.mark.skipif(not RAW.is_dir(), reason="needs ../shared/data/raw")
    return pytest.mark.shared(skip(test))


# ----------------------------------------------------------------------------------------------
# a synthetic raw folder with the four DUO files at the paths of duo_indicators.csv
# ----------------------------------------------------------------------------------------------

SYNTHETIC_MBO = """BRIN NUMMER;PLAATSNAAM;MBO SECTOR;MAN2015;VROUW2015;TOTAAL2015
01AA;ZWOLLE;techniek;10;2;12
01AA;ZWOLLE;economie;5;5;10
02BB;ARNHEM;techniek;4;;4
02BB;ARNHEM;zorg en welzijn;1;9;10
03CC;AMSTERDAM;techniek;1;1;2
03CC;AMSTERDAM;economie;0;8;8
"""
SYNTHETIC_HO = """PROVINCIE;CROHO ONDERDEEL;GESLACHT;2015
Overijssel;techniek;man;8
Overijssel;economie;vrouw;12
Gelderland;natuur;vrouw;3
Gelderland;recht;man;7
Utrecht;techniek;man;5
Utrecht;taal en cultuur;vrouw;15
"""
_VO_HEADER = (
    "GEMEENTENAAM;ONDERWIJSTYPE VO;OPLEIDINGSNAAM;"
    "EXAMENKANDIDATEN SCHOOLJAAR 2019-2020 - MAN;"
    "EXAMENKANDIDATEN SCHOOLJAAR 2019-2020 - VROUW;"
    "EXAMENKANDIDATEN SCHOOLJAAR 2019-2020 - TOTAAL;"
    "SLAAGPERC SCHOOLJAAR 2019-2020 - TOTAAL"
)
_VO_PROGRAMMES = [
    ("HAVO", "HAVO - N&T"),
    ("HAVO", "HAVO - N&G"),
    ("HAVO", "HAVO - E&M"),
    ("VWO", "VWO - N&T / N&G"),
    ("VWO", "VWO - C&M"),
    ("VMBO", "VMBO B - techniek"),
    ("VMBO", "VMBO B - economie"),
    ("VMBO", "VMBO K - techniek"),
    ("VMBO", "VMBO K - economie"),
    ("VMBO", "VMBO G - techniek"),
    ("VMBO", "VMBO G - economie"),
    ("VMBO", "VMBO T - techniek"),
    ("VMBO", "VMBO T - economie"),
    ("VMBO", "VMBO LWT - techniek"),
    ("VMBO", "VMBO LWT - economie"),
]


def synthetic_vo() -> str:
    lines = [_VO_HEADER]
    for town, base in (("ENSCHEDE", 10), ("NIJMEGEN", 20), ("UTRECHT", 30)):
        for i, (kind, programme) in enumerate(_VO_PROGRAMMES):
            man, woman = base + i, i
            total: int | str = man + woman
            if town == "ENSCHEDE" and programme.startswith("VMBO LWT"):
                # a suppressed total must fit its parts (the reader checks TOTAAL = MAN + VROUW)
                man, woman, total = 1, i % 3, "<5"
            lines.append(f'"{town}";"{kind}";"{programme}";"{man}";"{woman}";"{total}";"99.0"')
    return "\r\n".join(lines) + "\r\n"


@pytest.fixture(scope="module")
def synthetic_raw(tmp_path_factory: pytest.TempPathFactory) -> Path:
    raw = tmp_path_factory.mktemp("synthetic_raw")
    files = {
        "duo-tekkieworden/mbo_inscriptions_2019.csv": SYNTHETIC_MBO,
        "duo-tekkieworden/hbo_inscriptions_2019.csv": SYNTHETIC_HO,
        "duo-tekkieworden/wo_inscriptions_2019.csv": SYNTHETIC_HO.replace("techniek", "natuur"),
        "duo-vo-examens-alleschools/duo_examen_raw_all.csv": synthetic_vo(),
    }
    for relative, text in files.items():
        (raw / relative).parent.mkdir(parents=True, exist_ok=True)
        (raw / relative).write_text(text, encoding="utf-8")
    return raw


@pytest.fixture(scope="module")
def synthetic_series(synthetic_raw: Path) -> pd.DataFrame:
    return derive_duo_series(synthetic_raw, DEFAULT_REGIONS, indicators=SYNTHETIC_SPEC)


def value(series: pd.DataFrame, **key: object) -> pd.Series:
    mask = pd.Series(True, index=series.index)
    for column, wanted in key.items():
        mask &= series[column] == wanted
    assert mask.sum() == 1, key
    return series[mask].iloc[0]


@pytest.mark.parametrize(
    ("region", "n_tech", "n_total"),
    [("NL", 18, 46), ("Oost", 16, 36), ("Overijssel", 12, 22), ("Gelderland", 4, 14)],
)
def test_synthetic_mbo_regions(
    synthetic_series: pd.DataFrame, region: str, n_tech: int, n_total: int
) -> None:
    row = value(synthetic_series, level="mbo", region=region, sex="all", year=2015)
    assert (row["n_tech"], row["n_total"]) == (n_tech, n_total)
    assert row["share"] == pytest.approx(n_tech / n_total)
    assert row["indicator"] == "duo_mbo_participants_sector"
    assert row["source"] == "shared/data/raw/duo-tekkieworden/mbo_inscriptions_2019.csv"
    assert row["flags"] == (
        "derived;institution_location;participants_not_entrants;share_from_counts"
    )


def test_synthetic_frame_shape(synthetic_series: pd.DataFrame) -> None:
    assert list(synthetic_series.columns) == SERIES_COLUMNS
    assert not synthetic_series.duplicated(KEY).any()
    assert synthetic_series.equals(synthetic_series.sort_values(KEY).reset_index(drop=True))
    assert set(synthetic_series["region"]) == REGIONS
    assert set(synthetic_series["sex"]) == {"all", "female", "male"}
    assert set(synthetic_series["origin"]) == {"duo"}
    assert not synthetic_series["canonical"].any()
    expected = load_duo_indicators(SYNTHETIC_SPEC)[["indicator", "level"]].drop_duplicates()
    got = synthetic_series[["indicator", "level"]].drop_duplicates().reset_index(drop=True)
    pd.testing.assert_frame_equal(
        got, expected.sort_values(["indicator", "level"]).reset_index(drop=True)
    )
    dtypes = synthetic_series.dtypes.astype(str).to_dict()
    assert dtypes["year"] == "Int64" and dtypes["share"] == "Float64"
    assert dtypes["n_tech"] == "Int64" and dtypes["canonical"] == "bool"


def test_synthetic_ho_sex_and_stacking(synthetic_series: pd.DataFrame) -> None:
    hbo = value(synthetic_series, level="hbo", region="Oost", sex="all", year=2015)
    assert (hbo["n_tech"], hbo["n_total"]) == (8, 30)  # techniek only; sexes summed
    wo = value(synthetic_series, level="wo", region="Oost", sex="all", year=2015)
    assert (wo["n_tech"], wo["n_total"]) == (11, 30)  # natuur counts for wo
    ho = value(synthetic_series, level="ho", region="NL", sex="female", year=2015)
    # female: hbo natuur 3 is not technical in hbo (techniek only); wo natuur 3 is
    assert (ho["n_tech"], ho["n_total"]) == (3, 30 + 30)
    assert ho["source"] == (
        "shared/data/raw/duo-tekkieworden/hbo_inscriptions_2019.csv | "
        "shared/data/raw/duo-tekkieworden/wo_inscriptions_2019.csv"
    )


def test_synthetic_vo_levels_and_flags(synthetic_series: pd.DataFrame) -> None:
    vo = synthetic_series[synthetic_series["indicator"].str.startswith("duo_vo_")]
    assert set(vo["level"]) == VO_LEVELS | {"havo", "vwo"}
    assert set(vo["year"]) == {2019}
    assert vo["flags"].str.contains("exam_candidates_proxy").all()
    bb = vo[(vo["level"] == "vmbo_bb") & (vo["indicator"] == "duo_vo_exam_techprofile")
            ].set_index(["region", "sex"])
    # LWT is pooled into bb; only Overijssel (Enschede) has a suppressed LWT total, so only
    # its regions carry the flag
    assert bb.loc[("Overijssel", "all"), "flags"].endswith(";suppressed_cells")
    assert bb.loc[("Oost", "all"), "flags"].endswith(";suppressed_cells")
    assert "suppressed_cells" not in bb.loc[("Gelderland", "all"), "flags"]
    assert "suppressed_cells" not in bb.loc[("Overijssel", "male"), "flags"]
    # Gelderland (Nijmegen: programme i has 20 + i men and i women): B techniek 30,
    # B economie 32, LWT techniek 46, LWT economie 48: LWT counts in bb
    nijmegen = bb.loc[("Gelderland", "all")]
    assert (nijmegen["n_tech"], nijmegen["n_total"]) == (30 + 46, 30 + 32 + 46 + 48)
    nt = value(
        synthetic_series,
        indicator="duo_vo_exam_nt",
        level="havo",
        region="Overijssel",
        sex="all",
        year=2019,
    )
    assert (nt["n_tech"], nt["n_total"]) == (10, 10 + 12 + 14)


def test_synthetic_is_deterministic(synthetic_raw: Path, synthetic_series: pd.DataFrame) -> None:
    again = derive_duo_series(synthetic_raw, DEFAULT_REGIONS, indicators=SYNTHETIC_SPEC)
    assert to_csv_bytes(again) == to_csv_bytes(synthetic_series)


def test_unknown_region(synthetic_raw: Path) -> None:
    with pytest.raises(TpDataError, match="unknown region") as exc:
        derive_duo_series(synthetic_raw, regions=("NL", "Twente"), indicators=SYNTHETIC_SPEC)
    assert exc.value.value == "Twente"


def test_synthetic_unmapped_place_is_an_error(tmp_path: Path, synthetic_raw: Path) -> None:
    raw = tmp_path / "raw"
    for path in synthetic_raw.rglob("*.csv"):
        target = raw / path.relative_to(synthetic_raw)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(path.read_bytes())
    mbo = raw / "duo-tekkieworden" / "mbo_inscriptions_2019.csv"
    mbo.write_text(SYNTHETIC_MBO.replace("AMSTERDAM", "ATLANTIS"), encoding="utf-8")
    with pytest.raises(TpDataError, match="match no province") as exc:
        derive_duo_series(raw, DEFAULT_REGIONS, indicators=SYNTHETIC_SPEC)
    assert exc.value.value == ["ATLANTIS"]


def test_indicator_file_describes_every_indicator() -> None:
    table = load_duo_indicators()
    assert (table["description"].str.len() > 20).all()
    assert set(table["indicator"]) == {
        "duo_mbo_participants_sector",
        "duo_ho_intake_programme",
        "duo_ho_intake_sector",
        "duo_hbo_intake_ad",
        "duo_hbo_enrolment_croho",
        "duo_hbo_enrolment_programme",
        "duo_vo_exam_nt",
        "duo_vo_exam_nprofile",
        "duo_vo_exam_techprofile",
        "duo_vo_pupils_profile",
    }
    assert table["indicator"].str.startswith("duo_").all()


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue().encode()


# ----------------------------------------------------------------------------------------------
# real files
# ----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def series() -> pd.DataFrame:
    return derive_duo_series(RAW)


@needs_shared
def test_real_series_coverage(series: pd.DataFrame) -> None:
    assert list(series.columns) == SERIES_COLUMNS
    assert not series.duplicated(KEY).any()
    years = series.groupby(["indicator", "level"])["year"].agg(lambda y: sorted(set(y)))
    assert years[("duo_mbo_participants_sector", "mbo")] == list(range(2015, 2020))
    assert years[("duo_ho_intake_programme", "hbo")] == list(range(2015, 2025))
    assert years[("duo_ho_intake_programme", "wo")] == list(range(2013, 2020))
    assert years[("duo_hbo_enrolment_croho", "hbo")] == list(range(2014, 2019))
    for level in ("havo", "vwo"):
        assert years[("duo_vo_exam_nprofile", level)] == list(range(2014, 2024))
    for level in ("vmbo_bb", "vmbo_kb"):
        assert years[("duo_vo_exam_techprofile", level)] == list(range(2014, 2024))
        assert years[("duo_vo_pupils_profile", level)] == [2019]
    assert set(series["region"]) == {"NL", "Noord", "Noordwest", "Oost", "Zuidoost", "Zuidwest",
                                     "Groningen", "Friesland", "Drenthe", "Overijssel",
                                     "Flevoland", "Gelderland", "Utrecht", "Noord-Holland",
                                     "Zuid-Holland", "Zeeland", "Noord-Brabant", "Limburg",
                                     "Zwolle"}
    assert series["share"].between(0, 1).all()
    known = series["share"].notna()
    assert (series.loc[known, "share_lo"] <= series.loc[known, "share"]).all()
    assert (series.loc[known, "share"] <= series.loc[known, "share_hi"]).all()


@needs_shared
@pytest.mark.parametrize(
    ("indicator", "level", "year", "percent"),
    [
        ("duo_mbo_participants_sector", "mbo", 2015, 28.0),
        ("duo_mbo_participants_sector", "mbo", 2019, 26.7),
        ("duo_vo_exam_nt", "havo", 2019, 19.0),
        ("duo_vo_exam_nt", "havo", 2023, 14.3),
        ("duo_vo_exam_nt", "vwo", 2019, 43.8),
        ("duo_vo_exam_nt", "vwo", 2023, 37.7),
    ],
)
def test_real_national_values_match_manifest(
    series: pd.DataFrame, indicator: str, level: str, year: int, percent: float
) -> None:
    row = value(series, indicator=indicator, level=level, region="NL", sex="all", year=year)
    assert 100 * row["share"] == pytest.approx(percent, abs=0.1)


@needs_shared
def test_real_oost_is_overijssel_plus_gelderland(series: pd.DataFrame) -> None:
    wide = series.pivot_table(
        index=["indicator", "level", "sex", "year"],
        columns="region",
        values=["n_tech", "n_total"],
        aggfunc="sum",
    )
    for count in ("n_tech", "n_total"):
        parts = wide[(count, "Overijssel")] + wide[(count, "Gelderland")]
        assert (wide[(count, "Oost")] == parts).all()
        assert (wide[(count, "NL")] >= wide[(count, "Oost")]).all()
    assert (wide[("n_total", "NL")] > wide[("n_total", "Oost")]).all()


@needs_shared
def test_real_female_and_male_add_up_to_all_for_ho(series: pd.DataFrame) -> None:
    ho = series[(series["indicator"] == "duo_ho_intake_sector") & (series["year"] <= 2019)]
    wide = ho.pivot_table(index=["level", "region", "year"], columns="sex", values="n_total")
    assert (wide["female"] + wide["male"] == wide["all"]).all()


@needs_shared
def test_real_flags_and_sources(series: pd.DataFrame) -> None:
    for flags in series["flags"]:
        tokens = flags.split(";")
        assert tokens == sorted(tokens) and "institution_location" in tokens
    mbo = series[series["level"] == "mbo"]
    assert mbo["flags"].str.contains("participants_not_entrants").all()
    vo = series[series["indicator"].str.startswith("duo_vo_exam")]
    assert vo["flags"].str.contains("exam_candidates_proxy").all()
    pupils = series[series["indicator"] == "duo_vo_pupils_profile"]
    assert not pupils["flags"].str.contains("proxy").any()
    assert vo["flags"].str.contains("suppressed_cells").any()
    assert not series.loc[series["level"] == "mbo", "flags"].str.contains("suppressed").any()
    for source in set(series["source"]):
        assert ";" not in source  # several sources are joined by " | "
        for part in source.split(" | "):
            assert part.startswith("shared/data/raw/")
            assert (RAW.parents[2] / part).is_file(), part
    assert series["edition"].str.startswith("DUO").all()
    star = series[series["source"].str.contains("star")]
    assert star["edition"].str.contains("not DUO's own file").all()


@needs_shared
def test_real_values_equal_technical_share(series: pd.DataFrame) -> None:
    from tpforecast.data.duo import read_duo

    vo = read_duo(RAW / "duo-vo-examens-alleschools" / "duo_examen_raw_all.csv")
    direct = technical_share(vo, "vwo", by=("sex", "year"), definition="exam_nprofile")
    derived = series[
        (series["indicator"] == "duo_vo_exam_nprofile")
        & (series["level"] == "vwo")
        & (series["region"] == "NL") & (series["year"] >= 2019)
    ].reset_index(drop=True)
    for column in ("n_tech", "n_total", "share", "share_lo", "share_hi"):
        assert derived[column].tolist() == direct[column].tolist(), column


@needs_shared
def test_real_rebuild_is_byte_identical(series: pd.DataFrame) -> None:
    assert to_csv_bytes(derive_duo_series(RAW)) == to_csv_bytes(series)


@pytest.mark.parametrize(
    ("drop_edition", "duplicate", "line", "column"),
    [(False, True, 3, "indicator,level,files"), (True, False, 1, "edition")],
)
def test_synthetic_duo_indicators_bad_file(
    tmp_path: Path, drop_edition: bool, duplicate: bool, line: int, column: str
) -> None:
    table = load_duo_indicators().drop(columns="line").head(1)
    if duplicate:
        table = pd.concat([table, table])
    if drop_edition:
        table = table.drop(columns="edition")
    path = tmp_path / "synthetic_duo_indicators.csv"
    table.to_csv(path, index=False)
    with pytest.raises(TpDataError) as exc:
        load_duo_indicators(path)
    message = str(exc.value)
    assert str(path) in message and f"line {line}" in message
    assert f"column {column!r}" in message


def test_synthetic_undated_release_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "synthetic_duo_indicators.csv"
    text = SYNTHETIC_SPEC.read_text(encoding="utf-8")
    path.write_text(text.replace("DUO release 2019 (via rmania/tekkieworden @8c34d5a)",
                                 "DUO release 2031", 1), encoding="utf-8")
    with pytest.raises(TpDataError, match="without a date") as exc:
        load_duo_indicators(path)
    assert (exc.value.line, exc.value.column, exc.value.value) == (2, "edition",
                                                                   "DUO release 2031")
