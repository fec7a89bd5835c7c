"""Tests of clean_figures on the real published table and on synthetic figures."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tpforecast.data.cleaning import LOG_COLUMNS, SERIES_COLUMNS, CleanResult, clean_figures
from tpforecast.data.mappings import load_indicators
from tpforecast.data.published import FIGURES_COLUMNS, load_figures
from tpforecast.data.validation import validate
from tpforecast.errors import TpDataError

KEY = ["indicator", "level", "region", "sex", "year"]
DESIGN_DTYPES = {
    "indicator": "str", "level": "str", "region": "str", "sex": "str", "year": "Int64",
    "share": "Float64", "share_lo": "Float64", "share_hi": "Float64", "n_tech": "Int64",
    "n_total": "Int64", "source": "str", "edition": "str", "origin": "str", "canonical": "bool",
    "flags": "str",
}


@pytest.fixture(scope="module")
def figures() -> pd.DataFrame:
    return load_figures()


@pytest.fixture(scope="module")
def result(figures: pd.DataFrame) -> CleanResult:
    return clean_figures(figures)


@pytest.fixture(scope="module")
def series(result: CleanResult) -> pd.DataFrame:
    return result.series


@pytest.fixture(scope="module")
def log(result: CleanResult) -> pd.DataFrame:
    return result.log


def pick(series: pd.DataFrame, indicator: str, level: str, year: int, region: str = "NL",
         sex: str = "all") -> pd.Series:
    rows = series[(series["indicator"] == indicator) & (series["level"] == level)
                  & (series["region"] == region) & (series["sex"] == sex)
                  & (series["year"] == year)]
    assert len(rows) == 1, (indicator, level, region, sex, year)
    return rows.iloc[0]


def flags_of(row: pd.Series) -> set[str]:
    return set(filter(None, row["flags"].split(";")))


def national(series: pd.DataFrame, level: str) -> pd.DataFrame:
    return series[series["canonical"] & (series["level"] == level) & (series["region"] == "NL")
                  & (series["sex"] == "all")]


# ---------------------------------------------------------------------------------- contract


def test_result_is_a_named_tuple(result: CleanResult) -> None:
    series, log = result
    assert series is result.series and log is result.log


def test_series_columns_and_dtypes_follow_the_design(series: pd.DataFrame) -> None:
    assert list(series.columns) == SERIES_COLUMNS
    assert {c: str(series[c].dtype) for c in series.columns} == DESIGN_DTYPES


def test_series_passes_the_series_schema(series: pd.DataFrame) -> None:
    assert validate(series, "series").empty


def test_log_columns_and_actions(log: pd.DataFrame) -> None:
    assert list(log.columns) == LOG_COLUMNS
    assert set(log["action"]) <= {"changed", "dropped", "flagged", "moved", "resolved"}
    assert (log["rows"] > 0).all()
    assert (log["reason"].str.len() > 0).all()
    # every entry points at an input row: a file and a physical line, typed
    assert str(log["line"].dtype) == "Int64" and log["line"].notna().all()
    assert (log["file"] != "").all()
    assert str(log["year"].dtype) == "Int64"
    assert str(log["kept_value"].dtype) == "Float64"


def test_log_resolve_rows_are_structured(log: pd.DataFrame) -> None:
    """Kept and superseded value and edition are columns: nothing parses the prose."""
    resolved = log[(log["action"] == "resolved") & log["kept_value"].notna()]
    assert len(resolved) > 0
    assert (resolved["rows"] == 1).all()
    assert resolved[["kept_edition", "superseded_edition", "indicator", "measure"]].ne("").all(
        axis=None)
    assert resolved["superseded_value"].notna().all()
    assert (resolved["kept_value"] != resolved["superseded_value"]).all()


def test_no_duplicate_keys_and_sorted(series: pd.DataFrame) -> None:
    assert not series.duplicated(KEY).any()
    assert series.equals(series.sort_values(KEY, kind="mergesort").reset_index(drop=True))


def test_every_row_traces_to_a_source(series: pd.DataFrame) -> None:
    assert (series["source"].str.strip() != "").all()
    assert (series["edition"].str.strip() != "").all()
    assert (series["origin"] == "published").all()


def test_shares_are_fractions(series: pd.DataFrame) -> None:
    shares = series["share"].dropna()
    assert shares.between(0, 1).all()
    assert series["share_lo"].isna().all() and series["share_hi"].isna().all()


def test_every_row_records_the_quality_of_its_values(series: pd.DataFrame) -> None:
    qualities = {"reported", "derived", "inferred", "approximate", "proxy"}
    assert series.apply(lambda row: bool(flags_of(row) & qualities), axis=1).all()
    assert (series["flags"] == series["flags"].map(
        lambda f: ";".join(sorted(filter(None, f.split(";")))))).all()


def test_at_most_one_canonical_indicator_per_level(series: pd.DataFrame) -> None:
    canonical = series[series["canonical"]].drop_duplicates(["indicator", "level"])
    assert not canonical["level"].duplicated().any()


def test_every_input_row_is_accounted_for(figures: pd.DataFrame, series: pd.DataFrame,
                                          log: pd.DataFrame) -> None:
    # shares derived from counts (the row's own, or a pooled series' members) are no input
    from_counts = (series["flags"].str.contains("share_from_counts", regex=False)
                   | series["flags"].str.contains("pooled", regex=False))
    published_values = (
        int((series["share"].notna() & ~from_counts).sum())
        + int(series["n_tech"].notna().sum())
        + int(series["n_total"].notna().sum())
    )
    left = int(log.loc[log["action"].isin(["dropped", "moved", "resolved"]), "rows"].sum())
    assert published_values + left == len(figures)


def test_cleaning_is_deterministic(figures: pd.DataFrame, result: CleanResult) -> None:
    again = clean_figures(load_figures())
    assert again.series.to_csv(index=False) == result.series.to_csv(index=False)
    assert again.log.to_csv(index=False) == result.log.to_csv(index=False)
    assert len(figures) == len(load_figures())  # the input is not modified


def test_input_frame_is_not_modified(figures: pd.DataFrame) -> None:
    before = figures.copy()
    clean_figures(figures)
    pd.testing.assert_frame_equal(figures, before)


# ------------------------------------------------------------------- real-data expectations


def test_havo_2014_newest_edition_wins_and_the_loser_is_logged(series: pd.DataFrame,
                                                                log: pd.DataFrame) -> None:
    row = pick(series, "havo4_nprofile", "havo", 2014)
    assert row["share"] == pytest.approx(0.43)
    assert "monitor 2021" in row["edition"]
    assert "superseded_editions" in flags_of(row)
    resolved = log[(log["action"] == "resolved") & (log["indicator"] == "havo4_nprofile")
                   & (log["year"] == 2014) & (log["sex"] == "all") & (log["kept_value"] == 43)]
    assert set(resolved["superseded_edition"]) >= {
        "Techniekpact goals 2016-2020 (doel 4 page)"}
    assert "monitor Techniekpact 2015" in " ".join(resolved["superseded_edition"])
    goals = resolved[resolved["superseded_edition"]
                     == "Techniekpact goals 2016-2020 (doel 4 page)"]
    assert goals["superseded_value"].tolist() == [45]
    assert "45 from 'Techniekpact goals 2016-2020 (doel 4 page)'" in goals["reason"].iloc[0]


def test_vmbo_bb_2019_primary_page_beats_its_news_report(series: pd.DataFrame,
                                                         log: pd.DataFrame) -> None:
    assert pick(series, "y3_techprofile", "vmbo_bb", 2019)["share"] == pytest.approx(0.23)
    entry = log[(log["indicator"] == "y3_techprofile") & (log["level"] == "vmbo_bb")
                & (log["year"] == 2019) & (log["action"] == "resolved")].iloc[0]
    assert (entry["kept_value"], entry["superseded_value"]) == (23, 24)
    assert entry["superseded_edition"] == "monitor 2020 as reported by VOS/ABB"
    assert "24 from 'monitor 2020 as reported by VOS/ABB'" in entry["reason"]


def test_ho_2020_newest_update_wins(series: pd.DataFrame) -> None:
    assert pick(series, "ho_instroom_betatech", "ho", 2020)["share"] == pytest.approx(0.28)


def test_long_national_series(series: pd.DataFrame) -> None:
    mbo = series[(series["indicator"] == "mbo_instroom_tech") & (series["level"] == "mbo")
                 & (series["region"] == "NL") & (series["sex"] == "all")]
    assert mbo["year"].nunique() >= 10
    for level in ("havo", "vwo"):
        canonical = national(series, level)
        assert canonical["year"].nunique() >= 10, level
        assert canonical["share"].notna().sum() >= 10, level


def test_required_national_levels_are_present(series: pd.DataFrame) -> None:
    for level in ("vmbo_bb", "vmbo_kb", "vmbo_gltl", "havo", "vwo", "havo_vwo", "mbo", "hbo",
                  "wo", "ho"):
        assert len(national(series, level)) >= 2, level
    female = series[(series["region"] == "NL") & (series["sex"] == "female") & series["canonical"]]
    assert {"havo", "vwo", "mbo", "hbo", "wo", "ho", "vmbo_bb"} <= set(female["level"])


def test_level_mislabels_are_fixed_and_logged(series: pd.DataFrame, log: pd.DataFrame) -> None:
    by_indicator = series.groupby("indicator")["level"].agg(set)
    assert by_indicator["tl_diploma_nask"] == {"vmbo_tl"}
    assert by_indicator["gl_y3_techprofile"] == {"vmbo_gl"}
    assert by_indicator["gl_diploma_nask"] == {"vmbo_gl"}
    assert by_indicator["bbkbgl_y3_techprofile"] == {"vmbo_bbkbgl"}
    fixes = log[(log["step"] == "indicators") & (log["action"] == "changed")]
    assert fixes["reason"].str.contains("tl_diploma_nask rows labelled vmbo_gltl belong to "
                                        "vmbo_tl", regex=False).any()
    assert fixes["reason"].str.contains("gl_y3_techprofile rows labelled vmbo_gltl",
                                        regex=False).any()
    # the identically labelled copies collapse into one value per year
    assert pick(series, "tl_diploma_nask", "vmbo_tl", 2017)["n_tech"] == 18941


def test_indicator_mislabel_gl_nask_is_fixed(series: pd.DataFrame, log: pd.DataFrame) -> None:
    assert pick(series, "gl_diploma_nask", "vmbo_gl", 2016)["share"] == pytest.approx(0.40)
    profile = series[(series["indicator"] == "gl_y3_techprofile") & (series["share"] > 0.3)]
    assert profile.empty
    assert log["reason"].str.contains("gl_y3_techprofile -> gl_diploma_nask", regex=False).any()


def test_denominators_join_their_indicator(series: pd.DataFrame) -> None:
    row = pick(series, "havo4_nprofile", "havo", 2015)
    assert (row["n_tech"], row["n_total"]) == (26385, 61961)
    assert not series["indicator"].isin(["havo4_total", "vwo4_total"]).any()


def test_sex_values_are_keys(series: pd.DataFrame, log: pd.DataFrame) -> None:
    assert set(series["sex"]) <= {"all", "female", "male"}
    assert pick(series, "mbo_instroom_tech", "mbo_n2", 2007, sex="female")["share"] == \
        pytest.approx(0.03)
    assert log["reason"].str.contains("'F' -> 'female'", regex=False).any()


def test_targets_are_moved_out_with_a_log_row_each(figures: pd.DataFrame,
                                                   log: pd.DataFrame) -> None:
    moved = log[log["action"] == "moved"]
    assert len(moved) == int((figures["measure"] == "target").sum()) == moved["rows"].sum()
    assert (moved["step"] == "targets").all()


def test_excluded_indicators_are_dropped_with_a_log_row(series: pd.DataFrame,
                                                        log: pd.DataFrame) -> None:
    assert not (series["indicator"] == "unspecified").any()
    # the news-item counts (level vmbo_bbkb, population unknown) go; the Gelderland counts of
    # seed 001 (level vmbo, all leerwegen) stay as their own count-only indicator
    unspecified = series[series["indicator"] == "vmbo_tech_pupils_unspecified"]
    assert set(unspecified["level"]) == {"vmbo"} and set(unspecified["region"]) == {"Gelderland"}
    assert unspecified["share"].isna().all() and unspecified["n_tech"].notna().all()
    dropped = log[(log["action"] == "dropped") & (log["step"] == "indicators")]
    assert dropped["reason"].str.contains("vmbo_tech_pupils_unspecified", regex=False).any()
    assert dropped["reason"].str.contains("unspecified (vo)", regex=False).any()


def test_rows_without_school_year_are_dropped_with_a_log_row(figures: pd.DataFrame,
                                                             log: pd.DataFrame) -> None:
    no_year = figures[figures["school_year"].isna() & (figures["measure"] != "target")]
    dropped = log[(log["step"] == "school_year") & (log["action"] == "dropped")]
    assert dropped["rows"].sum() == len(no_year) == 1
    assert dropped["line"].iloc[0] == no_year["line"].iloc[0]
    assert pd.isna(dropped["year"].iloc[0])


def test_mbo_definition_break_moves_old_editions(series: pd.DataFrame, log: pd.DataFrame) -> None:
    mbo = series[(series["indicator"] == "mbo_instroom_tech") & (series["region"] == "NL")]
    assert 2005 not in set(mbo["year"])
    assert pick(series, "mbo_instroom_tech_domain", "mbo", 2005)["share"] == pytest.approx(0.29)
    old = pick(series, "mbo_instroom_tech_domain", "mbo", 2014)
    assert old["share"] == pytest.approx(0.31)
    assert old["n_tech"] == 39262
    assert pick(series, "mbo_instroom_tech", "mbo", 2014)["n_tech"] == 37817
    assert log["reason"].str.contains("break mbo_definition_2018", regex=False).any()


def test_vmbo_profile_reform_is_flagged(series: pd.DataFrame) -> None:
    before = pick(series, "y3_techprofile", "vmbo_bb", 2012)
    after = pick(series, "y3_techprofile", "vmbo_bb", 2017)
    assert "pre_break:vmbo_profile_reform_2016" in flags_of(before)
    assert not any(f.startswith("pre_break") for f in flags_of(after))
    assert "pre_break:vmbo_profile_reform_2016" in flags_of(
        pick(series, "bbkb_y3_techprofile", "vmbo_bbkb", 2005))
    nask = series[series["indicator"].str.endswith("diploma_nask")]
    assert not nask["flags"].str.contains("pre_break", regex=False).any()


def test_share_is_derived_from_counts_only_where_missing(series: pd.DataFrame) -> None:
    row = pick(series, "havo4_nprofile", "havo", 2013)
    assert row["share"] == pytest.approx(24074 / 59661, abs=1e-7)
    assert {"share_from_counts", "derived"} <= flags_of(row)
    printed = pick(series, "havo4_nprofile", "havo", 2015)
    assert printed["share"] == pytest.approx(0.43)
    assert "share_from_counts" not in flags_of(printed)
    assert not series["flags"].str.contains("share_count_mismatch", regex=False).any()


def test_institution_figures_are_their_own_indicator(series: pd.DataFrame) -> None:
    twente_wo = series[(series["region"] == "Twente") & (series["level"] == "wo")
                       & (series["year"] == 2017)]
    assert set(twente_wo["indicator"]) == {"twente_index", "twente_institution"}
    institution = twente_wo[twente_wo["indicator"] == "twente_institution"].iloc[0]
    assert "institution_location" in flags_of(institution)
    achterhoek = series[series["region"] == "Achterhoek"]
    assert set(achterhoek["indicator"]) == {"mbo_instroom_tech_institution"}
    assert not achterhoek["canonical"].any()


# ------------------------------------------------------------------------------ synthetic

SYNTHETIC = {
    "indicator": "havo4_nprofile", "level": "havo", "region": "NL", "sex": "all",
    "school_year": "2030/31", "measure": "share", "value": "50", "unit": "pct",
    "quality": "reported", "source_url": "https://example.org/synthetic",
    "source_edition": "synthetic edition 2030-01-01", "note": "",
}


def synthetic_figures(tmp_path: Path, *rows: dict[str, str]) -> pd.DataFrame:
    """Load a synthetic figures file with the given changes to SYNTHETIC, one row each."""
    path = tmp_path / "synthetic_figures.csv"
    lines = [",".join(FIGURES_COLUMNS)]
    lines += [",".join({**SYNTHETIC, **row}[c] for c in FIGURES_COLUMNS) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return load_figures(path)


def test_synthetic_share_count_mismatch_is_flagged_and_logged(tmp_path: Path) -> None:
    figures = synthetic_figures(
        tmp_path, {},
        {"measure": "count_tech", "unit": "persons", "value": "40"},
        {"measure": "count_total", "unit": "persons", "value": "100"},
    )
    series, log = clean_figures(figures)
    row = series.iloc[0]
    assert (row["share"], row["n_tech"], row["n_total"]) == (0.5, 40, 100)
    assert "share_count_mismatch" in flags_of(row)
    assert (log["action"] == "flagged").any()
    assert log["reason"].str.contains("differs from n_tech / n_total", regex=False).any()


def test_synthetic_share_within_rounding_is_not_flagged(tmp_path: Path) -> None:
    figures = synthetic_figures(
        tmp_path, {"value": "43"},
        {"measure": "count_tech", "unit": "persons", "value": "4349"},
        {"measure": "count_total", "unit": "persons", "value": "10000"},
    )
    row = clean_figures(figures).series.iloc[0]
    assert "share_count_mismatch" not in flags_of(row)


def test_synthetic_unknown_edition_is_dated_from_its_name(tmp_path: Path) -> None:
    figures = synthetic_figures(
        tmp_path, {"value": "50"},
        {"value": "52", "source_edition": "synthetic update 8 Apr 2031"},
    )
    series, log = clean_figures(figures)
    assert series["share"].iloc[0] == pytest.approx(0.52)
    dated = log[(log["step"] == "editions")]
    assert len(dated) == 2
    assert dated["reason"].str.contains("dated 2031-04-08", regex=False).any()
    conflict = log[log["action"] == "resolved"]["reason"].iloc[0]
    assert "kept 52" in conflict and "superseded 50" in conflict


def test_synthetic_edition_without_any_date_raises(tmp_path: Path) -> None:
    figures = synthetic_figures(tmp_path, {"source_edition": "synthetic undated page"})
    with pytest.raises(TpDataError, match="edition has no date") as info:
        clean_figures(figures)
    assert "editions.csv" in str(info.value)
    assert "'source_edition'" in str(info.value)


def test_synthetic_agreeing_duplicates_get_one_aggregate_row(tmp_path: Path) -> None:
    figures = synthetic_figures(
        tmp_path, {}, {"source_edition": "synthetic edition 2031-01-01"},
        {"source_edition": "synthetic edition 2032-01-01"},
    )
    series, log = clean_figures(figures)
    assert len(series) == 1
    assert series["edition"].iloc[0] == "synthetic edition 2032-01-01"
    resolved = log[log["action"] == "resolved"]
    assert len(resolved) == 1 and resolved["rows"].iloc[0] == 2
    assert "superseded_editions" not in flags_of(series.iloc[0])


def test_synthetic_unknown_indicator_raises_with_location(tmp_path: Path) -> None:
    figures = synthetic_figures(tmp_path, {}, {"indicator": "synthetic_new_indicator"})
    with pytest.raises(TpDataError, match="indicators.csv") as info:
        clean_figures(figures)
    assert "line 3" in str(info.value)
    assert "'indicator'" in str(info.value)


def test_synthetic_counts_of_different_editions_that_contradict_raise(tmp_path: Path) -> None:
    figures = synthetic_figures(
        tmp_path,
        {"measure": "count_tech", "unit": "persons", "value": "120"},
        {"measure": "count_total", "unit": "persons", "value": "100",
         "source_edition": "synthetic edition 2031-01-01"},
    )
    with pytest.raises(TpDataError, match="above count_total") as info:
        clean_figures(figures)
    assert "line 2" in str(info.value)
    assert "'value'" in str(info.value)


def test_synthetic_row_without_source_raises(tmp_path: Path) -> None:
    figures = synthetic_figures(tmp_path, {"source_url": ""})
    with pytest.raises(TpDataError, match="no source") as info:
        clean_figures(figures)
    assert "line 2" in str(info.value) and "'source_url'" in str(info.value)


def test_synthetic_seed_document_serves_as_source(tmp_path: Path) -> None:
    edition = ('"Techniekpact inzet 2016-2020 (seed document 003_3636615e205dd8d3.txt), '
               'table citing monitor Techniekpact 2015"')
    figures = synthetic_figures(tmp_path, {"source_url": "", "source_edition": edition})
    series = clean_figures(figures).series
    assert series["source"].iloc[0] == "shared/seeds/003_3636615e205dd8d3.txt"


def test_synthetic_aliases_are_mapped(tmp_path: Path) -> None:
    figures = synthetic_figures(tmp_path, {"level": "HAVO", "sex": "meisjes",
                                           "school_year": "'30/'31"})
    series, log = clean_figures(figures)
    row = series.iloc[0]
    assert (row["level"], row["sex"], row["year"]) == ("havo", "female", 2030)
    assert log["reason"].str.contains("'HAVO' -> 'havo'", regex=False).any()
    assert log["reason"].str.contains("'meisjes' -> 'female'", regex=False).any()


def test_synthetic_share_from_counts_of_two_editions_names_both(tmp_path: Path) -> None:
    figures = synthetic_figures(
        tmp_path,
        {"measure": "count_tech", "unit": "persons", "value": "40"},
        {"measure": "count_total", "unit": "persons", "value": "100",
         "source_edition": "synthetic older edition 2029-01-01"},
    )
    series, log = clean_figures(figures)
    row = series.iloc[0]
    assert row["share"] == 0.4
    assert {"share_from_counts", "derived"} <= flags_of(row)
    assert row["edition"] == "synthetic edition 2030-01-01 | synthetic older edition 2029-01-01"
    derived = log[(log["step"] == "shares") & (log["action"] == "changed")]
    assert derived["rows"].tolist() == [1]
    reason = derived["reason"].iloc[0]
    entry = derived.iloc[0]
    assert (entry["indicator"], entry["level"], entry["year"]) == ("havo4_nprofile", "havo", 2030)
    assert entry["new"] == "0.4"
    assert "n_tech / n_total = 40 / 100" in reason
    assert "synthetic older edition 2029-01-01" in reason


def test_every_indicator_flag_is_logged(series: pd.DataFrame, log: pd.DataFrame) -> None:
    indicators = load_indicators()
    tokens = {t for f in indicators.loc[indicators["include"], "flags"]
              for t in f.split(";") if t}
    assert tokens  # institution_location at least
    flagged = log[(log["step"] == "flags") & (log["action"] == "flagged")]
    for token in tokens:
        rows = int(series["flags"].map(lambda f, t=token: t in f.split(";")).sum())
        entry = flagged[flagged["reason"].str.startswith(f"{token}: ")]
        assert entry["rows"].tolist() == [rows], token
