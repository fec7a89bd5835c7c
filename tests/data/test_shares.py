"""Tests of tpforecast.data.shares: classification as data, suppressed-cell bounds, real shares."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tpforecast.data.duo import read_duo
from tpforecast.data.shares import known_levels, load_classification, stack_counts, technical_share
from tpforecast.errors import TpDataError
from tpforecast.paths import shared_dir

RAW = shared_dir() / "data" / "raw"


def needs_shared(test):
    """Mark a test that reads the real files in ../shared/data/raw (skipped without them)."""
    skip = pytest.mark.skipif(not RAW.is_dir(), reason="needs ../shared/data/raw")
    return pytest.mark.shared(skip(test))


def counts_from(tmp_path: Path, name: str, text: str) -> pd.DataFrame:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return read_duo(path)


@pytest.fixture
def synthetic_vo(tmp_path: Path) -> pd.DataFrame:
    header = (
        "GEMEENTENAAM;ONDERWIJSTYPE VO;OPLEIDINGSNAAM;"
        "EXAMENKANDIDATEN SCHOOLJAAR 2019-2020 - MAN;"
        "EXAMENKANDIDATEN SCHOOLJAAR 2019-2020 - VROUW;"
        "EXAMENKANDIDATEN SCHOOLJAAR 2019-2020 - TOTAAL;"
        "GESLAAGDEN SCHOOLJAAR 2019-2020 - TOTAAL"
    )
    rows = [
        "ZWOLLE;HAVO;HAVO - N&T;6;4;10;9",
        "ZWOLLE;HAVO;HAVO - N&T / N&G;<5;<5;<5;<5",
        "ZWOLLE;HAVO;HAVO - N&G;5;15;20;20",
        "ZWOLLE;HAVO;HAVO - E&M;10;<5;12;12",
        "ZWOLLE;HAVO;HAVO - C&M;<5;6;8;8",
        "ZWOLLE;VWO;VWO - N&T;7;3;10;10",
        "ZWOLLE;VWO;VWO - C&M;5;5;10;10",
        "ZWOLLE;VMBO;VMBO B - techniek;8;0;8;8",
        "ZWOLLE;VMBO;VMBO B - zorg en welzijn;0;12;12;12",
        "ZWOLLE;VMBO;VMBO K - techniek;5;;5;5",
        "ZWOLLE;VMBO;VMBO K - economie;5;5;10;10",
        "ZWOLLE;VMBO;VMBO G - techniek;3;1;4;4",
        "ZWOLLE;VMBO;VMBO G - economie;6;10;16;16",
        "ZWOLLE;VMBO;VMBO T - techniek;10;5;15;15",
        "ZWOLLE;VMBO;VMBO T - economie;15;20;35;35",
        "ZWOLLE;VMBO;VMBO T;0;0;0;0",
        "ZWOLLE;VMBO;VMBO LWT - techniek;<5;0;<5;<5",
        "ZWOLLE;VMBO;VMBO LWT - zorg & welzijn;5;<5;7;7",
    ]
    return counts_from(tmp_path, "synthetic_vo.csv", "\n".join([header, *rows]) + "\n")


def one(result: pd.DataFrame) -> pd.Series:
    assert len(result) == 1
    return result.iloc[0]


def test_bounds_for_suppressed_cells(synthetic_vo: pd.DataFrame) -> None:
    row = one(technical_share(synthetic_vo, "havo", by=("sex",)).query("sex == 'male'"))
    # male: tech N&T 6 + N&T/N&G <5; other N&G 5, E&M 10, C&M <5
    assert (row["n_tech"], row["n_total"], row["n_suppressed"]) == (6, 21, 2)
    assert row["share"] == pytest.approx(6 / 21)
    assert row["share_lo"] == pytest.approx((6 + 1) / (21 + 1 + 4))  # tech 1, other 4
    assert row["share_hi"] == pytest.approx((6 + 4) / (21 + 4 + 1))  # tech 4, other 1


def test_bounds_widened_to_include_the_known_share(synthetic_vo: pd.DataFrame) -> None:
    row = one(technical_share(synthetic_vo, "havo"))
    # all: tech N&T 10 + N&T/N&G <5; other 20 + 12 + 8, none suppressed
    assert (row["n_tech"], row["n_total"], row["n_suppressed"]) == (10, 50, 1)
    assert row["share"] == pytest.approx(10 / 50)
    # the smallest possible share is 11/51 > 10/50: the bound is widened to the share
    assert row["share_lo"] == pytest.approx(10 / 50)
    assert row["share_hi"] == pytest.approx(14 / 54)


def test_bounds_when_other_cells_are_suppressed(synthetic_vo: pd.DataFrame) -> None:
    row = one(technical_share(synthetic_vo, "havo", by=("year", "sex")).query("sex == 'female'"))
    # female: tech N&T 4 + N&T/N&G <5; others N&G 15, E&M <5, C&M 6
    assert (row["n_tech"], row["n_total"], row["n_suppressed"]) == (4, 25, 2)
    assert row["share_lo"] == pytest.approx(min(4 / 25, (4 + 1) / (25 + 1 + 4)))
    assert row["share_hi"] == pytest.approx((4 + 4) / (25 + 4 + 1))


def test_nprofile_definition(synthetic_vo: pd.DataFrame) -> None:
    row = one(technical_share(synthetic_vo, "havo", definition="exam_nprofile"))
    assert (row["n_tech"], row["n_total"]) == (30, 50)
    vwo = one(technical_share(synthetic_vo, "vwo"))
    assert (vwo["n_tech"], vwo["n_total"], vwo["share"]) == (10, 20, 0.5)


@pytest.mark.parametrize(
    ("level", "n_tech", "n_total"),
    [
        ("vmbo_bb", 8, 27),  # LWT pooled into bb (its techniek cell is suppressed)
        ("vmbo_kb", 5, 15),
        ("vmbo_bbkb", 13, 42),
        ("vmbo_gl", 4, 20),
        ("vmbo_tl", 15, 50),  # the bare 'VMBO T' (no sector) is left out by the list
        ("vmbo_gltl", 19, 70),
        ("vmbo", 32, 112),
    ],
)
def test_vmbo_leerwegen(synthetic_vo: pd.DataFrame, level: str, n_tech: int, n_total: int) -> None:
    row = one(technical_share(synthetic_vo, level))
    assert (row["n_tech"], row["n_total"]) == (n_tech, n_total)


def test_measure_choice(synthetic_vo: pd.DataFrame) -> None:
    candidates = one(technical_share(synthetic_vo, "havo"))
    assert one(technical_share(synthetic_vo, "havo", measure="graduates"))["n_total"] == 49
    assert candidates["n_total"] == 50  # exam_candidates is the default
    only_graduates = synthetic_vo[synthetic_vo["measure"] == "graduates"]
    assert one(technical_share(only_graduates, "havo"))["n_total"] == 49
    with pytest.raises(TpDataError, match="unknown measure") as exc:
        technical_share(synthetic_vo, "havo", measure="enrolled")
    assert exc.value.column == "measure"


def test_ambiguous_measure(tmp_path: Path) -> None:
    counts = counts_from(
        tmp_path,
        "synthetic_measures.csv",
        "MBO SECTOR;GESLAAGDEN 2019;INGESCHREVENEN 2019\ntechniek;1;2\n",
    )
    with pytest.raises(TpDataError, match="several measures") as exc:
        technical_share(counts, "mbo")
    assert exc.value.value == ["enrolled", "graduates"]
    assert one(technical_share(counts, "mbo", measure="enrolled"))["n_total"] == 2


@pytest.fixture
def synthetic_ho(tmp_path: Path) -> dict[str, pd.DataFrame]:
    header = "PROVINCIE;CROHO ONDERDEEL;GESLACHT;2018;2019"
    hbo = [
        header,
        "Overijssel;techniek;man;30;40",
        "Overijssel;techniek;vrouw;5;10",
        "Overijssel;economie;man;20;20",
        "Overijssel;economie;vrouw;45;30",
    ]
    wo = [
        header,
        "Gelderland;natuur;man;10;10",
        "Gelderland;natuur;vrouw;10;10",
        "Gelderland;techniek;man;5;5",
        "Gelderland;recht;vrouw;25;25",
    ]
    return {
        "hbo": counts_from(tmp_path, "synthetic_hbo.csv", "\n".join(hbo) + "\n"),
        "wo": counts_from(tmp_path, "synthetic_wo.csv", "\n".join(wo) + "\n"),
    }


def test_sex_without_totals_sums_female_and_male(synthetic_ho: dict[str, pd.DataFrame]) -> None:
    result = technical_share(synthetic_ho["hbo"], "hbo")
    assert result["year"].tolist() == [2018, 2019]
    assert result["n_tech"].tolist() == [35, 50]
    assert result["n_total"].tolist() == [100, 100]
    by_sex = technical_share(synthetic_ho["hbo"], "hbo", by=("sex", "year"))
    assert by_sex["sex"].tolist() == ["all", "all", "female", "female", "male", "male"]
    assert by_sex["n_tech"].tolist() == [35, 50, 5, 10, 30, 40]
    assert by_sex["share"].iloc[2] == pytest.approx(5 / 50)


def test_sex_all_rows_are_used_when_present(tmp_path: Path) -> None:
    # TOTAAL deliberately differs from MAN + VROUW: the totals must be used, not the sum
    counts = counts_from(
        tmp_path,
        "synthetic_totals.csv",
        "MBO SECTOR;MAN2019;VROUW2019;TOTAAL2019\ntechniek;10;2;20\neconomie;5;5;80\n",
    )
    assert one(technical_share(counts, "mbo"))["share"] == pytest.approx(20 / 100)
    female = technical_share(counts, "mbo", by=("sex",)).set_index("sex").loc["female"]
    assert female["share"] == pytest.approx(2 / 7)


def test_wo_and_ho(synthetic_ho: dict[str, pd.DataFrame]) -> None:
    wo = technical_share(synthetic_ho["wo"], "wo")
    assert wo["n_tech"].tolist() == [25, 25] and wo["n_total"].tolist() == [50, 50]
    stacked = stack_counts(synthetic_ho)
    assert stacked.columns[0] == "ho_sector"
    ho = technical_share(stacked, "ho")
    assert ho["n_tech"].tolist() == [60, 75]
    assert ho["n_total"].tolist() == [150, 150]
    # hbo / wo on the stacked counts pick their own rows
    assert technical_share(stacked, "hbo")["n_total"].tolist() == [100, 100]
    assert technical_share(stacked, "wo")["n_tech"].tolist() == [25, 25]


def test_ho_needs_both_files(synthetic_ho: dict[str, pd.DataFrame]) -> None:
    with pytest.raises(TpDataError, match="missing required column") as exc:
        technical_share(synthetic_ho["hbo"], "ho")
    assert exc.value.column == "ho_sector"
    with pytest.raises(TpDataError, match="needs rows matching 'wo'"):
        technical_share(stack_counts({"hbo": synthetic_ho["hbo"]}), "ho")


def test_unknown_level_lists_known_levels(synthetic_vo: pd.DataFrame) -> None:
    with pytest.raises(TpDataError, match="unknown level") as exc:
        technical_share(synthetic_vo, "kleuterschool")
    message = str(exc.value)
    for level in ("havo", "vwo", "mbo", "hbo", "wo", "ho", "vmbo_gltl"):
        assert repr(level) in message
    assert exc.value.column == "level"


def test_unknown_definition(synthetic_vo: pd.DataFrame) -> None:
    with pytest.raises(TpDataError, match="unknown definition") as exc:
        technical_share(synthetic_vo, "havo", definition="bèta")
    assert "nprofile" in str(exc.value)


def test_level_absent_from_counts(synthetic_vo: pd.DataFrame) -> None:
    with pytest.raises(TpDataError, match="missing required column") as exc:
        technical_share(synthetic_vo, "mbo")
    assert exc.value.column == "mbo_sector"
    havo_only = synthetic_vo[synthetic_vo["onderwijstype_vo"] == "HAVO"]
    with pytest.raises(TpDataError, match="no rows of level 'vwo'"):
        technical_share(havo_only, "vwo")


def test_missing_by_column(synthetic_vo: pd.DataFrame) -> None:
    with pytest.raises(TpDataError, match="missing required column") as exc:
        technical_share(synthetic_vo, "havo", by=("year", "region"))
    assert exc.value.column == "region"


def test_classification_is_a_data_file() -> None:
    table = load_classification()
    assert {"level", "definition", "default", "role", "column", "pattern", "note"} <= set(table)
    assert {
        "mbo",
        "hbo",
        "wo",
        "ho",
        "havo",
        "vwo",
        "vmbo_bb",
        "vmbo_kb",
        "vmbo_gl",
        "vmbo_tl",
        "vmbo_gltl",
        "vmbo_bbkb",
    } <= set(known_levels())
    havo = table[(table["level"] == "havo") & (table["default"] == "yes")]
    assert set(havo["definition"]) == {"exam_nt"}  # N&T, as the MANIFEST check values
    # one way to classify vo programmes: every rule on a programme name or vmbo sector is a
    # lookup into vo_programmes.csv (the real build's list), never a regular expression
    vo = table[table["column"].isin(["opleidingsnaam", "vmbo_sector"])
               & ~table["level"].isin(["hbo", "wo", "ho"])]
    assert not vo.empty
    assert vo["pattern"].str.startswith("lookup:vo_programmes.csv").all()
    assert "vmbo_lwt" not in set(table["level"])  # LWT is pooled into bb by the list


def test_bad_classification_file(tmp_path: Path) -> None:
    path = tmp_path / "synthetic_classification.csv"
    path.write_text(
        "level,definition,default,role,column,pattern,required,group,note\n"
        "mbo,sector,yes,tech,mbo_sector,(techniek,yes,,\n",
        encoding="utf-8",
    )
    with pytest.raises(TpDataError, match="invalid regular expression") as exc:
        load_classification(path)
    assert (exc.value.line, exc.value.column) == (2, "pattern")


# ----------------------------------------------------------------------------------------------
# real files: national shares match the MANIFEST reference values within 0.1 point
# ----------------------------------------------------------------------------------------------

REFERENCE = {
    ("mbo", "duo-tekkieworden/mbo_inscriptions_2019.csv"): {
        2015: 28.0,
        2016: 27.5,
        2017: 27.2,
        2018: 27.0,
        2019: 26.7,
    },
    ("hbo", "duo-tekkieworden/hbo_inscriptions_2019.csv"): {2015: 20.9, 2019: 20.8},
    ("wo", "duo-tekkieworden/wo_inscriptions_2019.csv"): {2015: 23.2, 2019: 23.0},
    ("havo", "duo-vo-examens-alleschools/duo_examen_raw_all.csv"): {2019: 19.0, 2023: 14.3},
    ("vwo", "duo-vo-examens-alleschools/duo_examen_raw_all.csv"): {2019: 43.8, 2023: 37.7},
}


@needs_shared
@pytest.mark.parametrize(("key", "expected"), list(REFERENCE.items()), ids=lambda k: str(k))
def test_real_national_shares_match_manifest(key: tuple[str, str], expected: dict) -> None:
    level, relative = key
    result = technical_share(read_duo(RAW / relative), level).set_index("year")
    for year, percent in expected.items():
        assert 100 * result.loc[year, "share"] == pytest.approx(percent, abs=0.1), year


@needs_shared
def test_real_ho_is_hbo_plus_wo() -> None:
    hbo = read_duo(RAW / "duo-tekkieworden" / "hbo_inscriptions_2019.csv")
    wo = read_duo(RAW / "duo-tekkieworden" / "wo_inscriptions_2019.csv")
    ho = technical_share(stack_counts({"hbo": hbo, "wo": wo}), "ho", by=("year", "sex"))
    parts = [technical_share(f, lv, by=("year", "sex")) for f, lv in ((hbo, "hbo"), (wo, "wo"))]
    for column in ("n_tech", "n_total"):
        assert ho[column].tolist() == (parts[0][column] + parts[1][column]).tolist()


@needs_shared
def test_real_vo_suppressed_cells_widen_bounds() -> None:
    vo = read_duo(RAW / "duo-vo-examens-alleschools" / "duo_examen_raw_all.csv")
    result = technical_share(vo, "vwo")
    assert (result["n_suppressed"] > 0).all()
    assert (result["share_lo"] < result["share_hi"]).all()
    assert ((result["share_lo"] <= result["share"]) & (result["share"] <= result["share_hi"])).all()


@pytest.mark.parametrize("level", ["vmbo_bb", "vmbo_kb", "vmbo", "havo"])
def test_synthetic_unlisted_vmbo_programme_is_refused(tmp_path: Path, level: str) -> None:
    """A vmbo programme name missing from vo_programmes.csv is refused for every level of the
    exam file, as for havo/vwo (line, column, value, did-you-mean), never left out silently."""
    text = ("GEMEENTENAAM;ONDERWIJSTYPE VO;OPLEIDINGSNAAM;"
            "EXAMENKANDIDATEN SCHOOLJAAR 2019-2020 - TOTAAL\n"
            "ZWOLLE;HAVO;HAVO - N&T;10\n"
            "ZWOLLE;VMBO;VMBO B - techniek;8\n"
            "ZWOLLE;VMBO;VMBO K - economy;5\n")
    counts = counts_from(tmp_path, "synthetic_unlisted.csv", text)
    if level == "havo":  # the vmbo rows are not havo rows: havo reads as before
        assert one(technical_share(counts, level))["n_total"] == 10
        return
    with pytest.raises(TpDataError, match="did you mean VMBO K - economie") as exc:
        technical_share(counts, level)
    assert (exc.value.line, exc.value.column, exc.value.value) == (
        4, "opleidingsnaam", "VMBO K - economy")
    assert exc.value.file.endswith("synthetic_unlisted.csv")
