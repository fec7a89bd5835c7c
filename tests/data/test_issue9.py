"""Every data example of issue 9, one test each: read to what a careful person reads, or
refused with a TpDataError naming the file, line and column (never a traceback, never silent).
"""

from __future__ import annotations

import gzip
import json
import shutil
import warnings
from pathlib import Path

import pandas as pd
import pytest

import tpforecast as tp
from tpforecast.data import build as build_module
from tpforecast.data.build import build_data
from tpforecast.data.duo import read_duo, read_duo_result
from tpforecast.data.loaders import load_series, load_targets, select_series
from tpforecast.data.published import FIGURES_COLUMNS, load_figures
from tpforecast.data.shares import technical_share
from tpforecast.errors import TpDataError, TpDataWarning, TpFileNotFoundError
from tpforecast.paths import data_dir

HO_HEADER = "PROVINCIE;CROHO ONDERDEEL;GESLACHT;2015;2016"
FIGURE = dict(zip(FIGURES_COLUMNS, [
    "havo4_nprofile", "havo", "NL", "all", "2014/15", "share", "43", "pct", "reported",
    "https://example.org/synthetic", "synthetic edition 2030-01-01", "synthetic"], strict=True))


def write(tmp_path: Path, name: str, text: str | bytes, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode(encoding))
    return path


def where(err: pytest.ExceptionInfo[TpDataError], path: Path, column: str, line: int) -> None:
    assert err.value.file == str(path)
    assert err.value.column == column, str(err.value)
    assert err.value.line == line, str(err.value)


def figures_file(tmp_path: Path, *changes: dict[str, str], header: str | None = None) -> Path:
    lines = [header or ",".join(FIGURES_COLUMNS)]
    for i, change in enumerate(changes):
        row = {**FIGURE, "school_year": f"{2014 + i}/{(15 + i) % 100:02d}", **change}
        lines.append(",".join(row[c] for c in FIGURES_COLUMNS))
    return write(tmp_path, "synthetic_figures.csv", "\n".join(lines) + "\n")


# ----------------------------------------------------------------------------- DUO counts


def test_synthetic_duplicated_lines_are_refused_not_counted_twice(tmp_path: Path) -> None:
    body = "Overijssel;techniek;man;31;36\nOverijssel;techniek;vrouw;3;4\n"
    path = write(tmp_path, "synthetic_hbo.csv", f"{HO_HEADER}\n{body}{body}")
    with pytest.raises(TpDataError, match="duplicate record.*as line 2") as err:
        read_duo(path)
    where(err, path, "PROVINCIE", 4)


def test_synthetic_one_totaal_row_does_not_replace_every_record(tmp_path: Path) -> None:
    """One GESLACHT=totaal row used to make the whole frame 'totals only' (share 1.000)."""
    text = (f"{HO_HEADER}\nOverijssel;techniek;man;31;36\nOverijssel;techniek;vrouw;3;4\n"
            "Overijssel;economie;man;50;50\nOverijssel;economie;vrouw;60;60\n"
            "Overijssel;economie;totaal;110;110\n")
    counts = read_duo(write(tmp_path, "synthetic_hbo.csv", text))
    share = technical_share(counts, "hbo", by=("year",))
    first = share[share["year"] == 2015].iloc[0]
    assert (first["n_tech"], first["n_total"]) == (34, 144)
    assert first["share"] == pytest.approx(34 / 144)


def test_synthetic_mbo_year_without_totaal_column_is_kept(tmp_path: Path) -> None:
    text = ("BRIN NUMMER;MBO SECTOR;MAN2018;VROUW2018;TOTAAL2018;MAN2019;VROUW2019\n"
            "01AA;techniek;10;2;12;11;3\n01AA;economie;5;5;10;6;4\n")
    counts = read_duo(write(tmp_path, "synthetic_mbo.csv", text))
    share = technical_share(counts, "mbo", by=("year",)).set_index("year")
    assert share.loc[2019, "n_total"] == 24 and share.loc[2019, "n_tech"] == 14
    by_sex = technical_share(counts, "mbo", by=("sex", "year")).set_index(["sex", "year"])
    assert by_sex.loc[("all", 2019), "n_total"] == 24
    assert by_sex.loc[("female", 2019), "n_total"] == 7


def test_synthetic_totaal_below_the_sum_of_the_sexes_is_refused(tmp_path: Path) -> None:
    text = "BRIN NUMMER;MBO SECTOR;MAN2019;VROUW2019;TOTAAL2019\n01AA;techniek;10;2;11\n"
    path = write(tmp_path, "synthetic_mbo.csv", text)
    with pytest.raises(TpDataError, match="total disagrees with the sum of its parts") as err:
        read_duo(path)
    where(err, path, "TOTAAL2019", 2)


def test_synthetic_totaal_must_equal_man_vrouw_onbekend(tmp_path: Path) -> None:
    text = ("BRIN NUMMER;MAN2019;VROUW2019;ONBEKEND2019;TOTAAL2019\n"
            "01AA;10;2;1;13\n02BB;10;2;1;14\n")
    path = write(tmp_path, "synthetic_mbo.csv", text)
    with pytest.raises(TpDataError, match="total disagrees") as err:
        read_duo(path)
    where(err, path, "TOTAAL2019", 3)


@pytest.mark.parametrize("header", ["2019*", "2019.0", "2019 (voorlopig)", "'2019",
                                    "TOTAL2019", "EXAMENKANDIDATEN SCHOOLJAAR 2019-2020 - MAN X1"])
def test_synthetic_year_like_headers_are_refused(tmp_path: Path, header: str) -> None:
    path = write(tmp_path, "synthetic_year.csv", f"GEMEENTENAAM;2018;{header}\nZWOLLE;1;2\n")
    with pytest.raises(TpDataError, match="holds a year but is not a count header") as err:
        read_duo(path)
    where(err, path, header, 1)
    if header == "TOTAL2019":
        assert "did you mean TOTAAL" in str(err.value)


def test_synthetic_en_dash_school_year_header_is_read(tmp_path: Path) -> None:
    counts = read_duo(write(tmp_path, "synthetic.csv", "GEMEENTENAAM;2019\u20132020\nZWOLLE;4\n"))
    assert counts["year"].tolist() == [2019] and counts["n"].tolist() == [4]


@pytest.mark.parametrize(("fmt", "name"), [("csv", "synthetic.csv"), ("json", "synthetic.json")])
@pytest.mark.parametrize("word", ["onbekend", "X"])
def test_synthetic_unknown_sex_counts_in_totals(tmp_path: Path, fmt: str, name: str,
                                                word: str) -> None:
    rows = [("techniek", "man", 8), ("techniek", "vrouw", 2), ("techniek", word, 1),
            ("economie", "vrouw", 9)]
    if fmt == "csv":
        text = "CROHO ONDERDEEL;GESLACHT;2015\n" + "".join(f"{a};{b};{c}\n" for a, b, c in rows)
    else:
        text = json.dumps([{"CROHO ONDERDEEL": a, "GESLACHT": b, "2015": c} for a, b, c in rows])
    counts = read_duo(write(tmp_path, name, text))
    assert counts["sex"].tolist() == ["male", "female", "unknown", "female"]
    share = technical_share(counts, "hbo", by=("sex", "year")).set_index("sex")
    assert (share.loc["all", "n_tech"], share.loc["all", "n_total"]) == (11, 20)
    assert share.loc["male", "n_total"] == 8 and share.loc["female", "n_total"] == 11


def test_synthetic_wide_onbekend_columns_are_counts_not_text(tmp_path: Path) -> None:
    text = ("OPLEIDINGSNAAM;EXAMENKANDIDATEN SCHOOLJAAR 2014-2015 - MAN;"
            "EXAMENKANDIDATEN SCHOOLJAAR 2014-2015 - ONBEKEND;"
            "EXAMENKANDIDATEN SCHOOLJAAR 2014-2015 - TOTAAL\nHAVO - N&T;5;1;6\n")
    counts = read_duo(write(tmp_path, "synthetic_vo.csv", text))
    assert counts["sex"].tolist() == ["male", "unknown", "all"]
    assert "opleidingsnaam" in counts.columns and len(counts.columns) == 11


def test_synthetic_counts_above_int64_are_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "synthetic.csv", "PLAATSNAAM;2019\nZWOLLE;99999999999999999999\n")
    with pytest.raises(TpDataError, match="beyond any plausible size") as err:
        read_duo(path)
    where(err, path, "2019", 2)


def test_synthetic_truncated_last_field_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "synthetic.csv", "PLAATSNAAM;2019\nZWOLLE;12\nTIEL;1")
    with pytest.raises(TpDataError, match="ends inside a line") as err:
        read_duo(path)
    where(err, path, "2019", 3)
    empty = write(tmp_path, "synthetic_empty_cut.csv", "PLAATSNAAM;2019\nZWOLLE;12\nTIEL;")
    with pytest.raises(TpDataError, match="ends inside a line") as err:
        read_duo(empty)
    where(err, empty, "PLAATSNAAM", 3)


def test_synthetic_one_latin1_byte_in_utf8_is_refused(tmp_path: Path) -> None:
    text = "PROVINCIE;GEMEENTENAAM;2019\nFryslân;Súdwest;7\n".encode()
    path = write(tmp_path, "synthetic.csv", text + "Fryslân;Le".encode() + b"\xe9uwarden;3\n")
    with pytest.raises(TpDataError, match="mixed encodings") as err:
        read_duo(path)
    where(err, path, "GEMEENTENAAM", 3)


def test_synthetic_utf16_and_gzip_files_are_read(tmp_path: Path) -> None:
    text = "PLAATSNAAM;MAN2019;VROUW2019\r\nZWOLLE;3;4\r\nTIEL;2;0\r\n"
    plain = read_duo(write(tmp_path, "synthetic.csv", text))
    utf16 = read_duo_result(write(tmp_path, "synthetic_utf16.csv", text.encode("utf-16")))
    zipped = read_duo(write(tmp_path, "synthetic.csv.gz", gzip.compress(text.encode())))
    assert utf16.encoding == "utf-16"
    for other in (utf16.frame, zipped):
        pd.testing.assert_frame_equal(other.drop(columns="source"), plain.drop(columns="source"))


def test_synthetic_totals_line_is_checked_and_left_out(tmp_path: Path) -> None:
    text = ("PROVINCIE;CROHO ONDERDEEL;2015\nOverijssel;techniek;3\nGelderland;recht;4\n"
            ";Totalen;7\n")
    path = write(tmp_path, "synthetic.csv", text)
    with pytest.warns(TpDataWarning, match="left out 1 totals line"):
        counts = read_duo(path)
    assert counts["n"].tolist() == [3, 4]
    bad = write(tmp_path, "synthetic_bad.csv", text.replace(";Totalen;7", ";Totalen;8"))
    with pytest.raises(TpDataError, match="total disagrees") as err:
        read_duo(bad)
    where(err, bad, "2015", 4)


# ------------------------------------------------------------------------ published figures


@pytest.mark.parametrize(("change", "column", "problem"), [
    ({"measure": "count_total", "unit": "persons", "value": "34.000"}, "value",
     "thousands separator"),
    ({"value": "0.37"}, "value", "percentage written as a fraction"),
    ({"region": "Overijsel"}, "region", "did you mean Overijssel"),
    ({"region": "nl"}, "region", "did you mean NL"),
    ({"school_year": "'69/70"}, "school_year", "out of range"),
    ({"value": "1e30"}, "value", "not a plain number"),
    ({"value": "0.00001"}, "value", "percentage written as a fraction"),
    ({"measure": "count_total", "unit": "persons", "value": "1e30"}, "value",
     "not a plain number"),
])
def test_synthetic_published_values_are_refused(tmp_path: Path, change: dict[str, str],
                                                column: str, problem: str) -> None:
    path = figures_file(tmp_path, {}, change)
    with pytest.raises(TpDataError, match=problem) as err:
        load_figures(path)
    where(err, path, column, 3)


def test_synthetic_upper_case_headers_and_schooljaar_are_read(tmp_path: Path) -> None:
    path = figures_file(tmp_path, {}, {"school_year": "schooljaar 2023/24"},
                        header=",".join(FIGURES_COLUMNS).upper())
    figures = load_figures(path)
    assert list(figures.columns[:12]) == list(FIGURES_COLUMNS)
    series = tp.clean_figures(figures).series
    assert series["year"].tolist() == [2014, 2023]


def test_synthetic_truncated_figures_file_is_refused(tmp_path: Path) -> None:
    full = figures_file(tmp_path, {}, {"note": "x"}).read_text()
    path = write(tmp_path, "synthetic_cut.csv", full.rstrip("\n")[:-1])
    with pytest.raises(TpDataError, match="ends inside a line") as err:
        load_figures(path)
    where(err, path, "source_edition", 3)


# -------------------------------------------------------------------- series and targets


@pytest.mark.parametrize(("content", "problem"), [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "not text"),
    ("indicator,level\nb\xe8ta,x\n".encode("latin-1"), "not UTF-8"),
    (b"", "empty file"),
    (b"indicator;level;region\nx;y;z\n", "not ','-separated"),
])
@pytest.mark.parametrize("loader", [load_series, load_targets])
def test_synthetic_bad_series_and_target_files(tmp_path: Path, loader, content: bytes,
                                               problem: str) -> None:
    path = write(tmp_path, "synthetic_input.csv", content)
    with pytest.raises(TpDataError, match=problem) as err:
        loader(path)
    assert err.value.file == str(path) and err.value.line is not None


def test_synthetic_gzip_and_unsorted_series_are_read(tmp_path: Path) -> None:
    series = load_series()
    text = series.sample(frac=1, random_state=1).to_csv(index=False, lineterminator="\n")
    path = write(tmp_path, "synthetic_series.csv.gz", gzip.compress(text.encode()))
    pd.testing.assert_frame_equal(load_series(path), series)


def test_user_path_that_does_not_exist_is_not_called_bundled(tmp_path: Path) -> None:
    for loader in (load_series, load_targets):
        with pytest.raises(TpFileNotFoundError, match="file not found") as err:
            loader(tmp_path / "synthetic_absent.csv")
        assert "data build" not in str(err.value)


def test_bundled_series_missing_says_build(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("TPFORECAST_DATA", str(tmp_path))
    with pytest.raises(TpFileNotFoundError, match="run `tpforecast data build`"):
        load_series()


def test_select_series_reports_what_vanishes() -> None:
    series = load_series()
    with pytest.warns(TpDataWarning, match="no rows of level vmbo_bbkbgl match"):
        chosen = select_series(series, levels=["mbo", "vmbo_bbkbgl"], regions=["Overijssel"])
    assert set(chosen["level"]) == {"mbo"}
    with pytest.raises(TpDataError, match="no rows match the selection together"):
        select_series(series, levels=["vmbo_bbkbgl"], regions=["Overijssel"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        select_series(series, levels=["mbo"], regions=["Overijssel"])  # nothing vanishes


# ------------------------------------------------------------------------------ data build


@pytest.mark.shared
def test_build_that_fails_halfway_leaves_data_untouched(shared: Path, tmp_path: Path,
                                                        monkeypatch) -> None:
    out = tmp_path / "data"
    shutil.copytree(data_dir(), out)  # what a finished build leaves (test_build: byte-identical)
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    (out / "processed" / "series.csv").write_text("synthetic marker\n")
    before[Path("processed/series.csv")] = b"synthetic marker\n"

    def fail(*args, **kwargs):
        raise TpDataError("synthetic failure after the clean log step")

    monkeypatch.setattr(build_module, "derive_duo_series", fail)
    with pytest.raises(TpDataError, match="synthetic failure"):
        build_data(shared, out)
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    assert [p.name for p in tmp_path.iterdir()] == ["data"]  # no temporary folder left


def test_bundled_data_dir_is_the_default() -> None:
    assert (data_dir() / "processed" / "series.csv").is_file()
