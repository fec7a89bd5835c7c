"""A result or the rows that say why there is none: what lets notebooks 03-06 run for a region
whose series start after the study's as-of year."""

from __future__ import annotations

import pandas as pd
import pytest

import tpforecast as tp
import tpforecast.report as rp
from tpforecast.errors import MissingDataError, NothingComputedError, UnknownNameError

RUN = {"seed": 0, "n_paths": 200}


@pytest.fixture(scope="module")
def series():
    return tp.load_series()


@pytest.mark.slow  # real data and models: make test, not the fast lane
def test_result_or_status_gives_the_rows_of_a_region_that_2016_could_not_judge(series):
    oost = tp.headline_series(series, region="Oost", levels=["mbo", "hbo", "wo"])
    with pytest.raises(NothingComputedError):
        tp.reachability(oost, target=0.4, year=2020, as_of=2015, **RUN)
    rows = rp.result_or_status(tp.reachability, oost, target=0.4, year=2020, as_of=2015,
                               columns=["p_target"], **RUN)
    assert sorted(rows["level"]) == ["hbo", "mbo", "wo"]
    assert set(rows["status"]) <= {"too_short", "no_data"} and rows["p_target"].isna().all()
    assert rows["reason"].str.contains("Oost").all()
    note = rp.show_or_note(tp.plot_reachability, rows)
    assert isinstance(note, rp.Note) and repr(note).startswith("[no figure: no series could")


@pytest.mark.slow  # real data and models: make test, not the fast lane
def test_result_or_status_passes_results_through(series):
    nl = tp.headline_series(series, levels=["mbo"])
    reach = rp.result_or_status(tp.reachability, nl, target=0.4, year=2020, as_of=2015, **RUN)
    assert reach["status"].iloc[0] == "ok" and 0 <= reach["p_target"].iloc[0] <= 1
    shown = rp.show_or_note(tp.plot_reachability, reach)
    assert repr(shown).startswith("[figure: ")


@pytest.mark.slow  # real data and models: make test, not the fast lane
def test_hindcast_errors_pivot_or_status_rows(series):
    nl = tp.headline_series(series, levels=["mbo", "hbo"])
    hc = tp.hindcast(nl, as_of=2015, years=[2020], models=["calibrated", "naive"], **RUN)
    table = rp.hindcast_errors(hc, year=2020)
    expected = hc.loc[hc["year"] == 2020].pivot_table(index="level", columns="model",
                                                      values="error_pp").round(1)
    pd.testing.assert_frame_equal(table, expected, check_names=False)
    oost = tp.headline_series(series, region="Oost", levels=["mbo", "hbo"])
    rows = rp.result_or_status(tp.hindcast, oost, as_of=2015, years=[2020],
                               models=["calibrated"], region="Oost", **RUN)
    status = rp.hindcast_errors(rows, year=2020)
    assert list(status.columns) == ["level", "region", "model", "status", "reason"]
    assert tp.forecasting.hindcast_summary(rows).empty


@pytest.mark.slow  # real data and models: make test, not the fast lane
def test_levels_with_series_keeps_the_levels_a_region_has(series):
    asked = ["vmbo_bb", "vmbo_gl", "vmbo_tl", "havo", "mbo"]
    assert rp.levels_with_series(series, region="NL", levels=asked) == asked
    assert rp.levels_with_series(series, region="Oost", levels=asked) == ["vmbo_bb", "havo",
                                                                          "mbo"]
    with pytest.raises(UnknownNameError, match="vmbo_gk"):
        rp.levels_with_series(series, region="Oost", levels=["vmbo_gk"])
    with pytest.raises((UnknownNameError, MissingDataError)):
        rp.levels_with_series(series, region="Oostt", levels=["mbo"])


def test_students_text_says_n_a_when_no_level_had_a_result():
    synthetic_runs = pd.DataFrame({
        "scenario": ["required"] * 2, "year": [2020] * 2, "level": ["mbo", "hbo"],
        "extra_pp_per_year": [float("nan")] * 2, "start": [2016] * 2,
        "extra_students": [float("nan")] * 2, "median": [float("nan")] * 2,
        "n_total_proj": [float("nan")] * 2, "as_of": [2015] * 2})
    text = rp.students_text(synthetic_runs, scenario="required", year=2020,
                            together=["mbo", "hbo"])
    assert text.splitlines()[-1] == "mbo+hbo together: n/a (no level had a required result)"


@pytest.mark.slow  # real data and models: make test, not the fast lane
def test_probability_display_says_when_a_level_has_no_target_of_its_own(series):
    noord = tp.headline_series(series, region="Noord", levels=["ho", "hbo"])
    p = tp.probability_by_year(noord, target=tp.load_targets(), until=2030, **RUN)
    shown = rp.probability_display(p, years=[2030]).set_index("level")
    assert shown.loc["ho", "target"] == "none"
    assert shown.loc["ho", "first year with P >= 50%"] == "n/a (no target of its own)"
    assert shown.loc["hbo", "target"] == "goal 30%" and shown.loc["hbo", "P in 2030"] != "n/a"


def test_a_region_without_its_own_level_target_gets_the_national_ambition(series):
    oost = tp.headline_series(series, region="Oost", levels=["havo", "mbo"])
    p = tp.probability_by_year(oost, target=tp.load_targets(), until=2030, **RUN)
    shown = rp.probability_display(p, years=[2030]).set_index("level")
    assert shown.loc["havo", "target"] == "ambition 55%"  # national: Oost has no havo target
    assert shown.loc["mbo", "target"] == "goal 40%"  # Oost's own goal beats the ambition
    src = p.drop_duplicates("level").set_index("level")["target_source"]
    assert src["havo"].startswith("national ambition applied to Oost")
    assert not src["mbo"].startswith("national")
    head = tp.headline_table(series, region="Oost", levels=["havo", "mbo"],
                             study=tp.load_study().replace(n_paths=200)).set_index("level")
    assert head.loc["havo", "own_target_scope"] == "national"
    assert head.loc["mbo", "own_target_scope"] == "region"
