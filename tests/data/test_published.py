"""Tests of load_figures: the real published table and synthetic bad inputs."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tpforecast.data.published import FIGURES_COLUMNS, default_figures_path, load_figures
from tpforecast.errors import TpDataError
from tpforecast.paths import data_dir, shared_dir

HEADER = ",".join(FIGURES_COLUMNS)
# one valid synthetic figure, with the fields in FIGURES_COLUMNS order
SYNTHETIC_ROW = {
    "indicator": "havo4_nprofile",
    "level": "havo",
    "region": "NL",
    "sex": "all",
    "school_year": "2014/15",
    "measure": "share",
    "value": "43",
    "unit": "pct",
    "quality": "reported",
    "source_url": "https://example.org/synthetic",
    "source_edition": "synthetic edition 2030-01-01",
    "note": "synthetic",
}


def synthetic_row(**changes: str) -> str:
    """A CSV line of the synthetic figure with some fields changed."""
    row = {**SYNTHETIC_ROW, **changes}
    return ",".join(row[c] for c in FIGURES_COLUMNS)


def synthetic_figures(tmp_path: Path, *lines: str, header: str = HEADER) -> Path:
    """Write a synthetic figures CSV (header plus the given lines) and return its path."""
    path = tmp_path / "synthetic_figures.csv"
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return path


def assert_where(err: TpDataError, file: Path, line: int, column: str) -> None:
    """The message names the file, the line and the column."""
    message = str(err)
    assert str(file) in message, message
    assert f"line {line}" in message, message
    assert repr(column) in message or f"'{column}" in message, message


# --------------------------------------------------------------------------------- real data


@pytest.fixture(scope="module")
def figures() -> pd.DataFrame:
    return load_figures()


def test_default_path_is_the_bundled_copy() -> None:
    assert default_figures_path() == data_dir() / "published" / "techniekpact_figures.csv"
    assert default_figures_path().is_file()


@pytest.mark.shared
def test_bundled_copy_equals_the_shared_file() -> None:
    shared = shared_dir() / "data" / "published" / "techniekpact_figures.csv"
    if not shared.is_file():
        pytest.skip("../shared is absent")
    assert default_figures_path().read_bytes() == shared.read_bytes()


def test_real_file_shape_and_columns(figures: pd.DataFrame) -> None:
    assert len(figures) == 665
    assert list(figures.columns) == [*FIGURES_COLUMNS, "line", "file"]
    assert figures["line"].tolist() == list(range(2, 667))
    assert set(figures["file"]) == {str(default_figures_path())}


def test_real_file_dtypes(figures: pd.DataFrame) -> None:
    assert figures["value"].dtype == "float64"
    assert figures["line"].dtype == "int64"
    for column in ("indicator", "level", "region", "sex", "measure", "unit", "quality",
                   "source_edition"):
        assert pd.api.types.is_string_dtype(figures[column]), column


def test_real_file_values_are_not_converted(figures: pd.DataFrame) -> None:
    first = figures.iloc[0]
    assert (first["indicator"], first["level"], first["school_year"]) == (
        "bbkbgl_y3_techprofile", "vmbo_bbkb", "2023/24")
    assert first["value"] == 20.0
    assert first["unit"] == "pct"
    assert (figures.loc[figures["unit"] == "pct", "value"] > 1).any()
    # raw labels are kept: sex 'F' and mislabelled levels are mapped by clean_figures
    assert (figures["sex"] == "F").sum() == 6
    assert ((figures["indicator"] == "tl_diploma_nask") & (figures["level"] == "vmbo_gltl")).any()


def test_real_file_rows_without_school_year(figures: pd.DataFrame) -> None:
    assert figures["school_year"].isna().sum() == 3


def test_real_file_vocabularies(figures: pd.DataFrame) -> None:
    assert set(figures["measure"]) == {"share", "count_tech", "count_total", "target"}
    assert set(figures["unit"]) == {"pct", "persons"}
    assert set(figures["quality"]) == {"reported", "derived", "inferred", "approximate", "proxy"}


# --------------------------------------------------------------------------- valid synthetic


def test_synthetic_aliases_are_accepted_and_kept(tmp_path: Path) -> None:
    path = synthetic_figures(
        tmp_path,
        synthetic_row(level="HAVO", sex="F", school_year="'14/'15"),
        synthetic_row(level="MBO niveau 4", school_year="2014-2015", indicator="mbo_instroom_tech"),
    )
    frame = load_figures(path)
    assert frame["level"].tolist() == ["HAVO", "MBO niveau 4"]
    assert frame["sex"].tolist() == ["F", "all"]
    assert frame["line"].tolist() == [2, 3]


def test_synthetic_duplicate_with_same_value_in_one_edition_is_refused(tmp_path: Path) -> None:
    """A repeated line is a duplicate record (issue 9), even with the same value."""
    path = synthetic_figures(tmp_path, synthetic_row(), synthetic_row(note="again"))
    with pytest.raises(TpDataError, match="duplicate figure within one edition.*line 2") as info:
        load_figures(path)
    assert_where(info.value, path, 3, "value")


def test_synthetic_crlf_bom_and_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / "synthetic_figures.csv"
    text = "\r\n".join([HEADER, synthetic_row(), "", synthetic_row(school_year="2015/16")])
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8") + b"\r\n")
    frame = load_figures(path)
    assert frame["line"].tolist() == [2, 4]


def test_synthetic_without_note_column(tmp_path: Path) -> None:
    header = ",".join(c for c in FIGURES_COLUMNS if c != "note")
    line = synthetic_row().rsplit(",", 1)[0]
    frame = load_figures(synthetic_figures(tmp_path, line, header=header))
    assert frame["note"].tolist() == [""]


# ----------------------------------------------------------------------------- bad synthetic


def test_synthetic_semicolon_separated_file(tmp_path: Path) -> None:
    path = tmp_path / "synthetic_figures.csv"
    path.write_text(HEADER.replace(",", ";") + "\n" + synthetic_row().replace(",", ";") + "\n",
                    encoding="utf-8")
    with pytest.raises(TpDataError, match="';'-separated") as info:
        load_figures(path)
    assert_where(info.value, path, 1, "indicator")


def test_synthetic_tab_separated_file(tmp_path: Path) -> None:
    path = tmp_path / "synthetic_figures.csv"
    path.write_text(HEADER.replace(",", "\t") + "\n", encoding="utf-8")
    with pytest.raises(TpDataError, match="tab-separated") as info:
        load_figures(path)
    assert_where(info.value, path, 1, "indicator")


def test_synthetic_missing_required_column(tmp_path: Path) -> None:
    header = HEADER.replace(",unit", "")
    row = synthetic_row().replace(",pct", "")
    with pytest.raises(TpDataError, match="missing required column") as info:
        load_figures(synthetic_figures(tmp_path, row, header=header))
    assert_where(info.value, tmp_path / "synthetic_figures.csv", 1, "unit")


def test_synthetic_text_in_numeric_column(tmp_path: Path) -> None:
    path = synthetic_figures(tmp_path, synthetic_row(), synthetic_row(value="about 40"))
    with pytest.raises(TpDataError, match="not a plain number") as info:
        load_figures(path)
    assert_where(info.value, path, 3, "value")
    assert "about 40" in str(info.value)


def test_synthetic_thousands_separator_is_text(tmp_path: Path) -> None:
    path = synthetic_figures(
        tmp_path, synthetic_row(measure="count_tech", unit="persons", value='"12,547"'))
    with pytest.raises(TpDataError, match="thousands separator") as info:
        load_figures(path)
    assert_where(info.value, path, 2, "value")


@pytest.mark.parametrize(("value", "problem"), [("120", "above 100"), ("-5", "negative")])
def test_synthetic_share_out_of_range(tmp_path: Path, value: str, problem: str) -> None:
    path = synthetic_figures(tmp_path, synthetic_row(), synthetic_row(
        school_year="2015/16", value=value))
    with pytest.raises(TpDataError, match=problem) as info:
        load_figures(path)
    assert_where(info.value, path, 3, "value")


def test_synthetic_fractional_count(tmp_path: Path) -> None:
    path = synthetic_figures(tmp_path, synthetic_row(measure="count_tech", unit="persons",
                                                     value="12.5"))
    with pytest.raises(TpDataError, match="whole number") as info:
        load_figures(path)
    assert_where(info.value, path, 2, "value")


def test_synthetic_count_tech_above_count_total(tmp_path: Path) -> None:
    path = synthetic_figures(
        tmp_path,
        synthetic_row(measure="count_total", unit="persons", value="1000"),
        synthetic_row(measure="count_tech", unit="persons", value="1200"),
    )
    with pytest.raises(TpDataError, match="total disagrees with the sum of its parts "
                       r"\(count_tech .* = 1200\)") as info:
        load_figures(path)
    assert_where(info.value, path, 2, "value")  # the count_total that is too small


def test_synthetic_count_tech_above_count_total_of_another_edition_passes_here(
        tmp_path: Path) -> None:
    path = synthetic_figures(
        tmp_path,
        synthetic_row(measure="count_total", unit="persons", value="1000"),
        synthetic_row(measure="count_tech", unit="persons", value="1200",
                      source_edition="another synthetic edition 2031-01-01"),
    )
    assert len(load_figures(path)) == 2


def test_synthetic_two_values_for_one_key_within_one_edition(tmp_path: Path) -> None:
    path = synthetic_figures(tmp_path, synthetic_row(), synthetic_row(value="45"))
    with pytest.raises(TpDataError, match="duplicate figure within one edition") as info:
        load_figures(path)
    assert_where(info.value, path, 3, "value")
    assert "as line 2" in str(info.value)


def test_synthetic_two_values_through_aliases_collide(tmp_path: Path) -> None:
    path = synthetic_figures(tmp_path, synthetic_row(),
                             synthetic_row(level="HAVO", school_year="2014-2015", value="45"))
    with pytest.raises(TpDataError, match="duplicate figure within one edition") as info:
        load_figures(path)
    assert_where(info.value, path, 3, "value")


def test_synthetic_unknown_level_name(tmp_path: Path) -> None:
    path = synthetic_figures(tmp_path, synthetic_row(), synthetic_row(level="hovo"))
    with pytest.raises(TpDataError, match="unknown level name") as info:
        load_figures(path)
    assert_where(info.value, path, 3, "level")
    assert "havo" in str(info.value)


def test_synthetic_unknown_sex(tmp_path: Path) -> None:
    path = synthetic_figures(tmp_path, synthetic_row(sex="x"))
    with pytest.raises(TpDataError, match="unknown sex") as info:
        load_figures(path)
    assert_where(info.value, path, 2, "sex")


@pytest.mark.parametrize("school_year", ["2014/16", "spring 2014", "2014/1"])
def test_synthetic_unparseable_school_year(tmp_path: Path, school_year: str) -> None:
    path = synthetic_figures(tmp_path, synthetic_row(), synthetic_row(school_year=school_year))
    with pytest.raises(TpDataError, match="school year") as info:
        load_figures(path)
    assert_where(info.value, path, 3, "school_year")


@pytest.mark.parametrize(
    ("column", "value"),
    [("measure", "percentage"), ("unit", "percent"), ("quality", "guessed")],
)
def test_synthetic_unknown_vocabulary(tmp_path: Path, column: str, value: str) -> None:
    path = synthetic_figures(tmp_path, synthetic_row(), synthetic_row(**{column: value}))
    with pytest.raises(TpDataError, match=f"unknown {column}") as info:
        load_figures(path)
    assert_where(info.value, path, 3, column)


def test_synthetic_unit_that_does_not_fit_the_measure(tmp_path: Path) -> None:
    path = synthetic_figures(tmp_path, synthetic_row(unit="persons"))
    with pytest.raises(TpDataError, match="does not fit") as info:
        load_figures(path)
    assert_where(info.value, path, 2, "unit")


def test_synthetic_empty_required_cell(tmp_path: Path) -> None:
    path = synthetic_figures(tmp_path, synthetic_row(region=""))
    with pytest.raises(TpDataError, match="empty cell") as info:
        load_figures(path)
    assert_where(info.value, path, 2, "region")


def test_synthetic_row_with_too_few_fields(tmp_path: Path) -> None:
    path = synthetic_figures(tmp_path, synthetic_row(), synthetic_row().rsplit(",", 2)[0])
    with pytest.raises(TpDataError, match="fields") as info:
        load_figures(path)
    assert_where(info.value, path, 3, "source_edition")


def test_synthetic_row_with_semicolons(tmp_path: Path) -> None:
    path = synthetic_figures(tmp_path, synthetic_row(), synthetic_row().replace(",", ";"))
    with pytest.raises(TpDataError, match="not ','-separated") as info:
        load_figures(path)
    assert_where(info.value, path, 3, "indicator")


@pytest.mark.parametrize("content", [b"", b"   \n\n"])
def test_synthetic_empty_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "synthetic_figures.csv"
    path.write_bytes(content)
    with pytest.raises(TpDataError, match="empty") as info:
        load_figures(path)
    assert_where(info.value, path, 1, "(header)")


def test_synthetic_header_only(tmp_path: Path) -> None:
    path = synthetic_figures(tmp_path)
    with pytest.raises(TpDataError, match="no data lines") as info:
        load_figures(path)
    assert_where(info.value, path, 2, "indicator")


def test_synthetic_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "synthetic_figures.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00")
    with pytest.raises(TpDataError, match="not text") as info:
        load_figures(path)
    assert_where(info.value, path, 1, "field 1")


def test_synthetic_nul_bytes_in_a_row(tmp_path: Path) -> None:
    path = tmp_path / "synthetic_figures.csv"
    text = "\n".join([HEADER, synthetic_row(), synthetic_row(region="N\x00L")]) + "\n"
    path.write_bytes(text.encode("utf-8"))
    with pytest.raises(TpDataError, match="not text .binary byte 0x00") as info:
        load_figures(path)
    assert_where(info.value, path, 3, "region")


def test_synthetic_latin1_file(tmp_path: Path) -> None:
    path = tmp_path / "synthetic_figures.csv"
    text = "\n".join([HEADER, synthetic_row(note="b\xe8tatechniek")]) + "\n"
    path.write_bytes(text.encode("latin-1"))
    with pytest.raises(TpDataError, match="not UTF-8") as info:
        load_figures(path)
    assert_where(info.value, path, 2, "note")


def test_synthetic_missing_file(tmp_path: Path) -> None:
    with pytest.raises(TpDataError, match="not found"):
        load_figures(tmp_path / "synthetic_absent.csv")
