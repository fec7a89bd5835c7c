"""``region=`` (and ``levels=``) with one meaning on every public function that selects,
models or summarises series: the rows of these regions, and an unknown name (did-you-mean) or
a name without data is an error naming what exists, never an empty or national answer."""

from __future__ import annotations

import inspect
import warnings
from collections.abc import Callable

import pandas as pd
import pytest
from synthetic import synthetic_national

import tpforecast as tp
import tpforecast.report as rp
from tpforecast.errors import MissingDataError, TpSelectionError, UnknownNameError
from tpforecast.forecasting.selection import selected
from tpforecast.scenarios import Scenario
from tpforecast.study import DEFAULT_STUDY

SYN = synthetic_national()  # NL: havo, vwo, mbo, ho; Overijssel: mbo (5 points)
CHEAP = {"models": "drift", "n_paths": 100}
FAST = DEFAULT_STUDY.replace(n_paths=100)
FLAT = [Scenario("flat", base="last")]

#: every public function on series frames -> a call with region (and the keyword arguments)
ON_SERIES: dict[str, Callable[..., pd.DataFrame]] = {
    "forecast": lambda s, **k: tp.forecast(s, until=2025, **CHEAP, **k),
    "reachability": lambda s, **k: tp.reachability(s, **CHEAP, **k),
    "backtest": lambda s, **k: tp.backtest(s, horizons=[1], min_train=3, **CHEAP, **k),
    "hindcast": lambda s, **k: tp.hindcast(s, as_of=2018, **CHEAP, **k),
    "required_acceleration": lambda s, **k: tp.required_acceleration(s, **CHEAP, **k),
    "years_to_target": lambda s, **k: tp.years_to_target(s, **CHEAP, **k),
    "run_scenarios": lambda s, **k: tp.run_scenarios(s, scenarios=FLAT, until=2025, **CHEAP,
                                                      **k),
    "acceleration_table": lambda s, **k: tp.acceleration_table(s, starts=[2016], **CHEAP,
                                                                **k),
}


def _quiet(call: Callable[[], pd.DataFrame]) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return call()


@pytest.mark.parametrize("name", ON_SERIES)
def test_runners_keep_only_the_region(name):
    out = _quiet(lambda: ON_SERIES[name](SYN, region="Overijssel"))
    assert set(out["region"]) == {"Overijssel"}
    out = _quiet(lambda: ON_SERIES[name](SYN, region=["NL"], levels="havo"))
    assert set(out["region"]) == {"NL"} and set(out["level"]) == {"havo"}


@pytest.mark.parametrize("name", ON_SERIES)
def test_runners_refuse_unknown_and_missing_names(name):
    with pytest.raises(UnknownNameError, match="did you mean Overijssel") as info:
        ON_SERIES[name](SYN, region="Overijsel")
    assert info.value.asked == "Overijsel" and set(info.value.known) == {"NL", "Overijssel"}
    with pytest.raises(MissingDataError, match="'Oost'"):  # known, but not in this frame
        ON_SERIES[name](SYN, region="Oost")
    with pytest.raises(MissingDataError, match="region 'Overijssel' has no data for level "
                                               "'havo'") as info:
        ON_SERIES[name](SYN, region="Overijssel", levels=["mbo", "havo"])
    assert info.value.known == ["mbo"]
    with pytest.raises(UnknownNameError, match="did you mean havo"):
        ON_SERIES[name](SYN, levels="hvo")


#: the report-level functions (they choose the headline series of a region themselves)
ON_BUNDLED: dict[str, Callable[..., pd.DataFrame]] = {
    "headline_series": lambda s, **k: tp.headline_series(s, **k),
    "headline_table": lambda s, **k: tp.headline_table(s, study=FAST, **k),
    "reachability_combined": lambda s, **k: tp.reachability_combined(s, **CHEAP, **k),
    "own_target_reachability": lambda s, **k: rp.own_target_reachability(s, study=FAST, **k),
    "count_target_progress": lambda s, **k: rp.count_target_progress(s, **k),
    "women_shares": lambda s, **k: rp.women_shares(s, **k),
    "share_change_decomposition": lambda s, **k: rp.share_change_decomposition(s, **k),
    "regional_comparison": lambda s, **k: rp.regional_comparison(s, **k),
}


@pytest.mark.parametrize("name", ON_BUNDLED)
def test_report_functions_refuse_an_unknown_region(name, bundled_series):
    with pytest.raises(UnknownNameError, match="did you mean Gelderland"):
        ON_BUNDLED[name](bundled_series, region="Gelderlnd")


@pytest.mark.parametrize(("name", "regions"), [
    ("headline_series", ["Oost", "Gelderland"]), ("women_shares", ["Oost", "Gelderland"]),
    ("count_target_progress", ["Oost", "Zwolle"])])
def test_report_functions_keep_the_regions(name, regions, bundled_series):
    out = _quiet(lambda: ON_BUNDLED[name](bundled_series, region=regions))
    assert set(out["region"]) == set(regions)


def test_headline_series_of_a_region_is_on_the_monitors_scale(bundled_series):
    h = tp.headline_series(bundled_series, region="Gelderland", levels=["mbo", "hbo", "wo"])
    assert set(h["indicator"]) == {"duo_mbo_participants_benchmarked",
                                   "duo_ho_intake_programme_benchmarked"}
    assert all("benchmarked" in f and "institution_location" in f for f in h["flags"])
    assert h["entrants"].notna().any() and h["entrants_basis"].str.contains("Gelderland/NL").any()


PLOTS: dict[str, Callable[..., object]] = {
    "plot_series": lambda s, **k: tp.plot_series(s, **k),
    "plot_panels": lambda s, **k: tp.plot_panels(s, **k),
    "plot_forecast": lambda s, **k: tp.plot_forecast(s, _quiet(lambda: tp.forecast(
        s, until=2025, **CHEAP)), **k),
    "plot_forecast_panels": lambda s, **k: tp.plot_forecast_panels(s, _quiet(
        lambda: tp.forecast(s, until=2025, **CHEAP)), **k),
    "plot_reachability": lambda s, **k: tp.plot_reachability(_quiet(
        lambda: tp.reachability(s, **CHEAP)), **k),
    "plot_hindcast": lambda s, **k: tp.plot_hindcast(_quiet(lambda: tp.hindcast(
        s, as_of=2018, region=None, **CHEAP)), **k),
    "plot_scenarios": lambda s, **k: tp.plot_scenarios(_quiet(lambda: tp.run_scenarios(
        s, scenarios=FLAT, until=2025, **CHEAP)), data=s, **k),
}


@pytest.mark.parametrize("name", PLOTS)
def test_plot_functions_select_the_region(name):
    one = SYN.loc[(SYN["level"] == "mbo").to_numpy()]
    drawn = PLOTS[name](one, region="Overijssel")
    assert drawn is not None
    with pytest.raises(UnknownNameError, match="did you mean Overijssel"):
        PLOTS[name](one, region="Overijsel")


def test_selected_is_the_frame_itself_without_a_selection():
    assert selected(SYN) is SYN
    with pytest.raises(TpSelectionError):  # the base class of both errors
        selected(SYN, region=["NL", "Noord"])


def _public_functions() -> list[Callable[..., object]]:
    names = [*ON_SERIES, "headline_series", "headline_table", "reachability_combined",
             *PLOTS]
    report = ["own_target_reachability", "count_target_progress", "women_target_progress",
              "women_shares", "share_change_decomposition", "regional_comparison",
              "when_reached"]
    return [getattr(tp, n) for n in names] + [getattr(rp, n) for n in report]


@pytest.mark.parametrize("fn", _public_functions(), ids=lambda f: f.__name__)
def test_every_public_function_on_series_takes_region(fn):
    """The signature test of the issue: a keyword-only ``region`` that takes one name or
    several."""
    p = inspect.signature(fn).parameters.get("region")
    assert p is not None and p.kind is p.KEYWORD_ONLY, fn.__name__
    assert "str" in str(p.annotation) and "Sequence[str]" in str(p.annotation), p.annotation


def test_students_of_a_region_from_the_full_frame(bundled_series):
    """acceleration_table (and run_scenarios) on the whole series frame: a region's headline
    series get their entrants on the monitor's scale, so points turn into students."""
    a = _quiet(lambda: tp.acceleration_table(bundled_series, region="Gelderland", levels="hbo",
                                             starts=[2020], n_paths=200))
    head = a.loc[(a["indicator"] == "duo_ho_intake_programme_benchmarked")
                 & (a["sex"] == "all")].iloc[0]
    assert head["status"] == "ok" and "Gelderland/NL" in head["n_total_projection"]
    # one year of extra growth (2020/21): the extra students are the extra points x entrants
    assert head["extra_students"] == pytest.approx(head["extra_pp_per_year"] / 100
                                                   * head["entrants"])
    basis = a.loc[a["indicator"] == "duo_ho_intake_programme"]  # the DUO basis: own totals
    assert basis["n_total_projection"].str.startswith("the series' own totals").all()


def test_a_target_year_without_targets_and_a_count_target_are_errors(bundled_series,
                                                                      bundled_targets):
    from tpforecast.errors import CountTargetError, TargetYearError

    intake = rp.regional_comparison(bundled_series, levels=["mbo", "hbo"])
    with pytest.raises(TargetYearError, match="2025") as info:  # notebook 05, TARGET_YEAR=2025
        rp.regional_reachability(intake, targets=bundled_targets,
                                 study=FAST.replace(target_year=2025))
    assert 2020 in info.value.known and 2019 in info.value.known
    counts = bundled_targets.loc[bundled_targets["kind"] == "growth_count"]
    with pytest.raises(CountTargetError, match="count_target_progress"):
        tp.reachability(intake, target=counts, **CHEAP)


def test_the_combined_target_of_a_region_from_the_targets(bundled_series):
    c = _quiet(lambda: tp.reachability_combined(bundled_series, region="Overijssel",
                                                target="targets", as_of=None, **CHEAP))
    assert (c["target"] == 0.40).all() and (c["target_year"] == 2020).all()
    assert set(c["target_kind"]) == {"goal"} and c["target_source"].str.contains(
        "De Ondernemer").all()
    with pytest.raises(MissingDataError, match="level all"):  # Drenthe has no such target
        tp.reachability_combined(bundled_series, region="Drenthe", levels=["mbo", "hbo"],
                                 target="targets", **CHEAP)


def test_a_target_year_without_targets_is_an_error_not_the_other_years(bundled_series):
    from tpforecast.errors import TargetYearError

    targets = tp.load_targets()
    sub = tp.headline_series(bundled_series, region="Overijssel", levels=["mbo"])
    for run in (lambda: tp.reachability(sub, target=targets, year=2035, n_paths=50),
                lambda: tp.acceleration_table(sub, target=targets, year=2035, n_paths=50)):
        with pytest.raises(TargetYearError, match="target year 2035; there is: 2016, 2018"):
            run()
    # a year that has targets judges those only: 2019, the national mbo ambition of 30%
    r = tp.reachability(sub, target=targets, year=2019, n_paths=50)
    assert set(r["target_year"].dropna()) == {2019} and set(r["target"].dropna()) == {0.30}
