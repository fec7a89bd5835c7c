"""Tests of tpforecast.data.duo: synthetic files for every quirk and bad input, real DUO files."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pandas as pd
import pytest

from tpforecast.data.duo import read_duo, read_duo_result, read_duo_table
from tpforecast.errors import TpDataError, TpDataWarning
from tpforecast.paths import shared_dir

RAW = shared_dir() / "data" / "raw"


def needs_shared(test):
    """Mark a test that reads the real files in ../shared/data/raw (skipped without them)."""
    skip = pytest.mark.skipif(not RAW.is_dir(), reason="needs ../shared/data/raw")
    return pytest.mark.shared(skip(test))


MBO = RAW / "duo-tekkieworden" / "mbo_inscriptions_2019.csv"
HBO = RAW / "duo-tekkieworden" / "hbo_inscriptions_2019.csv"
WO = RAW / "duo-tekkieworden" / "wo_inscriptions_2019.csv"
VO = RAW / "duo-vo-examens-alleschools" / "duo_examen_raw_all.csv"
INSTITUTIONS = RAW / "duo-wo-check-the-facts" / "01-instellingen-hbo-en-wo.csv"
COUNT_TAIL = ["measure", "sex", "year", "n", "suppressed", "n_lo", "n_hi", "line", "record",
              "source"]
WHERE = ["line", "record", "source"]  # where each count comes from; differs between copies


def notes_of(path: Path) -> str:
    return " ".join(read_duo_result(path).notes["message"])


def write(tmp_path: Path, name: str, content: str | bytes, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
    return path


def assert_names(
    exc: pytest.ExceptionInfo[TpDataError],
    path: Path,
    column: str,
    *,
    line: int | None = None,
    row: int | None = None,
) -> None:
    """The message names the file, the line (or JSON row) and the column."""
    message = str(exc.value)
    assert str(path) in message
    assert f"column {column!r}" in message
    assert exc.value.column == column
    if line is not None:
        assert f"line {line}" in message
        assert exc.value.line == line
    if row is not None:
        assert f"row {row}" in message
        assert exc.value.row == row


def cell(df: pd.DataFrame, **where: object) -> pd.Series:
    mask = pd.Series(True, index=df.index)
    for column, value in where.items():
        mask &= df[column] == value
    assert mask.sum() == 1, where
    return df[mask].iloc[0]


# ----------------------------------------------------------------------------------------------
# synthetic quirks
# ----------------------------------------------------------------------------------------------

SYNTHETIC_MBO = (
    "\ufeffBRIN NUMMER;PLAATSNAAM;MBO SECTOR;NAAM KENNISCENTRUM;MAN2015;VROUW2015;TOTAAL2015;"
    "MAN2016;VROUW2016;TOTAAL2016\r\n"
    '00AA;"ZWOLLE";techniek;"    ";"12";3;15;;;\r\n'
    '""\r\n'
    "\r\n"
    '00BB;  ARNHEM  ;"zorg en welzijn";Calibris; 1 ;<5;<5;0;2;2\r\n'
)


def test_synthetic_mbo_quirks(tmp_path: Path) -> None:
    path = write(tmp_path, "synthetic_mbo.csv", SYNTHETIC_MBO)
    df = read_duo(path)
    assert list(df.columns) == [
        "brin_nummer",
        "plaatsnaam",
        "mbo_sector",
        "naam_kenniscentrum",
        *COUNT_TAIL,
    ]
    assert len(df) == 2 * 6  # two records x (2 years x 3 sexes); '""' and blank lines skipped
    assert df["record"].nunique() == 2 and df["line"].drop_duplicates().tolist() == [2, 5]
    assert set(df["source"]) == {str(path)}
    assert read_duo_result(path).encoding == "utf-8"
    assert set(df["measure"]) == {"count"}
    # quoted, unquoted, space-padded text and numbers stored as text
    first = cell(df, brin_nummer="00AA", sex="male", year=2015)
    assert (first["plaatsnaam"], first["n"], first["n_lo"], first["n_hi"]) == ("ZWOLLE", 12, 12, 12)
    assert first["naam_kenniscentrum"] == ""
    assert cell(df, brin_nummer="00BB", sex="male", year=2015)["plaatsnaam"] == "ARNHEM"
    assert cell(df, brin_nummer="00BB", sex="male", year=2015)["n"] == 1
    # empty cell = no enrolment: n 0, bounds 0..0, not suppressed
    empty = cell(df, brin_nummer="00AA", sex="all", year=2016)
    assert empty["n"] == 0 and not empty["suppressed"]
    assert (empty["n_lo"], empty["n_hi"]) == (0, 0)
    # '<5' kept as suppressed with bounds 1..4, never 0 and never dropped
    hidden = cell(df, brin_nummer="00BB", sex="female", year=2015)
    assert pd.isna(hidden["n"]) and hidden["suppressed"]
    assert (hidden["n_lo"], hidden["n_hi"]) == (1, 4)
    zero = cell(df, brin_nummer="00BB", sex="male", year=2016)
    assert zero["n"] == 0 and not zero["suppressed"]
    assert df["year"].dtype == "Int64" and df["n"].dtype == "Int64"
    assert df["suppressed"].dtype == bool
    notes = notes_of(path)
    assert "skipped 2 empty line(s)" in notes and "line 3, 4" in notes
    assert "suppressed" in notes and "empty count cell" in notes


def test_synthetic_latin1_decodes(tmp_path: Path) -> None:
    text = "PROVINCIE;GEMEENTENAAM;2019\nFryslân;Súdwest-Fryslân;7\n"
    path = write(tmp_path, "synthetic_latin1.csv", text, encoding="latin-1")
    df = read_duo(path)
    assert read_duo_result(path).encoding == "latin-1"
    assert df["provincie"].tolist() == ["Fryslân"]
    assert df["gemeentenaam"].tolist() == ["Súdwest-Fryslân"]
    assert (df["sex"].tolist(), df["year"].tolist(), df["n"].tolist()) == (["all"], [2019], [7])


def test_synthetic_utf8_without_bom_and_lf(tmp_path: Path) -> None:
    path = write(tmp_path, "synthetic_utf8.csv", "PROVINCIE;2019\nFryslân;7\n")
    df = read_duo(path)
    assert read_duo_result(path).encoding == "utf-8"
    assert df["provincie"].tolist() == ["Fryslân"]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("2019;2020", [("count", "all", 2019), ("count", "all", 2020)]),
        (
            "MAN2015;VROUW2015;TOTAAL2015",
            [("count", "male", 2015), ("count", "female", 2015), ("count", "all", 2015)],
        ),
        ("2019 MAN;2019 VROUW", [("count", "male", 2019), ("count", "female", 2019)]),
        (
            "EXAMENKANDIDATEN SCHOOLJAAR 2019-2020 - MAN;GESLAAGDEN SCHOOLJAAR 2019-2020 - VROUW",
            [("exam_candidates", "male", 2019), ("graduates", "female", 2019)],
        ),
    ],
)
def test_synthetic_year_header_styles(
    tmp_path: Path, header: str, expected: list[tuple[str, str, int]]
) -> None:
    values = ";".join(str(i + 1) for i in range(len(expected)))
    path = write(tmp_path, "synthetic_headers.csv", f"GEMEENTENAAM;{header}\nZWOLLE;{values}\n")
    df = read_duo(path)
    got = list(zip(df["measure"], df["sex"], df["year"], strict=True))
    assert got == expected
    assert df["n"].tolist() == list(range(1, len(expected) + 1))


def test_synthetic_percentage_columns_left_out_with_note(tmp_path: Path) -> None:
    header = (
        "OPLEIDINGSNAAM;EXAMENKANDIDATEN SCHOOLJAAR 2019-2020 - TOTAAL;"
        "GESLAAGDEN SCHOOLJAAR 2019-2020 - TOTAAL;SLAAGPERC SCHOOLJAAR 2019-2020 - TOTAAL"
    )
    path = write(tmp_path, "synthetic_vo.csv", f'{header}\n"HAVO - N&T";"11";"10";"90.9"\n')
    df = read_duo(path)
    assert set(df["measure"]) == {"exam_candidates", "graduates"}
    assert "slaagperc" not in " ".join(df.columns).lower()
    note = next(n for n in read_duo_result(path).notes["message"] if "SLAAGPERC" in n)
    assert "SLAAGPERC SCHOOLJAAR 2019-2020 - TOTAAL" in note and "left out" in note


def test_synthetic_long_sex_column(tmp_path: Path) -> None:
    text = (
        "PROVINCIE;CROHO ONDERDEEL;GESLACHT;2015;2016\n"
        "Overijssel;techniek;man;31;36\nOverijssel;techniek;vrouw;3;4\n"
    )
    path = write(tmp_path, "synthetic_ho.csv", text)
    df = read_duo(path)
    assert "geslacht" not in df.columns
    assert df["sex"].tolist() == ["male", "male", "female", "female"]
    assert df["n"].tolist() == [31, 36, 3, 4]
    assert df["record"].tolist() == [2, 2, 2, 2]  # the lines of one record share it
    assert "GESLACHT" in notes_of(path)


def test_synthetic_header_renames_between_releases(tmp_path: Path) -> None:
    old = "BRIN NUMMER ACTUEEL;CROHO ONDERDEEL;CROHO SUBONDERDEEL;GESLACHT;2019\n21PC;natuur;x;man;5\n"
    new = "INSTELLINGSCODE ACTUEEL;ONDERDEEL;SUBONDERDEEL;GESLACHT;2019\n21PC;natuur;x;man;5\n"
    df_old = read_duo(write(tmp_path, "synthetic_old.csv", old))
    df_new = read_duo(write(tmp_path, "synthetic_new.csv", new))
    assert list(df_old.columns[:3]) == ["brin_nummer", "croho_onderdeel", "croho_subonderdeel"]
    pd.testing.assert_frame_equal(df_old.drop(columns=WHERE), df_new.drop(columns=WHERE))


def test_synthetic_trailing_separator(tmp_path: Path) -> None:
    df = read_duo(write(tmp_path, "synthetic_trailing.csv", "PLAATSNAAM;2019;\nZWOLLE;4;\n"))
    assert list(df.columns) == ["plaatsnaam", *COUNT_TAIL] and df["n"].tolist() == [4]


def test_synthetic_other_suppression_limit(tmp_path: Path) -> None:
    df = read_duo(write(tmp_path, "synthetic_lt10.csv", "PLAATSNAAM;2019\nZWOLLE;< 10\n"))
    assert df["suppressed"].tolist() == [True]
    assert (df["n_lo"].tolist(), df["n_hi"].tolist()) == ([1], [9])


def test_synthetic_json_records_and_columns_equal_csv(tmp_path: Path) -> None:
    csv_path = write(
        tmp_path, "synthetic.csv", "PLAATSNAAM;MAN2019;VROUW2019\nZWOLLE;3;<5\nTIEL;;0\n"
    )
    records = [
        {"PLAATSNAAM": "ZWOLLE", "MAN2019": 3, "VROUW2019": "<5"},
        {"PLAATSNAAM": "TIEL", "MAN2019": None, "VROUW2019": "0"},
    ]
    columns = {
        "PLAATSNAAM": {"0": "ZWOLLE", "1": "TIEL"},
        "MAN2019": {"0": 3.0, "1": None},
        "VROUW2019": {"0": "<5", "1": 0},
    }
    expected = read_duo(csv_path)
    for name, data in (("synthetic_records.json", records), ("synthetic_columns.json", columns)):
        got = read_duo(write(tmp_path, name, json.dumps(data)))
        assert got["line"].tolist() == [1, 1, 2, 2]  # JSON: the record number
        pd.testing.assert_frame_equal(got.drop(columns=WHERE), expected.drop(columns=WHERE))


def test_read_duo_table_keeps_file_lines(tmp_path: Path) -> None:
    table = read_duo_table(write(tmp_path, "synthetic_lines.csv", SYNTHETIC_MBO)).frame
    assert table.index.name == "line"
    assert table.index.tolist() == [2, 5]
    assert table.loc[5, "PLAATSNAAM"] == "ARNHEM"


# ----------------------------------------------------------------------------------------------
# synthetic bad input: every error names file, line (or JSON row) and column
# ----------------------------------------------------------------------------------------------


def test_synthetic_wrong_separator(tmp_path: Path) -> None:
    path = write(tmp_path, "synthetic_comma.csv", "PLAATSNAAM,2019\nZWOLLE,3\n")
    with pytest.raises(TpDataError, match="not ';'-separated; it looks ','-separated") as exc:
        read_duo(path)
    assert_names(exc, path, "PLAATSNAAM,2019", line=1)


def test_synthetic_ragged_line(tmp_path: Path) -> None:
    path = write(tmp_path, "synthetic_ragged.csv", "PLAATSNAAM;MBO SECTOR;2019\nZWOLLE;3\n")
    with pytest.raises(TpDataError, match="the line has 2 field") as exc:
        read_duo(path)
    assert_names(exc, path, "2019", line=2)


def test_synthetic_text_in_count_column(tmp_path: Path) -> None:
    text = 'PLAATSNAAM;MAN2019;VROUW2019\r\nZWOLLE;3;4\r\n""\r\nTIEL;2;veel\r\n'
    path = write(tmp_path, "synthetic_text.csv", text)
    with pytest.raises(TpDataError, match="text in a count column") as exc:
        read_duo(path)
    assert_names(exc, path, "VROUW2019", line=4)
    assert exc.value.value == "veel"


@pytest.mark.parametrize(("value", "problem"), [
    ("-3", "negative count"), ("12.5", "not a whole number"), ("١٢", "text in a count column"),
    ("1 000", "thousands separator"), ("1.000", "thousands separator"),
    ("99999999999999999999", "beyond any plausible size"), ("1e30", "beyond any plausible"),
])
def test_synthetic_bad_numbers(tmp_path: Path, value: str, problem: str) -> None:
    path = write(tmp_path, "synthetic_negative.csv", f"PLAATSNAAM;2019\nZWOLLE;{value}\n")
    with pytest.raises(TpDataError, match=problem) as exc:
        read_duo(path)
    assert_names(exc, path, "2019", line=2)


def test_synthetic_value_under_trailing_separator_is_not_lost(tmp_path: Path) -> None:
    # the header ends in ';' (an unnamed column): a value in that column must raise, not vanish
    path = write(tmp_path, "synthetic_unnamed.csv", "PLAATSNAAM;2019;\nZWOLLE;4;\nTIEL;3;7\n")
    with pytest.raises(TpDataError, match="value in field 3") as exc:
        read_duo(path)
    assert_names(exc, path, "#3 (beyond the named header)", line=3)
    assert exc.value.value == "TIEL;3;7"


def test_synthetic_trailing_separator_on_header_only(tmp_path: Path) -> None:
    df = read_duo(write(tmp_path, "synthetic_trailing_header.csv", "PLAATSNAAM;2019;\nZWOLLE;4\n"))
    assert df["n"].tolist() == [4]


def test_synthetic_two_count_columns_for_one_key(tmp_path: Path) -> None:
    # 'MAN2019' and '2019 MAN' are the same figure: two values for one key are refused
    path = write(tmp_path, "synthetic_twice.csv", "PLAATSNAAM;MAN2019;2019 MAN\nZWOLLE;4;5\n")
    with pytest.raises(TpDataError, match="same measure, sex and year") as exc:
        read_duo(path)
    assert_names(exc, path, "2019 MAN", line=1)


@pytest.mark.parametrize(
    "header", ["EXAMENKANDIDATEN SCHOOLJAAR 2019-2021 - MAN", "2019/18", "2019-2019"]
)
def test_synthetic_unparseable_school_year_in_header(tmp_path: Path, header: str) -> None:
    path = write(tmp_path, "synthetic_year.csv", f"GEMEENTENAAM;{header}\nZWOLLE;1\n")
    with pytest.raises(TpDataError, match="unparseable school year") as exc:
        read_duo(path)
    assert_names(exc, path, header, line=1)


def test_synthetic_json_columns_with_a_missing_entry(tmp_path: Path) -> None:
    # a missing entry is not an empty cell: it must not become n = 0
    columns = {"PLAATSNAAM": {"0": "ZWOLLE", "1": "TIEL"}, "2019": {"0": 3}}
    path = write(tmp_path, "synthetic_columns_gap.json", json.dumps(columns))
    with pytest.raises(TpDataError, match="lacks an entry") as exc:
        read_duo(path)
    assert_names(exc, path, "2019", row=2)


def test_synthetic_no_year_columns(tmp_path: Path) -> None:
    path = write(tmp_path, "synthetic_noyear.csv", "PLAATSNAAM;SECTOR\nZWOLLE;techniek\n")
    with pytest.raises(TpDataError, match="no count \\(year\\) columns") as exc:
        read_duo(path)
    assert_names(exc, path, "(header)", line=1)


@pytest.mark.parametrize("content", ["", "  \r\n\r\n"])
def test_synthetic_empty_file(tmp_path: Path, content: str) -> None:
    path = write(tmp_path, "synthetic_empty.csv", content)
    with pytest.raises(TpDataError, match="empty file") as exc:
        read_duo(path)
    assert_names(exc, path, "(header)", line=1)


def test_synthetic_header_only(tmp_path: Path) -> None:
    path = write(tmp_path, "synthetic_header_only.csv", "PLAATSNAAM;2019\r\n")
    with pytest.raises(TpDataError, match="no data lines") as exc:
        read_duo(path)
    assert_names(exc, path, "PLAATSNAAM", line=2)


def test_synthetic_binary_file(tmp_path: Path) -> None:
    path = write(tmp_path, "synthetic_workbook.xlsx", b"PK\x03\x04\x14\x00\x06\x00\x08\x00" * 20)
    with pytest.raises(TpDataError, match="not text") as exc:
        read_duo(path)
    assert_names(exc, path, "(file content)", line=1)


def test_synthetic_duplicate_header(tmp_path: Path) -> None:
    path = write(tmp_path, "synthetic_dup.csv", "PLAATSNAAM;PLAATSNAAM;2019\nA;B;1\n")
    with pytest.raises(TpDataError, match="duplicate column name") as exc:
        read_duo(path)
    assert_names(exc, path, "PLAATSNAAM", line=1)


def test_synthetic_renames_collide(tmp_path: Path) -> None:
    path = write(tmp_path, "synthetic_collide.csv", "CROHO ONDERDEEL;ONDERDEEL;2019\na;b;1\n")
    with pytest.raises(TpDataError, match="becomes 'croho_onderdeel'") as exc:
        read_duo(path)
    assert_names(exc, path, "ONDERDEEL", line=1)


def test_synthetic_unknown_sex(tmp_path: Path) -> None:
    path = write(tmp_path, "synthetic_sex.csv", "GESLACHT;2019\nman;1\nvrow;2\n")
    with pytest.raises(TpDataError, match="unknown sex.*did you mean VROUW") as exc:
        read_duo(path)
    assert_names(exc, path, "GESLACHT", line=3)


def test_synthetic_json_bad_record(tmp_path: Path) -> None:
    data = [{"PLAATSNAAM": "ZWOLLE", "2019": 1}, {"PLAATSNAAM": "TIEL"}]
    path = write(tmp_path, "synthetic_bad.json", json.dumps(data))
    with pytest.raises(TpDataError, match="other keys") as exc:
        read_duo(path)
    assert_names(exc, path, "2019", row=2)


def test_synthetic_json_text_in_count(tmp_path: Path) -> None:
    data = [{"PLAATSNAAM": "ZWOLLE", "2019": 1}, {"PLAATSNAAM": "TIEL", "2019": "x"}]
    path = write(tmp_path, "synthetic_text.json", json.dumps(data))
    with pytest.raises(TpDataError, match="text in a count column") as exc:
        read_duo(path)
    assert_names(exc, path, "2019", row=2)


def test_synthetic_malformed_json(tmp_path: Path) -> None:
    path = write(tmp_path, "synthetic_malformed.json", '[\n{"PLAATSNAAM": "ZWOLLE",\n]')
    with pytest.raises(TpDataError, match="malformed JSON") as exc:
        read_duo(path)
    assert_names(exc, path, "char 1", line=3)


# ----------------------------------------------------------------------------------------------
# real DUO files
# ----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def mbo() -> pd.DataFrame:
    return read_duo(MBO)


@pytest.fixture(scope="module")
def vo() -> pd.DataFrame:
    return read_duo(VO)


@needs_shared
def test_real_mbo_reads_every_record(mbo: pd.DataFrame) -> None:
    assert mbo["line"].nunique() == 19_229  # none lost to the 29 spurious '""' lines
    assert len(mbo) == 19_229 * 5 * 3
    notes = notes_of(MBO)
    assert "skipped 29 empty line(s)" in notes
    assert sorted(set(mbo["year"])) == [2015, 2016, 2017, 2018, 2019]
    assert set(mbo["sex"]) == {"all", "female", "male"}
    assert not mbo["suppressed"].any()
    assert not mbo["n"].isna().any()
    assert "114303 empty count cell(s)" in notes
    assert set(mbo["naam_kenniscentrum"]) >= {"", "Kenteq"}  # 24-space padding stripped
    assert "HENGELO OV" in set(mbo["plaatsnaam"])


@needs_shared
def test_real_mbo_reads_fast() -> None:
    start = time.perf_counter()
    read_duo(MBO)
    assert time.perf_counter() - start < 5


@needs_shared
def test_real_vo_keeps_suppressed_cells(vo: pd.DataFrame) -> None:
    assert vo["line"].nunique() == 12_782
    assert set(vo["measure"]) == {"exam_candidates", "graduates"}
    assert sorted(set(vo["year"])) == [2019, 2020, 2021, 2022, 2023]
    hidden = vo[vo["suppressed"]]
    assert len(hidden) == 99_220
    assert hidden["n"].isna().all()
    assert (hidden["n_lo"] == 1).all() and (hidden["n_hi"] == 4).all()
    assert len(vo) == 12_782 * 5 * 2 * 3  # SLAAGPERC columns left out ...
    assert "left out 15 column(s)" in notes_of(VO)  # ... with a note


@needs_shared
@pytest.mark.parametrize(("path", "records"), [(HBO, 3_815), (WO, 3_225)])
def test_real_ho_files(path: Path, records: int) -> None:
    df = read_duo(path)
    assert df["line"].nunique() == records
    assert {"provincie", "brin_nummer", "croho_onderdeel", "opleidingsnaam"} <= set(df.columns)
    assert set(df["sex"]) == {"female", "male"}
    assert len(df) == records * 5


@needs_shared
def test_real_header_variants_map_to_same_names(tmp_path: Path) -> None:
    text = HBO.read_text(encoding="utf-8")
    header, _, body = text.partition("\r\n")
    renamed = (
        header.replace("CROHO ONDERDEEL", "ONDERDEEL")
        .replace("CROHO SUBONDERDEEL", "SUBONDERDEEL")
        .replace("BRIN NUMMER ACTUEEL", "INSTELLINGSCODE ACTUEEL")
    )
    assert renamed != header
    variant = write(tmp_path, "synthetic_hbo_later_release.csv", renamed + "\r\n" + body)
    pd.testing.assert_frame_equal(read_duo(variant).drop(columns="source"),
                                  read_duo(HBO).drop(columns="source"))


@needs_shared
def test_real_latin1_institution_list() -> None:
    result = read_duo_table(INSTITUTIONS)
    table = result.frame
    assert result.encoding == "latin-1"
    assert len(table) == 54
    assert "Fryslân" in set(table["RPA-GEBIED NAAM"])
    with pytest.raises(TpDataError, match="no count \\(year\\) columns") as exc:
        read_duo(INSTITUTIONS)
    assert_names(exc, INSTITUTIONS, "(header)", line=1)


@needs_shared
@pytest.mark.parametrize(("path", "line"), [
    (RAW / "duo-wo-eerstejaars-2013-2017" / "eerstejaars.csv", 1463),
    # every line ends in \r\r\n: read as one line end, so the line is the one grep -n shows
    (RAW / "duo-hbo-ingeschrevenen-2014-2018" / "01-ingeschrevenen-hbo-2018.csv", 3131),
])
def test_real_totals_line_is_checked_and_left_out(path: Path, line: int) -> None:
    """Older releases end with a 'Totalen' line (the year's total under the first sex
    column): checked against the other lines and left out, never counted as a record."""
    with pytest.warns(TpDataWarning, match=f"left out 1 totals line.*{line}"):
        counts = read_duo(path)
    assert line not in set(counts["line"])
    assert not counts.iloc[:, :13].eq("totalen").any(axis=None)


def test_synthetic_year_total_under_the_first_sex_column(tmp_path: Path) -> None:
    text = ("PROVINCIE;CROHO ONDERDEEL;2013 MAN;2013 VROUW\nOverijssel;techniek;3;1\n"
            "Gelderland;recht;4;2\n;totalen;10;\n")
    with pytest.warns(TpDataWarning, match="left out 1 totals line"):
        counts = read_duo(write(tmp_path, "synthetic.csv", text))
    assert counts["n"].tolist() == [3, 1, 4, 2]
    wrong = write(tmp_path, "synthetic_wrong.csv", text.replace(";totalen;10;", ";totalen;9;"))
    with pytest.raises(TpDataError, match="total disagrees") as exc:
        read_duo(wrong)
    assert_names(exc, wrong, "2013 MAN", line=4)
