"""The tpforecast command line: subcommands, output formats, one-line user errors."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout

import pandas as pd
import pytest

from tpforecast.cli import build_parser, main


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            code = main(list(argv))
        except SystemExit as exc:  # argparse usage errors
            code = int(exc.code or 0)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("command", ["data build", "calibrate", "forecast", "reach",
                                     "probability", "evaluate", "backtest", "scenarios",
                                     "headline", "combined", "accel", "counts", "women",
                                     "report"])
def test_every_subcommand_has_help(command):
    code, out, _ = run(*command.split(), "--help")
    assert code == 0 and "usage: tpforecast" in out


def test_reach_csv_as_of_2016():
    code, out, err = run("reach", "--level", "havo,vwo", "--as-of", "2015", "--target", "40%")
    assert code == 0, err
    df = pd.read_csv(io.StringIO(out))
    assert set(df["level"]) == {"havo", "vwo"}
    assert (df["as_of"] == 2015).all() and (df["target"] == 0.40).all()
    assert df["p_target"].between(0, 1).all() and set(df["status"]) == {"ok"}


def test_reach_against_each_levels_own_target():
    code, out, _ = run("reach", "--targets", "--level", "havo,mbo", "--format", "json")
    assert code == 0
    targets: dict[str, set[float]] = {}
    for r in json.loads(out):
        targets.setdefault(r["level"], set()).add(r["target"])
    # havo: its 55% N-profile ambition; mbo: the 40% goal and the 30% ambition (doel 9)
    assert targets == {"havo": {0.55}, "mbo": {0.40, 0.30}}


def test_forecast_json_to_file(tmp_path):
    path = tmp_path / "fc.json"
    code, out, err = run("forecast", "--level", "havo", "--region", "Overijssel", "--until",
                         "2026", "--format", "json", "--out", str(path), "--models", "naive,drift")
    assert code == 0 and out == "" and "wrote" in err
    records = json.loads(path.read_text())
    # a series too short for a model is a row with its status and reason, not a silent gap
    skipped = [r for r in records if r["status"] != "ok"]
    assert all(r["year"] is None and r["reason"] for r in skipped)
    records = [r for r in records if r["status"] == "ok"]
    assert {r["model"] for r in records} == {"naive", "drift"}
    assert {r["year"] for r in records} == {2024, 2025, 2026}
    # Overijssel's headline havo series is the benchmarked DUO series (series_roles.csv)
    assert {r["indicator"] for r in records} == {"duo_vo_exam_nprofile_benchmarked"}
    assert all(r["lo_95"] <= r["median"] <= r["hi_95"] for r in records)


def test_forecast_intervals_option():
    code, out, err = run("forecast", "--level", "havo", "--intervals", "50", "--until", "2025")
    assert code == 0, err
    df = pd.read_csv(io.StringIO(out))
    assert {"lo_50", "hi_50"} <= set(df.columns) and "lo_80" not in df.columns


def test_backtest_score():
    code, out, err = run("backtest", "--level", "havo", "--models", "naive,drift",
                         "--horizons", "1-3", "--score")
    assert code == 0, err
    df = pd.read_csv(io.StringIO(out))
    assert set(df["model"]) == {"naive", "drift"} and set(df["horizon"]) == {1, 2, 3}
    assert {"mae_pp", "mase", "coverage_80"} <= set(df.columns)


def test_probability_per_year_against_own_targets():
    code, out, err = run("probability", "--level", "mbo", "--targets", "--until", "2030")
    assert code == 0, err
    df = pd.read_csv(io.StringIO(out))
    assert set(df["target"]) == {0.40, 0.30}  # mbo's goal and its 30% ambition
    assert df["year"].max() == 2030
    observed = df.loc[df["status"] == "observed"]
    assert set(observed["p_target"]) <= {0.0, 1.0}
    assert df.loc[df["status"] == "ok", "p_target"].between(0, 1).all()


@pytest.mark.slow
def test_calibrate_writes_the_files_elsewhere(tmp_path):
    code, out, err = run("calibrate", "--out", str(tmp_path))
    assert code == 0, err
    assert "national" in out and "regional" in out
    from tpforecast.paths import data_dir

    assert (tmp_path / "calibration.csv").read_bytes() == (
        data_dir() / "calibration.csv").read_bytes()


def test_report_help_names_the_study_option():
    code, out, _ = run("report", "--help")
    assert code == 0 and "--study" in out


def test_scenarios_by_name():
    code, out, err = run("scenarios", "--level", "havo", "--names", "stagnation,observed_pace",
                         "--until", "2026")
    assert code == 0, err
    df = pd.read_csv(io.StringIO(out))
    assert set(df["scenario"]) == {"stagnation", "observed_pace"}


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["reach", "--level", "nonsense"], "unknown level 'nonsense'"),
        (["reach", "--target", "abc"], "expected a fraction"),
        (["reach", "--series", "/no/such/file.csv"], "/no/such/file.csv"),
        (["reach", "--models", "prophet"], "prophet"),
        (["forecast", "--frobnicate"], "unrecognized arguments"),
        (["scenarios", "--names", "nope"], "unknown scenario nope"),
        (["reach", "--as-of", "1990"], "1990"),
    ],
)
def test_user_errors_are_one_line_without_traceback(argv, needle):
    code, out, err = run(*argv)
    assert code == 2
    lines = [line for line in err.splitlines() if line.startswith("tpforecast")]
    assert len(lines) == 1 and needle in lines[0], err
    assert "Traceback" not in err


@pytest.mark.slow
def test_installed_entry_point(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "tpforecast.cli", "reach", "--level", "nope"],
                          capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.count("\n") == 1


def test_parser_lists_all_subcommands():
    text = build_parser().format_help()
    for name in ["data", "calibrate", "forecast", "reach", "probability", "evaluate",
                 "backtest", "scenarios", "headline", "combined", "accel", "counts", "women",
                 "report"]:
        assert name in text


# ------------------------------------------------------------------ one command per region


def _csv(*argv: str) -> pd.DataFrame:
    code, out, err = run(*argv)
    assert code == 0, err
    return pd.read_csv(io.StringIO(out))


@pytest.mark.slow
def test_headline_of_a_region_against_its_own_targets():
    df = _csv("headline", "--region", "Oost", "--level", "mbo,hbo,wo", "--n-paths", "200")
    assert df["region"].tolist() == ["Oost"] * 3 and (df["own_target"] == 0.40).all()
    assert set(df["own_target_kind"]) == {"goal"} and df["own_target_source"].notna().all()
    # as of 2016 Oost's regional series had too few points; now they are judged
    assert set(df["status"]) <= {"too_short", "no_data"}
    assert df["p_own_target_now"].between(0, 1).all()


@pytest.mark.slow
def test_combined_per_region_as_of_2016_and_now():
    df = _csv("combined", "--region", "NL,Gelderland", "--n-paths", "200")
    assert set(df["region"]) == {"NL", "Gelderland"}
    nl = df.loc[(df["region"] == "NL") & (df["year"] == 2020)]
    assert len(nl) == 2 and set(nl["as_of"].fillna(-1)) == {2015, -1}
    assert (nl["gap_students"] > 0).all() and "entrants" in nl["basis"].iloc[0]


@pytest.mark.slow
def test_acceleration_in_points_and_students_for_a_region():
    df = _csv("accel", "--region", "Gelderland", "--level", "mbo,hbo", "--n-paths", "200")
    assert set(df["region"]) == {"Gelderland"} and {"extra_pp_per_year", "extra_students",
                                                   "entrants"} <= set(df.columns)
    ok = df.loc[df["status"] == "ok"]
    assert len(ok) and (ok["extra_students"] / ok["entrants"]).notna().all()
    assert df["n_total_projection"].str.contains("Gelderland/NL").all()


@pytest.mark.slow
def test_counts_and_women():
    counts = _csv("counts")
    assert set(counts["region"]) == {"Oost", "Zwolle"}
    women = _csv("women", "--region", "Overijssel", "--level", "hbo", "--decompose",
                 "--years", "2015,2019")
    r = women.iloc[0]
    assert r["region"] == "Overijssel" and r["sex"] == "female"
    assert r["technical_pp"] + r["overall_pp"] == pytest.approx(r["change_pp"])


@pytest.mark.slow
def test_report_of_a_region_with_the_dutch_summary_and_the_workbook(tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "oost"
    code, stdout, err = run("report", "--region", "Oost", "--lang", "nl", "--xlsx", "--out",
                            str(out))
    assert code == 0, err
    written = set(stdout.split())
    for name in ("report.html", "summary.md", "one_page_nl.md", "one_page_nl.html",
                 "tables.xlsx", "figures/regions.svg", "figures/forecast_mbo.png"):
        assert str(out / name) in written, name
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "Techniekpact, Oost" in html and html.count("<svg") >= 5
    page = (out / "one_page_nl.md").read_text(encoding="utf-8")
    assert page.startswith("# Techniek in landsdeel Oost") and "procentpunt" in page
    sheets = load_workbook(out / "tables.xlsx").sheetnames
    assert {"headline", "combined", "acceleration", "levels", "women_shares"} <= set(sheets)
    headline = pd.read_excel(out / "tables.xlsx", sheet_name="headline")
    assert set(headline["region"]) == {"Oost"}


@pytest.mark.slow
def test_report_refuses_an_unknown_region_with_a_suggestion(tmp_path):
    code, _, err = run("report", "--region", "Oosst", "--out", str(tmp_path / "x"))
    assert code == 2 and "Oost" in err and "Traceback" not in err
    assert not (tmp_path / "x").exists()  # nothing written


def test_report_readme_is_national_only(tmp_path):
    code, _, err = run("report", "--region", "Oost", "--readme", "README.md", "--out",
                       str(tmp_path))
    assert code == 2 and "national" in err
    code, _, err = run("report", "--lang", "de")
    assert code == 2 and "invalid choice: 'de'" in err
