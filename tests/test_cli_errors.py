"""Every subcommand with bad arguments and bad input files: exit status 2, exactly one line on
stderr (``tpforecast: error: ...`` naming the problem), never a traceback (issue 9)."""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import pandas as pd
import pytest
from test_cli import run

from tpforecast.paths import data_dir

SCENARIO_OK = "scenarios:\n  - name: flat\n    base: last\n"


def _files(tmp: Path) -> dict[str, Path]:
    """Bad (and one good) input files, built in code."""
    files = {
        "a_file": b"not a folder\n",
        "latin1.csv": "indicator,level\ncaf\xe9,mbo\n".encode("latin-1"),
        "empty.csv": b"",
        "semicolon.csv": (data_dir() / "processed" / "series.csv").read_bytes()
        .replace(b",", b";")[:4000].rsplit(b"\n", 1)[0] + b"\n",
        "xlsx.csv": b"PK\x03\x04" + b"\x00" * 30,
        "targets_pct.csv": (data_dir() / "targets.csv").read_bytes().replace(b",0.40,", b",40,"),
        "latin1.yml": b"scenarios:\n  - name: caf\xe9\n",
        "cut.yml": b"scenarios:\n  - name: flat\n    start: 20",
        "typo.yml": b"scenarios:\n  - name: flat\n    strat: 2024\n",
        "dup.yml": b"scenarios:\n  - name: flat\n    base: last\n    base: trend\n",
        "path_over_data.yml": b"scenarios:\n  - name: fixed\n    path: {2015: 0.3, 2016: 0.31}\n",
        "binary.yml": gzip.compress(b"x")[:8],
        "study_latin1.yml": (data_dir() / "study.yml").read_bytes().replace(
            b"seed: 0", b"seed: 0 \xe9"),
        "study_bad.yml": (data_dir() / "study.yml").read_bytes().replace(
            b"n_paths: 2000", b"n_paths: 0"),
        "study_dup.yml": (data_dir() / "study.yml").read_bytes() + b"seed: 3\n",
        "no_markers.md": b"# A README without the headline markers\n",
        "one_marker.md": b"<!-- headline:start -->\n<!-- headline:end -->\n",
    }
    out = {}
    for name, content in files.items():
        (tmp / name).write_bytes(content)
        out[name] = tmp / name
    return out


# (argv with {placeholders} for the files above and {tmp}, a fragment of the one error line)
CASES = [
    # data build
    ("data build --shared {tmp}/no_such_folder", "source files not found"),
    ("data build --shared {a_file}", "source files not found"),
    ("data build --out {a_file}/data", "a file is in the way"),
    # forecast
    ("forecast --level nope", "unknown level 'nope'"),
    ("forecast --region Overijsel", "Overijssel"),
    ("forecast --sex woman", "woman"),
    ("forecast --until abc", "invalid int value"),
    ("forecast --until 1800", "until must be a start year"),
    ("forecast --intervals 0", "intervals must be"),
    ("forecast --intervals 80,80", "intervals must be"),
    ("forecast --intervals 0.8", "expected comma-separated integers"),
    ("forecast --as-of 1800", "as_of must be a start year"),
    ("forecast --models naive,naive", "model listed twice"),
    ("forecast --models prophet", "prophet"),
    ("forecast --seed -1", "seed must be a non-negative whole number"),
    ("forecast --series {tmp}/no_such.csv", "file not found"),
    ("forecast --series {latin1.csv}", "not UTF-8"),
    ("forecast --series {empty.csv}", "empty file"),
    ("forecast --series {semicolon.csv}", "separated"),
    ("forecast --series {xlsx.csv}", "ZIP archive or an Excel workbook"),
    ("forecast --out {a_file}/out.csv", "a file is in the way"),
    ("forecast --out {tmp}", "the path is a folder"),
    ("forecast --format xml", "invalid choice"),
    # reach
    ("reach --target abc", "expected a fraction"),
    ("reach --target 40", "target must be a fraction in (0, 1)"),
    ("reach --target 0", "target must be a fraction in (0, 1)"),
    ("reach --year 20", "year must be a start year"),
    ("reach --as-of 1990", "1990"),
    ("reach --targets {tmp}/no_such.csv", "file not found"),
    ("reach --targets {targets_pct.csv}", "target"),
    ("reach --targets --level ho --region Noord", "the targets cover"),
    ("reach --level havo --indicator nope", "nope"),
    # calibrate, probability, evaluate
    ("calibrate --out {a_file}/cal", "a file is in the way"),
    ("probability --target 1.5", "target must be a fraction in (0, 1)"),
    ("probability --level nope", "unknown level 'nope'"),
    ("evaluate --models prophet", "prophet"),
    # backtest
    ("backtest --min-train 100", "the longest series"),
    ("backtest --min-train 1", "min_train must be"),
    ("backtest --horizons 0", "horizons must be"),
    ("backtest --horizons a-b", "expected a range like 1-6"),
    ("backtest --models naive,naive", "model listed twice"),
    # scenarios
    ("scenarios --file {tmp}/no_such.yml", "file not found"),
    ("scenarios --file {latin1.yml}", "line 2: file is not UTF-8 text"),
    ("scenarios --file {cut.yml}", "ends inside a line"),
    ("scenarios --file {typo.yml}", "did you mean 'start'"),
    ("scenarios --file {dup.yml}", "key given twice"),
    ("scenarios --file {binary.yml}", "gzip"),
    ("scenarios --file {path_over_data.yml} --level havo", "would overwrite them"),
    ("scenarios --names nope", "unknown scenario nope"),
    ("scenarios --until 1800", "until must be"),
    # the region tables (the ones that need the data are REGION_CASES below)
    ("headline --n-paths 0", "n_paths"),
    ("combined --as-of 2015,then", "expected start years or 'now'"),
    # report
    ("report --readme {no_markers.md} --out {tmp}/rep", "README markers missing"),
    ("report --readme {one_marker.md} --out {tmp}/rep", "<!-- acceleration:start -->"),
    ("report --readme {tmp}/no_such.md --out {tmp}/rep", "file not found"),
    ("report --study {tmp}/no_such.yml --out {tmp}/rep", "file not found"),
    ("report --study {study_latin1.yml} --out {tmp}/rep", "column 'seed': file is not UTF-8"),
    ("report --study {study_bad.yml} --out {tmp}/rep", "column 'n_paths'"),
    ("report --study {study_dup.yml} --out {tmp}/rep", "given twice"),
    ("report --seed -1 --out {tmp}/rep", "seed"),
    ("report --out {a_file}/rep", "a file is in the way"),
    # no subcommand, unknown subcommand
    ("", "the following arguments are required"),
    ("predict", "invalid choice"),
]


#: a region or level the data do not hold, per region subcommand (each loads the data: slow)
REGION_CASES = [
    ("headline --region Oos", "unknown region 'Oos' (did you mean Oost?)"),
    ("reach --targets --year 2035 --region Oost --level mbo",
     "no share target for the target year 2035; there is: 2016, 2018, 2019, 2020"),
    ("headline --region Oost --level havo,hvo", "unknown level 'hvo' (did you mean havo"),
    ("reach --region Oost --level vmbo_gltl", "'Oost' has no headline series"),
    ("combined --region Drenthe", "'Drenthe' has no headline series"),
    ("combined --as-of 1800", "as_of must be a start year"),
    ("accel --region Twente", "'Twente' has no headline series"),
    ("counts --region Overijssel", "no data for region 'Overijssel'"),
    ("women --region Oost --sex woman", "sex"),
    ("women --region Oost --decompose --years 2015,2015", "years must be"),
]


def _one_line_error(tmp_path: Path, argv: str, needle: str) -> None:
    files = _files(tmp_path)
    for name, path in {"tmp": tmp_path, **files}.items():
        argv = argv.replace("{" + name + "}", str(path))
    args = argv.split()
    code, out, err = run(*args)
    assert code == 2, (code, err)
    assert err.count("\n") == 1 and err.startswith("tpforecast"), err
    assert "error" in err and needle in err, err
    assert "Traceback" not in err and out == ""


@pytest.mark.parametrize(("argv", "needle"), CASES, ids=[c[0] or "(none)" for c in CASES])
def test_bad_input_is_one_line_and_exit_2(tmp_path, argv, needle):
    _one_line_error(tmp_path, argv, needle)


@pytest.mark.slow
@pytest.mark.parametrize(("argv", "needle"), REGION_CASES, ids=[c[0] for c in REGION_CASES])
def test_a_region_or_level_without_data_is_one_line_and_exit_2(tmp_path, argv, needle):
    _one_line_error(tmp_path, argv, needle)


def test_every_subcommand_is_covered():
    commands = {" ".join(c[0].split()[:2]) if c[0].startswith("data") else c[0].split(" ")[0]
                for c in CASES + REGION_CASES}
    assert {"data build", "calibrate", "forecast", "reach", "probability", "evaluate",
            "backtest", "scenarios", "headline", "combined", "accel", "counts", "women",
            "report"} <= commands
    assert len(CASES) >= 50


def test_a_readme_without_markers_is_left_unchanged(tmp_path):
    files = _files(tmp_path)
    before = files["no_markers.md"].read_bytes()
    code, _, _ = run("report", "--readme", str(files["no_markers.md"]), "--out",
                     str(tmp_path / "rep"))
    assert code == 2 and files["no_markers.md"].read_bytes() == before
    assert not (tmp_path / "rep").exists()  # refused before any work


def test_left_out_series_are_one_warning_line_and_exit_0():
    """The issue's ``reach --targets --level mbo,havo --region Overijssel`` dropped havo
    without a word: now the rows are there (havo judged against the national 55% ambition,
    Overijssel having none of its own), and a series without any target is one line on
    stderr."""
    code, out, err = run("reach", "--targets", "--level", "mbo,havo", "--region", "Overijssel")
    assert code == 0 and err == ""
    rows = pd.read_csv(io.StringIO(out)).set_index("level")
    assert rows.loc["havo", "target"] == 0.55 and rows.loc["mbo", "target"] == 0.40
    assert rows.loc["havo", "target_source"].startswith("national ambition applied to "
                                                        "Overijssel")
    # ho has no target in Noord, and no national level ambition applies to it
    code, out, err = run("reach", "--targets", "--level", "mbo,ho", "--region", "Noord")
    assert code == 0
    assert err.count("\n") == 1 and err.startswith("tpforecast: warning: reachability: 1 of 2 "
                                                   "series have rows without a result: "
                                                   "no_target (1)")
    assert "duo_ho_intake_programme_benchmarked/ho/Noord/all" in err
    assert out.count("no_target") == 1
